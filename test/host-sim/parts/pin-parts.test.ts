// Pin parts on both boards: a button (with bounce) read through GPIO input registers, a
// potentiometer through the ADC, an LED's history under blink; and parts from a board file.
import { describe, expect, it } from 'vitest';
import { createBoard, simulate, BoardError, Button, Led, Potentiometer, type SimBoard } from '../../../host-sim/index.js';
import blink, { PERIOD_US } from '../../../examples/blink/index.js';
import { InvalidArgument } from '../../../src/errors.js';
import pico from '../../../boards/rpi-pico/board.json' with { type: 'json' };

/** The GPIO input register of each board, and how to give a pin its pad pull-up (where modelled). */
const gpioIn: Record<string, (b: SimBoard, pin: number) => number> = {
  'rpi-pico': (b, pin) => (b.hal.load32(0xd0000004) >>> pin) & 1,
  'esp32-devkitc': (b, pin) => (b.hal.load32(0x3ff4403c) >>> pin) & 1,
};

describe.each(['rpi-pico', 'esp32-devkitc'])('pin parts on %s', (name) => {
  const pin = 14;
  // The RP2040 pad has a pull-up to enable; on the ESP32 (no IO_MUX model) the button's external resistor pulls up.
  const pullUp = (b: SimBoard) => name === 'rpi-pico' && b.hal.store32(0x4001c004 + 4 * pin, 0x4a);

  it('a clean button pulls its pin low while pressed', () => {
    const b = createBoard(name);
    pullUp(b);
    const button = b.attach(new Button({ pin, externalPullUp: name !== 'rpi-pico' }));
    expect(gpioIn[name]!(b, pin)).toBe(1);
    button.press();
    expect(button.pressed).toBe(true);
    expect(gpioIn[name]!(b, pin)).toBe(0);
    button.release();
    expect(gpioIn[name]!(b, pin)).toBe(1);
  });

  it('a bouncing button toggles the pin `count` extra times within the bounce time, then settles; the same seed bounces the same way', () => {
    const run = () => {
      const b = createBoard(name);
      pullUp(b);
      const button = b.attach(new Button({ pin, externalPullUp: name !== 'rpi-pico', bounce: { count: 4, ns: 2e6, seed: 7 } }));
      const edges: [boolean, number][] = [];
      b.gpio(pin).onChange((l, t) => edges.push([l, t]));
      const t0 = b.now;
      button.press();
      b.runFor('5ms');
      expect(gpioIn[name]!(b, pin)).toBe(0);
      return edges.map(([l, t]) => [l, t - t0] as const);
    };
    const edges = run();
    expect(edges.length).toBe(5); // closed, then 4 bounces (an even count ends closed)
    expect(edges[0]).toEqual([false, 0]);
    expect(edges.at(-1)![0]).toBe(false);
    for (const [, t] of edges) expect(t).toBeLessThanOrEqual(2e6);
    expect(new Set(edges.map(([, t]) => t)).size).toBeGreaterThan(1);
    expect(run()).toEqual(edges);
  });

  it('an LED records the blink timeline: on and off every 250 ms, lit half the time', async () => {
    const b = await simulate(name, blink);
    const led = b.attach(new Led({ pin: b.spec.led.pin }));
    b.runFor('2s');
    expect(led.history[0]).toEqual({ t: expect.any(Number), on: false });
    expect(led.history.slice(1).map((c) => c.on)).toEqual([true, false, true, false, true, false, true, false]);
    led.history.slice(1).forEach((c, i) => expect(Math.abs(c.t - (i + 1) * PERIOD_US * 1000)).toBeLessThan(5000));
    expect(led.flashes).toBe(4);
    expect(Math.abs(led.litNs(0, 2e9) - 1e9)).toBeLessThan(20_000);
  });

  it('refuses bad options with typed errors, and a second attach of one part', () => {
    const b = createBoard(name);
    expect(() => new Button({ pin: -1 })).toThrow(InvalidArgument);
    expect(() => new Button({ pin: 1, bounce: { count: 1.5 } })).toThrow(InvalidArgument);
    expect(() => new Potentiometer({ pin: 26, position: 2 })).toThrow(InvalidArgument);
    const led = b.attach(new Led({ pin: 2 }));
    expect(() => b.attach(led)).toThrow(InvalidArgument);
    expect(() => b.attach(new Led({ pin: 99 }))).toThrow(InvalidArgument);
    expect(() => new Button({ pin: 3 }).press()).toThrow(/not attached/);
  });
});

describe('potentiometer', () => {
  /** One conversion of ADC input `channel` by registers (RP2040 datasheet 4.9). */
  function convert(b: SimBoard, channel: number): number {
    const h = b.hal;
    h.store32(0x4000c000 + 0x3000, 1); // RESETS: release the ADC
    h.store32(0x4004c000, 1 | (channel << 12) | 4); // CS: EN, AINSEL, START_ONCE
    while (!(h.load32(0x4004c000) & 0x100)); // READY
    return h.load32(0x4004c004);
  }

  it('on an RP2040 ADC pin converts its wiper position of full scale', () => {
    const b = createBoard('rpi-pico');
    const pot = b.attach(new Potentiometer({ pin: 27, position: 0.25 }));
    expect(convert(b, 1)).toBe(1024);
    pot.position = 1;
    expect(convert(b, 1)).toBe(4095);
    pot.position = 0;
    expect(convert(b, 1)).toBe(0);
  });

  it('on an ESP32 ADC1 pin (GPIO36 = channel 0) converts through SENS.SAR_MEAS_START1', () => {
    const b = createBoard('esp32-devkitc');
    const pot = b.attach(new Potentiometer({ pin: 36, position: 0.25 }));
    const SAR_MEAS_START1 = 0x3ff48854;
    const convert = (channel: number) => {
      const h = b.hal;
      const control = ((1 << 31) | (1 << (19 + channel)) | (1 << 18)) >>> 0; // EN_PAD_FORCE, the pad, START_FORCE
      h.store32(SAR_MEAS_START1, control);
      h.store32(SAR_MEAS_START1, (control | (1 << 17)) >>> 0); // MEAS1_START_SAR rises
      let polls = 0;
      while (!(h.load32(SAR_MEAS_START1) & (1 << 16))) polls++; // MEAS1_DONE_SAR
      expect(polls).toBeGreaterThan(0); // the conversion takes time
      return h.load32(SAR_MEAS_START1) & 0xffff;
    };
    expect(convert(0)).toBe(1024);
    pot.position = 1;
    expect(convert(0)).toBe(4095);
    expect(convert(3)).toBe(0); // another channel: nothing attached
  });

  it('on a pin without an ADC input is refused', () => {
    expect(() => createBoard('rpi-pico').attach(new Potentiometer({ pin: 5 }))).toThrow(/has ADC inputs on GPIO 26, 27, 28, 29/);
  });
});

describe('parts in a board file', () => {
  const withParts = (parts: unknown[]) => ({ ...pico, name: 'pico-with-parts', parts });

  it('are attached when the board is built, from their data', () => {
    const b = createBoard(
      withParts([
        { kind: 'led', pin: 15 },
        { kind: 'button', pin: 14, bounce: { count: 2 } },
        { kind: 'potentiometer', pin: 26, position: 0.5 },
      ]),
    );
    expect(b.parts.map((p) => p.kind)).toEqual(['led', 'button', 'potentiometer']);
    const [led, button] = b.parts as [Led, Button];
    b.hal.store32(0x40014000 + 4 + 8 * 15, 5); // GPIO15: SIO
    b.hal.store32(0xd0000024, 1 << 15); // OE
    b.hal.store32(0xd0000014, 1 << 15); // OUT
    expect(led.on).toBe(true);
    button.press();
    b.runFor('2ms');
    expect((b.hal.load32(0xd0000004) >>> 14) & 1).toBe(0);
  });

  it('a bad part entry is a BoardError naming it', () => {
    expect(() => createBoard(withParts([{ kind: 'led', pin: 15 }, { kind: 'flux-capacitor' }]))).toThrow(BoardError);
    expect(() => createBoard(withParts([{ kind: 'potentiometer', pin: 3 }]))).toThrow(/parts\[0\] \(potentiometer\): .*ADC/);
    expect(() => createBoard(withParts([{ pin: 3 }]))).toThrow(/parts\[0\] must be an object with a "kind"/);
  });
});
