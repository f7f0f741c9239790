// The register map module (src/register_map.ts) and the one access rule it shares with mmio:
// lookups that are unambiguous, a map that reads back whatever the order of its peripherals,
// and refusals of maps that are not this format.
import { describe, it, expect } from 'vitest';
import { locate, unpackMap, RegisterMapError, REGMAP_FORMAT, type DeviceMap } from '../../src/register_map.js';
import { isReadable, isWritable, type PeripheralDef } from '../../src/register_def.js';
import { peripheral, bindHal, unbindHal } from '../../src/index.js';
import { MemHal } from '../support/mem-hal.js';

const reg = (name: string, addressOffset: number) => ({
  name,
  addressOffset,
  size: 32 as const,
  access: 'read-write' as const,
  resetValue: 0,
  resetMask: 0xffffffff,
  fields: [],
});

describe('register maps', () => {
  it('a name spelled exactly wins; one that matches two ignoring case is an error, not a guess', () => {
    const map: DeviceMap = {
      format: REGMAP_FORMAT,
      device: 'D',
      peripherals: [{ name: 'P', baseAddress: 0x1000, registers: [reg('mtime', 0), reg('MTIME', 4), reg('CTRL', 8)] }],
    };
    expect(locate(map, 'P.mtime').address).toBe(0x1000);
    expect(locate(map, 'P.MTIME').address).toBe(0x1004);
    expect(locate(map, 'p.ctrl').address).toBe(0x1008);
    expect(() => locate(map, 'P.Mtime')).toThrow(/register "Mtime" is ambiguous in P: mtime, MTIME/);
    expect(() => locate(map, 'P.Mtime')).toThrow(RegisterMapError);
  });

  it('derived peripherals read back whatever the order; a cycle or a missing base is refused', () => {
    const packed = (peripherals: unknown[]) => ({ format: REGMAP_FORMAT, device: 'D', peripherals });
    const m = unpackMap(
      packed([
        { name: 'B', baseAddress: 0x2000, derivedFrom: 'C' },
        { name: 'C', baseAddress: 0x3000, derivedFrom: 'A' },
        { name: 'A', baseAddress: 0x1000, registers: [{ name: 'R', addressOffset: 4 }] },
      ]),
    );
    expect(locate(m, 'B.R').address).toBe(0x2004);
    expect(m.peripherals[0]!.registers).toBe(m.peripherals[2]!.registers);
    expect(() =>
      unpackMap(
        packed([
          { name: 'B', baseAddress: 0, derivedFrom: 'C' },
          { name: 'C', baseAddress: 0, derivedFrom: 'B' },
        ]),
      ),
    ).toThrow(/peripheral "C" derives from "B", which derives from it in turn/);
    expect(() => unpackMap(packed([{ name: 'B', baseAddress: 0, derivedFrom: 'NONE' }]))).toThrow(/which the map does not have/);
  });

  it('a map in the old vocabulary (vllsi-regmap/1) is refused with a message saying what to do', () => {
    expect(() => unpackMap({ format: 'vllsi-regmap/1', device: 'D', peripherals: [] })).toThrow(/vllsi-regmap\/1.*vllsi svd import/);
  });
});

describe('one access rule for maps and mmio', () => {
  it('writeOnce is write-only (once), read-writeOnce readable, as CMSIS-SVD defines them', () => {
    expect([isReadable('writeOnce'), isWritable('writeOnce')]).toEqual([false, true]);
    expect([isReadable('read-writeOnce'), isWritable('read-writeOnce')]).toEqual([true, true]);
  });

  it('mmio refuses to read a writeOnce register, as the console does', () => {
    const DEV = {
      name: 'DEV',
      baseAddress: 0x40000000,
      registers: { KEY: { addressOffset: 0, access: 'writeOnce' }, LOCK: { addressOffset: 4, access: 'read-writeOnce' } },
    } as const satisfies PeripheralDef;
    const hal = new MemHal({ regions: [{ name: 'DEV', base: 0x40000000, size: 0x10 }] });
    const previous = bindHal(hal);
    try {
      const dev = peripheral(DEV);
      expect(() => dev.KEY.read()).toThrow(expect.objectContaining({ kind: 'RegisterAccessError' }));
      dev.KEY.write(0x5a);
      expect(hal.load32(0x40000000)).toBe(0x5a);
      expect(dev.LOCK.read()).toBe(0);
    } finally {
      if (previous) bindHal(previous);
      else unbindHal();
    }
  });
});
