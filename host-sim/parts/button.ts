// A push button between a GPIO and ground (active low, the usual wiring with the pad's
// pull-up) or to 3V3 (active high, with a pull-down). Pressed, it drives the pin; released,
// it lets the pin float to its pad's pull, or to an external pull resistor's level. Contacts bounce: each press and release first toggles
// the pin `bounce.count` times at instants spread over `bounce.ns` (deterministic, from
// `bounce.seed`), then settles.
import { InvalidArgument } from '../../src/errors.js';
import type { GpioPort } from '../ports.js';
import type { Part, PartHost } from './part.js';

export interface ButtonOptions {
  pin: number;
  /** true: pressing pulls the pin low (to ground). Default true. */
  activeLow?: boolean;
  /** An external resistor pulls the pin to the released level (else the pin floats to its pad pull). Default false. */
  externalPullUp?: boolean;
  /** Contact bounce: extra edges (default 0: a clean switch) within `ns` (default 1 ms). */
  bounce?: { count?: number; ns?: number; seed?: number };
}

export class Button implements Part {
  readonly kind = 'button';
  readonly pin: number;
  readonly activeLow: boolean;
  readonly externalPullUp: boolean;
  readonly bounceCount: number;
  readonly bounceNs: number;
  private seed: number;
  private port: GpioPort | undefined;
  private host: PartHost | undefined;
  private isPressed = false;
  private readonly pending: (() => void)[] = [];

  constructor(o: ButtonOptions) {
    if (!Number.isInteger(o?.pin) || o.pin < 0) throw new InvalidArgument('button pin', o?.pin, 'must be a GPIO number');
    const count = o.bounce?.count ?? 0,
      ns = o.bounce?.ns ?? 1e6;
    if (!Number.isInteger(count) || count < 0 || count > 1000) throw new InvalidArgument('button bounce.count', count, 'must be an integer 0..1000');
    if (!Number.isFinite(ns) || ns <= 0) throw new InvalidArgument('button bounce.ns', ns, 'must be a positive number of ns');
    this.pin = o.pin;
    this.activeLow = o.activeLow ?? true;
    this.externalPullUp = o.externalPullUp ?? false;
    this.bounceCount = count;
    this.bounceNs = ns;
    this.seed = (o.bounce?.seed ?? 1) >>> 0 || 1;
  }

  attach(host: PartHost): () => void {
    this.port = host.gpio(this.pin);
    this.host = host;
    this.contact(false);
    return () => {
      this.cancel();
      this.port?.release();
      this.port = undefined;
      this.host = undefined;
    };
  }

  get pressed(): boolean {
    return this.isPressed;
  }

  press(): void {
    this.set(true);
  }
  release(): void {
    this.set(false);
  }

  private contact(closed: boolean): void {
    const p = this.port!;
    if (closed) p.drive(!this.activeLow);
    else if (this.externalPullUp) p.drive(this.activeLow);
    else p.release();
  }

  /** xorshift32: bounce instants that differ between edges but repeat from run to run. */
  private random(): number {
    let x = this.seed;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.seed = x >>> 0;
    return this.seed / 2 ** 32;
  }

  private cancel(): void {
    for (const c of this.pending.splice(0)) c();
  }

  private set(pressed: boolean): void {
    if (this.host === undefined) throw new InvalidArgument('button', this.pin, 'is not attached to a board (board.attach)');
    this.cancel();
    this.isPressed = pressed;
    if (this.bounceCount === 0) return this.contact(pressed);
    // Bounce: the contact makes and breaks at sorted random instants, ending in the new state.
    const times = Array.from({ length: this.bounceCount }, () => Math.round(this.random() * this.bounceNs)).sort((a, b) => a - b);
    this.contact(pressed);
    let state = pressed;
    for (const t of times) {
      state = !state;
      const s = state;
      this.pending.push(this.host.after(t, () => this.contact(s)));
    }
    this.pending.push(this.host.after(this.bounceNs, () => this.contact(pressed)));
  }
}
