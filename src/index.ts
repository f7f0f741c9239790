// vllsi: the portable core. Runs unchanged in Node and in Moddable XS.
// Register definitions (vllsi/registers/rp2040, vllsi/registers/esp32) and the serial console
// (vllsi/console) are entry points of their own: a device bundle carries only what it imports.
export * from './errors.js';
export { closestNames, didYouMean } from './suggest.js';
export type { AppMain, BoardSpec, Hal, AccessSize } from './app.js';
export * from './common.js';
export { MemoryOrdering, BusFault, Halted, rp2040RegisterOf, type BusFaultReason, type BusAccess } from './hal.js';
export * from './bitflags.js';
export * from './bitfield.js';
export * from './packed.js';
export * from './profile.js';
export * from './runtime.js';
export { DEFAULT_STACK_ARENA_BYTES, MAX_STACK_ARENA_BYTES, type StackStats } from './embedded.js';
export { PENDING, WouldBlock, type Pollable, type BlockOnOptions, type Blocking } from './block_on.js';
export { NoRuntime } from './no_runtime.js';
export { MemAdvice, BadFree, releaseOsMemory, osProtection, osMemoryInfo } from './os_memory.js';
export type { MemoryProtector, OsMemoryConfig } from './os_memory.js';
export * from './context.js';
export * from './threads.js';
export * from './init.js';
export * from './permissions.js';
export { confineLater } from './gate.js';
// `os()` (the backend itself, for src/'s entry points after their gate) stays internal: osBackend() is the gated view.
export { LockKind, CLOCK_REALTIME, CLOCK_MONOTONIC, NoOsBackend, UnsupportedSignal, checkOsPath, installOsBackend, osBackend } from './os.js';
export type { RawLockResult, ClockId, FileKind, PortableSignal, OsBackend, OpenFlags } from './os.js';
export * from './sys_common.js';
export * from './locking.js';
export * from './durability.js';
export * from './io_engine.js';
export type * from './io_driver.js';
export * from './process.js';
export * from './platform.js';
export * from './mmio.js';
export { AccessMode, type Width } from './bus.js';
export { isReadable, isWritable } from './register_def.js';
export type {
  Access,
  ModifiedWriteValues,
  ReadAction,
  FieldDef,
  RegisterDef,
  PeripheralDef,
  FieldName,
  EnumName,
  FieldValues,
  FieldAccess,
  RegisterAccess,
  ReadableFieldName,
  WritableFieldName,
  ReadableFieldValues,
  AnyFieldValues,
} from './register_def.js';
export type { EnumSet, EnumValue, FieldMap, PeripheralMap, RegisterMap, WriteAction } from './register_def.js';
export * from './register_errors.js';
export * from './register.js';
export * from './peripheral.js';
export * from './memory_region.js';
export * from './interrupt.js';
export { armMpuProtector, noMpuProtector, deviceMemoryProtector, type MpuRegion } from './mpu.js';
