import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import {
  defineBitfield,
  bits,
  padding,
  Bool,
  UInt8,
  UInt16,
  UInt32,
  UInt64,
  enumElement,
  verifyByteAlignment,
  verifyFieldWidth,
  verifyEnumFits,
  BitfieldDefinitionError,
  extractBits,
} from '../../src/index.js';
import { runs } from '../support/env.js';

const TcpFlags = defineBitfield(
  'TcpFlags',
  {
    fin: bits(1, Bool),
    syn: bits(1, Bool),
    rst: bits(1, Bool),
    psh: bits(1, Bool),
    ack: bits(1, Bool),
    urg: bits(1, Bool),
    reserved: bits(2, UInt8),
  },
  { endian: 'little' },
);

describe('packed bitfield types: the reference TcpFlags', () => {
  it('create from zero with two flags set', () => {
    const flags = TcpFlags.create({ fin: true, syn: true });
    expect(flags.fin).toBe(true);
    expect(flags.syn).toBe(true);
    expect(flags.rst).toBe(false);
    expect(flags.toBits()).toBe(0b11);
    expect(TcpFlags.SIZE_BITS).toBe(8);
    expect(TcpFlags.SIZE_BYTES).toBe(1);
  });
  it('fields are placed from bit 0 in declaration order', () => {
    const f = TcpFlags.zero();
    f.ack = true;
    f.reserved = 3;
    expect(f.toBits()).toBe(0b1101_0000);
    expect(Array.from(f.asBytes())).toEqual([0xd0]);
    expect(f.toJSON()).toEqual({ fin: false, syn: false, rst: false, psh: false, ack: true, urg: false, reserved: 3 });
  });
  it('asBytes is live (as_bytes_mut) and fromBits/toBits round-trip every value', () => {
    const f = TcpFlags.zero();
    f.asBytes()[0] = 0x21;
    expect(f.fin).toBe(true);
    expect(f.urg).toBe(true);
    for (let v = 0; v < 256; v++) expect(TcpFlags.fromBits(v).toBits()).toBe(v);
  });
  it('a value wider than its field is a typed error, and nothing changes', () => {
    const f = TcpFlags.create({ reserved: 1 });
    expect(() => (f.reserved = 4)).toThrow(BitfieldDefinitionError);
    expect(() => (f.fin = 1 as unknown as boolean)).toThrow(/takes a Bool/);
    expect(f.reserved).toBe(1);
    expect(() => TcpFlags.create({ reserved: -1 })).toThrow(/takes a UInt8/);
    expect(() => TcpFlags.create({ nope: 1 } as never)).toThrow(/has no field "nope"/);
    expect(() => TcpFlags.fromBits(256)).toThrow(/unsigned 8-bit/);
  });
});

describe('packed bitfield types: definition-time checks', () => {
  it('total bits must be whole bytes unless padded', () => {
    expect(() => defineBitfield('Odd', { a: bits(3, UInt8) })).toThrow(/add padding\(5\)/);
    const Padded = defineBitfield('Padded', { a: bits(3, UInt8), _pad: padding(5) });
    expect(Padded.SIZE_BYTES).toBe(1);
    expect(Padded.create({ a: 5 }).toBits()).toBe(5);
    expect(Object.keys(Padded.zero().toJSON())).toEqual(['a']);
  });
  it('a field wider than its element type is refused', () => {
    expect(() => defineBitfield('Wide', { a: bits(9, UInt8), p: padding(7) })).toThrow(/wider than its UInt8/);
    expect(() => defineBitfield('Zero', { a: bits(0, UInt8) })).toThrow(BitfieldDefinitionError);
    expect(() => defineBitfield('Reserved', { toBits: bits(8, UInt8) })).toThrow(/reserved/);
    expect(() => defineBitfield('Empty', {})).toThrow(/no fields/);
  });
  it('verification helpers', () => {
    expect(verifyByteAlignment(16)).toBe(true);
    expect(verifyByteAlignment(12)).toBe(false);
    expect(verifyFieldWidth(8, 8)).toBe(true);
    expect(verifyFieldWidth(9, 8)).toBe(false);
    expect(verifyEnumFits(3, 2)).toBe(true);
    expect(verifyEnumFits(4, 2)).toBe(false);
  });
  it('enumerated fields read as names, unknown bits as numbers', () => {
    const Mode = enumElement('Mode', { Idle: 0, Run: 1, Sleep: 2 });
    expect(Mode.BIT_WIDTH).toBe(2);
    const Ctl = defineBitfield('Ctl', { mode: bits(2, Mode), en: bits(1, Bool), _p: padding(5) });
    const c = Ctl.create({ mode: 'Sleep', en: true });
    expect(c.mode).toBe('Sleep');
    expect(c.toBits()).toBe(0b110);
    c.mode = 3;
    expect(c.mode).toBe(3);
    expect(() => (c.mode = 'Bogus' as never)).toThrow(/takes a Mode/);
    expect(() => enumElement('Dup', { A: 1, B: 1 })).toThrow(/share the value/);
  });
});

describe('packed bitfield types: the reference sensor sample and wide layouts', () => {
  const Sample = defineBitfield('Sample', { channel: bits(4, UInt8), value: bits(12, UInt16) });
  it('matches insertBits/extractBits packing of 4-bit channel | 12-bit value', () => {
    fc.assert(
      fc.property(fc.nat({ max: 15 }), fc.nat({ max: 4095 }), (channel, value) => {
        const s = Sample.create({ channel, value });
        const raw = s.toBits();
        return extractBits(raw, 0, 4) === channel && extractBits(raw, 4, 12) === value && Sample.fromBits(raw).value === value;
      }),
      runs(),
    );
  });
  it('endianness is the byte order of the packed integer', () => {
    const Big = defineBitfield('Big', { channel: bits(4, UInt8), value: bits(12, UInt16) }, { endian: 'big' });
    expect(Array.from(Sample.create({ channel: 0xa, value: 0x123 }).asBytes())).toEqual([0x3a, 0x12]);
    expect(Array.from(Big.create({ channel: 0xa, value: 0x123 }).asBytes())).toEqual([0x12, 0x3a]);
    expect(Big.fromBytes(new Uint8Array([0x12, 0x3a])).value).toBe(0x123);
  });
  it('fields straddling bytes, 32- and 64-bit fields round-trip (model: BigInt bit arithmetic)', () => {
    const Wide = defineBitfield('Wide', { a: bits(3, UInt8), b: bits(29, UInt32), c: bits(64, UInt64), d: bits(7, UInt8), e: bits(1, Bool) });
    expect(Wide.SIZE_BITS).toBe(104);
    expect(() => Wide.zero().toBits()).toThrow(/toBigBits/);
    fc.assert(
      fc.property(
        fc.nat({ max: 7 }),
        fc.nat({ max: 2 ** 29 - 1 }),
        fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }),
        fc.nat({ max: 127 }),
        fc.boolean(),
        fc.constantFrom<'little' | 'big'>('little', 'big'),
        (a, b, c, d, e, endian) => {
          const T =
            endian === 'little'
              ? Wide
              : defineBitfield('WideBE', { a: bits(3, UInt8), b: bits(29, UInt32), c: bits(64, UInt64), d: bits(7, UInt8), e: bits(1, Bool) }, { endian });
          const w = T.create({ a, b, c, d, e });
          const expected = BigInt(a) | (BigInt(b) << 3n) | (c << 32n) | (BigInt(d) << 96n) | (BigInt(e ? 1 : 0) << 103n);
          const back = T.fromBits(expected);
          return w.toBigBits() === expected && back.a === a && back.b === b && back.c === c && back.d === d && back.e === e && w.equals(back);
        },
      ),
      runs(300),
    );
  });
  it('view() is a live window over a shared buffer', () => {
    const buf = new ArrayBuffer(4);
    const v = Sample.view(buf, 2);
    v.value = 0xfff;
    expect(Array.from(new Uint8Array(buf))).toEqual([0, 0, 0xf0, 0xff]);
    expect(() => Sample.view(buf, 3)).toThrow(/does not fit/);
    expect(() => Sample.fromBytes(new Uint8Array(3))).toThrow(/exactly 2 bytes/);
  });
});
