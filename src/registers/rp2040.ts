// RP2040 register definitions for the peripherals the examples and the simulator use,
// generated from RP2040.svd (pico-sdk 2.2.0) by `vllsi svd gen` into ./rp2040/ (see
// docs/svd.md to regenerate). Tree-shakeable: each peripheral is its own module.
export * from './rp2040/index.js';
