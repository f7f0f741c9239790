// Bit-manipulation primitives (reference: core.sys.bitfield).
//
// Two words: the device word (32 bits, JS numbers, results always unsigned) and
// a 64-bit host word (BigInt, `...64` names). Caller contracts, as in the
// reference, are NOT checked on the fast path:
//   n < N for the *Bit operations; offset + width <= N and width <= N for fields.
// Breaking them yields defined garbage (JS shifts count modulo 32), never an
// exception. Callers who want the check use `checked`.
//
// Boundary rules (the reference's table), lifted out of the shift arithmetic
// because `1 << 32 === 1` in JS, exactly as `shl N` is poison in LLVM:
//   width 0 -> extract 0, insert returns value unchanged, mask 0
//   width N -> extract value, insert returns bits, mask all ones
import { BitfieldContractError } from './errors.js';

/** Bits in the device word. */
export const USIZE_BITS = 32;
/** Bits in the host word used by the `...64` operations. */
export const USIZE_BITS_64 = 64;

// --- 32-bit device word -----------------------------------------------------

export function testBit(value: number, n: number): boolean {
  return ((value >>> n) & 1) === 1;
}
export function setBit(value: number, n: number): number {
  return (value | (1 << n)) >>> 0;
}
export function clearBit(value: number, n: number): number {
  return (value & ~(1 << n)) >>> 0;
}
export function toggleBit(value: number, n: number): number {
  return (value ^ (1 << n)) >>> 0;
}
export function setBits(value: number, mask: number): number {
  return (value | mask) >>> 0;
}
export function clearBits(value: number, mask: number): number {
  return (value & ~mask) >>> 0;
}
export function fieldMask(offset: number, width: number): number {
  if (width === 0) return 0;
  if (width >= 32) return 0xffffffff;
  return ((0xffffffff >>> (32 - width)) << offset) >>> 0;
}
export function extractBits(value: number, offset: number, width: number): number {
  if (width === 0) return 0;
  if (width >= 32) return value >>> 0;
  return (value >>> offset) & (0xffffffff >>> (32 - width));
}
export function insertBits(value: number, bits: number, offset: number, width: number): number {
  if (width === 0) return value >>> 0;
  if (width >= 32) return bits >>> 0;
  const low = 0xffffffff >>> (32 - width);
  return ((value & ~(low << offset)) | ((bits & low) << offset)) >>> 0;
}

// --- 64-bit host word (BigInt) -----------------------------------------------

const ALL64 = 0xffffffffffffffffn;

export function testBit64(value: bigint, n: bigint): boolean {
  return ((value >> n) & 1n) === 1n;
}
export function setBit64(value: bigint, n: bigint): bigint {
  return BigInt.asUintN(64, value | (1n << n));
}
export function clearBit64(value: bigint, n: bigint): bigint {
  return BigInt.asUintN(64, value & ~(1n << n));
}
export function toggleBit64(value: bigint, n: bigint): bigint {
  return BigInt.asUintN(64, value ^ (1n << n));
}
export function setBits64(value: bigint, mask: bigint): bigint {
  return BigInt.asUintN(64, value | mask);
}
export function clearBits64(value: bigint, mask: bigint): bigint {
  return BigInt.asUintN(64, value & ~mask);
}
export function fieldMask64(offset: bigint, width: bigint): bigint {
  if (width === 0n) return 0n;
  if (width >= 64n) return ALL64;
  return BigInt.asUintN(64, ((1n << width) - 1n) << offset);
}
export function extractBits64(value: bigint, offset: bigint, width: bigint): bigint {
  if (width === 0n) return 0n;
  if (width >= 64n) return BigInt.asUintN(64, value);
  return (BigInt.asUintN(64, value) >> offset) & ((1n << width) - 1n);
}
export function insertBits64(value: bigint, bits: bigint, offset: bigint, width: bigint): bigint {
  if (width === 0n) return BigInt.asUintN(64, value);
  if (width >= 64n) return BigInt.asUintN(64, bits);
  const low = (1n << width) - 1n;
  return BigInt.asUintN(64, (value & ~(low << offset)) | ((bits & low) << offset));
}

// --- Checked variants ---------------------------------------------------------

function word(op: string, name: string, v: number): void {
  if (!Number.isInteger(v) || v < 0 || v > 0xffffffff) {
    throw new BitfieldContractError(op, `${name} ${v} is not an unsigned 32-bit integer`);
  }
}
function bitIndex(op: string, n: number): void {
  if (!Number.isInteger(n) || n < 0 || n >= USIZE_BITS) {
    throw new BitfieldContractError(op, `bit index ${n} is outside 0..${USIZE_BITS - 1}`);
  }
}
function field(op: string, offset: number, width: number): void {
  if (!Number.isInteger(offset) || !Number.isInteger(width) || offset < 0 || width < 0 || offset + width > USIZE_BITS) {
    throw new BitfieldContractError(op, `field at offset ${offset} width ${width} does not fit offset + width <= ${USIZE_BITS}`);
  }
}

/**
 * The same nine operations with every caller contract checked: a broken
 * contract throws `BitfieldContractError` instead of yielding garbage.
 */
export const checked = {
  testBit(value: number, n: number): boolean {
    word('testBit', 'value', value);
    bitIndex('testBit', n);
    return testBit(value, n);
  },
  setBit(value: number, n: number): number {
    word('setBit', 'value', value);
    bitIndex('setBit', n);
    return setBit(value, n);
  },
  clearBit(value: number, n: number): number {
    word('clearBit', 'value', value);
    bitIndex('clearBit', n);
    return clearBit(value, n);
  },
  toggleBit(value: number, n: number): number {
    word('toggleBit', 'value', value);
    bitIndex('toggleBit', n);
    return toggleBit(value, n);
  },
  setBits(value: number, mask: number): number {
    word('setBits', 'value', value);
    word('setBits', 'mask', mask);
    return setBits(value, mask);
  },
  clearBits(value: number, mask: number): number {
    word('clearBits', 'value', value);
    word('clearBits', 'mask', mask);
    return clearBits(value, mask);
  },
  fieldMask(offset: number, width: number): number {
    field('fieldMask', offset, width);
    return fieldMask(offset, width);
  },
  extractBits(value: number, offset: number, width: number): number {
    word('extractBits', 'value', value);
    field('extractBits', offset, width);
    return extractBits(value, offset, width);
  },
  insertBits(value: number, bits: number, offset: number, width: number): number {
    word('insertBits', 'value', value);
    word('insertBits', 'bits', bits);
    field('insertBits', offset, width);
    return insertBits(value, bits, offset, width);
  },
} as const;
