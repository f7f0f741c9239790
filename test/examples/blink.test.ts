// examples/blink on both boards: the console text and the LED timeline.
import { describe, expect, it } from 'vitest';
import { simulate } from '../../host-sim/index.js';
import blink, { PERIOD_US } from '../../examples/blink/index.js';

describe.each(['rpi-pico', 'esp32-devkitc'])('blink on %s', (name) => {
  it('toggles the LED every 250 ms from the timer interrupt and reports each toggle on the console', async () => {
    const board = await simulate(name, blink);
    const timeline: [boolean, number][] = [];
    board.led.onChange((level, t) => timeline.push([level, t]));
    expect(board.led.isOutput).toBe(true);
    expect(board.led.level).toBe(false);
    board.runFor('2s');

    expect(timeline.map(([l]) => l)).toEqual([true, false, true, false, true, false, true, false]);
    timeline.forEach(([, t], i) => {
      // Each toggle lands within a few microseconds of k * 250 ms (interrupt latency;
      // rp2040js arms alarms on whole microseconds).
      expect(Math.abs(t - (i + 1) * PERIOD_US * 1000)).toBeLessThan(5_000);
    });
    board.runFor('10ms'); // the ESP32 UART is still shifting out the last line at 115200 baud
    const lines = board.console.lines;
    expect(lines[0]).toBe(`blink ready on ${name}: LED on GPIO${board.spec.led.pin}, toggling every 250 ms`);
    expect(lines.slice(1)).toEqual(Array.from({ length: 8 }, (_, i) => `tick ${i + 1}: led ${i % 2 === 0 ? 'on' : 'off'}`));
    // The LED really is driven through the timer IRQ: every toggle sits inside a handler.
    const enters = board.trace.entries().filter((e) => e.op === 'irq-enter');
    expect(enters.length).toBeGreaterThan(0);
    expect(new Set(enters.map((e) => e.addr))).toEqual(new Set([name === 'rpi-pico' ? 0 : 14]));
  });

  it('stops toggling when its timer IRQ is disabled', async () => {
    const board = await simulate(name, blink);
    board.runFor('300ms');
    expect(board.led.level).toBe(true);
    board.hal.irqSetEnabled(name === 'rpi-pico' ? 0 : 14, false);
    board.runFor('1s');
    expect(board.led.level).toBe(true);
    expect(board.console.lines).toHaveLength(2);
  });
});
