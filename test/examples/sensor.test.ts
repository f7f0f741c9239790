// examples/sensor: the reference's packed sample (laws), and the app on rpi-pico.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Sample, packSample, unpackSample } from '../../examples/sensor/sample.js';
import sensor from '../../examples/sensor/index.js';
import { simulate } from '../../host-sim/index.js';
import { InvalidArgument } from '../../src/errors.js';
import { runs } from '../support/env.js';

describe('packed sensor sample', () => {
  it('packs a 4-bit channel | 12-bit value into 16 bits', () => {
    expect(packSample(0x3, 0xabc)).toBe(0xabc3);
    expect(unpackSample(0xabc3)).toEqual([0x3, 0xabc]);
  });
  it('law: unpack(pack(c, v)) = (c, v), and the packed type has the same bits and bytes', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 15 }), fc.integer({ min: 0, max: 4095 }), (c, v) => {
        const raw = packSample(c, v);
        expect(raw).toBeLessThan(1 << 16);
        expect(unpackSample(raw)).toEqual([c, v]);
        const s = Sample.create({ channel: c, value: v });
        expect(s.toBits()).toBe(raw);
        expect([...s.asBytes()]).toEqual([raw & 0xff, raw >> 8]);
        expect(Sample.fromBits(raw).value).toBe(v);
      }),
      runs(1000, 2000),
    );
  });
});

describe('sensor app on rpi-pico', () => {
  it('samples the ADC channels every 100 ms and prints them from its ring, writing no SRAM it does not own', async () => {
    const board = await simulate('rpi-pico', sensor);
    [100, 2000, 4095, 7].forEach((v, ch) => board.setAnalog(ch, v));
    await board.console.waitForLine('sensor ready');
    expect(await board.console.waitForLine(/^sample/, { timeout: '150ms' })).toBe('sample ch0=100 ch1=2000 ch2=4095 ch3=7');
    board.setAnalog(2, 1234);
    expect(await board.console.waitForLine(/^sample/, { timeout: '150ms' })).toBe('sample ch0=100 ch1=2000 ch2=1234 ch3=7');
    // 0x20010000 is inside Moddable's malloc heap on a Pico: the app wrote its ring there once.
    expect([0, 1, 2, 3, 4, 5, 6, 7].map((i) => board.hal.load16(0x20010000 + 2 * i))).toEqual([0, 0, 0, 0, 0, 0, 0, 0]);
  });
  it("refuses a board other than the RP2040 (its ADC registers are the RP2040's)", async () => {
    await expect(simulate('esp32-devkitc', sensor)).rejects.toBeInstanceOf(InvalidArgument);
    const b = await simulate('esp32-devkitc');
    expect(() => b.setAnalog(8, 1)).toThrow(/must be an integer in 0\.\.7/); // ESP32 SAR ADC1: 8 channels
  });
});
