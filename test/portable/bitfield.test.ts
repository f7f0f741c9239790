import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import {
  USIZE_BITS,
  USIZE_BITS_64,
  testBit,
  setBit,
  clearBit,
  toggleBit,
  setBits,
  clearBits,
  fieldMask,
  extractBits,
  insertBits,
  testBit64,
  setBit64,
  clearBit64,
  toggleBit64,
  setBits64,
  clearBits64,
  fieldMask64,
  extractBits64,
  insertBits64,
  checked,
  BitfieldContractError,
} from '../../src/index.js';
import { runs } from '../support/env.js';

// Reference semantics computed independently, bit by bit in BigInt.
const refMask = (o: number, w: number, n: number) => {
  let m = 0n;
  for (let i = o; i < o + w && i < n; i++) m |= 1n << BigInt(i);
  return m;
};
const refExtract = (v: bigint, o: number, w: number, n: number) => (v & refMask(o, w, n)) >> BigInt(o);
const refInsert = (v: bigint, b: bigint, o: number, w: number, n: number) => (v & ~refMask(o, w, n) & refMask(0, n, n)) | ((b << BigInt(o)) & refMask(o, w, n));

const u32 = fc.nat({ max: 0xffffffff });
const bitIdx = fc.nat({ max: USIZE_BITS - 1 });
/** (offset, width) with offset + width <= N. */
const field32 = fc.nat({ max: USIZE_BITS }).chain((o) => fc.tuple(fc.constant(o), fc.nat({ max: USIZE_BITS - o })));
const u64 = fc.bigInt({ min: 0n, max: (1n << 64n) - 1n });
const bitIdx64 = fc.bigInt({ min: 0n, max: 63n });
const field64 = fc.bigInt({ min: 0n, max: 64n }).chain((o) => fc.tuple(fc.constant(o), fc.bigInt({ min: 0n, max: 64n - o })));

const PATTERNS32 = [0, 0xffffffff, 0xa5a5a5a5, 0x5a5a5a5a, 0x12345678, 0x80000001, 1, 0x80000000];
const PATTERNS64 = [0n, (1n << 64n) - 1n, 0xa5a5a5a5a5a5a5a5n, 0x0123456789abcdefn, 1n, 1n << 63n];

describe('bitfield: boundary table (exhaustive over every offset/width pair)', () => {
  it('32-bit word: fieldMask, extractBits, insertBits match the table for all 561 pairs', () => {
    let pairs = 0;
    for (let o = 0; o <= USIZE_BITS; o++) {
      for (let w = 0; o + w <= USIZE_BITS; w++) {
        pairs++;
        expect(fieldMask(o, w)).toBe(Number(refMask(o, w, 32)));
        for (const v of PATTERNS32) {
          expect(extractBits(v, o, w)).toBe(Number(refExtract(BigInt(v), o, w, 32)));
          for (const b of PATTERNS32) expect(insertBits(v, b, o, w)).toBe(Number(refInsert(BigInt(v), BigInt(b), o, w, 32)));
        }
      }
    }
    expect(pairs).toBe(561);
  });

  it('32-bit word: the width 0 and width N rows hold literally', () => {
    for (const v of PATTERNS32) {
      for (let o = 0; o <= USIZE_BITS; o++) {
        expect(extractBits(v, o, 0)).toBe(0);
        expect(insertBits(v, 0xffffffff, o, 0)).toBe(v);
        expect(fieldMask(o, 0)).toBe(0);
      }
      expect(extractBits(v, 0, USIZE_BITS)).toBe(v);
      expect(insertBits(0x13572468, v, 0, USIZE_BITS)).toBe(v);
    }
    expect(fieldMask(0, USIZE_BITS)).toBe(0xffffffff);
  });

  it('64-bit word: fieldMask64, extractBits64, insertBits64 match the table for all 2145 pairs', () => {
    let pairs = 0;
    for (let o = 0; o <= USIZE_BITS_64; o++) {
      for (let w = 0; o + w <= USIZE_BITS_64; w++) {
        pairs++;
        const O = BigInt(o);
        const W = BigInt(w);
        expect(fieldMask64(O, W)).toBe(refMask(o, w, 64));
        for (const v of PATTERNS64) {
          expect(extractBits64(v, O, W)).toBe(refExtract(v, o, w, 64));
          for (const b of PATTERNS64.slice(0, 3)) expect(insertBits64(v, b, O, W)).toBe(refInsert(v, b, o, w, 64));
        }
      }
    }
    expect(pairs).toBe(2145);
    expect(fieldMask64(0n, 64n)).toBe((1n << 64n) - 1n);
    expect(extractBits64(PATTERNS64[3]!, 0n, 64n)).toBe(PATTERNS64[3]!);
    expect(insertBits64(5n, PATTERNS64[3]!, 0n, 64n)).toBe(PATTERNS64[3]!);
  });
});

describe('bitfield: algebraic laws, 32-bit word', () => {
  it('results are always unsigned 32-bit integers', () => {
    const isU32 = (x: number) => Number.isInteger(x) && x >= 0 && x <= 0xffffffff;
    fc.assert(
      fc.property(u32, u32, bitIdx, field32, (v, b, n, [o, w]) =>
        [setBit(v, n), clearBit(v, n), toggleBit(v, n), setBits(v, b), clearBits(v, b), fieldMask(o, w), extractBits(v, o, w), insertBits(v, b, o, w)].every(
          isU32,
        ),
      ),
      runs(),
    );
  });
  it('setBit, clearBit, setBits, clearBits are idempotent', () => {
    fc.assert(
      fc.property(u32, bitIdx, u32, (v, n, m) => {
        expect(setBit(setBit(v, n), n)).toBe(setBit(v, n));
        expect(clearBit(clearBit(v, n), n)).toBe(clearBit(v, n));
        expect(setBits(setBits(v, m), m)).toBe(setBits(v, m));
        expect(clearBits(clearBits(v, m), m)).toBe(clearBits(v, m));
      }),
      runs(),
    );
  });
  it('toggleBit is self-inverse', () => {
    fc.assert(
      fc.property(u32, bitIdx, (v, n) => toggleBit(toggleBit(v, n), n) === v),
      runs(),
    );
  });
  it('extractBits ∘ insertBits round-trips: extract(insert(v, b, o, w), o, w) == b & fieldMask(0, w)', () => {
    fc.assert(
      fc.property(u32, u32, field32, (v, b, [o, w]) => extractBits(insertBits(v, b, o, w), o, w) === (b & fieldMask(0, w)) >>> 0),
      runs(),
    );
  });
  it('fieldMask is a disjoint union: mask(o, w) | mask(o + w, k) == mask(o, w + k)', () => {
    const triple = field32.chain(([o, w]) => fc.tuple(fc.constant(o), fc.constant(w), fc.nat({ max: USIZE_BITS - o - w })));
    fc.assert(
      fc.property(triple, ([o, w, k]) => {
        expect((fieldMask(o, w) | fieldMask(o + w, k)) >>> 0).toBe(fieldMask(o, w + k));
        expect(fieldMask(o, w) & fieldMask(o + w, k)).toBe(0);
      }),
      runs(),
    );
  });
  it('insertBits leaves every bit outside [o, o + w) unchanged', () => {
    fc.assert(
      fc.property(u32, u32, field32, (v, b, [o, w]) => {
        const outside = ~fieldMask(o, w) >>> 0;
        return (insertBits(v, b, o, w) & outside) >>> 0 === (v & outside) >>> 0;
      }),
      runs(),
    );
  });
  it('testBit(v, n) == (extractBits(v, n, 1) == 1)', () => {
    fc.assert(
      fc.property(u32, bitIdx, (v, n) => testBit(v, n) === (extractBits(v, n, 1) === 1)),
      runs(),
    );
  });
  it('setBit(v, n) == setBits(v, 1 << n) and clearBit(v, n) == clearBits(v, 1 << n)', () => {
    fc.assert(
      fc.property(u32, bitIdx, (v, n) => setBit(v, n) === setBits(v, (1 << n) >>> 0) && clearBit(v, n) === clearBits(v, (1 << n) >>> 0)),
      runs(),
    );
  });
});

describe('bitfield: algebraic laws, 64-bit word', () => {
  const M64 = (1n << 64n) - 1n;
  it('results stay in 0..2^64-1', () => {
    fc.assert(
      fc.property(u64, u64, bitIdx64, field64, (v, b, n, [o, w]) =>
        [
          setBit64(v, n),
          clearBit64(v, n),
          toggleBit64(v, n),
          setBits64(v, b),
          clearBits64(v, b),
          fieldMask64(o, w),
          extractBits64(v, o, w),
          insertBits64(v, b, o, w),
        ].every((x) => x >= 0n && x <= M64),
      ),
      runs(),
    );
  });
  it('idempotence and self-inverse', () => {
    fc.assert(
      fc.property(
        u64,
        bitIdx64,
        u64,
        (v, n, m) =>
          setBit64(setBit64(v, n), n) === setBit64(v, n) &&
          clearBit64(clearBit64(v, n), n) === clearBit64(v, n) &&
          setBits64(setBits64(v, m), m) === setBits64(v, m) &&
          clearBits64(clearBits64(v, m), m) === clearBits64(v, m) &&
          toggleBit64(toggleBit64(v, n), n) === v,
      ),
      runs(),
    );
  });
  it('round-trip, adjacent-field independence, disjoint union', () => {
    fc.assert(
      fc.property(u64, u64, field64, (v, b, [o, w]) => {
        const k = 64n - o - w;
        return (
          extractBits64(insertBits64(v, b, o, w), o, w) === (b & fieldMask64(0n, w)) &&
          (insertBits64(v, b, o, w) & ~fieldMask64(o, w) & M64) === (v & ~fieldMask64(o, w) & M64) &&
          (fieldMask64(o, w) | fieldMask64(o + w, k)) === fieldMask64(o, w + k)
        );
      }),
      runs(),
    );
  });
  it('testBit64 agrees with extractBits64; setBit64/clearBit64 agree with the mask forms', () => {
    fc.assert(
      fc.property(
        u64,
        bitIdx64,
        (v, n) =>
          testBit64(v, n) === (extractBits64(v, n, 1n) === 1n) && setBit64(v, n) === setBits64(v, 1n << n) && clearBit64(v, n) === clearBits64(v, 1n << n),
      ),
      runs(),
    );
  });
});

describe('bitfield: checked variants', () => {
  it('agree with the fast path whenever the contract holds', () => {
    fc.assert(
      fc.property(
        u32,
        u32,
        bitIdx,
        field32,
        (v, b, n, [o, w]) =>
          checked.testBit(v, n) === testBit(v, n) &&
          checked.setBit(v, n) === setBit(v, n) &&
          checked.clearBit(v, n) === clearBit(v, n) &&
          checked.toggleBit(v, n) === toggleBit(v, n) &&
          checked.setBits(v, b) === setBits(v, b) &&
          checked.clearBits(v, b) === clearBits(v, b) &&
          checked.fieldMask(o, w) === fieldMask(o, w) &&
          checked.extractBits(v, o, w) === extractBits(v, o, w) &&
          checked.insertBits(v, b, o, w) === insertBits(v, b, o, w),
      ),
      runs(),
    );
  });
  it('throw BitfieldContractError for every broken contract', () => {
    expect(() => checked.extractBits(1, 30, 3)).toThrow(BitfieldContractError);
    expect(() => checked.insertBits(1, 1, 32, 1)).toThrow(/offset 32 width 1/);
    expect(() => checked.fieldMask(-1, 2)).toThrow(BitfieldContractError);
    expect(() => checked.fieldMask(0, 33)).toThrow(BitfieldContractError);
    expect(() => checked.testBit(1, 32)).toThrow(/bit index 32/);
    expect(() => checked.setBit(1, 1.5)).toThrow(BitfieldContractError);
    expect(() => checked.clearBit(-1, 0)).toThrow(/not an unsigned 32-bit integer/);
    expect(() => checked.toggleBit(2 ** 32, 0)).toThrow(BitfieldContractError);
    expect(() => checked.setBits(0, -5)).toThrow(BitfieldContractError);
    expect(() => checked.clearBits(0, 0.5)).toThrow(BitfieldContractError);
    fc.assert(
      fc.property(fc.nat({ max: 64 }), fc.nat({ max: 64 }), (o, w) => {
        if (o + w <= 32) return true;
        try {
          checked.extractBits(0, o, w);
          return false;
        } catch (e) {
          return e instanceof BitfieldContractError && e.kind === 'BitfieldContractError';
        }
      }),
      runs(200),
    );
  });
});

describe('bitfield: the reference example (packed sensor sample)', () => {
  const pack = (channel: number, value: number) => insertBits(insertBits(0, channel, 0, 4), value, 4, 12);
  const unpack = (raw: number) => [extractBits(raw, 0, 4), extractBits(raw, 4, 12)] as const;
  it('packs 4-bit channel | 12-bit value and unpacks it', () => {
    expect(pack(0xa, 0x123)).toBe(0x123a);
    expect(unpack(0x123a)).toEqual([0xa, 0x123]);
    fc.assert(
      fc.property(fc.nat({ max: 15 }), fc.nat({ max: 4095 }), (c, v) => {
        const [c2, v2] = unpack(pack(c, v));
        return c2 === c && v2 === v && pack(c, v) < 0x10000;
      }),
      runs(),
    );
  });
});
