// vllsi: the portable core. Runs unchanged in Node and in Moddable XS.
export * from './errors.js';
export * from './common.js';
export * from './bitflags.js';
export * from './bitfield.js';
export * from './packed.js';
export * from './profile.js';
export * from './runtime.js';
export { PENDING, WouldBlock, DEFAULT_STACK_ARENA_BYTES, MAX_STACK_ARENA_BYTES } from './embedded.js';
export type { Pollable, StackStats, BlockOnOptions, Blocking } from './embedded.js';
export { NoRuntime } from './no_runtime.js';
export * from './context.js';
export * from './threads.js';
export * from './init.js';
export * from './permissions.js';
