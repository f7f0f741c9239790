import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import {
  PAGE_SIZE,
  PAGE_SHIFT,
  PAGE_SIZE_AARCH64,
  MAX_CONTEXT_SLOTS,
  CONTEXT_STACK_DEPTH,
  MemoryOrdering,
  pageAlignUp,
  pageAlignDown,
  isPageAligned,
  pageShift,
  pageSizeForArch,
  targetPageSize,
  setTargetPageSize,
  fileDesc,
  ioVec,
  InvalidArgument,
  OSError,
  VllsiError,
  describe as describeValue,
} from '../../src/index.js';
import { runs } from '../support/env.js';

describe('constants', () => {
  it('match the reference', () => {
    expect(PAGE_SIZE).toBe(4096);
    expect(PAGE_SHIFT).toBe(12);
    expect(2 ** PAGE_SHIFT).toBe(PAGE_SIZE);
    expect(PAGE_SIZE_AARCH64).toBe(16384);
    expect(MAX_CONTEXT_SLOTS).toBe(32);
    expect(CONTEXT_STACK_DEPTH).toBe(256);
    expect(Object.keys(MemoryOrdering)).toEqual(['Relaxed', 'Acquire', 'Release', 'AcqRel', 'SeqCst']);
  });
  it('page size per target: 16 KiB on aarch64, 4 KiB elsewhere', () => {
    expect(pageSizeForArch('arm64')).toBe(16384);
    expect(pageSizeForArch('aarch64')).toBe(16384);
    expect(pageSizeForArch('x64')).toBe(4096);
    expect(pageSizeForArch('arm')).toBe(4096);
    expect(pageShift(16384)).toBe(14);
    expect(pageShift(4096)).toBe(PAGE_SHIFT);
  });
});

describe('page alignment', () => {
  const addr = fc.nat({ max: 2 ** 40 });
  const size = fc.constantFrom(1, 256, 4096, 16384, 65536);
  it('alignDown <= x <= alignUp, both aligned, less than a page apart', () => {
    fc.assert(
      fc.property(addr, size, (x, s) => {
        const d = pageAlignDown(x, s);
        const u = pageAlignUp(x, s);
        return d <= x && x <= u && isPageAligned(d, s) && isPageAligned(u, s) && u - d < 2 * s && x - d < s && u - x < s;
      }),
      runs(),
    );
  });
  it('is idempotent and fixes aligned values', () => {
    fc.assert(
      fc.property(addr, size, (x, s) => {
        const u = pageAlignUp(x, s);
        return pageAlignUp(u, s) === u && pageAlignDown(u, s) === u && isPageAligned(x, s) === (pageAlignDown(x, s) === x);
      }),
      runs(),
    );
  });
  it('works beyond 32 bits (host addresses)', () => {
    expect(pageAlignUp(2 ** 33 + 1)).toBe(2 ** 33 + 4096);
    expect(pageAlignDown(2 ** 33 + 4095)).toBe(2 ** 33);
    expect(isPageAligned(2 ** 33)).toBe(true);
  });
  it('uses the target page size by default', () => {
    expect(targetPageSize()).toBe(4096);
    setTargetPageSize(16384);
    try {
      expect(pageAlignUp(1)).toBe(16384);
      expect(isPageAligned(4096)).toBe(false);
    } finally {
      setTargetPageSize(4096);
    }
  });
  it('rejects negative, fractional and unsafe input with InvalidArgument', () => {
    for (const bad of [-1, 1.5, NaN, Infinity, 2 ** 53]) {
      expect(() => pageAlignUp(bad)).toThrow(InvalidArgument);
      expect(() => pageAlignDown(bad)).toThrow(InvalidArgument);
      expect(() => isPageAligned(bad)).toThrow(InvalidArgument);
    }
    expect(() => pageAlignUp(-4096)).toThrow(/invalid address/);
    expect(() => pageAlignUp(2 ** 53 - 2)).toThrow(/overflows/);
    expect(() => pageAlignUp(8, 3)).toThrow(/power of two/);
    expect(() => setTargetPageSize(0)).toThrow(InvalidArgument);
    expect(targetPageSize()).toBe(4096);
  });
});

describe('common types and errors', () => {
  it('fileDesc accepts non-negative integers only', () => {
    expect(fileDesc(3)).toBe(3);
    expect(() => fileDesc(-1)).toThrow(InvalidArgument);
    expect(() => fileDesc(1.5)).toThrow(/non-negative integer/);
  });
  it('ioVec bounds its length by the buffer', () => {
    const b = new Uint8Array(8);
    expect(ioVec(b).len).toBe(8);
    expect(ioVec(b, 3)).toEqual({ base: b, len: 3 });
    expect(() => ioVec(b, 9)).toThrow(InvalidArgument);
  });
  it('OSError is a real Error with the raw code, message and kind', () => {
    const e = new OSError(2, 'No such file or directory', 'ENOENT');
    expect(e).toBeInstanceOf(Error);
    expect(e).toBeInstanceOf(VllsiError);
    expect(e.code).toBe(2);
    expect(e.errname).toBe('ENOENT');
    expect(e.message).toBe('No such file or directory');
    expect(e.kind).toBe('OSError');
    expect(e.name).toBe('OSError');
  });
  it('InvalidArgument names the argument and renders the value', () => {
    const e = new InvalidArgument('address', 4097, 'must be 4-byte aligned');
    expect(e.message).toBe('invalid address 4097 (0x1001): must be 4-byte aligned');
    expect(e.kind).toBe('InvalidArgument');
    expect(describeValue('x'.repeat(100))).toHaveLength(43);
    expect(describeValue(5n)).toBe('5n (0x5)');
    expect(describeValue(new Uint8Array(1))).toBe('a Uint8Array');
  });
});
