// A part on a simulated board's pins or buses: plain data (its options) plus behaviour.
// `board.attach(part)` hands it the board's outside (PartHost); a board file lists parts as
// data ({ "kind": "button", "pin": 14 }, parts/index.ts). Parts see only the PartHost, so
// one part class serves every board.
import type { BoardSpec } from '../../boards/index.js';
import type { GpioPort } from '../ports.js';
import type { I2cBus } from './i2c.js';
import type { SpiBus } from './spi.js';

export interface PartHost {
  readonly spec: BoardSpec;
  /** Simulated time, ns. */
  readonly now: number;
  gpio(pin: number): GpioPort;
  i2c(n: number): I2cBus;
  spi(n: number): SpiBus;
  /** Sets what the ADC converts on `pin` (raw counts, 0..4095); InvalidArgument when the pin has no ADC channel. */
  setAnalogPin(pin: number, raw: number): void;
  /** Calls `fn` after `ns` of simulated time; returns a function that cancels it. */
  after(ns: number, fn: () => void): () => void;
}

export interface Part {
  /** Its kind in a board file ('button', 'led', ...). */
  readonly kind: string;
  /** Connects the part to the board; returns a function that disconnects it. */
  attach(host: PartHost): () => void;
}

/** A part with internal operations that take time (an EEPROM write cycle, a flash erase): busy until a simulated instant. */
export abstract class TimedPart {
  private host: PartHost | undefined;
  private busyUntil = -1;

  /** Keeps the host (for its clock) while attached; `off` undoes the bus attachment. */
  protected connect(host: PartHost, off: () => void): () => void {
    this.host = host;
    return () => {
      off();
      this.host = undefined;
    };
  }

  /** In an internal operation. */
  get busy(): boolean {
    return this.host !== undefined && this.host.now < this.busyUntil;
  }

  protected busyFor(ns: number): void {
    this.busyUntil = (this.host?.now ?? 0) + ns;
  }
}
