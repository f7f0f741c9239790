// The serial console service and its register maps (docs/console.md).
export * from './protocol.js';
export * from '../register_map.js';
export * from './service.js';
export * from './serial.js';
