// Memory-mapped I/O (reference: core.sys.mmio): volatile loads/stores and barriers, the
// reference's free functions. Registers are src/register.ts (definitions: src/register_def.ts;
// peripheral handles: src/peripheral.ts), memory regions src/memory_region.ts; all of them
// reach the HAL through the one bus path of src/bus.ts (docs/mmio.md).
//
// Errors: BusFault (the bus could not complete an access: thrown by HALs), InvalidArgument
// (a bad address, width or value). Every check happens before the bus is touched.
import type { MemoryOrdering } from './hal.js';
import { checkAddress, checkValue, load, sizeOf, store, type Width } from './bus.js';
import { currentHal } from './platform.js';

/** Reads `width` bits at `addr` through the HAL; never merged, cached or elided. */
export function volatileLoad(addr: number, width: Width = 32): number {
  const size = sizeOf(width);
  checkAddress(addr, size);
  return load(addr, size, false);
}

/** Writes `value` (unsigned, fits `width` bits) at `addr` through the HAL. */
export function volatileStore(addr: number, value: number, width: Width = 32): void {
  const size = sizeOf(width);
  checkAddress(addr, size);
  checkValue('value', value, width);
  store(addr, size, value, false);
}

/** A memory barrier of the given ordering. */
export function barrier(order: MemoryOrdering): void {
  currentHal().barrier(order);
}
/** Data memory barrier: memory accesses before it are observed before those after it. */
export function dmb(): void {
  currentHal().dmb();
}
/** Data synchronisation barrier: waits until every earlier memory access has completed. */
export function dsb(): void {
  currentHal().dsb();
}
/** Instruction synchronisation barrier: later instructions are fetched anew. */
export function isb(): void {
  currentHal().isb();
}
