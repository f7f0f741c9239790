// ECMA-419 Analog (2nd edition, "Analog input"): one ADC input. Options: pin (required;
// the GPIO of an ADC channel), resolution (only what the ADC makes), format ("number"
// only), target. read() returns the conversion, 0..2^resolution - 1; `resolution` is a
// read-only property. No callbacks (the standard defines none for Analog).
import { IoClosed, IoRangeError, claim, NumberFormat, formatOption, intOption, optionsOf, release, type Options } from './common.js';

/** What a chip binding provides for its ADC. */
export interface AdcBinding {
  readonly pinCount: number;
  readonly resolution: number;
  /** The ADC channel of `pin` (RangeError when the pin has none). */
  channelOf(pin: number, cls: string): number;
  open(pin: number, channel: number): void;
  /** One conversion of `channel`. */
  read(channel: number): number;
  close(pin: number): void;
}

export interface AnalogInstance {
  readonly pin: number;
  readonly resolution: number;
  target: unknown;
  format: 'number';
  read(): number;
  close(): void;
}

/** The Analog class of a chip. */
export function defineAnalog(adc: AdcBinding, className = 'Analog') {
  return class Analog extends NumberFormat implements AnalogInstance {
    readonly pin: number;
    readonly resolution = adc.resolution;
    target: unknown;
    readonly #channel: number;
    #closed = false;

    constructor(options: Record<string, unknown>) {
      super();
      const o: Options = optionsOf(options, className);
      const pin = intOption(o, 'pin', className, 0, adc.pinCount - 1, true)!;
      const resolution = intOption(o, 'resolution', className, 1, 32, false);
      if (resolution !== undefined && resolution !== adc.resolution)
        throw new IoRangeError(`${className}: options.resolution must be ${adc.resolution} (the ADC's), got ${resolution}`);
      formatOption(o.format, ['number'], 'number', className);
      const channel = adc.channelOf(pin, className);
      claim(this, [`GPIO${pin}`]);
      adc.open(pin, channel);
      this.pin = pin;
      this.#channel = channel;
      this.target = o.target;
    }

    read(): number {
      if (this.#closed) throw new IoClosed(className, 'read');
      return adc.read(this.#channel);
    }

    close(): void {
      if (this.#closed) return;
      this.#closed = true;
      adc.close(this.pin);
      release(this, [`GPIO${this.pin}`]);
    }
  };
}
