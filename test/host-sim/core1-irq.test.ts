// Core 1 registers IRQ handlers: the machine delivers its lines to it, running the handler in
// the worker nested in the call it waits on (or from idle, after its program returned).
import { afterEach, describe, expect, it } from 'vitest';
import { simulate, type SimBoard } from '../../host-sim/index.js';

const program = new URL('./fixtures/core1-irq.ts', import.meta.url);
const FIFO_ST = 0xd0000050,
  FIFO_WR = 0xd0000054,
  FIFO_RD = 0xd0000058;
const boards: SimBoard[] = [];
afterEach(() => boards.splice(0).forEach((b) => b.dispose()));

async function board(exportName: string): Promise<SimBoard> {
  const b = await simulate('rpi-pico', undefined, { core1: { program, export: exportName } });
  boards.push(b);
  b.runFor('10us'); // core 1 sets its handler up
  return b;
}

describe('IRQ handlers on core 1', () => {
  it('an idle core 1 answers the FIFO from its SIO_IRQ_PROC1 handler', async () => {
    const b = await board('echo');
    expect(b.coreRunning(1)).toBe(false); // its main returned: it idles, as in WFI
    expect(b.machine.irq.routeOf(16)).toBe(1);
    b.hal.store32(FIFO_WR, 41);
    b.hal.store32(FIFO_WR, 99);
    b.runFor('10us');
    expect(b.hal.load32(FIFO_ST) & 1).toBe(1);
    expect([b.hal.load32(FIFO_RD), b.hal.load32(FIFO_RD)]).toEqual([42, 100]);
    const irqs = b.trace.entries().filter((e) => e.op === 'irq-enter');
    expect(irqs.map((e) => [e.core, e.addr])).toEqual([
      [1, 16],
      [1, 16],
    ]); // one per word: the idle core takes each at once
  });

  it('a handler preempts core 1 program code between two HAL calls', async () => {
    const b = await board('spin');
    expect(b.coreRunning(1)).toBe(true);
    b.hal.store32(FIFO_WR, 21);
    b.runFor('10us');
    expect(b.coreRunning(1)).toBe(false);
    expect(b.hal.load32(FIFO_RD)).toBe(42);
  });

  it('an error thrown by a core 1 handler comes out of the HAL call at which it was delivered', async () => {
    const b = await board('throws');
    expect(() => b.hal.store32(FIFO_WR, 1)).toThrow(/core 1 handler failed/);
  });
});
