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
import { Bus } from './bus.js';
import { SimHalted, SimStateError, SimTimeout } from './errors.js';
import { IrqController, THREAD_PRIORITY } from './irq.js';
import { SimClock, formatNs } from './time.js';
import { AccessTrace } from './trace.js';

export interface CoreState {
  readonly id: number;
  /** Interrupts masked (PRIMASK set / PS.INTLEVEL raised). */
  masked: boolean;
  /** Priority of the code running: THREAD_PRIORITY, or the priority of the handler being run. */
  running: number;
}

/** A core whose program runs elsewhere (core 1 in a worker): the machine steps it one HAL call at a time. */
export interface SteppedCore {
  readonly running: boolean;
  /** Serves exactly one HAL call of that core (blocking until the core makes it). */
  step(): void;
}

/** How far past the requested end code may run without returning to idle before it counts as a runaway. */
const RUNAWAY_NS = 1e9;

export class Machine {
  readonly clock = new SimClock();
  readonly bus = new Bus();
  readonly irq: IrqController;
  readonly trace = new AccessTrace();
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
  private deadline = Infinity;
  private readonly accessNs: number;

  constructor(readonly board: BoardSpec) {
    this.irq = new IrqController(board.irqCount);
    this.cores = Array.from({ length: board.cores }, (_, id) => ({ id, masked: false, running: THREAD_PRIORITY }));
    this.lockWords = new Uint8Array(board.spinlocks.count);
    this.accessNs = board.accessNs;
  }

  get now(): number {
    return this.clock.nanos;
  }

  /** Called after every HAL call of `core` (see the header). */
  boundary(core: number): void {
    this.clock.advanceTo(this.clock.nanos + this.accessNs);
    const s = this.secondary;
    if (s !== undefined && core === 0 && s.running) s.step();
    if (this.irq.anyReady && !this.cores[core]!.masked) this.deliver(core);
    if (this.clock.nanos > this.deadline) {
      throw new SimTimeout(this.clock.nanos, `code on core ${core} ran to ${formatNs(this.clock.nanos)} without returning to idle: the simulator runs main and handlers to completion, so loop through interrupts, not in main`);
    }
  }

  /** Before a HAL call: a halted machine runs nothing. */
  enter(core: number): void {
    if (this.halted) throw new SimStateError(`core ${core} made a HAL call after the machine halted (${this.halted.reason})`);
    this.activeCore = core;
  }

  /** Delivers, most urgent first, every pending IRQ that may preempt what `core` runs. */
  deliver(core: number): void {
    const c = this.cores[core]!;
    for (;;) {
      const n = this.irq.next(core, c.running);
      if (n < 0) return;
      const handler = this.irq.handlers[n];
      if (handler === undefined) throw new SimStateError(`IRQ ${n} is pending and enabled on core ${core} but has no handler (irqSetHandler)`);
      this.irq.acknowledge(n);
      const saved = c.running;
      c.running = this.irq.priorityOf(n);
      this.trace.record(this.clock.nanos, core, 'irq-enter', n, 0, 0);
      this.clock.advanceTo(this.clock.nanos + this.board.irqEntryNs);
      try {
        handler(n);
      } finally {
        c.running = saved;
        this.trace.record(this.clock.nanos, core, 'irq-exit', n, 0, 0);
        this.irq.complete(n);
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
        if (stop?.()) return true;
        if (this.clock.nanos >= target) return false;
        const c0 = this.cores[0]!;
        if (this.irq.anyReady && !c0.masked && this.irq.next(0, c0.running) >= 0) {
          this.activeCore = 0;
          this.deliver(0);
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
    }
  }

  /** Runs `fn` (core 0's main) with the runaway guard of a run to `target`. */
  runCode(fn: () => void, target: number): void {
    this.deadline = target + RUNAWAY_NS;
    try {
      fn();
    } finally {
      this.deadline = Infinity;
    }
  }

  debugWrite(text: string): void {
    for (const l of this.debugListeners) l(text, this.clock.nanos);
  }
}
