// The path of one register write (docs/architecture.md): blink's LED toggle,
// `sio.GPIO_OUT_XOR.write(1 << pin)`, on the simulated rpi-pico, read off the call stack at the
// moment rp2040js stores the word. It pins the hops: Register.write straight to the bound HAL
// (no bus-path or width-adapter frame), the HAL to the simulator's bus, the bus to the SIO
// model, the model to rp2040js — each taking the width as the same AccessSize argument.
import { afterEach, expect, test } from 'vitest';
import { RP2040 } from 'rp2040js';
import { simulate } from '../../host-sim/index.js';
import blink from '../../examples/blink/index.js';

const GPIO_OUT_XOR = 0xd000001c;
const original = RP2040.prototype.writeUint32;
afterEach(() => {
  RP2040.prototype.writeUint32 = original;
});

/** The function names on the stack from the app's ledToggle (exclusive) down to rp2040js's writeUint32. */
async function pathOfToggle(): Promise<string[]> {
  let stack: string | undefined;
  RP2040.prototype.writeUint32 = function (address: number, value: number) {
    if (address === GPIO_OUT_XOR && stack === undefined) {
      const limit = Error.stackTraceLimit;
      Error.stackTraceLimit = 50;
      stack = new Error().stack;
      Error.stackTraceLimit = limit;
    }
    return original.call(this, address, value);
  };
  const board = await simulate('rpi-pico', blink);
  await board.uart(0).waitForLine('tick 1: led on', { timeout: '1s' });
  expect(stack, 'the toggle reached rp2040js').toBeDefined();
  const frames = stack!
    .split('\n')
    .slice(2) // "Error", then the stand-in writeUint32 itself
    .map((l) => /at (?:new )?([\w$.<>]+) \(/.exec(l)?.[1] ?? l.trim());
  const app = frames.findIndex((f) => f.endsWith('ledToggle'));
  expect(app, `ledToggle on the stack:\n${frames.join('\n')}`).toBeGreaterThan(0);
  return frames.slice(0, app).reverse();
}

test('blink’s LED toggle reaches rp2040js through Register.write, SimHal.store, Bus.store and the SIO model', async () => {
  expect(await pathOfToggle()).toEqual([
    'Register.write', // checks the value, calls the bound HAL: store(addr, 4, value)
    'SimHal.store', // simulated time, faults, trace; m.bus.store(addr, 4, value)
    'Bus.store', // the RAM fast path misses: routing
    'Bus.routedStore', // device.write(offset, 4, value)
    'Rp2040Sio.write', // the inter-core FIFOs and CPUID; the rest is rp2040js's
    'Rp2040Sio.write', // (Rp2040Window.write, inherited: the RESETS gate, unmodelled registers)
  ]);
});
