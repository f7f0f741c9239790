// The one bus path of src/: every register, field, region and volatile access ends in `load` or
// `store` below and from there reaches the bound HAL (src/platform.ts) with the width as an
// AccessSize. Permission gating belongs here, in one place: the only accesses that skip this
// file are those src/platform.ts's directHal allows (no gate installed), Register.read/write's
// and build-time inlined code's. Also the access widths and modes, and the argument checks that
// run before the bus is touched (a refused access has no effect). Internal to src/: the public
// API is src/mmio.ts, src/register.ts, src/peripheral.ts and src/memory_region.ts.
import type { AccessSize } from './hal.js';
import { InvalidArgument, hex } from './errors.js';
import { currentHal, registerGate } from './platform.js';

/** Access width in bits. */
export type Width = 8 | 16 | 32;

// Both pass the permission gate first (src/permissions.ts): one comparison outside a sandbox.
export function load(address: number, size: AccessSize, sync: boolean): number {
  if (registerGate !== undefined) registerGate(address, size);
  const hal = currentHal();
  if (sync) hal.dmb();
  const v = hal.load(address, size);
  if (sync) hal.dsb();
  return v;
}

export function store(address: number, size: AccessSize, value: number, sync: boolean): void {
  if (registerGate !== undefined) registerGate(address, size);
  const hal = currentHal();
  if (sync) hal.dmb();
  hal.store(address, size, value);
  if (sync) hal.dsb();
}

export function sizeOf(width: unknown): AccessSize {
  if (width === 32) return 4;
  if (width === 16) return 2;
  if (width === 8) return 1;
  throw new InvalidArgument('access width', width, 'must be 8, 16 or 32 (bits)');
}

export function checkAddress(address: number, size: AccessSize): void {
  if (!Number.isInteger(address) || address < 0 || address > 0xffffffff - (size - 1)) {
    throw new InvalidArgument('address', address, `must be an integer in 0..${hex(0x100000000 - size)}`);
  }
  if (address % size !== 0) throw new InvalidArgument('address', address, `must be ${size}-byte aligned`);
}

export function checkValue(what: string, value: number, bits: number): void {
  const max = bits >= 32 ? 0xffffffff : 2 ** bits - 1;
  if (!Number.isInteger(value) || value < 0 || value > max) {
    throw new InvalidArgument(what, value, `must be an integer in 0..${hex(max)} (${bits} bits)`);
  }
}

export const AccessMode = {
  /** Every access reaches the bus, in program order (the default for device registers). */
  Volatile: 'Volatile',
  /** Volatile, and fenced: `dmb` before the access and `dsb` after it. */
  Sync: 'Sync',
  /** Reaches the bus with no ordering promise relative to other accesses (plain memory). */
  Relaxed: 'Relaxed',
} as const;
export type AccessMode = (typeof AccessMode)[keyof typeof AccessMode];

export function checkMode(mode: unknown): AccessMode {
  if (mode !== 'Volatile' && mode !== 'Sync' && mode !== 'Relaxed') {
    throw new InvalidArgument('access mode', mode, 'must be Volatile, Sync or Relaxed');
  }
  return mode;
}
