// Fault injection, scripted from tests (as Renode users do): a bus error at an address (checked
// by the simulator's HAL on every access while any is armed) and a brown-out, so a driver's error
// and recovery paths run.
import { InvalidArgument } from '../src/errors.js';
import { BusFault, type AccessSize, type BusAccess } from '../src/hal.js';
import { parseDuration, type Duration, type SimClock } from './time.js';

export interface BrownOutOptions {
  /** When the supply dips: a simulated time since reset (default: now). */
  at?: Duration;
  /** How long the supply stays below the brown-out threshold, the chip held in reset (default 1 ms). */
  duration?: Duration;
  /**
   * SRAM after the dip: 'random' (default: its contents are undefined, here a pseudo-random pattern
   * from `seed`), or 'keep' (a dip the cells survived).
   */
  ram?: 'random' | 'keep';
  seed?: number;
}

/** A supply dip as the machine carries it out. */
export interface SupplyDip {
  readonly holdNs: number;
  readonly ram: 'random' | 'keep';
  readonly seed: number;
}

export interface BusErrorOptions {
  /** Which accesses fail: 'read', 'write' or 'any' (default). */
  access?: 'read' | 'write' | 'any';
  /** Bytes from `address` covered (default 4). */
  length?: number;
  /** How many accesses fail before the fault clears itself (default: every one until removed). */
  count?: number;
}

export interface InjectedFault {
  /** Accesses refused so far. */
  readonly hits: number;
  remove(): void;
}

interface BusError {
  readonly from: number;
  readonly to: number;
  readonly access: 'read' | 'write' | 'any';
  left: number;
  hits: number;
}

export class Faults {
  private readonly busErrors: BusError[] = [];
  /** Any fault armed: the HAL's hot path checks only this. */
  armed = false;
  /** Set by the machine: carries out a supply dip now. */
  onBrownOut: (dip: SupplyDip) => void = () => {};

  constructor(private readonly clock: SimClock) {}

  /**
   * A brown-out: at `at` the supply dips below the brown-out detector's threshold for `duration`.
   * The chip resets as silicon does (every peripheral back to its reset state, the code running
   * stops, RAM per `ram`, the reset cause in the chip's reset-reason register) and `main` starts
   * again when the supply is back. The world outside the chip (parts, pins driven from outside,
   * flash contents) stays.
   */
  brownOut(o: BrownOutOptions = {}): void {
    const ram = o.ram ?? 'random',
      seed = o.seed ?? 1;
    const at = o.at === undefined ? this.clock.nanos : parseDuration(o.at, 'brown-out at');
    const holdNs = parseDuration(o.duration ?? '1ms', 'brown-out duration');
    if (at < this.clock.nanos) throw new InvalidArgument('brown-out at', o.at, `is in the past (now ${this.clock.nanos} ns)`);
    if (holdNs <= 0) throw new InvalidArgument('brown-out duration', o.duration, 'must be a positive duration');
    if (ram !== 'random' && ram !== 'keep') throw new InvalidArgument('brown-out ram', ram, "must be 'random' or 'keep'");
    if (!Number.isInteger(seed)) throw new InvalidArgument('brown-out seed', seed, 'must be an integer');
    const dip = { holdNs, ram, seed };
    if (at === this.clock.nanos) return this.onBrownOut(dip);
    this.clock.createAlarm(() => this.onBrownOut(dip), true).scheduleAt(at);
  }

  /** Accesses to [address, address + length) fail with BusFault (reason 'injected') until removed or `count` ran out. */
  busError(address: number, o: BusErrorOptions = {}): InjectedFault {
    const length = o.length ?? 4,
      count = o.count ?? Infinity,
      access = o.access ?? 'any';
    if (!Number.isInteger(address) || address < 0 || address >= 2 ** 32) throw new InvalidArgument('fault address', address, 'must be a 32-bit address');
    if (!Number.isInteger(length) || length < 1) throw new InvalidArgument('fault length', length, 'must be a positive number of bytes');
    if (!(count === Infinity || (Number.isInteger(count) && count > 0))) throw new InvalidArgument('fault count', count, 'must be a positive integer');
    if (!['read', 'write', 'any'].includes(access)) throw new InvalidArgument('fault access', access, "must be 'read', 'write' or 'any'");
    const e: BusError = { from: address, to: address + length, access, left: count, hits: 0 };
    this.busErrors.push(e);
    this.armed = true;
    const remove = () => {
      const i = this.busErrors.indexOf(e);
      if (i >= 0) this.busErrors.splice(i, 1);
      this.armed = this.busErrors.length > 0;
    };
    return {
      get hits() {
        return e.hits;
      },
      remove,
    };
  }

  /** Throws the injected BusFault for this access, if one covers it. */
  check(addr: number, size: AccessSize, access: BusAccess): void {
    for (const e of this.busErrors) {
      if (addr + size <= e.from || addr >= e.to || (e.access !== 'any' && e.access !== access)) continue;
      e.hits++;
      if (--e.left <= 0) {
        this.busErrors.splice(this.busErrors.indexOf(e), 1);
        this.armed = this.busErrors.length > 0;
      }
      throw new BusFault(addr, size, access, 'injected', 'a bus error injected by the test (board.faults.busError)');
    }
  }
}
