// Simulated time: nanoseconds, deterministic, independent of the wall clock.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { SimClock, formatNs, parseDuration } from '../../host-sim/time.js';
import { simulate } from '../../host-sim/index.js';
import blink from '../../examples/blink/index.js';
import { InvalidArgument } from '../../src/errors.js';
import { runs } from '../support/env.js';

describe('parseDuration', () => {
  it('reads units into nanoseconds', () => {
    expect(parseDuration('10ms')).toBe(10e6);
    expect(parseDuration('1.5s')).toBe(1.5e9);
    expect(parseDuration('250us')).toBe(250e3);
    expect(parseDuration('7ns')).toBe(7);
    expect(parseDuration(42)).toBe(42);
  });
  it.each(['', '10', 'ms', '-1s', '1 parsec', '1e3ms'])('rejects %j', (bad) => {
    expect(() => parseDuration(bad)).toThrow(InvalidArgument);
  });
  it('rejects negative and non-finite numbers', () => {
    expect(() => parseDuration(-1)).toThrow(InvalidArgument);
    expect(() => parseDuration(Infinity)).toThrow(InvalidArgument);
  });
  it('formats timestamps', () => {
    expect(formatNs(1_250_000_001)).toBe('1.250000001 s');
    // A paced run's clock is fractional: the digits used to run on ('10.3496330.777776718 s').
    expect(formatNs(10_349_633_000.777776718)).toBe('10.349633001 s');
    expect(formatNs(-1.5e9)).toBe('-1.500000000 s');
    expect(formatNs(2 ** 60)).toBe('1152921504.606846976 s');
  });
  it('law: any finite number formats as seconds with nine digits that read back as its rounded nanoseconds', () => {
    fc.assert(
      fc.property(fc.oneof(fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e18, max: 1e18 }), fc.maxSafeInteger(), fc.integer()), (ns) => {
        const text = formatNs(ns);
        const m = /^(-?)(\d+)\.(\d{9}) s$/.exec(text);
        expect(m, text).not.toBeNull();
        const back = BigInt(m![2]!) * 1_000_000_000n + BigInt(m![3]!);
        expect(m![1] === '-' ? -back : back).toBe(BigInt(Math.round(ns)));
      }),
    );
  });
});

describe('SimClock', () => {
  it('law: alarms fire in due order (ties in scheduling order), each at its due time', () => {
    fc.assert(
      fc.property(fc.array(fc.nat(1000), { minLength: 1, maxLength: 30 }), (dues) => {
        const clock = new SimClock();
        const fired: [number, number][] = [];
        dues.forEach((d, i) => clock.createAlarm(() => fired.push([i, clock.nanos])).schedule(d));
        clock.advanceTo(1000);
        const expected = dues.map((d, i) => [i, d] as [number, number]).sort((a, b) => a[1] - b[1] || a[0] - b[0]);
        expect(fired).toEqual(expected);
        expect(clock.nanos).toBe(1000);
      }),
      runs(300, 1000),
    );
  });
  it('cancelled and rescheduled alarms fire once, at the new time', () => {
    const clock = new SimClock();
    const fired: number[] = [];
    const a = clock.createAlarm(() => fired.push(clock.nanos));
    a.schedule(100);
    a.schedule(300);
    const b = clock.createAlarm(() => fired.push(-1));
    b.schedule(50);
    b.cancel();
    clock.advanceTo(1000);
    expect(fired).toEqual([300]);
  });
});

describe('board time', () => {
  it('does not depend on the wall clock: two runs give identical traces and timestamps', async () => {
    const run = async () => {
      const b = await simulate('esp32-devkitc', blink);
      const leds: number[] = [];
      b.led.onChange((_l, t) => leds.push(t));
      b.runFor('600ms');
      return { trace: b.trace.dump(), leds, now: b.now, out: b.console.output };
    };
    const first = await run();
    const t0 = Date.now();
    while (Date.now() - t0 < 20); // let the wall clock move
    expect(await run()).toEqual(first);
    expect(first.now).toBeGreaterThanOrEqual(600e6);
    expect(first.leds).toHaveLength(2);
  });
  it('each HAL call costs the board access time', async () => {
    const b = await simulate('rpi-pico');
    const t = b.now;
    b.hal.load32(0x20000000);
    b.hal.dmb();
    expect(b.now - t).toBe(2 * b.spec.accessNs);
  });
});
