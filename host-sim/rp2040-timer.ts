// RP2040 TIMER in front of rp2040js's: alarms fall due when the microsecond counter
// reaches them. rp2040js computes an alarm's delay from the fractional current
// microsecond and truncates it to whole microseconds, so on our nanosecond clock an
// alarm fired up to 1 µs before the counter (TIMELR: whole microseconds) reached its
// target. After a write that armed an alarm, it is moved to the instant the counter
// becomes the target: target × 1000 ns, the counter wrapping at 2^32 µs.
// rp2040js counts from the simulation's start; the chip's counter starts at 0 when the chip
// does: a TIMER built after a chip reset (a brown-out) counts from that instant (`epochUs`),
// and its time and alarm registers are shifted by it.
import type { RP2040 } from 'rp2040js';
import type { AccessSize } from '../src/hal.js';
import { ALIAS_MASK, Rp2040Window, applyAlias, type FaultingLogger, type ResetGate } from './rp2040-window.js';
import type { SimClock } from './time.js';

const TIMER_TIMEHR = 0x008,
  TIMER_TIMELR = 0x00c,
  TIMER_TIMERAWH = 0x024,
  TIMER_TIMERAWL = 0x028;
const TIMER_ALARM0 = 0x010;
const TIMER_ALARM3 = 0x01c;

export class Rp2040Timer extends Rp2040Window {
  /** rp2040js's microsecond count when this chip's counter was 0. */
  private readonly epochUs: number;
  private latchedHigh = 0;

  constructor(
    chip: RP2040,
    log: FaultingLogger,
    base: number,
    inReset: ResetGate,
    private readonly clock: SimClock,
  ) {
    super(chip, log, base, inReset);
    this.epochUs = Math.floor(clock.nanos / 1000);
  }

  override read(offset: number, size: AccessSize): number {
    const reg = offset & ALIAS_MASK;
    if (this.epochUs === 0 || this.inReset()) return super.read(offset, size);
    const t = Math.floor(this.clock.nanos / 1000) - this.epochUs;
    switch (reg) {
      case TIMER_TIMEHR:
        return this.latchedHigh;
      case TIMER_TIMELR:
        this.latchedHigh = Math.floor(t / 2 ** 32);
        return t >>> 0;
      case TIMER_TIMERAWH:
        return Math.floor(t / 2 ** 32);
      case TIMER_TIMERAWL:
        return t >>> 0;
    }
    const v = super.read(offset, size);
    return reg >= TIMER_ALARM0 && reg <= TIMER_ALARM3 ? (v - this.epochUs) >>> 0 : v;
  }

  override write(offset: number, size: AccessSize, value: number): void {
    const reg = offset & ALIAS_MASK;
    if (this.epochUs !== 0 && reg >= TIMER_ALARM0 && reg <= TIMER_ALARM3 && !this.inReset()) {
      value = (applyAlias(offset, this.read(reg, 4), value) + this.epochUs) >>> 0; // this chip's count to rp2040js's
      offset = reg;
    }
    const scheduled = this.clock.scheduledCount;
    super.write(offset, size, value);
    exactTimerAlarm(this.clock, reg, scheduled, (r) => super.read(r, 4));
  }
}

/**
 * Call after a write to register `reg` of TIMER, with the clock's scheduledCount from before
 * it: if the write armed an alarm, it is moved to the instant the counter becomes the target
 * (also for the emulator, host-sim/emulator.ts, where firmware writes rp2040js's TIMER).
 */
export function exactTimerAlarm(clock: SimClock, reg: number, scheduledBefore: number, readAlarm: (reg: number) => number): void {
  if (reg < TIMER_ALARM0 || reg > TIMER_ALARM3 || clock.scheduledCount === scheduledBefore) return;
  const alarm = clock.lastScheduled!;
  const target = readAlarm(reg); // what the write (or alias) made of ALARMn
  const counter = Math.floor(clock.nanos / 1000);
  const delta = (target - counter) >>> 0;
  // delta 0: the counter is already there; rp2040js's choice (fire now, or after a wrap) stands.
  if (delta !== 0) alarm.scheduleAt((counter + delta) * 1000);
}
