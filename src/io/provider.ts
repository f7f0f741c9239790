// The ECMA-419 host provider of a board (the `device` global of Moddable apps,
// `embedded:provider/builtin`): `device.io` holds the chip's IO classes, `device.pin` the
// board's named pins, and `device.I2C.default` (also SPI, Serial) the options of the
// board's default bus with its class as `io`, to spread into a constructor:
//   new device.I2C.default.io({ ...device.I2C.default, address: 0x48 })
// The data comes from the board file (boards/NAME/board.json, "io").
import type { BoardIo } from '../board.js';

export type { BoardIo };

/** The IO classes of a chip (src/io/rp2040.ts, src/io/esp32.ts export them under these names). */
export interface IoClasses {
  readonly Digital: unknown;
  readonly DigitalBank: unknown;
  readonly Serial?: unknown;
  readonly PWM?: unknown;
  readonly I2C?: unknown;
  readonly SMBus?: unknown;
  readonly SPI?: unknown;
  readonly Analog?: unknown;
}

/** The class each `embedded:io/<name>` module exports as its default (ECMA-419's module names). */
export const ioModuleNames: Readonly<Record<string, keyof IoClasses>> = /* @__PURE__ */ Object.freeze({
  digital: 'Digital',
  digitalbank: 'DigitalBank',
  serial: 'Serial',
  i2c: 'I2C',
  smbus: 'SMBus',
  spi: 'SPI',
  pwm: 'PWM',
  analog: 'Analog',
});

export interface HostProvider {
  readonly io: IoClasses;
  readonly pin: Readonly<Record<string, number>>;
  readonly I2C?: { readonly default: Readonly<Record<string, unknown>> };
  readonly SPI?: { readonly default: Readonly<Record<string, unknown>> };
  readonly Serial?: { readonly default: Readonly<Record<string, unknown>> };
}

/** Builds a board's `device` object from its chip's classes and its board data; frozen, as Moddable's. */
export function hostProvider(classes: IoClasses, board: BoardIo): HostProvider {
  const io: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(classes)) if (v !== undefined) io[k] = v;
  const device: Record<string, unknown> = { io: Object.freeze(io), pin: Object.freeze({ ...board.pin }) };
  for (const bus of ['I2C', 'SPI', 'Serial'] as const) {
    const cls = classes[bus],
      d = board[bus];
    if (cls !== undefined && d !== undefined) device[bus] = Object.freeze({ default: Object.freeze({ io: cls, ...d.default }) });
  }
  return Object.freeze(device) as unknown as HostProvider;
}
