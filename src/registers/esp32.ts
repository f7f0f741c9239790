// ESP32 register definitions for the peripherals the examples, the simulator and src/io use,
// generated from Espressif's esp32.svd by `vllsi svd gen` into ./esp32/, with the corrections of
// tools/svd/patches/esp32.json (the TRM's facts the SVD gets wrong: docs/svd.md, which also says
// how to regenerate). Tree-shakeable: each peripheral (with those derived from it) is its own module.
export * from './esp32/index.js';
