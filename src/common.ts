// Common types and constants of the reference's "Common types", "Constants" and
// "Page alignment" sections.
import { InvalidArgument } from './errors.js';

/** Type-safe file descriptor: a non-negative integer that only `fileDesc()` makes. */
export type FileDesc = number & { readonly __fileDesc: unique symbol };

export function fileDesc(fd: number): FileDesc {
  if (!Number.isInteger(fd) || fd < 0) throw new InvalidArgument('file descriptor', fd, 'must be a non-negative integer');
  return fd as FileDesc;
}

/** A scatter/gather element: `len` bytes of `base`, from its start. */
export interface IOVec {
  readonly base: Uint8Array;
  readonly len: number;
}

export function ioVec(base: Uint8Array, len?: number): IOVec {
  if (!(base instanceof Uint8Array)) throw new InvalidArgument('IOVec base', base, 'must be a Uint8Array');
  if (len === undefined) len = base.length;
  if (!Number.isInteger(len) || len < 0 || len > base.length) {
    throw new InvalidArgument('IOVec length', len, `must be an integer in 0..${base.length}`);
  }
  return { base, len };
}

/** A page size in bytes (a power of two). */
export type PageSize = number;

// --- Constants ------------------------------------------------------------

/** The reference's default page: 4 KiB. aarch64 targets use PAGE_SIZE_AARCH64. */
export const PAGE_SIZE: PageSize = 4096;
export const PAGE_SHIFT = 12;
export const PAGE_SIZE_AARCH64: PageSize = 16384;
export const MAX_CONTEXT_SLOTS = 32;
export const CONTEXT_STACK_DEPTH = 256;

/** Page size of a target architecture (Node's `os.arch()` names or the reference's). */
export function pageSizeForArch(arch: string): PageSize {
  return arch === 'arm64' || arch === 'aarch64' ? PAGE_SIZE_AARCH64 : PAGE_SIZE;
}

let targetPage: PageSize = PAGE_SIZE;

/** The page size of the running target: PAGE_SIZE until a board or host sets it. */
export function targetPageSize(): PageSize {
  return targetPage;
}

/** Set by init from the board (or host) description. */
export function setTargetPageSize(size: PageSize): void {
  checkPageSize(size);
  targetPage = size;
}

/** log2 of a page size: PAGE_SHIFT for PAGE_SIZE. */
export function pageShift(size: PageSize = targetPage): number {
  checkPageSize(size);
  return 31 - Math.clz32(size);
}

function checkPageSize(size: PageSize): void {
  if (!Number.isInteger(size) || size < 1 || size > 0x40000000 || (size & (size - 1)) !== 0) {
    throw new InvalidArgument('page size', size, 'must be a power of two from 1 to 2^30');
  }
}

function checkAddress(x: number): void {
  if (!Number.isSafeInteger(x) || x < 0) {
    throw new InvalidArgument('address', x, 'must be a non-negative safe integer');
  }
}

// Page sizes are powers of two; the arithmetic uses % and division because JS
// bitwise operators truncate to 32 bits and host addresses can exceed that.

export function pageAlignDown(x: number, size: PageSize = targetPage): number {
  checkAddress(x);
  if (size !== targetPage) checkPageSize(size);
  return x - (x % size);
}

export function pageAlignUp(x: number, size: PageSize = targetPage): number {
  checkAddress(x);
  if (size !== targetPage) checkPageSize(size);
  const rem = x % size;
  const up = rem === 0 ? x : x + (size - rem);
  if (!Number.isSafeInteger(up)) throw new InvalidArgument('address', x, 'rounding up to a page overflows the safe integer range');
  return up;
}

export function isPageAligned(x: number, size: PageSize = targetPage): boolean {
  checkAddress(x);
  if (size !== targetPage) checkPageSize(size);
  return x % size === 0;
}
