// OS memory (reference: "OS memory"): osAlloc/osFree/osAllocAligned/osAllocHuge/
// osProtect/osAdvise over a page-granular region of the board's RAM reserved for
// it at initialisation (`initOsMemory`). Addresses are bus addresses: the memory
// is read and written through the HAL like any other.
//
// Protections are enforced by whatever stands behind the region, a
// `MemoryProtector`: the simulator's bus (host-sim/os-memory.ts: a write to a
// read-only page or a fetch from a non-executable one is a BusFault), or the
// chip's MPU (src/mpu.ts, only osProtect'd pages: regions are few); a chip
// without one cannot protect and osProtect is a typed `Unsupported` error. Fresh pages read as zero; `DontNeed`, `Free` and
// `Remove` zero them again; freed and never-allocated pages have no access.
//
// Errors: out of memory is OSError ENOMEM (as mmap); a range outside any
// allocation is OSError ENOMEM (as mprotect/madvise); freeing twice or an address
// never allocated is `BadFree`; bad sizes and alignments are InvalidArgument.
// Every entry point is permission-gated (scope 'memory', target the address; the
// region's base for allocations).
import { InvalidArgument, NotInitialized, OSError, Unsupported, VllsiError, describe } from './errors.js';
import { MemProt } from './bitflags.js';
import { targetPageSize } from './common.js';
import { checkPermission } from './permissions.js';

export const MemAdvice = {
  Normal: 'Normal',
  Random: 'Random',
  Sequential: 'Sequential',
  WillNeed: 'WillNeed',
  DontNeed: 'DontNeed',
  Free: 'Free',
  Remove: 'Remove',
  DontFork: 'DontFork',
  HugePage: 'HugePage',
  NoHugePage: 'NoHugePage',
} as const;
export type MemAdvice = (typeof MemAdvice)[keyof typeof MemAdvice];

/** What enforces page protections on the region (the simulator's bus, an MPU). */
export interface MemoryProtector {
  readonly name: string;
  /**
   * Gives [addr, addr + size) (whole pages) the protection `prot`; throws Unsupported when it
   * cannot. Absent when nothing can enforce protections (a chip without an MPU): the memory
   * is then always read-write-execute and only osProtect itself fails.
   */
  protect?(addr: number, size: number, prot: MemProt): void;
  /**
   * Whether pages no allocation holds get no access (default true). An MPU with a few
   * regions sets false: only osProtect'd pages are then enforced (src/mpu.ts).
   */
  readonly guardsUnmapped?: boolean;
  /** Zeroes [addr, addr + size) whatever its protection (the kernel's view of the memory). */
  zero(addr: number, size: number): void;
}

export interface OsMemoryConfig {
  /** Start of the region: a bus address, page aligned. */
  readonly base: number;
  /** Bytes, a whole number of pages. */
  readonly size: number;
  readonly protector: MemoryProtector;
  /** Default: the target's page size. */
  readonly pageSize?: number;
}

/** osFree of an address that is not the start of a live allocation. Nothing happened. */
export class BadFree extends VllsiError<'BadFree'> {
  constructor(
    readonly address: number,
    reason: string,
  ) {
    super('BadFree', `osFree(${describe(address)}): ${reason}`);
  }
}

const READ_WRITE = MemProt.Read.or(MemProt.Write);
const ENOMEM = 12;
const EINVAL = 22;

class Region {
  readonly pages: number;
  /** At the first page of each live allocation: its page count; 0 elsewhere. */
  readonly runs: Int32Array;
  /** Per page: 1 while allocated. */
  readonly used: Uint8Array;
  /** Pages ever freed, so a second free can say so. */
  readonly freedStarts = new Set<number>();
  readonly prot: Uint8Array;

  constructor(
    readonly base: number,
    readonly size: number,
    readonly pageSize: number,
    readonly protector: MemoryProtector,
  ) {
    this.pages = size / pageSize;
    this.runs = new Int32Array(this.pages);
    this.used = new Uint8Array(this.pages);
    this.prot = new Uint8Array(this.pages);
  }

  page(addr: number): number {
    return (addr - this.base) / this.pageSize;
  }

  /** First fit of `count` pages whose first page address is a multiple of `align`. */
  alloc(count: number, align: number): number {
    const step = Math.max(1, align / this.pageSize);
    for (let p = this.page(Math.ceil(this.base / align) * align); p + count <= this.pages; p += step) {
      if (this.used.subarray(p, p + count).includes(1)) continue;
      const addr = this.base + p * this.pageSize;
      this.protector.zero(addr, count * this.pageSize);
      this.setProt(addr, count * this.pageSize, READ_WRITE, true); // may throw: nothing is marked yet
      this.used.fill(1, p, p + count);
      this.runs[p] = count;
      this.freedStarts.delete(addr);
      return addr;
    }
    throw new OSError(
      ENOMEM,
      `out of OS memory: no ${count} free page(s) of ${this.pageSize} bytes aligned to ${align} in ${describe(this.base)}..+${this.size}`,
      'ENOMEM',
    );
  }

  /** `implicit`: set by alloc, free or init rather than osProtect. */
  setProt(addr: number, size: number, prot: MemProt, implicit = false): void {
    const enforced = implicit && this.protector.guardsUnmapped === false ? READ_WRITE : prot;
    this.protector.protect?.(addr, size, enforced);
    this.prot.fill(prot.bits, this.page(addr), this.page(addr + size));
  }

  /** Checks [addr, addr+size) is page aligned, inside the region and wholly allocated. */
  range(op: string, addr: number, size: number): number {
    if (!Number.isSafeInteger(addr) || addr % this.pageSize !== 0)
      throw new OSError(EINVAL, `${op}: address ${describe(addr)} is not page aligned (${this.pageSize})`, 'EINVAL');
    if (!Number.isSafeInteger(size) || size <= 0) throw new InvalidArgument(`${op} size`, size, 'must be a positive integer');
    const len = Math.ceil(size / this.pageSize) * this.pageSize;
    const p = this.page(addr);
    const n = len / this.pageSize;
    if (p < 0 || p + n > this.pages || this.used.subarray(p, p + n).includes(0)) {
      throw new OSError(ENOMEM, `${op}: ${describe(addr)}..+${len} is not wholly allocated OS memory`, 'ENOMEM');
    }
    return len;
  }
}

let region: Region | undefined;

function current(): Region {
  if (region === undefined) throw new NotInitialized('OS memory', 'call initOsMemory() with a RAM region (the simulator and board init do this)');
  return region;
}

/** Reserves the region (init does this from the board); the region starts with no access. */
export function initOsMemory(cfg: OsMemoryConfig): void {
  const pageSize = cfg.pageSize ?? targetPageSize();
  if (!Number.isInteger(pageSize) || pageSize < 1 || (pageSize & (pageSize - 1)) !== 0)
    throw new InvalidArgument('page size', pageSize, 'must be a power of two');
  if (!Number.isSafeInteger(cfg.base) || cfg.base < 0 || cfg.base % pageSize !== 0)
    throw new InvalidArgument('OS memory base', cfg.base, `must be a page-aligned address (page ${pageSize})`);
  if (!Number.isSafeInteger(cfg.size) || cfg.size <= 0 || cfg.size % pageSize !== 0)
    throw new InvalidArgument('OS memory size', cfg.size, `must be a positive whole number of ${pageSize}-byte pages`);
  if (!cfg.protector || typeof cfg.protector.zero !== 'function') {
    throw new InvalidArgument('memory protector', cfg.protector, 'must implement MemoryProtector');
  }
  const r = new Region(cfg.base, cfg.size, pageSize, cfg.protector);
  r.setProt(r.base, r.size, MemProt.None, true);
  region = r;
}

export function releaseOsMemory(): void {
  region = undefined;
}

function checkSize(op: string, size: number): void {
  if (!Number.isSafeInteger(size) || size <= 0) throw new InvalidArgument(`${op} size`, size, 'must be a positive integer');
}
function checkAlign(op: string, what: string, align: number, pageSize: number): void {
  if (!Number.isSafeInteger(align) || align <= 0 || (align & (align - 1)) !== 0 || align > 0x40000000) {
    throw new InvalidArgument(`${op} ${what}`, align, 'must be a power of two');
  }
  if (what === 'huge page size' && align < pageSize) throw new InvalidArgument(`${op} ${what}`, align, `must be at least the page size ${pageSize}`);
}

/** Maps `size` bytes (rounded up to pages) of zeroed read-write memory; returns its address. */
export function osAlloc(size: number): number {
  const r = current();
  checkSize('osAlloc', size);
  checkPermission('memory', r.base);
  return r.alloc(Math.ceil(size / r.pageSize), r.pageSize);
}

/** Like osAlloc, the address a multiple of `align` (a power of two; page alignment at least). */
export function osAllocAligned(size: number, align: number): number {
  const r = current();
  checkSize('osAllocAligned', size);
  checkAlign('osAllocAligned', 'alignment', align, r.pageSize);
  checkPermission('memory', r.base);
  return r.alloc(Math.ceil(size / r.pageSize), Math.max(align, r.pageSize));
}

/** Whole huge pages, aligned to the huge page size. */
export function osAllocHuge(size: number, hugePageSize: number): number {
  const r = current();
  checkSize('osAllocHuge', size);
  checkAlign('osAllocHuge', 'huge page size', hugePageSize, r.pageSize);
  checkPermission('memory', r.base);
  const bytes = Math.ceil(size / hugePageSize) * hugePageSize;
  return r.alloc(bytes / r.pageSize, hugePageSize);
}

/** Unmaps the allocation starting at `addr` (`size` as given to the alloc, or its page-rounded size). */
export function osFree(addr: number, size: number): void {
  const r = current();
  checkSize('osFree', size);
  const p = r.page(addr);
  if (!Number.isInteger(p) || p < 0 || p >= r.pages || r.runs[p] === 0) {
    throw new BadFree(addr, r.freedStarts.has(addr) ? 'already freed' : 'not the start of an allocation');
  }
  const len = r.runs[p]! * r.pageSize;
  if (Math.ceil(size / r.pageSize) * r.pageSize !== len) throw new InvalidArgument('osFree size', size, `the allocation at ${describe(addr)} is ${len} bytes`);
  checkPermission('memory', addr);
  r.setProt(addr, len, MemProt.None, true);
  r.protector.zero(addr, len);
  r.used.fill(0, p, p + r.runs[p]!);
  r.runs[p] = 0;
  r.freedStarts.add(addr);
}

/** Sets the protection of whole allocated pages. */
export function osProtect(addr: number, size: number, prot: MemProt): void {
  const r = current();
  if (!(prot && prot.type === MemProt)) throw new InvalidArgument('protection', prot, 'must be MemProt flags');
  const len = r.range('osProtect', addr, size);
  checkPermission('memory', addr);
  if (r.protector.protect === undefined) throw new Unsupported('osProtect', `${r.protector.name} has no memory protection unit`);
  r.setProt(addr, len, prot);
}

/** Advice about allocated pages; DontNeed, Free and Remove drop their contents (they read as zero). */
export function osAdvise(addr: number, size: number, advice: MemAdvice): void {
  const r = current();
  if (!Object.hasOwn(MemAdvice, advice)) throw new InvalidArgument('memory advice', advice, `must be one of ${Object.keys(MemAdvice).join(', ')}`);
  const len = r.range('osAdvise', addr, size);
  checkPermission('memory', addr);
  if (advice === 'DontNeed' || advice === 'Free' || advice === 'Remove') r.protector.zero(addr, len);
}

/** The protection of the page holding `addr` (MemProt.None outside live allocations). */
export function osProtection(addr: number): MemProt {
  const r = current();
  const p = Math.floor(r.page(addr));
  if (p < 0 || p >= r.pages) throw new InvalidArgument('address', addr, `is outside the OS memory region ${describe(r.base)}..+${r.size}`);
  return MemProt.from(r.prot[p]!);
}

/** The reserved region and how many of its pages are allocated. */
export function osMemoryInfo(): { base: number; size: number; pageSize: number; pagesUsed: number } {
  const r = current();
  let n = 0;
  for (let i = 0; i < r.pages; i++) n += r.used[i]!;
  return { base: r.base, size: r.size, pageSize: r.pageSize, pagesUsed: n };
}
