// A pin as the world outside the chip holds it, across chip resets: what the outside drives, a
// short to a rail, and who listens stay with the pin while the chip behind it is wired anew (a
// brown-out). Everything else is the chip's pin port of the moment.
import type { GpioPort } from './ports.js';

export class BoardPin implements GpioPort {
  private chip: GpioPort | undefined;
  private off: () => void = () => {};
  /** What the outside drives: undefined while it leaves the pin floating. */
  private outside: boolean | undefined;
  private stuck: boolean | undefined;
  private last = false;
  private readonly listeners = new Set<(level: boolean, tNs: number) => void>();

  constructor(
    readonly pin: number,
    private readonly now: () => number,
  ) {}

  /** Puts the chip's port `chip` behind the pin, with the outside's drive and short; a level that differs now is a change. */
  bind(chip: GpioPort): void {
    this.off();
    this.chip = chip;
    this.off = chip.onChange((level, t) => this.changed(level, t));
    if (this.outside !== undefined) chip.drive(this.outside);
    if (this.stuck !== undefined) chip.stick?.(this.stuck);
    this.changed(chip.level, this.now());
  }

  private changed(level: boolean, t: number): void {
    if (level === this.last) return;
    this.last = level;
    for (const l of this.listeners) l(level, t);
  }

  get isOutput(): boolean {
    return this.chip!.isOutput;
  }
  get level(): boolean {
    return this.chip!.level;
  }
  drive(level: boolean): void {
    this.outside = level;
    this.chip!.drive(level);
  }
  release(): void {
    this.outside = undefined;
    this.chip!.release();
  }
  /** Present when the chip's wiring can model a short (GpioPort.stick). */
  get stick(): ((level: boolean | undefined) => void) | undefined {
    if (this.chip?.stick === undefined) return undefined;
    return (level) => {
      this.stuck = level;
      this.chip!.stick!(level);
    };
  }
  onChange(listener: (level: boolean, tNs: number) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
