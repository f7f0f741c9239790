// OS memory on a simulated board: a page-granular region at the top of the board's
// RAM, whose protections the bus enforces. The guard is consulted by the bus on
// every access (Bus.guard): a read of a page without Read, a write without Write
// or a fetch without Exec is a BusFault with reason 'protection', and has no effect.
import type { AccessSize } from '../src/hal.js';
import { InvalidArgument, describe } from '../src/errors.js';
import { MemProt } from '../src/bitflags.js';
import { initOsMemory, type MemoryProtector } from '../src/os_memory.js';
import type { AccessGuard, Bus } from './bus.js';
import type { BusAccess } from '../src/hal.js';
import type { SimBoard } from './index.js';

const NEEDS: Record<BusAccess, number> = { read: MemProt.Read.bits, write: MemProt.Write.bits, fetch: MemProt.Exec.bits };

export class BusPageGuard implements AccessGuard, MemoryProtector {
  readonly name = 'simulated bus';
  private readonly prot: Uint8Array;
  private readonly end: number;

  constructor(
    private readonly bus: Bus,
    readonly base: number,
    readonly size: number,
    readonly pageSize: number,
  ) {
    this.end = base + size;
    this.prot = new Uint8Array(size / pageSize);
  }

  check(addr: number, _size: AccessSize, access: BusAccess): string | undefined {
    if (addr < this.base || addr >= this.end) return undefined;
    const bits = this.prot[Math.floor((addr - this.base) / this.pageSize)]!;
    if ((bits & NEEDS[access]) !== 0) return undefined;
    const page = this.base + Math.floor((addr - this.base) / this.pageSize) * this.pageSize;
    return `OS memory page ${describe(page)} is ${MemProt.from(bits).toString()}: no ${access} access`;
  }

  protect(addr: number, size: number, prot: MemProt): void {
    this.prot.fill(prot.bits, (addr - this.base) / this.pageSize, (addr + size - this.base) / this.pageSize);
  }

  zero(addr: number, size: number): void {
    const r = this.bus.regionAt(addr);
    if (r?.bytes === undefined || addr + size > r.end) throw new InvalidArgument('OS memory range', addr, 'is not RAM of the board');
    r.bytes.fill(0, addr - r.base, addr + size - r.base);
  }
}

/** Default size of the OS memory region: 64 KiB. */
export const DEFAULT_OS_MEMORY_BYTES = 64 * 1024;

/**
 * Reserves the top `size` bytes of the board's first RAM block for OS memory (osAlloc...)
 * and installs its page guard on the bus. Returns the guard (its base and size).
 */
export function attachOsMemory(board: SimBoard, size: number = DEFAULT_OS_MEMORY_BYTES): BusPageGuard {
  const pageSize = board.spec.pageSize;
  const ram = board.spec.memory.find((m) => m.kind === 'ram');
  if (ram === undefined) throw new InvalidArgument('board', board.spec.name, 'has no RAM block for OS memory');
  const end = Math.floor((ram.base + ram.size) / pageSize) * pageSize;
  if (!Number.isInteger(size) || size <= 0 || size % pageSize !== 0 || end - size < ram.base) {
    throw new InvalidArgument('OS memory size', size, `must be a positive multiple of ${pageSize} fitting in ${ram.name} (${ram.size} bytes)`);
  }
  const guard = new BusPageGuard(board.machine.bus, end - size, size, pageSize);
  initOsMemory({ base: guard.base, size, pageSize, protector: guard });
  board.machine.bus.guard = guard;
  return guard;
}
