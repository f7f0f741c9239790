// ECMA-419 DigitalBank (2nd edition, "Digital Bank"): simultaneous access to several
// GPIOs of one bank. Options: pins (bit mask, required), mode (required), bank (default
// 0), rises/falls (bit masks within pins; at least one pin when onReadable is given),
// onReadable(triggers), onError, format ("number" only), target. read() gives the input
// levels masked by `pins` (never another instance's pins); write(value) sets the output
// pins from value's bits. An input has no write, an output no read.
import { describe, hex } from '../errors.js';
import {
  IoClosed,
  IoRangeError,
  IoTypeError,
  IoUnsupported,
  NumberFormat,
  callbackOption,
  claim,
  formatOption,
  intOption,
  optionsOf,
  release,
  type Options,
} from './common.js';

/** The modes of ECMA-419's Digital and DigitalBank. */
export const DigitalMode = {
  Input: 0,
  InputPullUp: 1,
  InputPullDown: 2,
  InputPullUpDown: 3,
  Output: 8,
  OutputOpenDrain: 9,
} as const;
export type DigitalModeValue = (typeof DigitalMode)[keyof typeof DigitalMode];

const modes: readonly number[] = Object.values(DigitalMode);
export const isOutput = (mode: number): boolean => mode >= DigitalMode.Output;

/** What a chip binding provides for GPIO banks (src/io/rp2040.ts, src/io/esp32.ts). */
export interface GpioBinding {
  /** Number of banks, and each bank's usable pins as a mask. */
  readonly banks: readonly number[];
  /** Sets the pins of `mask` to `mode` (function select, pads, direction), outputs at `initial` levels. */
  configure(bank: number, mask: number, mode: DigitalModeValue, initial: number): void;
  /** Puts the pins back to their reset state (inputs, no function). */
  reset(bank: number, mask: number): void;
  /** Input levels of the bank (all pins). */
  read(bank: number): number;
  /** Drives the pins of `mask` to the bits of `value` (open drain: 1 floats). */
  write(bank: number, mask: number, value: number, openDrain: boolean): void;
  /**
   * Calls `notify(triggers)` (from the GPIO interrupt) at each rising edge of a pin of `rises`
   * and falling edge of a pin of `falls`, `triggers` the mask of those pins; `undefined`
   * stops watching the pins of `pins`.
   */
  watch(bank: number, pins: number, rises: number, falls: number, notify: ((triggers: number) => void) | undefined): void;
  /** The bank's set, clear and input registers where one store sets or clears pins (RP2040 SIO), for Digital's one-access path. */
  direct?(bank: number): { readonly set: number; readonly clear: number; readonly input: number };
}

export interface DigitalBankOptions {
  readonly pins: number;
  readonly mode: DigitalModeValue;
  readonly bank?: number;
  readonly rises?: number;
  readonly falls?: number;
  readonly onReadable?: (this: DigitalBankInstance, triggers: number) => void;
  readonly onError?: (this: DigitalBankInstance, error: unknown) => void;
  readonly format?: 'number';
  readonly target?: unknown;
  /** Output levels set before the pins drive (Moddable's `initialValue`). */
  readonly initialValue?: number;
}

export interface DigitalBankInstance {
  readonly pins: number;
  readonly bank: number;
  target: unknown;
  format: 'number';
  read(): number;
  write(value: number): void;
  close(): void;
}

/** The mode constants both classes carry as statics (Digital.Output, DigitalBank.InputPullUp...), and the "number" format. */
export class DigitalModes extends NumberFormat {
  static readonly Input = DigitalMode.Input;
  static readonly InputPullUp = DigitalMode.InputPullUp;
  static readonly InputPullDown = DigitalMode.InputPullDown;
  static readonly InputPullUpDown = DigitalMode.InputPullUpDown;
  static readonly Output = DigitalMode.Output;
  static readonly OutputOpenDrain = DigitalMode.OutputOpenDrain;
}

/** The DigitalBank class of a chip. */
export function defineDigitalBank(gpio: GpioBinding, className = 'DigitalBank') {
  return class DigitalBank extends DigitalModes implements DigitalBankInstance {
    readonly pins: number;
    readonly bank: number;
    target: unknown;
    readonly #mode: DigitalModeValue;
    readonly #claims: readonly string[];
    #closed = false;

    constructor(options: DigitalBankOptions) {
      super();
      const o: Options = optionsOf(options, className);
      const bank = intOption(o, 'bank', className, 0, gpio.banks.length - 1, false) ?? 0;
      const usable = gpio.banks[bank]!;
      const pins = bankMask(o, 'pins', className, true)!;
      if (pins === 0 || (pins & ~usable) !== 0)
        throw new IoRangeError(`${className}: options.pins ${hexMask(pins)} must be a non-empty mask of bank ${bank}'s pins ${hexMask(usable)}`);
      const mode = modeOption(o, className);
      const onReadable = callbackOption(o, 'onReadable', className);
      callbackOption(o, 'onError', className); // accepted; no GPIO error is reported asynchronously
      const rises = bankMask(o, 'rises', className, false) ?? 0;
      const falls = bankMask(o, 'falls', className, false) ?? 0;
      if (((rises | falls) & ~pins) !== 0) throw new IoRangeError(`${className}: rises/falls may only name pins of options.pins ${hexMask(pins)}`);
      if (onReadable !== undefined) {
        if (isOutput(mode)) throw new IoRangeError(`${className}: onReadable needs an input mode, not ${mode}`);
        if ((rises | falls) === 0) throw new IoRangeError(`${className}: onReadable needs at least one pin in rises or falls`);
      }
      formatOption(o.format, ['number'], 'number', className);
      const initial = intOption(o, 'initialValue', className, 0, 0xffffffff, false) ?? 0;
      this.#claims = pinNames(bank, pins);
      claim(this, this.#claims);
      this.pins = pins;
      this.bank = bank;
      this.#mode = mode;
      this.target = o.target;
      try {
        gpio.configure(bank, pins, mode, initial & pins);
      } catch (e) {
        release(this, this.#claims);
        throw e;
      }
      if (onReadable !== undefined) {
        gpio.watch(bank, pins, rises, falls, (triggers) => {
          if (this.#closed) return;
          onReadable.call(this as never, triggers as never);
        });
      }
    }

    read(): number {
      if (this.#closed) throw new IoClosed(className, 'read');
      if (isOutput(this.#mode)) throw new IoUnsupported(`${className}.read(): the pins are outputs`);
      return (gpio.read(this.bank) & this.pins) >>> 0;
    }

    write(value: number): void {
      if (this.#closed) throw new IoClosed(className, 'write');
      if (!isOutput(this.#mode)) throw new IoUnsupported(`${className}.write(): the pins are inputs`);
      if (typeof value !== 'number' || !Number.isInteger(value) || value < -0x80000000 || value > 0xffffffff)
        throw new IoRangeError(`${className}.write(): value must be a 32-bit integer mask, got ${describe(value)}`);
      gpio.write(this.bank, this.pins, value >>> 0, this.#mode === DigitalMode.OutputOpenDrain);
    }

    close(): void {
      if (this.#closed) return;
      this.#closed = true;
      gpio.watch(this.bank, this.pins, 0, 0, undefined);
      gpio.reset(this.bank, this.pins);
      release(this, this.#claims);
    }
  };
}

/** Resource names of a bank's pins ("GPIO5"; bank 1 of 32-pin banks: GPIO32...). */
export function pinNames(bank: number, mask: number): string[] {
  const names: string[] = [];
  for (let i = 0; i < 32; i++) if ((mask >>> i) & 1) names.push(`GPIO${bank * 32 + i}`);
  return names;
}

export function modeOption(o: Options, cls: string): DigitalModeValue {
  const mode = o.mode;
  if (mode === undefined) throw new IoTypeError(`${cls}: options.mode is required`);
  if (typeof mode !== 'number') throw new IoTypeError(`${cls}: options.mode must be a number, got ${describe(mode)}`);
  if (!modes.includes(mode))
    throw new IoRangeError(`${cls}: options.mode must be Input, InputPullUp, InputPullDown, InputPullUpDown, Output or OutputOpenDrain, got ${describe(mode)}`);
  return mode as DigitalModeValue;
}

function bankMask(o: Options, name: string, cls: string, required: boolean): number | undefined {
  const v = intOption(o, name, cls, -0x80000000, 0xffffffff, required);
  return v === undefined ? undefined : v >>> 0;
}

/** A pin mask as an unsigned 32-bit hex word. */
const hexMask = (n: number) => hex(n >>> 0);
