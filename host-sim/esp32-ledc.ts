// ESP32 LED PWM controller (TRM ch. 14, LEDC base 0x3FF59000; layout checked against esp32.svd
// by test/host-sim/esp32-ledc.test.ts): 8 high-speed and 8 low-speed channels, each driven by one
// of its group's 4 timers. A timer counts its clock (high speed: APB 80 MHz or REF_TICK 1 MHz;
// low speed: SLOW_CLK, which LEDC_CONF.APB_CLK_SEL makes 80 MHz or 8 MHz, or REF_TICK) divided
// by DIV_NUM / 256, from 0 to 2^DUTY_RES - 1, and overflows. A channel's output is high while the
// count is in [HPOINT, HPOINT + DUTY) (DUTY's integer part, bits 24..4), IDLE_LV while
// SIG_OUT_EN is clear. New HPOINT/DUTY values wait for DUTY_START (high speed) or PARA_UP (low
// speed, which also latches a low-speed timer's DIV_NUM/DUTY_RES) and take effect at the timer's
// next overflow, as on the chip; then DUTY_CHNG_END is raised. Timer overflows raise
// xxTIMERn_OVF. The outputs reach pins through the GPIO matrix (signals 71..78 high speed,
// 79..86 low speed: host-sim/esp32-gpio.ts). Not modelled, and faulting rather than wrong: duty
// fades (DUTY_START with DUTY_SCALE > 0). Not modelled: the fractional duty bits' dithering
// (DUTY bits 3..0 are kept and read back, but the output uses the integer part).
import { BusFault } from '../src/hal.js';
import type { Machine } from './machine.js';
import { RegisterModel } from './model.js';
import type { SimAlarm } from './time.js';

/** Register offsets and fields (TRM ch. 14, "Register Summary"): test/host-sim/esp32-ledc.test.ts checks them against the SVD. */
export const LEDC_LAYOUT = {
  channelStride: 0x14,
  /** Channel n of a group: CONF0, HPOINT, DUTY, CONF1, DUTY_R at group base + 0x14 n + these. */
  CONF0: 0x0,
  HPOINT: 0x4,
  DUTY: 0x8,
  CONF1: 0xc,
  DUTY_R: 0x10,
  HSCH0: 0x0,
  LSCH0: 0xa0,
  /** Timer n of a group: CONF and VALUE at group timer base + 8 n. */
  timerStride: 0x8,
  HSTIMER0_CONF: 0x140,
  HSTIMER0_VALUE: 0x144,
  LSTIMER0_CONF: 0x160,
  LSTIMER0_VALUE: 0x164,
  INT_RAW: 0x180,
  INT_ST: 0x184,
  INT_ENA: 0x188,
  INT_CLR: 0x18c,
  CONF: 0x190,
  DATE: 0x1fc,
  fields: {
    CONF0: { TIMER_SEL: [0, 2], SIG_OUT_EN: [2, 1], IDLE_LV: [3, 1], PARA_UP: [4, 1] },
    HPOINT: { HPOINT: [0, 20] },
    DUTY: { DUTY: [0, 25] },
    CONF1: { DUTY_SCALE: [0, 10], DUTY_CYCLE: [10, 10], DUTY_NUM: [20, 10], DUTY_INC: [30, 1], DUTY_START: [31, 1] },
    TIMER_CONF: { DUTY_RES: [0, 5], DIV_NUM: [5, 18], PAUSE: [23, 1], RST: [24, 1], TICK_SEL: [25, 1], PARA_UP: [26, 1] },
    TIMER_VALUE: { CNT: [0, 20] },
    CONF: { APB_CLK_SEL: [0, 1] },
  },
  /** INT_* bits: HSTIMER0..3_OVF 0..3, LSTIMER0..3_OVF 4..7, DUTY_CHNG_END_HSCH0..7 8..15, _LSCH0..7 16..23. */
  intTimerOvf0: 0,
  intDutyEnd0: 8,
  /** HSTIMERn_CONF/LSTIMERn_CONF reset value: RST set (the counter held at 0). */
  timerReset: 0x01000000,
  dutyStartResetValue: 0x40000000,
  date: 0x16031700,
} as const;

/** GPIO matrix output signals (TRM ch. 4, signal list): LEDC_HS_SIG_OUT0..7, then LEDC_LS_SIG_OUT0..7. */
export const LEDC_SIGNAL0 = 71;
export const LEDC_CHANNELS = 16;

const L = LEDC_LAYOUT;
const APB_HZ = 80e6,
  REF_TICK_HZ = 1e6,
  RTC8M_HZ = 8e6;
const field = (v: number, [offset, width]: readonly [number, number]) => (v >>> offset) & (2 ** width - 1);
const bit = ([offset]: readonly [number, number]) => (1 << offset) >>> 0;
const RST = bit(L.fields.TIMER_CONF.RST),
  PAUSE = bit(L.fields.TIMER_CONF.PAUSE),
  TIMER_PARA_UP = bit(L.fields.TIMER_CONF.PARA_UP);
const SIG_OUT_EN = bit(L.fields.CONF0.SIG_OUT_EN),
  IDLE_LV = bit(L.fields.CONF0.IDLE_LV),
  CH_PARA_UP = bit(L.fields.CONF0.PARA_UP);
const DUTY_START = bit(L.fields.CONF1.DUTY_START);
/** Slack for float division when a count is taken at the instant of a tick edge. */
const EDGE_EPSILON = 1e-6;

class LedcTimer {
  conf: number = L.timerReset;
  /** What the counter runs with: CONF as written (high speed) or as last latched by PARA_UP (low speed). */
  applied: number = L.timerReset;
  /** Count held while the timer does not run. */
  private held = 0;
  /** Overflows counted since `epoch`, as of the last look. */
  private seenWraps = 0;
  /** Time (ns) at which the count was 0, counting on from there without wrapping. */
  private epoch = 0;
  readonly channels: LedcChannel[] = [];
  readonly wake: SimAlarm;

  constructor(
    private readonly owner: Esp32Ledc,
    readonly lowSpeed: boolean,
    readonly index: number,
  ) {
    this.wake = owner.machine.clock.createAlarm(() => owner.step(this));
  }

  get period(): number {
    return 2 ** field(this.applied, L.fields.TIMER_CONF.DUTY_RES);
  }

  /** Nanoseconds per count; Infinity when the divider is below 1 (the counter does not advance). */
  get tickNs(): number {
    const div = field(this.applied, L.fields.TIMER_CONF.DIV_NUM) / 256;
    const fast = field(this.applied, L.fields.TIMER_CONF.TICK_SEL) === 1;
    const hz = !fast ? REF_TICK_HZ : !this.lowSpeed || this.owner.apbSlowClock ? APB_HZ : RTC8M_HZ;
    return div < 1 ? Infinity : (div * 1e9) / hz;
  }

  get running(): boolean {
    return (this.applied & (RST | PAUSE)) === 0 && this.tickNs !== Infinity;
  }

  /** Counts since `epoch`, unwrapped. */
  private ticks(now: number): number {
    return Math.floor((now - this.epoch) / this.tickNs + EDGE_EPSILON);
  }

  /** Whether the counter has overflowed since the last call (or the last configuration). */
  overflowed(now: number): boolean {
    if (!this.running) return false;
    const wraps = Math.floor(this.ticks(now) / this.period);
    const seen = wraps > this.seenWraps;
    this.seenWraps = wraps;
    return seen;
  }

  count(now: number): number {
    return this.running ? this.ticks(now) % this.period : this.held;
  }

  /** When the current period started (a running timer). */
  periodStart(now: number): number {
    return this.epoch + (this.ticks(now) - this.count(now)) * this.tickNs;
  }

  /** A new configuration takes over: the count goes on from where it is (0 while RST is set). */
  apply(v: number, now: number): void {
    const c = this.count(now);
    this.applied = v >>> 0;
    this.held = this.applied & RST ? 0 : c % this.period;
    if (this.running) this.epoch = now - this.held * this.tickNs;
    this.seenWraps = 0;
  }
}

class LedcChannel {
  conf0 = 0;
  hpoint = 0;
  duty = 0;
  conf1: number = L.dutyStartResetValue;
  /** HPOINT and DUTY in effect (latched at an overflow), and whether new ones wait for it. */
  activeHpoint = 0;
  activeDuty = 0;
  pending = false;
  level = false;

  constructor(
    readonly lowSpeed: boolean,
    readonly index: number,
  ) {}

  /** The integer part of the duty in effect (DUTY bits 24..4). */
  get dutyCounts(): number {
    return this.activeDuty >>> 4;
  }
}

export class Esp32Ledc extends RegisterModel {
  private readonly timers: LedcTimer[];
  private readonly channels: LedcChannel[];
  private raw = 0;
  private ena = 0;
  private conf = 0;
  /** Called when an output changes: the GPIO matrix re-evaluates the pins routed to it. */
  onOutputChange: () => void = () => {};

  constructor(
    m: Machine,
    name: string,
    base: number,
    private readonly irq: number | undefined,
  ) {
    super(m, name, base);
    this.timers = Array.from({ length: 8 }, (_, i) => new LedcTimer(this, i >= 4, i & 3));
    this.channels = Array.from({ length: LEDC_CHANNELS }, (_, i) => new LedcChannel(i >= 8, i & 7));
    for (const c of this.channels) this.timerOf(c).channels.push(c);
  }

  get machine(): Machine {
    return this.m;
  }
  get apbSlowClock(): boolean {
    return (this.conf & 1) !== 0;
  }

  /** The level of output `n` (0..7 high speed, 8..15 low speed). */
  output(n: number): boolean {
    return this.channels[n]!.level;
  }

  private timerOf(c: LedcChannel): LedcTimer {
    return this.timers[(c.lowSpeed ? 4 : 0) + field(c.conf0, L.fields.CONF0.TIMER_SEL)]!;
  }

  private decode(o: number): { kind: 'channel'; c: LedcChannel; reg: number } | { kind: 'timer'; t: LedcTimer; reg: number } | undefined {
    for (const [lowSpeed, base] of [
      [false, L.HSCH0],
      [true, L.LSCH0],
    ] as const) {
      if (o >= base && o < base + 8 * L.channelStride) {
        const n = Math.floor((o - base) / L.channelStride);
        return { kind: 'channel', c: this.channels[(lowSpeed ? 8 : 0) + n]!, reg: (o - base) % L.channelStride };
      }
    }
    for (const [lowSpeed, base] of [
      [false, L.HSTIMER0_CONF],
      [true, L.LSTIMER0_CONF],
    ] as const) {
      if (o >= base && o < base + 4 * L.timerStride) return { kind: 'timer', t: this.timers[(lowSpeed ? 4 : 0) + ((o - base) >> 3)]!, reg: (o - base) & 7 };
    }
    return undefined;
  }

  readRegister(o: number): number | undefined {
    const d = this.decode(o);
    const now = this.m.now;
    if (d?.kind === 'channel') {
      const c = d.c;
      switch (d.reg) {
        case L.CONF0:
          return c.conf0;
        case L.HPOINT:
          return c.hpoint;
        case L.DUTY:
          return c.duty;
        case L.CONF1:
          return c.pending ? c.conf1 : c.conf1 & ~DUTY_START;
        case L.DUTY_R:
          return c.activeDuty;
      }
      return undefined;
    }
    if (d?.kind === 'timer') return d.reg === 0 ? d.t.conf & ~TIMER_PARA_UP : d.t.count(now);
    switch (o) {
      case L.INT_RAW:
        return this.rawNow();
      case L.INT_ST:
        return this.rawNow() & this.ena;
      case L.INT_ENA:
        return this.ena;
      case L.CONF:
        return this.conf;
      case L.DATE:
        return L.date;
    }
    return undefined;
  }

  writeRegister(o: number, v: number): boolean {
    const d = this.decode(o);
    const now = this.m.now;
    if (d?.kind === 'channel') {
      const c = d.c;
      const was = this.timerOf(c);
      switch (d.reg) {
        case L.CONF0:
          c.conf0 = v & 0xf;
          if (c.lowSpeed && v & CH_PARA_UP) c.pending = true;
          if (this.timerOf(c) !== was) {
            was.channels.splice(was.channels.indexOf(c), 1);
            this.timerOf(c).channels.push(c);
            this.schedule(was);
          }
          break;
        case L.HPOINT:
          c.hpoint = field(v, L.fields.HPOINT.HPOINT);
          break;
        case L.DUTY:
          c.duty = field(v, L.fields.DUTY.DUTY);
          break;
        case L.CONF1:
          if (v & DUTY_START && field(v, L.fields.CONF1.DUTY_SCALE) !== 0)
            throw new BusFault(
              this.base + o,
              4,
              'write',
              'unmodelled',
              `${this.name}: duty fades (DUTY_START with DUTY_SCALE ${field(v, L.fields.CONF1.DUTY_SCALE)}) are not modelled`,
            );
          c.conf1 = v >>> 0;
          if (!c.lowSpeed && v & DUTY_START) c.pending = true;
          break;
        default:
          return false;
      }
      this.schedule(this.timerOf(c));
      return true;
    }
    if (d?.kind === 'timer') {
      if (d.reg !== 0) return false;
      const t = d.t;
      t.conf = v & 0x07ffffff & ~TIMER_PARA_UP;
      // A low-speed timer takes a new divider and resolution only at PARA_UP; RST and PAUSE at once.
      const next = !t.lowSpeed || v & TIMER_PARA_UP ? t.conf : (t.applied & ~(RST | PAUSE)) | (t.conf & (RST | PAUSE));
      t.apply(next, now);
      this.schedule(t);
      return true;
    }
    switch (o) {
      case L.INT_ENA:
        this.ena = v & 0xffffff;
        for (const t of this.timers) this.schedule(t);
        break;
      case L.INT_CLR:
        this.raw &= ~v;
        break;
      case L.CONF:
        for (const t of this.timers.slice(4)) t.apply(t.applied, now); // re-based before the clock changes
        this.conf = v & 1;
        for (const t of this.timers.slice(4)) this.schedule(t);
        break;
      default:
        return false;
    }
    this.update();
    return true;
  }

  /** An alarm of timer `t`: at an overflow pending duties take effect; then every output is brought up to date. */
  step(t: LedcTimer): void {
    const now = this.m.now;
    if (t.overflowed(now)) {
      this.raw |= this.ovfBit(t);
      for (const c of t.channels) {
        if (!c.pending) continue;
        c.pending = false;
        c.activeHpoint = c.hpoint;
        c.activeDuty = c.duty;
        this.raw |= 1 << (L.intDutyEnd0 + (c.lowSpeed ? 8 : 0) + c.index);
      }
      this.update();
    }
    this.schedule(t);
  }

  /** Sets the outputs of the channels on `t` for now, and the alarm at their next edge or the next overflow. */
  private schedule(t: LedcTimer): void {
    const now = this.m.now;
    // No alarm followed the timer: overflows up to now count for the flags, not for pending duties.
    if (!t.wake.scheduled && t.overflowed(now)) this.raw |= this.ovfBit(t);
    const count = t.count(now);
    let changed = false;
    let next = t.period;
    for (const c of t.channels) {
      const on = (c.conf0 & SIG_OUT_EN) !== 0;
      const lo = c.activeHpoint,
        hi = c.activeHpoint + c.dutyCounts;
      const level = on ? count >= lo && count < hi : (c.conf0 & IDLE_LV) !== 0;
      if (level !== c.level) {
        c.level = level;
        changed = true;
      }
      if (on) for (const edge of [lo, hi]) if (edge > count && edge < next) next = edge;
    }
    if (changed) this.onOutputChange();
    const watched = t.channels.some((c) => c.conf0 & SIG_OUT_EN || c.pending) || (this.ena & this.ovfBit(t)) !== 0;
    if (!t.running || !watched) return t.wake.cancel();
    t.wake.scheduleAt(t.periodStart(now) + next * t.tickNs);
  }

  private ovfBit(t: LedcTimer): number {
    return 1 << (L.intTimerOvf0 + (t.lowSpeed ? 4 : 0) + t.index);
  }

  /** Overflow flags of timers no alarm follows (no channel on, interrupt off), brought up to date when read. */
  private rawNow(): number {
    for (const t of this.timers) if (!t.wake.scheduled && t.overflowed(this.m.now)) this.raw |= this.ovfBit(t);
    return this.raw;
  }

  private update(): void {
    if (this.irq !== undefined) this.m.irq.setLevel(this.irq, (this.raw & this.ena) !== 0);
  }
}
