// Simulated time: a nanosecond counter and an ordered list of alarms. Nothing here
// reads the wall clock; time moves only when the simulator advances it, so a run is
// deterministic. The class satisfies rp2040js's IClock, so the RP2040 peripherals
// (timer alarms, UART, PWM) schedule on the same timeline as our own models.
import { InvalidArgument } from '../src/errors.js';

export class SimAlarm {
  /** Absolute due time (ns) while scheduled. */
  at = 0;
  scheduled = false;
  /** Insertion order: alarms due at the same nanosecond fire in the order scheduled. */
  seq = 0;
  constructor(
    private readonly clock: SimClock,
    readonly callback: () => void,
    /** An alarm of the world outside the chip (a part, a scripted fault): a chip reset leaves it scheduled. */
    readonly outside = false,
  ) {}
  /** Fires `deltaNanos` from now (re-scheduling moves it). */
  schedule(deltaNanos: number): void {
    this.clock.link(this, this.clock.nanos + Math.max(0, deltaNanos));
  }
  /** Fires at the absolute time `atNanos` (or now, if that has passed). */
  scheduleAt(atNanos: number): void {
    this.clock.link(this, Math.max(this.clock.nanos, atNanos));
  }
  cancel(): void {
    this.clock.unlink(this);
  }
}

export class SimClock {
  private now = 0;
  private queue: SimAlarm[] = [];
  private seq = 0;
  private latest: SimAlarm | undefined;

  /** Simulated nanoseconds since reset. */
  get nanos(): number {
    return this.now;
  }
  get micros(): number {
    return this.now / 1000;
  }

  /** An alarm; `outside`: one of the world outside the chip, which a chip reset leaves scheduled. */
  createAlarm(callback: () => void, outside = false): SimAlarm {
    return new SimAlarm(this, callback, outside);
  }

  /** A chip reset: every alarm of the chip's models is cancelled; the outside's stay. */
  cancelChipAlarms(): void {
    for (const a of this.queue) if (!a.outside) a.scheduled = false;
    this.queue = this.queue.filter((a) => a.outside);
  }

  /** Due time of the earliest scheduled alarm, or Infinity. */
  get nextDue(): number {
    return this.queue.length ? this.queue[0]!.at : Infinity;
  }

  /** Advances to `target` (absolute ns), firing every alarm due on the way, in time order. */
  advanceTo(target: number): void {
    while (this.queue.length && this.queue[0]!.at <= target) {
      const a = this.queue.shift()!;
      a.scheduled = false;
      if (a.at > this.now) this.now = a.at;
      a.callback();
    }
    if (target > this.now) this.now = target;
  }

  /** rp2040js's IClock.tick: advance by a delta. */
  tick(deltaNanos: number): void {
    this.advanceTo(this.now + deltaNanos);
  }

  /**
   * How many times an alarm has been scheduled, and the last one: a model that corrects another
   * library's alarms (host-sim/rp2040.ts, TIMER) finds the alarm that a register write armed.
   */
  get scheduledCount(): number {
    return this.seq;
  }
  get lastScheduled(): SimAlarm | undefined {
    return this.latest;
  }

  link(alarm: SimAlarm, at: number): void {
    if (alarm.scheduled) this.unlink(alarm);
    this.latest = alarm;
    alarm.at = at;
    alarm.seq = this.seq++;
    alarm.scheduled = true;
    // Few alarms are live at once (timers, UART shifters): an ordered array is enough.
    let i = this.queue.length;
    while (i > 0 && (this.queue[i - 1]!.at > at || (this.queue[i - 1]!.at === at && this.queue[i - 1]!.seq > alarm.seq))) i--;
    this.queue.splice(i, 0, alarm);
  }

  unlink(alarm: SimAlarm): void {
    if (!alarm.scheduled) return;
    const i = this.queue.indexOf(alarm);
    if (i >= 0) this.queue.splice(i, 1);
    alarm.scheduled = false;
  }
}

const UNITS: Record<string, number> = { ns: 1, us: 1e3, µs: 1e3, ms: 1e6, s: 1e9, min: 60e9 };

/** A duration as nanoseconds; a number is taken as nanoseconds, a string like '10ms', '1.5s', '250us'. */
export type Duration = number | string;

export function parseDuration(d: Duration, what = 'duration'): number {
  if (typeof d === 'number') {
    if (!Number.isFinite(d) || d < 0) throw new InvalidArgument(what, d, 'must be a finite, non-negative number of nanoseconds');
    return Math.round(d);
  }
  const m = typeof d === 'string' ? /^\s*(\d+(?:\.\d+)?)\s*(ns|us|µs|ms|s|min)\s*$/.exec(d) : null;
  if (!m) throw new InvalidArgument(what, d, "must be a number of nanoseconds or a string like '10ms', '2s', '250us', '100ns'");
  const ns = Math.round(Number(m[1]) * UNITS[m[2]!]!);
  if (!Number.isSafeInteger(ns)) throw new InvalidArgument(what, d, 'is too long to count in nanoseconds');
  return ns;
}

/**
 * `1.250000000 s`: a simulated timestamp for people, to the nanosecond. Any number: a fraction
 * of a nanosecond is rounded (paced time is fractional), a negative one keeps its sign, and
 * BigInt keeps the digits exact beyond 2^53 ns.
 */
export function formatNs(ns: number): string {
  if (!Number.isFinite(ns)) return `${ns} s`;
  const n = BigInt(Math.round(ns));
  const abs = n < 0n ? -n : n;
  return `${n < 0n ? '-' : ''}${abs / 1_000_000_000n}.${String(abs % 1_000_000_000n).padStart(9, '0')} s`;
}
