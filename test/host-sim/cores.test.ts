// Two cores on the simulator: core 1's program runs in a worker thread, interleaved
// with core 0 one HAL call at a time. Contending for a critical section (mask +
// spinlock), they never overlap; without the spinlock they do (the test can fail).
import { afterEach, describe, expect, it } from 'vitest';
import { simulate, type SimBoard } from '../../host-sim/index.js';
import { SimStateError } from '../../host-sim/errors.js';
import { COUNTER, OVERLAPS, contend, type ContendOptions } from './fixtures/contend.js';

const program = new URL('./fixtures/contend.ts', import.meta.url);
const boards: SimBoard[] = [];
afterEach(() => boards.splice(0).forEach((b) => b.dispose()));

async function race(name: string, lock: boolean) {
  const ram = name === 'rpi-pico' ? 0x20000000 : 0x3ffae000;
  const o: ContendOptions = { ram, rounds: 200, lock };
  const board = await simulate(name, (hal) => contend(hal, o), { core1: { program, export: 'contend', arg: o } });
  boards.push(board);
  board.runFor('10ms'); // core 1 finishes alone after core 0's main returned
  expect(board.coreRunning(1)).toBe(false);
  return { counter: board.hal.load32(ram + COUNTER), overlaps: board.hal.load32(ram + OVERLAPS), board };
}

describe.each(['rpi-pico', 'esp32-devkitc'])('two cores on %s', (name) => {
  it('contending for a critical section never overlap, and no increment is lost', async () => {
    const { counter, overlaps, board } = await race(name, true);
    expect(overlaps).toBe(0);
    expect(counter).toBe(400);
    // Both cores really ran interleaved: accesses of core 1 sit between those of core 0.
    const cores = board.trace.entries().map((e) => e.core);
    expect(new Set(cores)).toEqual(new Set([0, 1]));
  });

  it('without the spinlock they do overlap and lose increments (interrupt masking is per core)', async () => {
    const { counter, overlaps } = await race(name, false);
    expect(overlaps).toBeGreaterThan(0);
    expect(counter).toBeLessThan(400);
  });
});

describe('core programs', () => {
  it('are deterministic: the same run gives the same trace', async () => {
    const run = async () => {
      const o: ContendOptions = { ram: 0x20000000, rounds: 30, lock: true };
      const b = await simulate('rpi-pico', (hal) => contend(hal, o), { core1: { program, export: 'contend', arg: o } });
      boards.push(b);
      b.runFor('1ms');
      return b.trace.dump();
    };
    expect(await run()).toBe(await run());
  });

  it('a fault on core 1 surfaces as a typed error from the run', async () => {
    const b = await simulate('rpi-pico', undefined, { core1: { program, export: 'contend', arg: { ram: 0x30000000, rounds: 1, lock: true } } });
    boards.push(b);
    expect(() => b.runFor('1ms')).toThrow(/bus fault: 32-bit read at 0x30001004: no memory/);
  });

  it('a missing export is reported, not hung on', async () => {
    const b = await simulate('rpi-pico', undefined, { core1: { program, export: 'nope' } });
    boards.push(b);
    expect(() => b.runFor('1ms')).toThrow(SimStateError);
  });
});
