// ECMA-419 Digital (2nd edition, "Digital"): one GPIO. Options: pin (required), mode
// (required), edge (Digital.Rising, Digital.Falling or both; required with onReadable),
// onReadable(), onError, format ("number" only), target; Moddable's initialValue for
// outputs. read() gives 0 or 1 (inputs), write(0 | 1) drives the pin (outputs).
// Built on the chip's GPIO binding like DigitalBank, with the pin's mask precomputed so
// read and write are one bus access each.
import { describe } from '../errors.js';
import { DigitalMode, isOutput, modeOption, pinNames, type DigitalModeValue, type GpioBinding } from './digitalbank.js';
import { IoClosed, IoRangeError, IoTypeError, IoUnsupported, callbackOption, claim, formatOption, intOption, optionsOf, release, type Options } from './common.js';

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
  return class Digital implements DigitalInstance {
    static readonly Input = DigitalMode.Input;
    static readonly InputPullUp = DigitalMode.InputPullUp;
    static readonly InputPullDown = DigitalMode.InputPullDown;
    static readonly InputPullUpDown = DigitalMode.InputPullUpDown;
    static readonly Output = DigitalMode.Output;
    static readonly OutputOpenDrain = DigitalMode.OutputOpenDrain;
    static readonly Rising = Edge.Rising;
    static readonly Falling = Edge.Falling;

    readonly pin: number;
    target: unknown;
    readonly #bank: number;
    readonly #mask: number;
    readonly #mode: DigitalModeValue;
    readonly #claims: readonly string[];
    #closed = false;

    constructor(options: DigitalOptions) {
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
      if (initial !== undefined && initial !== 0 && initial !== 1) throw new IoRangeError(`${className}: options.initialValue must be 0 or 1, got ${describe(initial)}`);
      this.#claims = pinNames(bank, mask);
      claim(this, this.#claims);
      this.pin = pin;
      this.#bank = bank;
      this.#mask = mask;
      this.#mode = mode;
      this.target = o.target;
      gpio.configure(bank, mask, mode, initial === 1 ? mask : 0);
      if (onReadable !== undefined) {
        const rises = edge! & Edge.Rising ? mask : 0;
        const falls = edge! & Edge.Falling ? mask : 0;
        gpio.watch(bank, mask, rises, falls, () => {
          if (this.#closed) return;
          onReadable.call(this as never);
        });
      }
    }

    get format(): 'number' {
      return 'number';
    }
    set format(f: 'number') {
      formatOption(f, ['number'], 'number', className);
    }

    read(): 0 | 1 {
      if (this.#closed) throw new IoClosed(className, 'read');
      if (isOutput(this.#mode)) throw new IoUnsupported(`${className}.read(): pin ${this.pin} is an output`);
      return (gpio.read(this.#bank) & this.#mask) === 0 ? 0 : 1;
    }

    write(value: 0 | 1): void {
      if (this.#closed) throw new IoClosed(className, 'write');
      if (!isOutput(this.#mode)) throw new IoUnsupported(`${className}.write(): pin ${this.pin} is an input`);
      if (value !== 0 && value !== 1) throw new IoRangeError(`${className}.write(): value must be 0 or 1, got ${describe(value)}`);
      gpio.write(this.#bank, this.#mask, value === 1 ? this.#mask : 0, this.#mode === DigitalMode.OutputOpenDrain);
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
