// ESP32 timer group (TRM ch. 18, TIMG0 base 0x3FF5F000): two 64-bit general-purpose
// timers T0/T1 clocked by APB (80 MHz) through a 16-bit divider, with alarm,
// auto-reload, the UPDATE latch, LOAD, and the INT_ENA/RAW/ST/CLR_TIMERS set. An
// alarm fires when the counter reaches the alarm value (or at once if it is
// already past it); ALARM_EN clears itself, as on silicon. The watchdog and the
// LACT timer are not modelled (their registers fault).
import type { Machine } from './machine.js';
import { RegisterModel } from './model.js';
import type { SimAlarm } from './time.js';

const APB_HZ = 80e6;
const EN = 1 << 31,
  INCREASE = 1 << 30,
  AUTORELOAD = 1 << 29,
  ALARM_EN = 1 << 10;
const CONFIG = 0x00,
  LO = 0x04,
  HI = 0x08,
  UPDATE = 0x0c,
  ALARMLO = 0x10,
  ALARMHI = 0x14,
  LOADLO = 0x18,
  LOADHI = 0x1c,
  LOAD = 0x20;
const TIMER_STRIDE = 0x24;
const INT_ENA = 0x98,
  INT_RAW = 0x9c,
  INT_ST = 0xa0,
  INT_CLR = 0xa4,
  NTIMERS_DATE = 0xf8,
  TIMGCLK = 0xfc;

/** One general-purpose timer. The count is derived from simulated time, not stepped. */
class GpTimer {
  config = 0x60002000;
  latched = 0;
  alarm = 0;
  load = 0;
  /** Count at `epochNs`, and the time it was taken. */
  private base = 0;
  private epochNs = 0;
  readonly wake: SimAlarm;

  constructor(
    private readonly m: Machine,
    private readonly fire: () => void,
  ) {
    this.wake = m.clock.createAlarm(() => this.onAlarm());
  }

  get tickNs(): number {
    const d = (this.config >>> 13) & 0xffff;
    return ((d === 0 ? 65536 : d === 1 ? 2 : d) * 1e9) / APB_HZ;
  }
  get running(): boolean {
    return (this.config & EN) !== 0;
  }
  get up(): boolean {
    return (this.config & INCREASE) !== 0;
  }

  count(now = this.m.now): number {
    if (!this.running) return this.base;
    const ticks = Math.floor((now - this.epochNs) / this.tickNs);
    return this.up ? this.base + ticks : Math.max(0, this.base - ticks);
  }

  /** Re-bases at the last tick edge (before a config change), keeping the tick phase. */
  private rebase(): void {
    if (!this.running) {
      this.epochNs = this.m.now;
      return;
    }
    const ticks = Math.floor((this.m.now - this.epochNs) / this.tickNs);
    this.base = this.up ? this.base + ticks : Math.max(0, this.base - ticks);
    this.epochNs += ticks * this.tickNs;
  }

  setConfig(v: number): void {
    this.rebase();
    this.config = v >>> 0;
    this.reschedule();
  }
  setCount(v: number): void {
    this.base = v;
    this.epochNs = this.m.now;
    this.reschedule();
  }
  setAlarm(v: number): void {
    this.alarm = v;
    this.reschedule();
  }

  reschedule(): void {
    this.wake.cancel();
    if (!this.running || !(this.config & ALARM_EN)) return;
    const now = this.count();
    const ahead = this.up ? this.alarm - now : now - this.alarm;
    // Time of the tick edge where the count reaches the alarm.
    const edge = this.epochNs + Math.abs(this.alarm - this.base) * this.tickNs;
    this.wake.scheduleAt(ahead <= 0 ? this.m.now : Math.ceil(edge));
  }

  private onAlarm(): void {
    this.config = (this.config & ~ALARM_EN) >>> 0;
    if (this.config & AUTORELOAD) {
      this.base = this.load;
      this.epochNs = this.m.now;
    }
    this.fire();
  }
}

export class Esp32Timg extends RegisterModel {
  private readonly timers: GpTimer[];
  private ena = 0;
  private raw = 0;
  private clk = 0;

  constructor(
    m: Machine,
    name: string,
    base: number,
    private readonly irqs: readonly number[],
  ) {
    super(m, name, base);
    this.timers = [0, 1].map((i) => new GpTimer(m, () => this.raise(i)));
  }

  private raise(i: number): void {
    this.raw |= 1 << i;
    this.update();
  }

  private update(): void {
    this.irqs.forEach((irq, i) => this.m.irq.setLevel(irq, ((this.raw & this.ena) >> i) & 1 ? true : false));
  }

  readRegister(o: number): number | undefined {
    if (o < 2 * TIMER_STRIDE) {
      const t = this.timers[o >= TIMER_STRIDE ? 1 : 0]!;
      switch (o % TIMER_STRIDE) {
        case CONFIG:
          return t.config;
        case LO:
          return t.latched >>> 0;
        case HI:
          return Math.floor(t.latched / 2 ** 32) >>> 0;
        case ALARMLO:
          return t.alarm >>> 0;
        case ALARMHI:
          return Math.floor(t.alarm / 2 ** 32) >>> 0;
        case LOADLO:
          return t.load >>> 0;
        case LOADHI:
          return Math.floor(t.load / 2 ** 32) >>> 0;
        case UPDATE:
        case LOAD:
          return 0;
      }
      return undefined;
    }
    switch (o) {
      case INT_ENA:
        return this.ena;
      case INT_RAW:
        return this.raw;
      case INT_ST:
        return this.raw & this.ena;
      case NTIMERS_DATE:
        return 0x01604290;
      case TIMGCLK:
        return this.clk;
    }
    return undefined;
  }

  writeRegister(o: number, v: number): boolean {
    const hi = (x: number) => Math.floor(x / 2 ** 32) * 2 ** 32;
    if (o < 2 * TIMER_STRIDE) {
      const t = this.timers[o >= TIMER_STRIDE ? 1 : 0]!;
      switch (o % TIMER_STRIDE) {
        case CONFIG:
          t.setConfig(v);
          return true;
        case UPDATE:
          t.latched = t.count();
          return true;
        case ALARMLO:
          t.setAlarm(hi(t.alarm) + v);
          return true;
        case ALARMHI:
          t.setAlarm((v & 0x1fffff) * 2 ** 32 + (t.alarm % 2 ** 32));
          return true;
        case LOADLO:
          t.load = hi(t.load) + v;
          return true;
        case LOADHI:
          t.load = (v & 0x1fffff) * 2 ** 32 + (t.load % 2 ** 32);
          return true;
        case LOAD:
          t.setCount(t.load);
          return true;
      }
      return false;
    }
    switch (o) {
      case INT_ENA:
        this.ena = v & 0xf;
        break;
      case INT_CLR:
        this.raw &= ~v;
        break;
      case TIMGCLK:
        this.clk = v & 0x80000000;
        break;
      default:
        return false;
    }
    this.update();
    return true;
  }
}
