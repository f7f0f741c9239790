// The part catalogue: classes, and parts built from board-file data
// ({ "kind": "button", "pin": 14, "bounce": { "count": 4 } }: the options of the class).
import { InvalidArgument } from '../../src/errors.js';
import { Button } from './button.js';
import { I2cEeprom } from './i2c-eeprom.js';
import { Led } from './led.js';
import { Mcp3008 } from './mcp3008.js';
import type { Part, PartHost } from './part.js';
import { Potentiometer } from './potentiometer.js';
import { SpiFlash } from './spi-flash.js';
import { Tmp102 } from './tmp102.js';

export { Button, I2cEeprom, Led, Potentiometer, SpiFlash, type Part, type PartHost };
export type { ButtonOptions } from './button.js';
export type { I2cEepromOptions } from './i2c-eeprom.js';
export type { SpiFlashOptions } from './spi-flash.js';
export type { LedChange } from './led.js';

/** A bus part without a Part of its own (TMP102, MCP3008) at an address or chip select. */
function onBus(kind: string, attach: (host: PartHost) => () => void): Part {
  return { kind, attach };
}

const makers: Record<string, (o: any) => Part> = {
  button: (o) => new Button(o),
  led: (o) => new Led(o),
  potentiometer: (o) => new Potentiometer(o),
  'i2c-eeprom': (o) => new I2cEeprom(o),
  'spi-flash': (o) => new SpiFlash(o),
  tmp102: (o) => onBus('tmp102', (h) => h.i2c(o.bus ?? 0).attach(o.address ?? 0x48, new Tmp102(o.temperature))),
  mcp3008: (o) => onBus('mcp3008', (h) => h.spi(o.bus ?? 0).attach(o.cs, new Mcp3008(o.vref))),
};

/** Kinds a board file may list. */
export const partKinds: readonly string[] = Object.keys(makers);

/** A part from its data (a board file's "parts" entry). */
export function partFromData(data: unknown): Part {
  const o = data as Record<string, unknown>;
  const kind = typeof o?.kind === 'string' ? o.kind : undefined;
  if (kind === undefined || !Object.hasOwn(makers, kind)) throw new InvalidArgument('part kind', o?.kind, `must be one of ${partKinds.join(', ')}`);
  return makers[kind]!(o);
}
