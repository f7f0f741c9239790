// vllsi: the portable core. Runs unchanged in Node and in Moddable XS.
export * from './errors.js';
export * from './common.js';
export * from './bitflags.js';
export * from './bitfield.js';
export * from './packed.js';
