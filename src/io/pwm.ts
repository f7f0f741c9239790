// ECMA-419 PWM (2nd edition, "PWM"): a pulse-width-modulated output. Options: pin
// (required), hz (default 10240, as Moddable's), resolution (bits of the duty value,
// default 10), port, format ("number" only), target. write(value) takes an integer
// 0..2^resolution - 1: 0 is always low, the maximum always high. Read-only properties
// `hz` and `resolution`. The output is low until the first write. Pins that share a
// hardware counter (an RP2040 slice, an ESP32 LEDC timer) must use the same hz and
// resolution: a different one is ResourceInUse until the others close.
import { describe } from '../errors.js';
import {
  IoClosed,
  IoRangeError,
  ResourceInUse,
  claim,
  NumberFormat,
  formatOption,
  intOption,
  ioState,
  numberOption,
  optionsOf,
  release,
  type Options,
} from './common.js';

/** What a chip binding provides for PWM outputs. */
export interface PwmBinding {
  readonly pinCount: number;
  readonly maxResolution: number;
  /** Which hardware counter drives `pin` (pins of one counter share hz); RangeError when the pin has no PWM. */
  counterOf(pin: number, cls: string): string;
  /** Starts the counter at hz with 2^resolution duty steps, the pin's output low (RangeError when hz cannot be made). */
  open(pin: number, hz: number, resolution: number, first: boolean, cls: string): void;
  /** Sets the duty of `pin` to value / (2^resolution - 1). */
  write(pin: number, value: number, resolution: number): void;
  close(pin: number, last: boolean): void;
}

interface Counter {
  readonly hz: number;
  readonly resolution: number;
  users: number;
}

export interface PwmInstance {
  readonly pin: number;
  readonly hz: number;
  readonly resolution: number;
  target: unknown;
  format: 'number';
  write(value: number): void;
  close(): void;
}

/** The PWM class of a chip. */
export function definePWM(pwm: PwmBinding, className = 'PWM') {
  return class PWM extends NumberFormat implements PwmInstance {
    readonly pin: number;
    readonly #hz: number;
    readonly #resolution: number;
    target: unknown;
    readonly #counter: string;
    #closed = false;

    constructor(options: Record<string, unknown>) {
      super();
      const o: Options = optionsOf(options, className);
      const pin = intOption(o, 'pin', className, 0, pwm.pinCount - 1, true)!;
      const hz = numberOption(o, 'hz', className, 1, 1e9, false) ?? 10240;
      const resolution = intOption(o, 'resolution', className, 1, pwm.maxResolution, false) ?? 10;
      intOption(o, 'port', className, 0, 0xffff, false);
      formatOption(o.format, ['number'], 'number', className);
      const counter = pwm.counterOf(pin, className);
      const counters = ioState().tables;
      const c = counters.get(counter) as Counter | undefined;
      if (c !== undefined && (c.hz !== hz || c.resolution !== resolution)) throw new ResourceInUse(`${counter} (running at ${c.hz} Hz, ${c.resolution} bits)`);
      claim(this, [`GPIO${pin}`]);
      try {
        pwm.open(pin, hz, resolution, c === undefined, className);
      } catch (e) {
        release(this, [`GPIO${pin}`]);
        throw e;
      }
      if (c === undefined) counters.set(counter, { hz, resolution, users: 1 });
      else c.users++;
      this.pin = pin;
      this.#hz = hz;
      this.#resolution = resolution;
      this.#counter = counter;
      this.target = o.target;
    }

    /** Read-only (a getter: assigning throws in strict code), as ECMA-419 has it. */
    get hz(): number {
      return this.#hz;
    }
    get resolution(): number {
      return this.#resolution;
    }

    write(value: number): void {
      if (this.#closed) throw new IoClosed(className, 'write');
      const max = 2 ** this.resolution - 1;
      if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > max)
        throw new IoRangeError(`${className}.write(): value must be an integer 0..${max}, got ${describe(value)}`);
      pwm.write(this.pin, value, this.resolution);
    }

    close(): void {
      if (this.#closed) return;
      this.#closed = true;
      const counters = ioState().tables;
      const c = counters.get(this.#counter) as Counter;
      const last = --c.users === 0;
      if (last) counters.delete(this.#counter);
      pwm.close(this.pin, last);
      release(this, [`GPIO${this.pin}`]);
    }
  };
}
