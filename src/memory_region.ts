// A memory region (reference: `MemoryRegion { base, length, cacheable }`): bounds-checked
// accesses to a range of the address space, through the bus path of src/bus.ts.
import { InvalidArgument, hex } from './errors.js';
import { sizeOf, type AccessMode, type Width } from './bus.js';
import { volatileLoad, volatileStore } from './mmio.js';
import type { Access } from './register_def.js';
import { Register } from './register.js';

/** A range of the address space (reference: `MemoryRegion { base, length, cacheable }`); accesses are bounds-checked. */
export class MemoryRegion {
  constructor(
    readonly base: number,
    readonly length: number,
    readonly cacheable: boolean = false,
  ) {
    if (!Number.isInteger(base) || base < 0 || base > 0xffffffff) throw new InvalidArgument('region base', base, 'must be a 32-bit address');
    if (!Number.isInteger(length) || length < 0 || base + length > 0x100000000) {
      throw new InvalidArgument('region length', length, `must be an integer with base + length <= 2^32 (base ${hex(base)})`);
    }
  }

  /** `size` bytes at absolute `address` lie inside the region. */
  contains(address: number, size = 1): boolean {
    return address >= this.base && address + size <= this.base + this.length;
  }

  /** Reads `width` bits at byte `offset` from the region's base. */
  load(offset: number, width: Width = 32): number {
    return volatileLoad(this.at(offset, width), width);
  }

  /** Writes `width` bits at byte `offset` from the region's base. */
  store(offset: number, value: number, width: Width = 32): void {
    volatileStore(this.at(offset, width), value, width);
  }

  /** A field-less register at byte `offset` inside the region. */
  register(offset: number, options: { size?: Width; mode?: AccessMode; access?: Access; name?: string } = {}): Register {
    const width = options.size ?? 32;
    return Register.at(this.at(offset, width), options);
  }

  private at(offset: number, width: Width): number {
    const size = sizeOf(width);
    if (!Number.isInteger(offset) || offset < 0 || offset + size > this.length) {
      throw new InvalidArgument('region offset', offset, `must leave ${size} byte(s) inside the region of ${this.length} bytes at ${hex(this.base)}`);
    }
    return this.base + offset;
  }
}
