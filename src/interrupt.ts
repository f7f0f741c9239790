// Interrupts and critical sections (reference: core.sys.interrupt).
//
// A critical section masks interrupts on the calling core AND, on a multi-core
// HAL, holds the last hardware spinlock (31 on RP2040, as rp2040-hal does), so the
// other core is excluded too. The same core may re-enter (owner tracking: a
// per-core nesting depth; only the outermost entry claims the spinlock). Each
// entry saves the interrupt state it found and its release restores exactly that
// state, so nesting composes; releases must come in reverse order (a typed error
// otherwise, with no effect).
//
// withCriticalSection allocates nothing; disableInterrupts allocates its guard.
// Errors: CriticalSectionError (one class, `rule` says which rule was broken).
import type { Hal } from './hal.js';
import { InvalidArgument, VllsiError, describe } from './errors.js';
import { currentHal } from './platform.js';
import { confineLater } from './gate.js';

export type CriticalSectionRule =
  | 'out-of-order' // a guard released while a later one is still held
  | 'already-released' // a guard released twice
  | 'wrong-core' // a guard released on a core other than the one that took it
  | 'leaked' // withCriticalSection's function returned with a guard it took still held
  | 'enable-inside-critical-section'; // enableInterrupts() while this core holds a critical section

export class CriticalSectionError extends VllsiError<'CriticalSectionError'> {
  constructor(
    readonly rule: CriticalSectionRule,
    message: string,
  ) {
    super('CriticalSectionError', message);
  }
}

/** CPU context at an exception, as a handler sees it. Valid only during the handler call. */
export interface ExceptionFrame {
  /** The IRQ number being served. */
  readonly irq: number;
  /** The core taking the interrupt. */
  readonly core: number;
  /** HAL time (ns) when the handler was entered. */
  readonly timeNs: number;
}

export type InterruptHandler = (frame: ExceptionFrame) => void;

interface MutableFrame {
  irq: number;
  core: number;
  timeNs: number;
}

/** Per-HAL bookkeeping: per-core nesting depth, saved states and the guards holding each level. */
class State {
  readonly depth: number[];
  readonly saved: number[][];
  readonly guards: (CriticalSection | null)[][];
  readonly frames: MutableFrame[];
  /** The spinlock that excludes the other cores; -1 on a single-core HAL. */
  readonly lock: number;

  constructor(hal: Hal) {
    const n = hal.coreCount;
    this.depth = new Array<number>(n).fill(0);
    this.saved = Array.from({ length: n }, () => []);
    this.guards = Array.from({ length: n }, () => []);
    this.frames = Array.from({ length: n }, (_, core) => ({ irq: -1, core, timeNs: 0 }));
    this.lock = n > 1 ? hal.spinlockCount - 1 : -1;
    if (n > 1 && hal.spinlockCount < 1) {
      throw new InvalidArgument(`HAL ${hal.name} spinlockCount`, hal.spinlockCount, 'a multi-core HAL needs a hardware spinlock for critical sections');
    }
  }
}

// Made on first use: a WeakMap made at module level is in flash after Moddable's preload,
// and its set() throws there.
let states: WeakMap<Hal, State> | undefined;
let lastHal: Hal | undefined;
let lastState: State | undefined;

function stateOf(hal: Hal): State {
  if (hal === lastHal) return lastState!;
  states ??= new WeakMap();
  let s = states.get(hal);
  if (s === undefined) {
    s = new State(hal);
    states.set(hal, s);
  }
  lastHal = hal;
  lastState = s;
  return s;
}

/** Enters a critical section on the calling core; returns the depth entered (0 = outermost). */
function enter(hal: Hal, s: State, core: number, guard: CriticalSection | null): number {
  const d = s.depth[core]!;
  let saved: number;
  if (d > 0 || s.lock < 0) {
    saved = hal.interruptsSave();
  } else {
    // Outermost: mask, then try the spinlock; on failure unmask again so pending
    // interrupts can run while we wait (rp2040-hal's loop).
    for (;;) {
      saved = hal.interruptsSave();
      if (hal.spinlockTryClaim(s.lock)) break;
      hal.interruptsRestore(saved);
      hal.waitForEvent?.();
    }
  }
  s.saved[core]![d] = saved;
  s.guards[core]![d] = guard;
  s.depth[core] = d + 1;
  return d;
}

/** Leaves the critical section at depth `d` (the innermost) on `core`. */
function leave(hal: Hal, s: State, core: number, d: number): void {
  const saved = s.saved[core]![d]!;
  s.guards[core]![d] = null;
  s.depth[core] = d;
  if (d === 0 && s.lock >= 0) hal.spinlockRelease(s.lock);
  hal.interruptsRestore(saved);
}

/**
 * A held critical section (reference: `CriticalSection`, an RAII guard). `release()`
 * restores exactly the interrupt state found on entry. Where the engine has
 * `Symbol.dispose`, the guard is disposable (`using cs = disableInterrupts()`).
 */
export class CriticalSection {
  private isReleased = false;

  /** @internal made by disableInterrupts */
  constructor(
    private readonly hal: Hal,
    /** The core that holds it. */
    readonly core: number,
    /** Nesting depth on that core (0 = outermost). */
    readonly depth: number,
  ) {}

  get released(): boolean {
    return this.isReleased;
  }

  release(): void {
    if (this.isReleased) throw new CriticalSectionError('already-released', `critical section (core ${this.core}, depth ${this.depth}) was already released`);
    const hal = this.hal;
    const core = hal.coreId();
    if (core !== this.core) {
      throw new CriticalSectionError('wrong-core', `critical section taken on core ${this.core} cannot be released on core ${core}`);
    }
    const s = stateOf(hal);
    const top = s.depth[core]! - 1;
    if (top !== this.depth) {
      throw new CriticalSectionError(
        'out-of-order',
        `critical section at depth ${this.depth} released while depth ${top} is still held on core ${core}: release in reverse order`,
      );
    }
    this.isReleased = true;
    leave(hal, s, core, this.depth);
  }

  /** @internal marks a guard released by withCriticalSection's unwinding. */
  markReleased(): void {
    this.isReleased = true;
  }
}

const dispose = (Symbol as unknown as { dispose?: symbol }).dispose;
if (typeof dispose === 'symbol') {
  Object.defineProperty(CriticalSection.prototype, dispose, {
    value(this: CriticalSection) {
      if (!this.released) this.release();
    },
    configurable: true,
    writable: true,
  });
}

/** Masks interrupts on this core and excludes the other cores; returns the guard that undoes it. */
export function disableInterrupts(): CriticalSection {
  const hal = currentHal();
  const s = stateOf(hal);
  const core = hal.coreId();
  const guard = new CriticalSection(hal, core, s.depth[core]!);
  enter(hal, s, core, guard);
  return guard;
}

/**
 * Runs `fn` inside a critical section and releases it however `fn` ends (return or throw).
 * Guards `fn` took and did not release are released too, and reported as a typed error
 * (unless `fn` threw: its error wins).
 */
export function withCriticalSection<T>(fn: () => T): T {
  const hal = currentHal();
  const s = stateOf(hal);
  const core = hal.coreId();
  const d = enter(hal, s, core, null);
  let threw = true;
  try {
    const result = fn();
    threw = false;
    return result;
  } finally {
    const leaked = s.depth[core]! - 1 - d;
    for (let k = s.depth[core]! - 1; k >= d; k--) {
      s.guards[core]![k]?.markReleased();
      leave(hal, s, core, k);
    }
    if (leaked > 0 && !threw) {
      // eslint-disable-next-line no-unsafe-finally -- only when fn returned normally: report the leak it left
      throw new CriticalSectionError('leaked', `withCriticalSection: the function returned holding ${leaked} critical section(s) it took; they were released`);
    }
  }
}

/** The calling core holds a critical section. */
export function inCriticalSection(): boolean {
  const hal = currentHal();
  return stateOf(hal).depth[hal.coreId()]! > 0;
}

/**
 * Unmasks interrupts on this core unconditionally. Inside a critical section this would
 * silently break its guarantee, so it is a typed error there.
 */
export function enableInterrupts(): void {
  const hal = currentHal();
  const core = hal.coreId();
  if (stateOf(hal).depth[core]! > 0) {
    throw new CriticalSectionError(
      'enable-inside-critical-section',
      `enableInterrupts() on core ${core} inside a critical section: release the critical section instead`,
    );
  }
  hal.interruptsEnable();
}

function checkIrq(irq: number): void {
  if (!Number.isInteger(irq) || irq < 0 || irq > 0xffff) throw new InvalidArgument('IRQ number', irq, 'must be a non-negative integer');
}

/**
 * Registers `handler` for IRQ line `irq` (or removes it with `undefined`). The handler
 * runs on the core taking the interrupt with an ExceptionFrame; enable the line with enableIrq.
 */
export function setInterruptHandler(irq: number, handler: InterruptHandler | undefined): void {
  checkIrq(irq);
  const hal = currentHal();
  if (handler === undefined) {
    hal.irqSetHandler(irq, undefined);
    return;
  }
  if (typeof handler !== 'function') throw new InvalidArgument('interrupt handler', describe(handler), 'must be a function or undefined');
  const s = stateOf(hal);
  // A handler installed inside a sandbox runs under it, however long after the sandbox ended.
  handler = confineLater(handler);
  hal.irqSetHandler(irq, (n) => {
    const f = s.frames[hal.coreId()]!;
    // Frames are reused (no allocation per interrupt); a nested handler's frame is put back after it.
    const outerIrq = f.irq;
    const outerTime = f.timeNs;
    f.irq = n;
    f.timeNs = hal.nowNs();
    try {
      handler(f);
    } finally {
      f.irq = outerIrq;
      f.timeNs = outerTime;
    }
  });
}

/** Enables delivery of IRQ line `irq` at the interrupt controller. */
export function enableIrq(irq: number): void {
  checkIrq(irq);
  currentHal().irqSetEnabled(irq, true);
}

/** Disables delivery of IRQ line `irq` (a raised IRQ stays pending). */
export function disableIrq(irq: number): void {
  checkIrq(irq);
  currentHal().irqSetEnabled(irq, false);
}
