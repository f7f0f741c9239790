// The serial console service and its register maps (docs/console.md).
export * from './protocol.js';
export * from './regmap.js';
export * from './service.js';
export * from './serial.js';
