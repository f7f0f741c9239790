// Waveforms: every change of a board's signals — GPIO levels (PWM outputs are pins too), UART
// TX lines (each frame's bits rebuilt from its end time and bit time) and IRQ lines — recorded
// from reset, with their simulated times. Written out as a Value Change Dump (IEEE 1364 VCD,
// what GTKWave and PulseView open) and measured (frequency, duty cycle, edges).
import { InvalidArgument } from '../src/errors.js';

export type SignalKind = 'gpio' | 'uart' | 'irq' | 'i2c-scl' | 'i2c-sda';

export interface Signal {
  readonly name: string;
  readonly kind: SignalKind;
  /** GPIO or UART or IRQ number. */
  readonly index: number;
  /** Change times (ns, non-decreasing) and the level from then on. */
  readonly times: number[];
  readonly levels: boolean[];
}

/** One decoded UART frame, for plots. */
export interface UartFrame {
  readonly uart: number;
  readonly start: number;
  readonly end: number;
  readonly byte: number;
}

/** One I2C bus event, for plots: START, STOP, or a byte with its ACK. */
export interface I2cEvent {
  readonly bus: number;
  readonly start: number;
  readonly end: number;
  readonly label: string;
}

/** Changes kept per signal before the oldest half is dropped (a long PWM run stays bounded). */
const MAX_CHANGES = 1 << 20;

export class Waveform {
  /** Changes kept per signal (and decoded frames/events) before the oldest half is dropped. */
  maxChanges = MAX_CHANGES;
  private readonly byName = new Map<string, Signal>();
  readonly frames: UartFrame[] = [];
  readonly i2cEvents: I2cEvent[] = [];
  /** Earliest time every signal still has complete history from. */
  since = 0;

  /** The signal, made on first use with its level at time 0. */
  signal(kind: SignalKind, index: number, initial = false): Signal {
    const name = kind === 'gpio' ? `gpio${index}` : kind === 'uart' ? `uart${index}_tx` : kind === 'irq' ? `irq${index}` : `i2c${index}_${kind.slice(4)}`;
    let s = this.byName.get(name);
    if (s === undefined) {
      s = { name, kind, index, times: [0], levels: [initial] };
      this.byName.set(name, s);
    }
    return s;
  }

  get signals(): Signal[] {
    return [...this.byName.values()];
  }

  find(name: string): Signal | undefined {
    return this.byName.get(name);
  }

  change(s: Signal, t: number, level: boolean): void {
    const n = s.levels.length;
    if (s.levels[n - 1] === level) return;
    if (s.times[n - 1] === t) {
      s.levels[n - 1] = level; // two changes in one nanosecond: the last one stands
      if (n > 1 && s.levels[n - 2] === level) {
        s.times.pop();
        s.levels.pop();
      }
      return;
    }
    s.times.push(t);
    s.levels.push(level);
    if (s.times.length > this.maxChanges) {
      const drop = Math.ceil(this.maxChanges / 2);
      s.times.splice(0, drop);
      s.levels.splice(0, drop);
      this.since = Math.max(this.since, s.times[0]!);
    }
  }

  /** Decoded frames and bus events are kept as signal changes are: a console served for days stays bounded. */
  private bound(list: (UartFrame | I2cEvent)[]): void {
    if (list.length <= this.maxChanges) return;
    list.splice(0, Math.ceil(this.maxChanges / 2));
    this.since = Math.max(this.since, list[0]!.start);
  }

  /** A UART frame that ended at `end`: start bit, data bits LSB first, parity (even: not rebuilt, drawn as 1), stop bits. */
  uartFrame(uart: number, byte: number, end: number, frameBits: number, bitNs: number): void {
    const s = this.signal('uart', uart, true);
    const start = bitNs > 0 ? end - frameBits * bitNs : end;
    this.frames.push({ uart, start, end, byte });
    this.bound(this.frames);
    if (bitNs <= 0) return;
    const dataBits = Math.min(8, frameBits - 2);
    this.change(s, Math.round(start), false);
    for (let i = 0; i < dataBits; i++) this.change(s, Math.round(start + (1 + i) * bitNs), ((byte >> i) & 1) === 1);
    this.change(s, Math.round(start + (1 + dataBits) * bitNs), true);
  }

  // I2C lines rebuilt from the controller's bus events (idle high: the pull-ups).
  private i2cLines(bus: number): [Signal, Signal] {
    return [this.signal('i2c-scl', bus, true), this.signal('i2c-sda', bus, true)];
  }
  /** (Repeated) START at t: SDA falls while SCL is high, then SCL falls one clock `periodNs` later. */
  i2cStart(bus: number, t: number, periodNs: number, repeated: boolean): void {
    const [scl, sda] = this.i2cLines(bus);
    if (repeated) {
      this.change(sda, Math.round(t), true);
      this.change(scl, Math.round(t + periodNs / 4), true);
    }
    this.change(sda, Math.round(t + periodNs / 2), false);
    this.change(scl, Math.round(t + periodNs), false);
    this.i2cEvents.push({ bus, start: t, end: t + periodNs, label: repeated ? 'Sr' : 'S' });
    this.bound(this.i2cEvents);
  }
  /** A byte from t0 to t1: 9 SCL clocks (8 data bits MSB first, then the ACK bit: low = ACK). */
  i2cByte(bus: number, t0: number, t1: number, byte: number, ack: boolean, label: string): void {
    const [scl, sda] = this.i2cLines(bus);
    const p = (t1 - t0) / 9;
    for (let k = 0; k < 9; k++) {
      const bit = k < 8 ? ((byte >> (7 - k)) & 1) === 1 : !ack;
      this.change(scl, Math.round(t0 + k * p), false);
      this.change(sda, Math.round(t0 + k * p + p / 4), bit);
      this.change(scl, Math.round(t0 + k * p + p / 2), true);
    }
    this.change(scl, Math.round(t1), false);
    this.i2cEvents.push({ bus, start: t0, end: t1, label: `${label} ${ack ? 'A' : 'N'}` });
    this.bound(this.i2cEvents);
  }
  /** STOP at t: SDA low, SCL rises, then SDA rises while SCL is high. */
  i2cStop(bus: number, t: number, periodNs: number): void {
    const [scl, sda] = this.i2cLines(bus);
    this.change(sda, Math.round(t), false);
    this.change(scl, Math.round(t + periodNs / 2), true);
    this.change(sda, Math.round(t + periodNs), true);
    this.i2cEvents.push({ bus, start: t, end: t + periodNs, label: 'P' });
    this.bound(this.i2cEvents);
  }

  /** Level of a signal at time t. */
  levelAt(s: Signal, t: number): boolean {
    let lo = 0,
      hi = s.times.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (s.times[mid]! <= t) lo = mid;
      else hi = mid - 1;
    }
    return s.levels[lo]!;
  }

  /** Signals selected by pin numbers (GPIOs) plus every UART and IRQ signal; all when `pins` is absent. */
  select(pins?: readonly number[]): Signal[] {
    const all = this.signals;
    if (pins === undefined) return all.filter((s) => s.kind !== 'gpio' || s.times.length > 1 || pinIsInteresting(s));
    for (const p of pins) if (!all.some((s) => s.kind === 'gpio' && s.index === p)) throw new InvalidArgument('pin', p, 'is not a GPIO of this board');
    return all.filter((s) => (s.kind === 'gpio' ? pins.includes(s.index) : true));
  }

  /**
   * The waveforms as a VCD document: timescale 1 ns, one 1-bit wire per signal in a scope per
   * kind (gpio, uart, irq), every change from `from` to `to` (default: all, to `end`).
   */
  toVCD(o: { pins?: readonly number[]; from?: number; to?: number; end: number; date?: string }): string {
    const sigs = this.select(o.pins);
    const from = o.from ?? 0,
      to = o.to ?? o.end;
    const id = (i: number) => {
      let s = '';
      do {
        s += String.fromCharCode(33 + (i % 94));
        i = Math.floor(i / 94);
      } while (i > 0);
      return s;
    };
    const out: string[] = [];
    out.push(`$date ${o.date ?? 'simulated'} $end`, '$version vllsi host-sim $end', '$timescale 1ns $end');
    for (const kind of ['gpio', 'uart', 'i2c', 'irq'] as const) {
      const ks = sigs.filter((s) => s.kind.startsWith(kind));
      if (ks.length === 0) continue;
      out.push(`$scope module ${kind} $end`);
      for (const s of ks) out.push(`$var wire 1 ${id(sigs.indexOf(s))} ${s.name} $end`);
      out.push('$upscope $end');
    }
    out.push('$enddefinitions $end');
    const events: [number, number, boolean][] = [];
    sigs.forEach((s, i) => {
      s.times.forEach((t, k) => {
        if (t > from && t <= to) events.push([t, i, s.levels[k]!]);
      });
    });
    events.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    out.push(`#${from}`, '$dumpvars', ...sigs.map((s, i) => `${this.levelAt(s, from) ? 1 : 0}${id(i)}`), '$end');
    let last = from;
    for (const [t, i, l] of events) {
      if (t !== last) out.push(`#${t}`);
      last = t;
      out.push(`${l ? 1 : 0}${id(i)}`);
    }
    if (to > last) out.push(`#${to}`);
    return out.join('\n') + '\n';
  }
}

/** A GPIO signal that never changed is left out of "all signals" unless it sits high (a pull-up, an idle line). */
function pinIsInteresting(s: Signal): boolean {
  return s.levels[0] === true;
}

export interface Edge {
  readonly t: number;
  readonly rising: boolean;
}

/** Measurements of one signal's changes inside [from, to]. */
export class Measure {
  constructor(
    private readonly s: Signal,
    private readonly from = 0,
    private readonly to = Infinity,
  ) {}

  edges(): Edge[] {
    const out: Edge[] = [];
    this.s.times.forEach((t, i) => {
      if (i > 0 && t >= this.from && t <= this.to) out.push({ t, rising: this.s.levels[i]! });
    });
    return out;
  }

  /** Rising edge to rising edge, ns. */
  periods(): number[] {
    const r = this.edges()
      .filter((e) => e.rising)
      .map((e) => e.t);
    return r.slice(1).map((t, i) => t - r[i]!);
  }

  /** Hz over the complete periods in the window (NaN with fewer than two rising edges). */
  frequency(): number {
    const p = this.periods();
    if (p.length === 0) return NaN;
    return 1e9 / (p.reduce((a, b) => a + b, 0) / p.length);
  }

  /** High time / period over the complete periods in the window, 0..1 (NaN without one). */
  dutyCycle(): number {
    const e = this.edges();
    let high = 0,
      total = 0;
    for (let i = 0; i < e.length; i++) {
      if (!e[i]!.rising) continue;
      const fall = e.slice(i + 1).find((x) => !x.rising);
      const next = e.slice(i + 1).find((x) => x.rising);
      if (fall === undefined || next === undefined) break;
      high += fall.t - e[i]!.t;
      total += next.t - e[i]!.t;
    }
    return total === 0 ? NaN : high / total;
  }
}
