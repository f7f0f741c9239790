import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { bitflags, Flags, MemProt, MapFlags, InvalidArgument } from '../../src/index.js';
import { runs } from '../support/env.js';

describe('bitflags', () => {
  it('MemProt and MapFlags carry the reference values', () => {
    expect([MemProt.None.bits, MemProt.Read.bits, MemProt.Write.bits, MemProt.Exec.bits]).toEqual([0, 1, 2, 4]);
    expect([MapFlags.Shared, MapFlags.Private, MapFlags.Fixed, MapFlags.Anon, MapFlags.Stack, MapFlags.HugeTlb].map((f) => f.bits)).toEqual([
      0x01, 0x02, 0x10, 0x20, 0x20000, 0x40000,
    ]);
  });
  it('or/and/contains/has/without', () => {
    const rw = MemProt.Read.or(MemProt.Write);
    expect(rw).toBeInstanceOf(Flags);
    expect(rw.bits).toBe(3);
    expect(rw.contains(MemProt.Read)).toBe(true);
    expect(rw.contains(MemProt.Exec)).toBe(false);
    expect(rw.has('Write')).toBe(true);
    expect(rw.has('None')).toBe(false);
    expect(MemProt.None.has('None')).toBe(true);
    expect(rw.and(MemProt.Write).equals(MemProt.Write)).toBe(true);
    expect(rw.without(MemProt.Read).equals(MemProt.Write)).toBe(true);
    expect(MemProt.of('Read', 'Exec').bits).toBe(5);
  });
  it('has a readable toString', () => {
    expect(String(MemProt.Read.or(MemProt.Exec))).toBe('MemProt(Read | Exec)');
    expect(String(MemProt.None)).toBe('MemProt(None)');
    expect(String(MapFlags.from(0))).toBe('MapFlags(0)');
    expect(MapFlags.Private.or(MapFlags.Anon).names()).toEqual(['Private', 'Anon']);
  });
  it('refuses undefined bits, unknown names and mixing types', () => {
    expect(() => MemProt.from(8)).toThrow(InvalidArgument);
    expect(() => MemProt.from(-1)).toThrow(/only 0x7 are defined/);
    expect(() => MemProt.of('Bogus' as 'Read')).toThrow(/known flags/);
    expect(() => MemProt.Read.or(MapFlags.Shared as never)).toThrow(/cannot combine/);
    expect(() => bitflags('Bad', { a: 1.5 })).toThrow(InvalidArgument);
    expect(() => bitflags('Bad', { from: 1 })).toThrow(/collides/);
  });
  it('behaves as a boolean algebra over the defined bits', () => {
    const flags = fc.integer({ min: 0, max: 7 }).map((b) => MemProt.from(b));
    fc.assert(
      fc.property(flags, flags, (a, b) => {
        const u = a.or(b);
        return u.contains(a) && u.contains(b) && a.and(b).bits === (a.bits & b.bits) && a.or(a).equals(a) && u.without(b).and(b).isEmpty();
      }),
      runs(),
    );
  });
});
