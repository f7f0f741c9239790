// ECMA-419 Digital (2nd edition, "Digital"): one GPIO. Options: pin (required), mode
// (required), edge (Digital.Rising, Digital.Falling or both; required with onReadable),
// onReadable(), onError, format ("number" only), target; Moddable's initialValue for
// outputs. read() gives 0 or 1 (inputs), write(0 | 1) drives the pin (outputs).
// Built on the chip's GPIO binding like DigitalBank, with the pin's mask precomputed so
// read and write are one bus access each.
import { describe } from '../errors.js';
import { directHal } from '../platform.js';
import { DigitalMode, DigitalModes, isOutput, modeOption, pinNames, type DigitalModeValue, type GpioBinding } from './digitalbank.js';
import {
  IoClosed,
  IoRangeError,
  IoTypeError,
  IoUnsupported,
  callbackOption,
  claim,
  formatOption,
  intOption,
  optionsOf,
  release,
  type Options,
} from './common.js';

export interface DigitalOptions {
  readonly pin: number;
  readonly mode: DigitalModeValue;
  readonly edge?: number;
  readonly onReadable?: (this: DigitalInstance) => void;
  readonly onError?: (this: DigitalInstance, error: unknown) => void;
  readonly format?: 'number';
  readonly target?: unknown;
  readonly initialValue?: 0 | 1;
}

export interface DigitalInstance {
  readonly pin: number;
  target: unknown;
  format: 'number';
  read(): 0 | 1;
  write(value: 0 | 1): void;
  close(): void;
}

export const Edge = { Rising: 1, Falling: 2 } as const;

/** The Digital class of a chip. */
export function defineDigital(gpio: GpioBinding, className = 'Digital') {
  const pinCount = gpio.banks.length * 32;
  return class Digital extends DigitalModes implements DigitalInstance {
    static readonly Rising = Edge.Rising;
    static readonly Falling = Edge.Falling;

    readonly pin: number;
    target: unknown;
    readonly #bank: number;
    readonly #mask: number;
    readonly #mode: DigitalModeValue;
    readonly #claims: readonly string[];
    #closed = false;
    /** Set/clear/input register addresses of a push-pull pin whose binding has them (0: go through the binding). */
    readonly #set: number = 0;
    readonly #clear: number = 0;
    readonly #input: number = 0;

    constructor(options: DigitalOptions) {
      super();
      const o: Options = optionsOf(options, className);
      const pin = intOption(o, 'pin', className, 0, pinCount - 1, true)!;
      const bank = pin >> 5;
      const mask = (1 << (pin & 31)) >>> 0;
      if ((gpio.banks[bank]! & mask) === 0) throw new IoRangeError(`${className}: options.pin ${pin} is not a GPIO of this chip`);
      const mode = modeOption(o, className);
      const onReadable = callbackOption(o, 'onReadable', className);
      callbackOption(o, 'onError', className); // accepted; no GPIO error is reported asynchronously
      const edge = intOption(o, 'edge', className, 1, 3, false);
      if (onReadable !== undefined) {
        if (isOutput(mode)) throw new IoRangeError(`${className}: onReadable needs an input mode, not ${mode}`);
        if (edge === undefined) throw new IoTypeError(`${className}: options.edge is required with onReadable`);
      }
      formatOption(o.format, ['number'], 'number', className);
      const initial = o.initialValue;
      if (initial !== undefined && initial !== 0 && initial !== 1)
        throw new IoRangeError(`${className}: options.initialValue must be 0 or 1, got ${describe(initial)}`);
      this.#claims = pinNames(bank, mask);
      claim(this, this.#claims);
      this.pin = pin;
      this.#bank = bank;
      this.#mask = mask;
      this.#mode = mode;
      this.target = o.target;
      try {
        gpio.configure(bank, mask, mode, initial === 1 ? mask : 0);
      } catch (e) {
        release(this, this.#claims);
        throw e;
      }
      const d = mode === DigitalMode.OutputOpenDrain ? undefined : gpio.direct?.(bank);
      if (d !== undefined) {
        this.#set = d.set;
        this.#clear = d.clear;
        this.#input = d.input;
      }
      if (onReadable !== undefined) {
        const rises = edge! & Edge.Rising ? mask : 0;
        const falls = edge! & Edge.Falling ? mask : 0;
        gpio.watch(bank, mask, rises, falls, () => {
          if (this.#closed) return;
          onReadable.call(this as never);
        });
      }
    }

    read(): 0 | 1 {
      if (this.#closed) throw new IoClosed(className, 'read');
      if (isOutput(this.#mode)) throw new IoUnsupported(`${className}.read(): pin ${this.pin} is an output`);
      // The bound HAL straight (as register code inlined at build time does); under a permission sandbox directHal is undefined and the checked path runs.
      const h = directHal;
      const v = h !== undefined && this.#input !== 0 ? h.load32(this.#input) : gpio.read(this.#bank);
      return (v & this.#mask) === 0 ? 0 : 1;
    }

    write(value: 0 | 1): void {
      if (this.#closed) throw new IoClosed(className, 'write');
      if (!isOutput(this.#mode)) throw new IoUnsupported(`${className}.write(): pin ${this.pin} is an input`);
      if (value !== 0 && value !== 1) throw new IoRangeError(`${className}.write(): value must be 0 or 1, got ${describe(value)}`);
      const h = directHal;
      if (h !== undefined && this.#set !== 0) h.store32(value === 1 ? this.#set : this.#clear, this.#mask);
      else gpio.write(this.#bank, this.#mask, value === 1 ? this.#mask : 0, this.#mode === DigitalMode.OutputOpenDrain);
    }

    close(): void {
      if (this.#closed) return;
      this.#closed = true;
      gpio.watch(this.#bank, this.#mask, 0, 0, undefined);
      gpio.reset(this.#bank, this.#mask);
      release(this, this.#claims);
    }
  };
}
