// The simulated bus: routes each access by the board's memory map to a memory
// block or a peripheral model. Every refused access throws a BusFault (the
// simulator's HardFault) before anything is read or written; no access reads as
// a silent zero.
import { InvalidArgument } from '../src/errors.js';
import type { AccessSize } from '../hal/contract.js';
import { BusFault, type BusAccess } from './errors.js';

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
 * The RAM fast path: the last plain-memory region a load (or store) went through, kept only while
 * no AccessGuard is installed, so that an access inside it skips routing. `limit` is the last
 * offset a 32-bit access may start at; stores only cache writable regions.
 */
interface FastRam {
  readonly base: number;
  readonly limit: number;
  readonly bytes: Uint8Array;
  readonly view: DataView;
}
const NO_RAM: FastRam = { base: 0, limit: -4, bytes: new Uint8Array(0), view: new DataView(new ArrayBuffer(0)) };

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
    this.ram = bytes && this.view && widths === ANY_WIDTH ? { base, limit: size - 4, bytes, view: this.view } : undefined;
  }
}

/**
 * Consulted on every access once installed (OS memory page protections, host-sim/os-memory.ts):
 * returns why the access is refused, or undefined to let it through.
 */
export interface AccessGuard {
  check(addr: number, size: AccessSize, access: BusAccess): string | undefined;
}

const widthName = (w: number) => [1, 2, 4].filter((s) => w & s).map((s) => `${s * 8}-bit`).join('/');

export class Bus {
  private regions: Region[] = [];
  private last: Region | undefined;
  private ramLoad: FastRam = NO_RAM;
  private ramStore: FastRam = NO_RAM;
  private accessGuard: AccessGuard | undefined;

  /** See AccessGuard; at most one. Installing one turns the RAM fast path off. */
  get guard(): AccessGuard | undefined {
    return this.accessGuard;
  }
  set guard(g: AccessGuard | undefined) {
    this.accessGuard = g;
    this.ramLoad = this.ramStore = NO_RAM;
  }

  /** Maps memory: `bytes` backs the window (its length must equal the region size). */
  mapMemory(spec: RegionSpec, bytes: Uint8Array = new Uint8Array(spec.size)): Region {
    if (bytes.length !== spec.size) throw new InvalidArgument('backing store length', bytes.length, `must equal region ${spec.name}'s size ${spec.size}`);
    return this.add(new Region(spec.name, spec.base, spec.size, spec.widths, spec.readOnly ?? false, bytes, undefined));
  }

  mapDevice(spec: RegionSpec, device: Device): Region {
    return this.add(new Region(spec.name, spec.base, spec.size, spec.widths, spec.readOnly ?? false, undefined, device));
  }

  private add(r: Region): Region {
    if (!Number.isInteger(r.base) || r.base < 0 || !Number.isInteger(r.size) || r.size <= 0 || r.end > 2 ** 32) {
      throw new InvalidArgument(`region ${r.name}`, r.base, 'must lie inside the 32-bit address space');
    }
    if ((r.widths & ANY_WIDTH) === 0 || (r.widths & ~ANY_WIDTH) !== 0) throw new InvalidArgument(`region ${r.name} widths`, r.widths, 'must be a non-empty set of 1, 2, 4');
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
      if (access === 'read') this.ramLoad = r.ram;
      else if (access === 'write') this.ramStore = r.ram;
    }
    return r;
  }

  /** An instruction fetch (Thumb: 2 or 4 bytes) from memory; peripherals are never executable. */
  fetch(addr: number, size: 2 | 4): number {
    const r = this.route(addr, size, 'fetch');
    if (r.view === undefined) throw new BusFault(addr, size, 'fetch', 'protection', `${r.name} is a peripheral: not executable`);
    return size === 2 ? r.view.getUint16(addr - r.base, true) : r.view.getUint32(addr - r.base, true);
  }

  // Each access first tries the RAM fast path: `(off >>> 0) === off` admits only integer offsets
  // inside the cached region (a negative or fractional one fails it), then alignment and length.
  load8(addr: number): number {
    const f = this.ramLoad;
    const off = addr - f.base;
    if ((off >>> 0) === off && off < f.limit + 4) return f.bytes[off]!;
    const r = this.route(addr, 1, 'read');
    return r.bytes ? r.bytes[addr - r.base]! : r.device!.read(addr - r.base, 1) & 0xff;
  }
  load16(addr: number): number {
    const f = this.ramLoad;
    const off = addr - f.base;
    if ((off >>> 0) === off && off < f.limit + 3 && (addr & 1) === 0) return f.view.getUint16(off, true);
    const r = this.route(addr, 2, 'read');
    return r.view ? r.view.getUint16(addr - r.base, true) : r.device!.read(addr - r.base, 2) & 0xffff;
  }
  load32(addr: number): number {
    const f = this.ramLoad;
    const off = addr - f.base;
    if ((off >>> 0) === off && off <= f.limit && (addr & 3) === 0) return f.view.getUint32(off, true);
    const r = this.route(addr, 4, 'read');
    return r.view ? r.view.getUint32(addr - r.base, true) : r.device!.read(addr - r.base, 4) >>> 0;
  }
  store8(addr: number, value: number): void {
    checkValue(value, 0xff, 8);
    const f = this.ramStore;
    const off = addr - f.base;
    if ((off >>> 0) === off && off < f.limit + 4) {
      f.bytes[off] = value;
      return;
    }
    const r = this.route(addr, 1, 'write');
    if (r.bytes) r.bytes[addr - r.base] = value;
    else r.device!.write(addr - r.base, 1, value);
  }
  store16(addr: number, value: number): void {
    checkValue(value, 0xffff, 16);
    const f = this.ramStore;
    const off = addr - f.base;
    if ((off >>> 0) === off && off < f.limit + 3 && (addr & 1) === 0) {
      f.view.setUint16(off, value, true);
      return;
    }
    const r = this.route(addr, 2, 'write');
    if (r.view) r.view.setUint16(addr - r.base, value, true);
    else r.device!.write(addr - r.base, 2, value);
  }
  store32(addr: number, value: number): void {
    if (value >>> 0 !== value) throw new InvalidArgument('32-bit value', value, 'must be an integer in 0..0xffffffff');
    const f = this.ramStore;
    const off = addr - f.base;
    if ((off >>> 0) === off && off <= f.limit && (addr & 3) === 0) {
      f.view.setUint32(off, value, true);
      return;
    }
    const r = this.route(addr, 4, 'write');
    if (r.view) r.view.setUint32(addr - r.base, value, true);
    else r.device!.write(addr - r.base, 4, value);
  }
}

function checkValue(value: number, mask: number, bits: number): void {
  if ((value & mask) !== value) throw new InvalidArgument(`${bits}-bit value`, value, `must be an integer in 0..0x${mask.toString(16)}`);
}
