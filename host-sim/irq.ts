// The interrupt controller (NVIC-like): per line a level (driven by peripherals), a
// pending latch, an enable bit, a priority (0 = most urgent) and the core it is
// routed to. The machine asks it, at each HAL-call boundary of a core whose
// interrupts are unmasked, for the most urgent deliverable line.
import { InvalidArgument } from '../src/errors.js';
import type { IrqHandler } from '../src/hal.js';

/** Running priority of a core that is not in a handler: anything enabled may preempt it. */
export const THREAD_PRIORITY = 256;

export class IrqController {
  private readonly level: Uint8Array;
  private readonly pending: Uint8Array;
  private readonly enabled: Uint8Array;
  private readonly priority: Uint8Array;
  private readonly routedTo: Uint8Array;
  readonly handlers: (IrqHandler | undefined)[];
  /** Told each change of a line's level (waveforms). */
  onLevel: ((irq: number, high: boolean) => void) | undefined;
  /** Count of lines pending and enabled: lets the hot path skip the scan. */
  private ready = 0;

  constructor(readonly lineCount: number) {
    this.level = new Uint8Array(lineCount);
    this.pending = new Uint8Array(lineCount);
    this.enabled = new Uint8Array(lineCount);
    this.priority = new Uint8Array(lineCount);
    this.routedTo = new Uint8Array(lineCount);
    this.handlers = new Array(lineCount).fill(undefined);
  }

  /** A chip reset: every line low, nothing pending or enabled, priorities 0, routed to core 0, no handlers. */
  reset(): void {
    for (let i = 0; i < this.lineCount; i++) if (this.level[i]) this.setLevel(i, false);
    for (const a of [this.pending, this.enabled, this.priority, this.routedTo]) a.fill(0);
    this.handlers.fill(undefined);
    this.ready = 0;
  }

  check(irq: number): void {
    if (!Number.isInteger(irq) || irq < 0 || irq >= this.lineCount) {
      throw new InvalidArgument('IRQ number', irq, `must be an integer in 0..${this.lineCount - 1}`);
    }
  }

  private recount(): void {
    let n = 0;
    for (let i = 0; i < this.lineCount; i++) if (this.pending[i] && this.enabled[i]) n++;
    this.ready = n;
  }

  /** A peripheral drives its interrupt line; a high level latches the line pending. */
  setLevel(irq: number, high: boolean): void {
    this.check(irq);
    if ((this.level[irq] === 1) !== high) this.onLevel?.(irq, high);
    this.level[irq] = high ? 1 : 0;
    if (high && !this.pending[irq]) {
      this.pending[irq] = 1;
      this.recount();
    }
  }

  /** Software pend (NVIC ISPR, or a test's `board.irq(n).raise()`). */
  raise(irq: number): void {
    this.check(irq);
    if (!this.pending[irq]) {
      this.pending[irq] = 1;
      this.recount();
    }
  }

  clearPending(irq: number): void {
    this.check(irq);
    this.pending[irq] = 0;
    this.recount();
  }

  setEnabled(irq: number, on: boolean): void {
    this.check(irq);
    this.enabled[irq] = on ? 1 : 0;
    this.recount();
  }

  setPriority(irq: number, priority: number): void {
    this.check(irq);
    if (!Number.isInteger(priority) || priority < 0 || priority > 255)
      throw new InvalidArgument('IRQ priority', priority, 'must be an integer in 0..255 (0 = most urgent)');
    this.priority[irq] = priority;
  }

  /** Routes a line to a core (both boards are dual-core; the default is core 0). */
  route(irq: number, core: number): void {
    this.check(irq);
    this.routedTo[irq] = core;
  }

  setHandler(irq: number, handler: IrqHandler | undefined): void {
    this.check(irq);
    if (handler !== undefined && typeof handler !== 'function') throw new InvalidArgument('IRQ handler', handler, 'must be a function or undefined');
    this.handlers[irq] = handler;
  }

  isPending(irq: number): boolean {
    this.check(irq);
    return this.pending[irq] === 1;
  }
  isEnabled(irq: number): boolean {
    this.check(irq);
    return this.enabled[irq] === 1;
  }
  routeOf(irq: number): number {
    this.check(irq);
    return this.routedTo[irq]!;
  }
  levelOf(irq: number): boolean {
    this.check(irq);
    return this.level[irq] === 1;
  }
  priorityOf(irq: number): number {
    this.check(irq);
    return this.priority[irq]!;
  }

  /** True when some line is pending and enabled (for any core). */
  get anyReady(): boolean {
    return this.ready > 0;
  }

  /**
   * The most urgent line pending, enabled and routed to `core` whose priority beats
   * `running` (strictly lower number; ties go to the lower line number), or -1.
   */
  next(core: number, running: number): number {
    if (this.ready === 0) return -1;
    let best = -1;
    let bestPrio = running;
    for (let i = 0; i < this.lineCount; i++) {
      if (this.pending[i] && this.enabled[i] && this.routedTo[i] === core && this.priority[i]! < bestPrio) {
        best = i;
        bestPrio = this.priority[i]!;
      }
    }
    return best;
  }

  /** The core takes the line: its pending latch clears (a still-high level re-pends it on exit). */
  acknowledge(irq: number): void {
    this.pending[irq] = 0;
    this.recount();
  }

  /** Handler returned: a level still asserted pends the line again (level-triggered sources). */
  complete(irq: number): void {
    if (this.level[irq] && !this.pending[irq]) {
      this.pending[irq] = 1;
      this.recount();
    }
  }
}
