// A GPIO as the test API hands it out: the pin's outside (GpioPort) plus measurements of its
// recorded waveform (frequency, duty cycle, edges), which the vitest matchers use.
import { InvalidArgument } from '../src/errors.js';
import type { GpioPort } from './ports.js';
import { Measure, type Edge, type Signal } from './waveform.js';

export interface Window {
  /** Start of the window, ns (default: reset). */
  from?: number;
  /** End of the window, ns (default: now). */
  to?: number;
}

export class SimPin implements GpioPort {
  constructor(
    private readonly port: GpioPort,
    private readonly signal: Signal,
  ) {}
  get pin(): number {
    return this.port.pin;
  }
  get isOutput(): boolean {
    return this.port.isOutput;
  }
  get level(): boolean {
    return this.stuck ?? this.port.level;
  }
  drive(level: boolean): void {
    if (this.stuck !== undefined && !this.port.stick) return; // shorted: the outside changes nothing
    this.port.drive(level);
  }
  release(): void {
    if (this.stuck !== undefined && !this.port.stick) return;
    this.port.release();
  }

  private stuck: boolean | undefined;

  /**
   * Fault injection: the pin is shorted to a rail and reads `level` whatever drives it (the chip's
   * output included) until unstick(). Where the chip's wiring cannot override its own output
   * (ESP32), the input path still reads `level` and so does `level` here.
   */
  stuckAt(level: boolean): void {
    if (typeof level !== 'boolean') throw new InvalidArgument('stuck level', level, 'must be true (shorted to 3V3) or false (to ground)');
    this.stuck = level;
    if (this.port.stick) this.port.stick(level);
    else this.port.drive(level);
  }
  unstick(): void {
    this.stuck = undefined;
    if (this.port.stick) this.port.stick(undefined);
    else this.port.release();
  }
  onChange(listener: (level: boolean, tNs: number) => void): () => void {
    return this.port.onChange(listener);
  }

  measure(w: Window = {}): Measure {
    return new Measure(this.signal, w.from, w.to);
  }
  /** Every change of level in the window, with its time. */
  edges(w?: Window): Edge[] {
    return this.measure(w).edges();
  }
  /** Hz, from the rising edges in the window. */
  frequency(w?: Window): number {
    return this.measure(w).frequency();
  }
  /** 0..1 over the complete periods in the window. */
  dutyCycle(w?: Window): number {
    return this.measure(w).dutyCycle();
  }
}
