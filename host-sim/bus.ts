// The simulated bus: routes each access by the board's memory map to a memory
// block or a peripheral model. Every refused access throws a BusFault (the
// simulator's HardFault) before anything is read or written; no access reads as
// a silent zero.
import { InvalidArgument } from '../src/errors.js';
import type { AccessSize } from '../src/hal.js';
import { BusFault, type BusAccess } from '../src/hal.js';

/** A peripheral model: registers at byte offsets from its base. */
export interface Device {
  read(offset: number, size: AccessSize): number;
  write(offset: number, size: AccessSize, value: number): void;
}

/** Allowed access widths as a bit set: bit 0 = 8-bit, bit 1 = 16-bit, bit 2 = 32-bit. */
export const ANY_WIDTH = 1 | 2 | 4;

export interface RegionSpec {
  readonly name: string;
  readonly base: number;
  readonly size: number;
  /** Bit set of allowed widths (1, 2, 4 or-ed); ANY_WIDTH for memory. */
  readonly widths: number;
  readonly readOnly?: boolean;
}

/**
 * A plain-memory region as the bus's RAM fast path (see Bus.load8). Loads index typed arrays,
 * which read in host byte order: the path exists only on a little-endian host (every simulated
 * chip is little-endian) and for word-aligned backing stores. Stores go through the DataView: a
 * typed-array element store costs about 50 times as much once SES's lockdown has frozen the
 * intrinsics (as `@endo/init` does in every process that drives XS), a DataView store does not.
 */
interface FastRam {
  readonly base: number;
  readonly bytes: Uint8Array;
  readonly halves: Uint16Array;
  readonly words: Uint32Array;
  readonly view: DataView;
}
const NO_RAM: FastRam = { base: 0, bytes: new Uint8Array(0), halves: new Uint16Array(0), words: new Uint32Array(0), view: new DataView(new ArrayBuffer(0)) };
const HOST_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

function fastRam(base: number, bytes: Uint8Array, view: DataView): FastRam | undefined {
  if (!HOST_LITTLE_ENDIAN || bytes.byteOffset % 4 !== 0 || bytes.byteLength % 4 !== 0) return undefined;
  const { buffer, byteOffset, byteLength } = bytes;
  return { base, bytes, halves: new Uint16Array(buffer, byteOffset, byteLength / 2), words: new Uint32Array(buffer, byteOffset, byteLength / 4), view };
}

/** A mapped window: either plain memory (bytes) or a peripheral model (device). */
export class Region implements RegionSpec {
  readonly end: number;
  readonly view: DataView | undefined;
  /** This region as the bus's RAM fast path: memory that takes every access width. */
  readonly ram: FastRam | undefined;
  constructor(
    readonly name: string,
    readonly base: number,
    readonly size: number,
    readonly widths: number,
    readonly readOnly: boolean,
    readonly bytes: Uint8Array | undefined,
    readonly device: Device | undefined,
  ) {
    this.end = base + size;
    this.view = bytes ? new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength) : undefined;
    this.ram = bytes && this.view && widths === ANY_WIDTH ? fastRam(base, bytes, this.view) : undefined;
  }
}

/**
 * Consulted on every access once installed (OS memory page protections, host-sim/os-memory.ts):
 * returns why the access is refused, or undefined to let it through.
 */
export interface AccessGuard {
  check(addr: number, size: AccessSize, access: BusAccess): string | undefined;
}

const widthName = (w: number) =>
  [1, 2, 4]
    .filter((s) => w & s)
    .map((s) => `${s * 8}-bit`)
    .join('/');

export class Bus {
  private regions: Region[] = [];
  private last: Region | undefined;
  // The RAM fast path: the last plain-memory region a load (and, separately, a store) went
  // through, kept only while no AccessGuard is installed, so that an access inside it skips
  // routing. Stores only cache writable regions. Flat fields, not a FastRam object: one
  // indirection less on every access.
  private loadBase = 0;
  private loadBytes = NO_RAM.bytes;
  private loadHalves = NO_RAM.halves;
  private loadWords = NO_RAM.words;
  private storeBase = 0;
  private storeSize = 0;
  private storeView = NO_RAM.view;
  private accessGuard: AccessGuard | undefined;

  /** See AccessGuard; at most one. Installing one turns the RAM fast path off. */
  get guard(): AccessGuard | undefined {
    return this.accessGuard;
  }
  set guard(g: AccessGuard | undefined) {
    this.accessGuard = g;
    this.cacheLoads(NO_RAM);
    this.cacheStores(NO_RAM);
  }

  /** Maps memory: `bytes` backs the window (its length must equal the region size). */
  mapMemory(spec: RegionSpec, bytes: Uint8Array = new Uint8Array(spec.size)): Region {
    if (bytes.length !== spec.size) throw new InvalidArgument('backing store length', bytes.length, `must equal region ${spec.name}'s size ${spec.size}`);
    return this.add(new Region(spec.name, spec.base, spec.size, spec.widths, spec.readOnly ?? false, bytes, undefined));
  }

  /** Unmaps every region (a chip reset: the board is wired again); an installed guard stays. */
  clear(): void {
    this.regions = [];
    this.last = undefined;
    this.cacheLoads(NO_RAM);
    this.cacheStores(NO_RAM);
  }

  mapDevice(spec: RegionSpec, device: Device): Region {
    return this.add(new Region(spec.name, spec.base, spec.size, spec.widths, spec.readOnly ?? false, undefined, device));
  }

  private add(r: Region): Region {
    if (!Number.isInteger(r.base) || r.base < 0 || !Number.isInteger(r.size) || r.size <= 0 || r.end > 2 ** 32) {
      throw new InvalidArgument(`region ${r.name}`, r.base, 'must lie inside the 32-bit address space');
    }
    if ((r.widths & ANY_WIDTH) === 0 || (r.widths & ~ANY_WIDTH) !== 0)
      throw new InvalidArgument(`region ${r.name} widths`, r.widths, 'must be a non-empty set of 1, 2, 4');
    const clash = this.regions.find((o) => r.base < o.end && o.base < r.end);
    if (clash) throw new InvalidArgument(`region ${r.name}`, r.base, `overlaps region ${clash.name}`);
    this.regions.push(r);
    this.regions.sort((a, b) => a.base - b.base);
    return r;
  }

  get map(): readonly Region[] {
    return this.regions;
  }

  /** The region holding `addr`, or undefined. */
  regionAt(addr: number): Region | undefined {
    const l = this.last;
    if (l !== undefined && addr >= l.base && addr < l.end) return l;
    for (const r of this.regions) {
      if (addr >= r.base && addr < r.end) return (this.last = r);
    }
    return undefined;
  }

  private route(addr: number, size: AccessSize, access: BusAccess): Region {
    if (size !== 4 && size !== 2 && size !== 1) throw badSize(size);
    const r = this.regionAt(addr);
    if (r === undefined || !Number.isInteger(addr)) throw new BusFault(addr, size, access, 'unmapped', 'no memory or peripheral is mapped there');
    if (addr + size > r.end) throw new BusFault(addr, size, access, 'unmapped', `runs past the end of ${r.name}`);
    if (addr & (size - 1)) throw new BusFault(addr, size, access, 'misaligned', `must be ${size}-byte aligned`);
    if ((r.widths & size) === 0) throw new BusFault(addr, size, access, 'width', `${r.name} accepts ${widthName(r.widths)} accesses only`);
    if (access === 'write' && r.readOnly) throw new BusFault(addr, size, access, 'read-only', `${r.name} is read-only`);
    if (this.accessGuard !== undefined) {
      const why = this.accessGuard.check(addr, size, access);
      if (why !== undefined) throw new BusFault(addr, size, access, 'protection', why);
    } else if (r.ram !== undefined) {
      if (access === 'read') this.cacheLoads(r.ram);
      else if (access === 'write') this.cacheStores(r.ram);
    }
    return r;
  }

  /** An instruction fetch (Thumb: 2 or 4 bytes) from memory; peripherals are never executable. */
  fetch(addr: number, size: 2 | 4): number {
    const r = this.route(addr, size, 'fetch');
    if (r.view === undefined) throw new BusFault(addr, size, 'fetch', 'protection', `${r.name} is a peripheral: not executable`);
    return size === 2 ? r.view.getUint16(addr - r.base, true) : r.view.getUint32(addr - r.base, true);
  }

  private cacheLoads(f: FastRam): void {
    this.loadBase = f.base;
    this.loadBytes = f.bytes;
    this.loadHalves = f.halves;
    this.loadWords = f.words;
  }
  private cacheStores(f: FastRam): void {
    this.storeBase = f.base;
    this.storeSize = f.bytes.length;
    this.storeView = f.view;
  }

  // Each access first tries the RAM fast path. A load indexes the cached region's typed array
  // with (addr - base) / size: a misaligned, fractional, negative or out-of-range address gives
  // a non-index and so undefined. A store must know before it writes: `off >>> 0 === off` and
  // `off % size === 0` admit only aligned non-negative integer offsets, and as the region's size
  // is a multiple of 4, an aligned offset below it has room for the whole access.
  // Everything else goes through routedLoad/routedStore, kept out of line so that the fast path
  // stays small enough for the JIT to inline at the call site.
  /** A load of `size` bytes: the form the HAL's bus path uses all the way down (src/hal.ts). */
  load(addr: number, size: AccessSize): number {
    const off = addr - this.loadBase;
    const v = size === 4 ? this.loadWords[off / 4] : size === 2 ? this.loadHalves[off / 2] : size === 1 ? this.loadBytes[off] : undefined;
    return v !== undefined ? v : this.routedLoad(addr, size);
  }
  store(addr: number, size: AccessSize, value: number): void {
    if (size === 4) {
      if (value >>> 0 !== value) throw new InvalidArgument('32-bit value', value, 'must be an integer in 0..0xffffffff');
    } else if (size === 2 || size === 1) checkValue(value, size === 2 ? 0xffff : 0xff, size * 8);
    else throw badSize(size);
    const off = addr - this.storeBase;
    if (off >>> 0 === off && off % size === 0 && off < this.storeSize) {
      if (size === 4) this.storeView.setUint32(off, value, true);
      else if (size === 2) this.storeView.setUint16(off, value, true);
      else this.storeView.setUint8(off, value);
    } else this.routedStore(addr, size, value);
  }
  // The same accesses with the width in the name (tests, tools that spell one width).
  load8(addr: number): number {
    return this.load(addr, 1);
  }
  load16(addr: number): number {
    return this.load(addr, 2);
  }
  load32(addr: number): number {
    return this.load(addr, 4);
  }
  store8(addr: number, value: number): void {
    this.store(addr, 1, value);
  }
  store16(addr: number, value: number): void {
    this.store(addr, 2, value);
  }
  store32(addr: number, value: number): void {
    this.store(addr, 4, value);
  }

  private routedLoad(addr: number, size: AccessSize): number {
    const r = this.route(addr, size, 'read');
    const off = addr - r.base;
    const v = r.view;
    if (v === undefined) return size === 4 ? r.device!.read(off, 4) >>> 0 : r.device!.read(off, size) & (size === 2 ? 0xffff : 0xff);
    return size === 4 ? v.getUint32(off, true) : size === 2 ? v.getUint16(off, true) : v.getUint8(off);
  }

  private routedStore(addr: number, size: AccessSize, value: number): void {
    const r = this.route(addr, size, 'write');
    const off = addr - r.base;
    const v = r.view;
    if (v === undefined) r.device!.write(off, size, value);
    else if (size === 4) v.setUint32(off, value, true);
    else if (size === 2) v.setUint16(off, value, true);
    else v.setUint8(off, value);
  }
}

const badSize = (size: unknown) => new InvalidArgument('access size', size, 'must be 1, 2 or 4 (bytes)');

function checkValue(value: number, mask: number, bits: number): void {
  if ((value & mask) !== value) throw new InvalidArgument(`${bits}-bit value`, value, `must be an integer in 0..0x${mask.toString(16)}`);
}
