// Code that never returns to idle is stopped, in wall time and in simulated time, with a
// message that says what ran and names its last register accesses.
import { describe, expect, it } from 'vitest';
import { createBoard, simulate, SimRunaway, SimTimeout } from '../../host-sim/index.js';
import { InvalidArgument } from '../../src/errors.js';

const GPIO_OUT_XOR = 0xd000001c;

async function failure(run: () => Promise<unknown>): Promise<Error> {
  try {
    await run();
  } catch (e) {
    return e as Error;
  }
  throw new Error('did not fail');
}

describe('the runaway guard', () => {
  it("stops a main that never returns after the wall-time limit, naming the loop's register accesses", async () => {
    const t = performance.now();
    const e = await failure(() =>
      simulate(
        'rpi-pico',
        (hal) => {
          for (;;) hal.store32(GPIO_OUT_XOR, 1 << 25);
        },
        { runaway: '300ms' },
      ),
    );
    const wall = performance.now() - t;
    expect(e).toBeInstanceOf(SimRunaway);
    expect(e.message).toMatch(/^main on core 0 did not return within 300 ms of wall time/);
    expect(e.message).toContain('write SIO.GPIO_OUT_XOR = 0x2000000');
    expect(wall).toBeGreaterThanOrEqual(300);
    expect(wall).toBeLessThan(5000);
  });

  it('stops a handler that never returns, run from idle, and says which', async () => {
    const b = await simulate(
      'esp32-devkitc',
      (hal) => {
        hal.irqSetHandler(14, () => {
          for (;;) hal.store32(0x3ffae000, 1); // a write loop: a read loop would be fast-forwarded to the simulated-time limit
        });
        hal.irqSetEnabled(14, true);
      },
      { runaway: '200ms' },
    );
    b.irq(14).raise();
    const e = await failure(async () => b.runFor('1ms'));
    expect(e).toBeInstanceOf(SimRunaway);
    expect(e.message).toMatch(/the handler of IRQ 14 \(\w+\) on core 0 did not return within 200 ms/);
    expect(e.message).toMatch(/a handler must return/);
  });

  it('a poll that can never end runs into the simulated-time limit at once (no alarm to wait for)', async () => {
    const t = performance.now();
    const e = await failure(() =>
      simulate(
        'rpi-pico',
        (hal) => {
          while (hal.load32(0x20000000) === 0); // nothing will ever write it
        },
        { bootTimeout: '50ms' },
      ),
    );
    expect(e).toBeInstanceOf(SimTimeout);
    expect(e.message).toMatch(/main on core 0 ran to .* without returning to idle.*read 0x20000000|read SRAM/);
    expect(performance.now() - t).toBeLessThan(3000);
  });

  it('takes a positive duration', () => {
    const b = createBoard('rpi-pico');
    expect(() => (b.runaway = 0)).toThrow(InvalidArgument);
    expect(() => (b.runaway = 'soon')).toThrow(InvalidArgument);
    b.runaway = '2s';
    expect(b.machine.runawayMs).toBe(2000);
  });
});
