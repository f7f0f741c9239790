// An LED on a GPIO (anode to the pin and cathode to ground through a resistor: lit when the
// pin is high; activeHigh false for the other way round), with its history: every change
// of state with its simulated time.
import { InvalidArgument } from '../../src/errors.js';
import type { Part, PartHost } from './part.js';

export interface LedChange {
  readonly t: number;
  readonly on: boolean;
}

export class Led implements Part {
  readonly kind = 'led';
  readonly pin: number;
  readonly activeHigh: boolean;
  /** Every change of state since attached, oldest first (the first entry is the state at attach). */
  readonly history: LedChange[] = [];

  constructor(o: { pin: number; activeHigh?: boolean }) {
    if (!Number.isInteger(o?.pin) || o.pin < 0) throw new InvalidArgument('LED pin', o?.pin, 'must be a GPIO number');
    this.pin = o.pin;
    this.activeHigh = o.activeHigh ?? true;
  }

  attach(host: PartHost): () => void {
    const port = host.gpio(this.pin);
    const lit = (level: boolean) => level === this.activeHigh;
    this.history.push({ t: host.now, on: lit(port.level) });
    return port.onChange((level, t) => {
      const on = lit(level);
      if (on !== this.on) this.history.push({ t, on });
    });
  }

  get on(): boolean {
    return this.history.at(-1)?.on ?? false;
  }

  /** Times the LED went on. */
  get flashes(): number {
    return this.history.filter((c, i) => c.on && i > 0).length;
  }

  /** Time (ns) the LED was lit between `from` and `to` (default: since attached, until the last change). */
  litNs(from = this.history[0]?.t ?? 0, to = this.history.at(-1)?.t ?? from): number {
    let total = 0;
    this.history.forEach((c, i) => {
      if (!c.on) return;
      const end = this.history[i + 1]?.t ?? to;
      total += Math.max(0, Math.min(end, to) - Math.max(c.t, from));
    });
    return total;
  }
}
