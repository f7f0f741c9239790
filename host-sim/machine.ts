// The machine: one board's bus, clock, interrupt controller, trace and cores, and
// the rule that moves simulated time.
//
// Time: every HAL call costs `board.accessNs` of simulated time and is a
// *boundary*. At a boundary the clock advances (firing due alarms, which may raise
// IRQ lines), the second core (if running) takes exactly one HAL call of its own,
// and, if the calling core's interrupts are unmasked, pending IRQs routed to it are
// delivered by calling their handlers (nested, like an exception preempting the
// code). When no code runs (the core idles after `main` returned, as in WFI),
// `runUntil` jumps the clock to the next alarm.
import type { BoardSpec } from '../boards/index.js';
import { Bus, type Region } from './bus.js';
import { ChipReset, SimHalted, SimRunaway, SimStateError, SimTimeout } from './errors.js';
import { IrqController, THREAD_PRIORITY } from './irq.js';
import { AddressNames } from './names.js';
import { SimClock, formatNs } from './time.js';
import { AccessTrace } from './trace.js';
import { Waveform } from './waveform.js';
import { Faults, type SupplyDip } from './faults.js';

export interface CoreState {
  readonly id: number;
  /** Interrupts masked (PRIMASK set / PS.INTLEVEL raised). */
  masked: boolean;
  /** Priority of the code running: THREAD_PRIORITY, or the priority of the handler being run. */
  running: number;
  /** The IRQ whose handler runs innermost, or -1 (thread mode). */
  active: number;
}

/** A core whose program runs elsewhere (core 1 in a worker): the machine steps it one HAL call at a time. */
export interface SteppedCore {
  readonly core: number;
  /** Its program has not returned yet (once it has, the core idles and still takes interrupts). */
  readonly running: boolean;
  /** Serves exactly one HAL call of that core (blocking until the core makes it). */
  step(): void;
  /** Ends the program (a chip reset). */
  stop?(): void;
}

/** Why the chip last came out of reset: models with a reset-reason register read it. */
export type ResetCause = 'power-on' | 'brown-out';

/** How far past the requested end code may run without returning to idle before it counts as a runaway. */
const RUNAWAY_NS = 1e9;
/** Back-to-back entries of one handler, its source still asserted at every exit, that make an interrupt storm. */
const STORM_ENTRIES = 10_000;
/** Identical back-to-back reads of one address after which a poll loop is fast-forwarded. */
const POLL_SPIN = 16;
/** The wall clock is read once per this many boundaries (a power of two). */
const WALL_CHECK_EVERY = 1024;
/** Default wall-time guard: code that has not returned to idle after this long is stopped. */
export const DEFAULT_RUNAWAY_MS = 5000;

export class Machine {
  readonly clock = new SimClock();
  readonly bus = new Bus();
  readonly irq: IrqController;
  readonly trace = new AccessTrace();
  /** Every signal change since reset (pins, UART lines, IRQ lines): VCD, plots, measurements. */
  readonly waves = new Waveform();
  /** Faults injected by the test (bus errors). */
  readonly faults = new Faults(this.clock);
  readonly cores: CoreState[];
  /** The core whose HAL call is being served (peripheral models read it: SIO CPUID). */
  activeCore = 0;
  /** Compare-and-set lock words for boards whose spinlocks are 'atomic' (ESP32). */
  readonly lockWords: Uint8Array;
  /** Program on another core, stepped at every boundary (see docs/simulator.md, "Cores"). */
  secondary: SteppedCore | undefined;
  /** Text written with hal.debugWrite (the simulator's semihosting channel). */
  readonly debugListeners = new Set<(text: string, tNs: number) => void>();
  halted: SimHalted | undefined;
  /** Wall-time guard (ms): a `main` or handler that has not returned to idle after this long is a SimRunaway. */
  runawayMs = DEFAULT_RUNAWAY_MS;
  readonly names: AddressNames;
  /** Why the chip last came out of reset. */
  resetCause: ResetCause = 'power-on';
  /** Set by the board: wires the chip anew after a reset (models, pins, memories); `before` are the regions the chip had. */
  onChipReset: ((dip: SupplyDip, before: readonly Region[]) => void) | undefined;
  /** Set by the board: runs `main` again when the supply is back. */
  onRestart: (() => void) | undefined;
  /** Frames of core 0's code (main, handlers) on the stack: a reset under them waits until they unwound. */
  private codeDepth = 0;
  private pendingReset: SupplyDip | undefined;
  private pendingBoot = false;
  private deadline = Infinity;
  private wallDeadline = Infinity;
  private wallTicks = 0;
  /** Poll-loop detection: the last load (core, address, value), at which boundary, and how often in a row. */
  private pollCore = -1;
  private pollAddr = 0;
  private pollValue = 0;
  private pollAt = 0;
  private pollCount = 0;
  /** Boundaries so far. */
  private boundaries = 0;
  private readonly accessNs: number;

  constructor(readonly board: BoardSpec) {
    this.irq = new IrqController(board.irqCount);
    this.cores = Array.from({ length: board.cores }, (_, id) => ({ id, masked: false, running: THREAD_PRIORITY, active: -1 }));
    this.names = new AddressNames(board);
    this.trace.waves = this.waves;
    this.trace.now = () => this.clock.nanos;
    this.irq.onLevel = (n, high) => this.waves.change(this.waves.signal('irq', n), this.clock.nanos, high);
    this.lockWords = new Uint8Array(board.spinlocks.count);
    this.accessNs = board.accessNs;
    this.faults.onBrownOut = (dip) => this.requestReset(dip);
  }

  /** A supply dip: the chip resets now when no code runs, else once the running code has unwound (ChipReset). */
  private requestReset(dip: SupplyDip): void {
    if (this.codeDepth > 0) this.pendingReset = dip;
    else this.resetChip(dip);
  }

  /**
   * The chip resets: core 1's program ends, the chip's alarms, IRQ lines and handlers, the core
   * states, spinlocks and a halt are gone, the bus is empty and the board wires it anew; after the
   * dip `main` runs again (at the next run).
   */
  private resetChip(dip: SupplyDip): void {
    this.pendingReset = undefined;
    this.resetCause = 'brown-out';
    const s = this.secondary;
    this.secondary = undefined;
    s?.stop?.();
    this.clock.cancelChipAlarms();
    this.irq.reset();
    const before = this.bus.map.slice();
    this.bus.clear();
    for (const c of this.cores) Object.assign(c, { masked: false, running: THREAD_PRIORITY, active: -1 });
    this.lockWords.fill(0);
    this.halted = undefined;
    this.pollCore = -1;
    this.pollCount = 0;
    this.onChipReset?.(dip, before);
    this.clock.createAlarm(() => void (this.pendingBoot = true), true).schedule(dip.holdNs);
  }

  /** Runs `fn` as core 0's code; a chip reset under it ends it, and the outermost frame carries the reset out. */
  private asCode(fn: () => void): void {
    this.codeDepth++;
    let reset = false;
    try {
      fn();
    } catch (e) {
      if (!(e instanceof ChipReset) || this.codeDepth > 1) throw e;
      reset = true;
    } finally {
      this.codeDepth--;
    }
    if (reset && this.pendingReset !== undefined) this.resetChip(this.pendingReset);
  }

  get now(): number {
    return this.clock.nanos;
  }

  /** Called after every HAL call of `core` (see the header). */
  boundary(core: number): void {
    this.boundaries++;
    this.clock.advanceTo(this.clock.nanos + this.accessNs);
    const s = this.secondary;
    if (s !== undefined && core === 0 && s.running) {
      const t0 = performance.now();
      s.step();
      this.wallDeadline += performance.now() - t0; // waiting for core 1's thread is not core 0 running
    }
    if (this.irq.anyReady) {
      if (!this.cores[core]!.masked) this.deliver(core);
      if (core === 0) this.deliverIdle();
    }
    if (this.pendingReset !== undefined && this.codeDepth > 0 && core === 0) throw new ChipReset('brown-out');
    if (this.clock.nanos > this.deadline) {
      throw new SimTimeout(
        this.clock.nanos,
        `${this.running(core)} ran to ${formatNs(this.clock.nanos)} of simulated time without returning to idle; ${this.advice(core)}`,
      );
    }
    if ((++this.wallTicks & (WALL_CHECK_EVERY - 1)) === 0 && performance.now() > this.wallDeadline) {
      throw new SimRunaway(
        `${this.running(core)} did not return within ${this.runawayMs} ms of wall time (the runaway guard, option runaway; simulated time ${formatNs(this.clock.nanos)}); ${this.advice(core)}`,
      );
    }
  }

  /**
   * Called by a load before its boundary. A core that reads the same address and gets the same
   * value back to back, making no other HAL call, is polling: until the next alarm nothing it can
   * see changes (no other core runs; a test cannot act while code runs), so the clock skips, on
   * the grid of the loop's reads, to just before that alarm. The loop then sees the change at the
   * very read it would have; the skipped reads are not traced. Only while the machine runs code
   * (main or a run), never for a test's own HAL calls.
   */
  poll(core: number, addr: number, value: number): void {
    const again = core === this.pollCore && addr === this.pollAddr && value === this.pollValue && this.pollAt === this.boundaries;
    this.pollCore = core;
    this.pollAddr = addr;
    this.pollValue = value;
    this.pollAt = this.boundaries + 1;
    this.pollCount = again ? this.pollCount + 1 : 0;
    if (
      this.pollCount < POLL_SPIN ||
      this.deadline === Infinity ||
      this.secondary?.running ||
      (this.irq.anyReady && this.irq.next(core, this.cores[core]!.running) >= 0)
    )
      return;
    const due = Math.min(this.clock.nextDue, this.deadline);
    const steps = Math.floor((due - this.clock.nanos - 1) / this.accessNs);
    if (steps > 0) this.clock.advanceTo(this.clock.nanos + steps * this.accessNs);
  }

  /** True when some core other than 0 idles (no program, or its program returned) with an interrupt to take. */
  private idleReady(): boolean {
    for (let c = 1; c < this.cores.length; c++) {
      const s = this.cores[c]!;
      if (!(this.secondary?.running && this.secondary.core === c) && !s.masked && this.irq.next(c, s.running) >= 0) return true;
    }
    return false;
  }

  /** Idle cores other than 0 (as in WFI) take their interrupts at once: their handlers run to completion here. */
  private deliverIdle(): void {
    for (let c = 1; c < this.cores.length; c++) {
      const s = this.cores[c]!;
      if (this.secondary?.running && this.secondary.core === c) continue; // a running program takes them at its own calls
      if (!s.masked && this.irq.next(c, s.running) >= 0) {
        this.activeCore = c;
        this.deliver(c);
      }
    }
  }

  /** Name of an IRQ line in the board data (TIMER_IRQ_0), or its number. */
  irqName(n: number): string {
    const name = Object.keys(this.board.irqs).find((k) => this.board.irqs[k] === n);
    return name === undefined ? `IRQ ${n}` : `IRQ ${n} (${name})`;
  }

  /** What runs on `core`: its main, or the innermost handler. */
  private running(core: number): string {
    const a = this.cores[core]!.active;
    return a < 0 ? `main on core ${core}` : `the handler of ${this.irqName(a)} on core ${core}`;
  }

  private advice(core: number): string {
    const last = `its last register accesses: ${this.names.describe(this.trace.entries())}`;
    if (this.cores[core]!.active >= 0) return `a handler must return (${last})`;
    return `the simulator runs main to completion: do periodic work from interrupt handlers, not in a loop in main (${last})`;
  }

  /** Halts the machine as the chip would stop: later HAL calls and runs throw `h`. */
  halt(h: SimHalted): never {
    this.halted = h;
    throw h;
  }

  /** The IRQ whose handler runs innermost on `core`, or -1. */
  activeIrq(core: number): number {
    return this.cores[core]!.active;
  }

  /** Before a HAL call: a halted machine runs nothing. */
  enter(core: number): void {
    if (this.halted) throw new SimStateError(`core ${core} made a HAL call after the machine halted (${this.halted.reason})`);
    if (this.pendingReset !== undefined && this.codeDepth > 0 && core === 0) throw new ChipReset('brown-out'); // code that caught it runs no further
    this.activeCore = core;
  }

  /** Delivers, most urgent first, every pending IRQ that may preempt what `core` runs. */
  deliver(core: number): void {
    const c = this.cores[core]!;
    let last = -1;
    let streak = 0;
    for (;;) {
      const n = this.irq.next(core, c.running);
      if (n < 0) return;
      const handler = this.irq.handlers[n];
      if (handler === undefined) {
        // The vector still points at the SDK's default handler: the core stops there.
        const stop =
          this.board.chip === 'rp2040'
            ? "pico-sdk's isr_unhandled: a breakpoint, then the HardFault handler's"
            : "ESP-IDF's xt_unhandled_interrupt, re-entered for as long as the level is high:";
        this.halt(
          new SimHalted(
            `${this.irqName(n)} is pending and enabled on core ${core} with no handler set: the core entered the default handler (${stop} the program stops there); set a handler before enabling the line`,
            this.clock.nanos,
          ),
        );
      }
      this.irq.acknowledge(n);
      const saved = c.running;
      const savedActive = c.active;
      c.running = this.irq.priorityOf(n);
      c.active = n;
      this.trace.record(this.clock.nanos, core, 'irq-enter', n, 0, 0);
      this.clock.advanceTo(this.clock.nanos + this.board.irqEntryNs);
      try {
        this.asCode(() => handler(n));
      } finally {
        c.running = saved;
        c.active = savedActive;
        this.trace.record(this.clock.nanos, core, 'irq-exit', n, 0, 0);
        this.irq.complete(n);
      }
      // The same line again at once, its level still high at exit: the handler does not clear its source.
      streak = n === last && this.irq.levelOf(n) ? streak + 1 : 0;
      last = n;
      if (streak >= STORM_ENTRIES) {
        throw new SimRunaway(
          `interrupt storm: the handler of ${this.irqName(n)} on core ${core} returned ${STORM_ENTRIES} times in a row with the peripheral still asserting the line, so the interrupted code never ran again; the handler must clear the interrupt source (e.g. write the peripheral's interrupt-clear register) before it returns (its last register accesses: ${this.names.describe(this.trace.entries())})`,
        );
      }
    }
  }

  /**
   * Runs the machine until simulated time `target` (absolute ns) or until `stop()`
   * holds (checked after every event). Returns true when stopped by `stop`.
   */
  runUntil(target: number, stop?: () => boolean): boolean {
    if (this.halted) throw this.halted;
    this.deadline = target + RUNAWAY_NS;
    try {
      for (;;) {
        if (this.pendingBoot) {
          this.pendingBoot = false;
          this.onRestart?.();
          continue;
        }
        if (stop?.()) return true;
        if (this.clock.nanos >= target) return false;
        const c0 = this.cores[0]!;
        if (this.irq.anyReady && !c0.masked && this.irq.next(0, c0.running) >= 0) {
          this.activeCore = 0;
          this.wallDeadline = performance.now() + this.runawayMs; // each handler run from idle gets the whole guard
          this.deliver(0);
          this.wallDeadline = Infinity; // back to idle (core 1 may run on: it returns to idle at every HAL call)
          continue;
        }
        if (this.irq.anyReady && this.idleReady()) {
          this.wallDeadline = performance.now() + this.runawayMs;
          this.deliverIdle();
          this.wallDeadline = Infinity;
          continue;
        }
        const s = this.secondary;
        if (s !== undefined && s.running) {
          s.step();
          continue;
        }
        this.clock.advanceTo(Math.min(this.clock.nextDue, target));
      }
    } finally {
      this.deadline = Infinity;
      this.wallDeadline = Infinity;
    }
  }

  /** Runs `fn` (core 0's main) with the runaway guards: simulated time to `target`, and the wall-time guard. */
  runCode(fn: () => void, target: number): void {
    const leave = this.enterCode(target);
    this.wallDeadline = performance.now() + this.runawayMs;
    try {
      this.asCode(fn);
    } finally {
      leave();
      this.wallDeadline = Infinity;
    }
  }

  /**
   * Code of the app runs from now until the returned function is called (e.g. across an await,
   * when the app runs in another engine): the simulated-time guard to `target` holds and poll
   * loops are fast-forwarded. The wall-time guard is runCode's.
   */
  enterCode(target: number): () => void {
    const outer = this.deadline; // main run again after a reset runs inside a run
    this.deadline = target + RUNAWAY_NS;
    return () => {
      this.deadline = outer;
    };
  }

  debugWrite(text: string): void {
    for (const l of this.debugListeners) l(text, this.clock.nanos);
  }
}
