// An example driver test with the simulator's test API (`vllsi/host-sim`). In your
// own project: import { simulate } from 'vllsi/host-sim'.
import { expect, test } from 'vitest';
import { simulate, SimTimeout } from '../../host-sim/index.js';
import blink from './index.js';

test('blink says it is ready, then the LED follows the timer', async () => {
  const board = await simulate('rpi-pico', blink);

  // Wait on the console in simulated time: returns at once in wall-clock terms.
  await board.uart(0).waitForLine(/ready/, { timeout: '1s' });
  expect(board.gpio(25).level).toBe(false);

  await board.uart(0).waitForLine('tick 1: led on', { timeout: '300ms' });
  expect(board.gpio(25).level).toBe(true);
  expect(board.now).toBeGreaterThanOrEqual(249_990_000); // ns

  board.runFor('250ms');
  expect(board.gpio(25).level).toBe(false);

  // An input from outside, an interrupt raised by the test, and the access trace.
  board.gpio(4).drive(true);
  expect(board.gpio(4).level).toBe(true);
  board.irq('TIMER_IRQ_0').raise(); // an extra tick: the handler toggles the LED
  board.runFor('1us');
  expect(board.gpio(25).level).toBe(true);
  const sioWrites = board.trace.at(0xd0000000, 0xd0001000).filter((e) => e.op === 'write');
  expect(sioWrites.length).toBeGreaterThan(0);
  expect(JSON.parse(board.trace.dump()).length).toBe(board.trace.length);

  // A line that never comes: a typed timeout after 100 ms of simulated time.
  await expect(board.uart(0).waitForLine(/never/, { timeout: '100ms' })).rejects.toBeInstanceOf(SimTimeout);
});
