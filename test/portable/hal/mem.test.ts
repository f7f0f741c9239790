import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { BusFault, InvalidArgument } from '../../../src/index.js';
import { MemHal, Deadlock } from '../../support/mem-hal.js';
import { Halted } from '../../../src/hal.js';
import { runs } from '../../support/env.js';
import { caught } from '../../support/caught.js';

const mk = (trace = false) =>
  new MemHal({
    regions: [
      { name: 'ram', base: 0x20000000, size: 0x40 },
      { name: 'periph', base: 0x40000000, size: 0x100, atomicAliases: true },
      { name: 'flash', base: 0x10000000, size: 0x10, readOnly: true },
    ],
    trace,
  });

const fault = (fn: () => unknown) => caught(fn, BusFault);

describe('test/support/mem-hal: the in-memory HAL', () => {
  it('behaves as little-endian RAM for every width', () => {
    const h = mk();
    fc.assert(
      fc.property(fc.nat({ max: 0x3c / 4 }), fc.nat({ max: 0xffffffff }), (i, v) => {
        const a = 0x20000000 + i * 4;
        h.store32(a, v);
        expect(h.load32(a)).toBe(v);
        expect(h.load16(a)).toBe(v & 0xffff);
        expect(h.load16(a + 2)).toBe(v >>> 16);
        expect(h.load8(a + 3)).toBe(v >>> 24);
        h.store8(a + 1, 0xab);
        expect(h.load32(a)).toBe(((v & ~0xff00) | 0xab00) >>> 0);
      }),
      runs(),
    );
  });

  it('unmapped, misaligned, straddling, read-only and too-wide accesses are BusFaults naming address and size', () => {
    const h = mk();
    let f = fault(() => h.load32(0x30000000));
    expect([f.address, f.size, f.access, f.reason]).toEqual([0x30000000, 4, 'read', 'unmapped']);
    expect(f.message).toBe('bus fault: 32-bit read at 0x30000000: no region is mapped there');
    f = fault(() => h.store16(0x20000001, 1));
    expect([f.access, f.reason]).toEqual(['write', 'misaligned']);
    fault(() => h.load32(0x20000040));
    fault(() => h.load8(0x1fffffff));
    expect(fault(() => h.store8(0x10000000, 1)).reason).toBe('read-only');
    expect(h.load8(0x10000000)).toBe(0);
    expect(fault(() => h.store8(0x20000000, 256)).message).toMatch(/does not fit 8 bits/);
    fault(() => h.store32(0x20000000, -1));
    fault(() => h.load32(2 ** 32));
  });

  it('atomic aliases XOR/SET/CLR the word at +0x1000/+0x2000/+0x3000 and read it back there', () => {
    const h = mk(true);
    h.store32(0x40000010, 0xf0f0);
    h.store32(0x40001010, 0xff);
    expect(h.peek32(0x40000010)).toBe(0xf00f);
    h.store32(0x40002010, 0x1);
    expect(h.peek32(0x40000010)).toBe(0xf00f);
    h.store32(0x40003010, 0xf000);
    expect(h.peek32(0x40000010)).toBe(0x000f);
    expect(h.load32(0x40003010)).toBe(0x000f);
    expect(fault(() => h.store8(0x40002010, 1)).message).toMatch(/32-bit stores only/);
    fault(() => h.load32(0x40004000));
    expect(h.accesses.map((a) => a.op)).toEqual(['write', 'write', 'write', 'write', 'read']);
  });

  it('devices give a word its hardware behaviour', () => {
    const h = mk();
    let reads = 0;
    h.device(0x20000000, { load: (v) => v + reads++, store: (v, old) => old & ~v });
    h.poke32(0x20000000, 0b1111);
    h.store32(0x20000000, 0b0101);
    expect(h.load32(0x20000000)).toBe(0b1010);
    expect(h.load32(0x20000000)).toBe(0b1011);
    h.device(0x20000000, undefined);
    expect(h.load32(0x20000000)).toBe(0b1010);
  });

  it('spinlocks: one owner at a time, any core may release (as in hardware)', () => {
    const h = mk();
    expect(h.spinlockTryClaim(5)).toBe(true);
    expect(h.onCore(1, () => h.spinlockTryClaim(5))).toBe(false);
    expect(h.spinlockTryClaim(5)).toBe(false);
    expect(h.spinlockOwner(5)).toBe(0);
    h.onCore(1, () => h.spinlockRelease(5));
    expect(h.onCore(1, () => h.spinlockTryClaim(5))).toBe(true);
    expect(h.spinlockOwner(5)).toBe(1);
    expect(() => h.spinlockTryClaim(32)).toThrow(InvalidArgument);
  });

  it('interrupt masks are per core; pending IRQs are delivered on unmask, lowest number first', () => {
    const h = mk();
    const seen: string[] = [];
    for (const irq of [4, 1]) {
      h.irqSetHandler(irq, (n) => seen.push(`${n}@${h.coreId()}`));
      h.irqSetEnabled(irq, true);
    }
    const s = h.interruptsSave();
    expect(s).toBe(0);
    expect(h.isMasked(0)).toBe(true);
    expect(h.isMasked(1)).toBe(false);
    h.raise(4);
    h.raise(1);
    expect(seen).toEqual([]);
    h.interruptsRestore(s);
    expect(seen).toEqual(['1@0', '4@0']);
    expect(() => h.interruptsRestore(7)).toThrow(InvalidArgument);
    expect(() => h.raise(32)).toThrow(InvalidArgument);
    expect(() => h.raise(1, 2)).toThrow(InvalidArgument);
  });

  it('a handler is not pre-empted by another IRQ of its core: that one runs after it', () => {
    const h = mk();
    const seen: string[] = [];
    h.irqSetHandler(2, () => {
      seen.push('2 start');
      h.raise(1);
      seen.push('2 end');
    });
    h.irqSetHandler(1, () => seen.push('1'));
    h.irqSetEnabled(1, true);
    h.irqSetEnabled(2, true);
    h.raise(2);
    expect(seen).toEqual(['2 start', '2 end', '1']);
  });

  it('waitForEvent runs onWait, or reports a Deadlock; halt throws Halted; time and console are plain state', () => {
    const h = mk();
    expect(() => h.waitForEvent()).toThrow(Deadlock);
    let called = 0;
    h.onWait = () => void called++;
    h.waitForEvent();
    expect([called, h.waits]).toEqual([1, 2]);
    expect(() => h.halt('panic')).toThrow(Halted);
    h.timeNs = 5;
    expect(h.nowNs()).toBe(5);
    h.debugWrite('hi');
    expect(h.console).toBe('hi');
  });

  it('rejects overlapping or invalid regions', () => {
    expect(
      () =>
        new MemHal({
          regions: [
            { name: 'a', base: 0, size: 0x10 },
            { name: 'b', base: 8, size: 0x10 },
          ],
        }),
    ).toThrow(/overlaps/);
    expect(() => new MemHal({ regions: [{ name: 'a', base: 0x40000000, size: 0x2000, atomicAliases: true }] })).toThrow(InvalidArgument);
    expect(() => new MemHal({ regions: [], cores: 0 })).toThrow(InvalidArgument);
  });
});
