// OS memory protections on a device (src/os_memory.ts): the ARMv6-M / ARMv7-M MPU
// (PMSAv6/v7: RP2040's Cortex-M0+ has 8 regions), programmed through the HAL's bus like
// any register. Chips without one get a protector that cannot protect: osProtect is
// then a typed Unsupported error.
//
// Regions are scarce, so only osProtect'd pages use them: fresh, freed and never
// allocated pages stay under the default map (guardsUnmapped = false). Each run of
// pages with one protection other than read-write becomes MPU regions (power-of-two
// sized and aligned blocks, >= 256 bytes). A change that would need more regions than
// the MPU has, or a protection the MPU cannot express (write without read), is
// Unsupported and changes nothing.
import { MemProt } from './bitflags.js';
import { Unsupported, InvalidArgument, requireObject } from './errors.js';
import { dsb, isb, volatileLoad, volatileStore } from './mmio.js';
import type { MemoryProtector } from './os_memory.js';

export const MPU_TYPE = 0xe000ed90;
export const MPU_CTRL = 0xe000ed94;
export const MPU_RNR = 0xe000ed98;
export const MPU_RBAR = 0xe000ed9c;
export const MPU_RASR = 0xe000eda0;

const CTRL_ENABLE = 1 << 0;
const CTRL_PRIVDEFENA = 1 << 2;
const RBAR_VALID = 1 << 4;
const RASR_XN = 1 << 28;
const RASR_ENABLE = 1;
/** Normal memory, write-back, shareable (S C B = 1 1 1): SRAM. */
const RASR_SRAM = (1 << 18) | (1 << 17) | (1 << 16);
const AP_NONE = 0b000;
const AP_RO = 0b110;
const AP_RW = 0b011;

/** One MPU region: what RBAR and RASR receive. */
export interface MpuRegion {
  readonly base: number;
  readonly size: number;
  readonly rbar: number;
  readonly rasr: number;
}

const RW_BITS = MemProt.Read.bits | MemProt.Write.bits;

function rasrFor(prot: number, size: number): number {
  const r = (prot & MemProt.Read.bits) !== 0;
  const w = (prot & MemProt.Write.bits) !== 0;
  if (w && !r) throw new Unsupported('osProtect', 'the MPU cannot make memory write-only');
  const ap = w ? AP_RW : r ? AP_RO : AP_NONE;
  const xn = (prot & MemProt.Exec.bits) !== 0 ? 0 : RASR_XN;
  return (xn | (ap << 24) | RASR_SRAM | ((31 - Math.clz32(size) - 1) << 1) | RASR_ENABLE) >>> 0;
}

/** Splits [start, end) into power-of-two blocks aligned to their size. */
function blocks(start: number, end: number): { base: number; size: number }[] {
  const out = [];
  for (let a = start; a < end;) {
    let size = 2 ** 31;
    while (size > 1 && (a % size !== 0 || a + size > end)) size /= 2;
    if (size < 256) throw new Unsupported('osProtect', `the MPU cannot protect ${end - start} bytes at 0x${a.toString(16)}: regions are at least 256 bytes`);
    out.push({ base: a, size });
    a += size;
  }
  return out;
}

/** The MPU of an ARMv6-M/ARMv7-M core, for OS memory in [base, base + size). */
export function armMpuProtector(region: { base: number; size: number; pageSize: number; firstRegion?: number }): MemoryProtector & { regions(): MpuRegion[] } {
  requireObject('MPU region', region);
  const { base, size, pageSize } = region;
  const first = region.firstRegion ?? 0;
  const prot = new Uint8Array(size / pageSize).fill(RW_BITS);
  let programmed: MpuRegion[] = [];

  /** The regions `p` (page protections) needs; throws Unsupported when they do not fit. */
  function plan(p: Uint8Array): MpuRegion[] {
    const count = (volatileLoad(MPU_TYPE) >>> 8) & 0xff;
    if (count === 0) throw new Unsupported('osProtect', 'this core has no MPU regions (MPU_TYPE.DREGION = 0)');
    const out: MpuRegion[] = [];
    for (let i = 0; i < p.length;) {
      let j = i + 1;
      while (j < p.length && p[j] === p[i]) j++;
      if (p[i] !== RW_BITS) {
        for (const b of blocks(base + i * pageSize, base + j * pageSize)) {
          const n = first + out.length;
          out.push({ base: b.base, size: b.size, rbar: (b.base | RBAR_VALID | (n & 0xf)) >>> 0, rasr: rasrFor(p[i]!, b.size) });
        }
      }
      i = j;
    }
    if (first + out.length > count) {
      throw new Unsupported(
        'osProtect',
        `the protections need ${out.length} MPU regions, the MPU has ${count - first} free (${count} in all, from region ${first})`,
      );
    }
    return out;
  }

  function program(next: MpuRegion[]): void {
    volatileStore(MPU_CTRL, 0);
    const count = Math.max(next.length, programmed.length);
    for (let i = 0; i < count; i++) {
      volatileStore(MPU_RNR, first + i);
      const r = next[i];
      volatileStore(MPU_RASR, 0);
      if (r) {
        volatileStore(MPU_RBAR, r.rbar);
        volatileStore(MPU_RASR, r.rasr);
      }
    }
    volatileStore(MPU_CTRL, next.length > 0 || first > 0 ? CTRL_ENABLE | CTRL_PRIVDEFENA : 0);
    dsb();
    isb();
    programmed = next;
  }

  return {
    name: 'ARM MPU',
    guardsUnmapped: false,
    protect(addr: number, len: number, p: MemProt): void {
      if (addr < base || addr + len > base + size) throw new InvalidArgument('MPU range', addr, 'is outside the OS memory region');
      const next = prot.slice();
      next.fill(p.bits, (addr - base) / pageSize, (addr + len - base) / pageSize);
      const regions = plan(next); // may throw: nothing changed yet
      program(regions);
      prot.set(next);
    },
    zero(addr: number, len: number): void {
      for (let a = addr; a < addr + len; a += 4) volatileStore(a, 0);
    },
    regions: () => programmed.slice(),
  };
}

/** A chip without an MPU: memory is always accessible and osProtect is Unsupported. */
export function noMpuProtector(chip: string): MemoryProtector {
  return {
    name: `${chip} (no MPU)`,
    zero(addr: number, len: number): void {
      for (let a = addr; a < addr + len; a += 4) volatileStore(a, 0);
    },
  };
}

/** Cores whose MPU armMpuProtector programs. */
const MPU_CPUS = ['cortex-m0plus', 'cortex-m3', 'cortex-m4', 'cortex-m7'];

/** The protector for a board's core (boards/NAME/board.json `cpu`). */
export function deviceMemoryProtector(cpu: string, region: { base: number; size: number; pageSize: number; firstRegion?: number }): MemoryProtector {
  return MPU_CPUS.includes(cpu) ? armMpuProtector(region) : noMpuProtector(cpu);
}
