// A potentiometer as a voltage divider between 3V3 and ground, its wiper on an ADC pin:
// the ADC converts `position` (0..1) of full scale. One class for every board: the host
// maps the pin to its ADC channel.
import { InvalidArgument } from '../../src/errors.js';
import type { Part, PartHost } from './part.js';

const FULL_SCALE = 4095;

export class Potentiometer implements Part {
  readonly kind = 'potentiometer';
  readonly pin: number;
  private pos: number;
  private host: PartHost | undefined;

  constructor(o: { pin: number; position?: number }) {
    if (!Number.isInteger(o?.pin) || o.pin < 0) throw new InvalidArgument('potentiometer pin', o?.pin, 'must be a GPIO number');
    this.pin = o.pin;
    this.pos = Potentiometer.check(o.position ?? 0.5);
  }

  private static check(p: number): number {
    if (typeof p !== 'number' || !(p >= 0 && p <= 1)) throw new InvalidArgument('potentiometer position', p, 'must be a number in 0..1');
    return p;
  }

  attach(host: PartHost): () => void {
    host.setAnalogPin(this.pin, this.raw); // fails for a pin without an ADC channel, before anything changes
    this.host = host;
    return () => {
      this.host = undefined;
    };
  }

  /** Wiper position, 0 (ground) .. 1 (3V3). */
  get position(): number {
    return this.pos;
  }
  set position(p: number) {
    this.pos = Potentiometer.check(p);
    this.host?.setAnalogPin(this.pin, this.raw);
  }

  /** What a 12-bit ADC reads. */
  get raw(): number {
    return Math.round(this.pos * FULL_SCALE);
  }
}
