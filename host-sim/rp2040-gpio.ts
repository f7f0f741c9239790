// A pin of the rpi-pico as seen from outside, and the pad between. The level on a pin is
// the chip's output while it drives it; else what the outside drives; else the pad's pull
// (PUE high, PDE low; both, the bus keeper, or neither: the pin keeps its last level).
// That level is what the input path sees (rp2040js's input value): GPIO_IN, IO_BANK0 status
// and edge interrupts see a pin the chip drives itself, as on silicon.
import { GPIOPinState, type GPIOPin } from 'rp2040js';
import type { GpioPort } from './ports.js';

/** PADS_BANK0.GPIOn reset value (datasheet 2.19.6.3): IE, DRIVE 4 mA, PDE, SCHMITT. */
export const PAD_RESET = 0x56;

export class Rp2040GpioPort implements GpioPort {
  /** A short to a rail (fault injection) beats every driver, the chip's output included. */
  private stuck: boolean | undefined;
  /** What the outside drives: undefined while it leaves the pin floating. */
  private outside: boolean | undefined;
  private last = false;
  /** What the input path was last given (rp2040js's raw input value). */
  private input = false;
  private readonly listeners = new Set<(level: boolean, tNs: number) => void>();
  constructor(
    private readonly p: GPIOPin,
    private readonly now: () => number,
  ) {
    p.padValue = PAD_RESET;
    p.addListener(() => this.changed());
  }
  get pin(): number {
    return this.p.index;
  }
  get isOutput(): boolean {
    return this.p.outputEnable;
  }
  get level(): boolean {
    const p = this.p;
    if (this.stuck !== undefined) return this.stuck;
    if (p.outputEnable) return p.value === GPIOPinState.High;
    if (this.outside !== undefined) return this.outside;
    return p.pullupEnabled !== p.pulldownEnabled ? p.pullupEnabled : this.last;
  }
  /** Whether the outside drives the pin (false after release()). */
  get driven(): boolean {
    return this.outside !== undefined;
  }
  drive(level: boolean): void {
    this.outside = level;
    this.changed();
  }
  release(): void {
    this.outside = undefined;
    this.changed();
  }
  stick(level: boolean | undefined): void {
    this.stuck = level;
    this.changed();
  }
  onChange(listener: (level: boolean, tNs: number) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
  /** Re-evaluates the pin after anything that may move it (output, pad, outside). */
  changed(): void {
    const l = this.level;
    if (this.input !== l) {
      this.input = l;
      this.p.setInputValue(l);
    }
    if (l === this.last) return;
    this.last = l;
    for (const cb of this.listeners) cb(l, this.now());
  }
}
