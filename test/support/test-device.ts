// A test peripheral exercising every rule of the register definition format
// (docs/mmio.md), shared by the mmio unit tests and the model-based test.
import type { PeripheralDef } from '../../src/index.js';

export const RAM = 0x20000000;
export const DEV = 0x40000000;

export const DEVICE = {
  name: 'DEV',
  baseAddress: DEV,
  atomicAliases: true,
  registers: {
    CTRL: {
      addressOffset: 0x00,
      resetValue: 0x0310,
      fields: {
        MODE: { bitOffset: 0, bitWidth: 2, enumeratedValues: { OFF: 0, SLOW: 1, FAST: 2, MAX: 3 } },
        EN: { bitOffset: 4, bitWidth: 1 },
        DIV: { bitOffset: 8, bitWidth: 8 },
        TOP: { bitOffset: 31, bitWidth: 1 },
      },
    },
    FLAGS: {
      addressOffset: 0x04,
      resetValue: 0x0500,
      fields: {
        A: { bitOffset: 0, bitWidth: 1, modifiedWriteValues: 'oneToClear' },
        B: { bitOffset: 1, bitWidth: 1, modifiedWriteValues: 'oneToClear' },
        LEVEL: { bitOffset: 8, bitWidth: 4 },
      },
    },
    STATUS: {
      addressOffset: 0x08,
      fields: { READY: { bitOffset: 0, bitWidth: 1, access: 'read-only' }, COUNT: { bitOffset: 4, bitWidth: 4, access: 'read-only' } },
    },
    CMD: { addressOffset: 0x0c, access: 'write-only', resetValue: 0x100, fields: { GO: { bitOffset: 0, bitWidth: 1 }, ARG: { bitOffset: 8, bitWidth: 8 } } },
    FIFO: { addressOffset: 0x10, fields: { DATA: { bitOffset: 0, bitWidth: 8, readAction: 'modify' } } },
    MIXED: {
      addressOffset: 0x14,
      resetValue: 0x5a,
      fields: { KEY: { bitOffset: 0, bitWidth: 8, access: 'write-only' }, VAL: { bitOffset: 16, bitWidth: 8 } },
    },
    HALF: { addressOffset: 0x18, size: 16, fields: { LO: { bitOffset: 0, bitWidth: 8 }, HI: { bitOffset: 8, bitWidth: 8 } } },
  },
} as const satisfies PeripheralDef;
