// src/interrupt.ts's critical sections on the simulated dual-core boards: the same
// code on core 0 and core 1 (interleaved one HAL call at a time) never overlaps, and
// an IRQ raised inside a section waits for its end.
import { afterEach, describe, expect, it } from 'vitest';
import { simulate, type SimBoard } from '../../host-sim/index.js';
import { enableIrq, setInterruptHandler, withCriticalSection } from '../../src/interrupt.js';
import { COUNTER, OVERLAPS, contendCs } from './fixtures/critical.js';

const program = new URL('./fixtures/critical.ts', import.meta.url);
const boards: SimBoard[] = [];
afterEach(() => boards.splice(0).forEach((b) => b.dispose()));

describe.each([
  ['rpi-pico', 0x20000000],
  ['esp32-devkitc', 0x3ffae000],
])('withCriticalSection on both cores of %s', (name, ram) => {
  it('excludes the other core: no overlap, no lost increment', async () => {
    const o = { ram, rounds: 150 };
    const board = await simulate(name, (hal) => contendCs(hal, o), { core1: { program, export: 'contendCs', arg: o } });
    boards.push(board);
    board.runFor('20ms');
    expect(board.coreRunning(1)).toBe(false);
    expect(board.hal.load32(ram + OVERLAPS)).toBe(0);
    expect(board.hal.load32(ram + COUNTER)).toBe(300);
    // The spinlock really was contended: some claims of the last lock failed.
    const lockReads = board.trace.entries().filter((e) => e.op === 'read' && e.addr === 0xd000017c);
    if (name === 'rpi-pico') expect(lockReads.some((e) => e.value === 0)).toBe(true);
  });
});

describe('IRQs and critical sections', () => {
  it('an IRQ raised inside withCriticalSection is delivered when it ends', async () => {
    const board = await simulate('esp32-devkitc');
    const log: string[] = [];
    setInterruptHandler(15, () => log.push('irq'));
    enableIrq(15);
    withCriticalSection(() => {
      board.irq(15).raise();
      board.hal.load32(0x3ffae000);
      log.push('inside');
    });
    log.push('after');
    expect(log).toEqual(['inside', 'irq', 'after']);
  });
});
