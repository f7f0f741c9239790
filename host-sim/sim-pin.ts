// A GPIO as the test API hands it out: the pin's outside (GpioPort) plus measurements of its
// recorded waveform (frequency, duty cycle, edges), which the vitest matchers use.
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
    return this.port.level;
  }
  drive(level: boolean): void {
    this.port.drive(level);
  }
  release(): void {
    this.port.release();
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
