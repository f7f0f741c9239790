import { describe, it, expect, beforeEach } from 'vitest';
import fc from 'fast-check';
import {
  bindHal,
  disableInterrupts,
  enableInterrupts,
  withCriticalSection,
  inCriticalSection,
  CriticalSection,
  CriticalSectionError,
  setInterruptHandler,
  enableIrq,
  disableIrq,
  InvalidArgument,
  type ExceptionFrame,
} from '../../src/index.js';
import { MemHal, Deadlock } from '../support/mem-hal.js';
import { runs } from '../support/env.js';
import { caught } from '../support/caught.js';

const LOCK = 31;
let hal: MemHal;
function freshHal(cores = 2): MemHal {
  hal = new MemHal({ regions: [{ name: 'ram', base: 0x20000000, size: 0x100 }], cores });
  bindHal(hal);
  return hal;
}

const csError = (fn: () => unknown) => caught(fn, CriticalSectionError);

describe('interrupt: critical sections on one core', () => {
  beforeEach(() => void freshHal());

  it('disableInterrupts masks, claims spinlock 31 for this core; release restores both', () => {
    const g = disableInterrupts();
    expect(g).toBeInstanceOf(CriticalSection);
    expect(hal.isMasked()).toBe(true);
    expect(hal.spinlockOwner(LOCK)).toBe(0);
    expect(inCriticalSection()).toBe(true);
    g.release();
    expect(g.released).toBe(true);
    expect(hal.isMasked()).toBe(false);
    expect(hal.spinlockOwner(LOCK)).toBe(undefined);
    expect(inCriticalSection()).toBe(false);
  });

  it('release restores exactly the state found on entry: entered while masked stays masked', () => {
    const outer = hal.interruptsSave();
    const g = disableInterrupts();
    g.release();
    expect(hal.isMasked()).toBe(true);
    expect(hal.spinlockOwner(LOCK)).toBe(undefined);
    hal.interruptsRestore(outer);
    expect(hal.isMasked()).toBe(false);
  });

  it('nesting: the same core re-enters without the spinlock, inner releases keep interrupts masked', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 12 }), (n) => {
        const gs: CriticalSection[] = [];
        for (let i = 0; i < n; i++) gs.push(disableInterrupts());
        expect(gs.map((g) => g.depth)).toEqual(gs.map((_, i) => i));
        for (let i = n - 1; i >= 0; i--) {
          expect(hal.isMasked()).toBe(true);
          expect(hal.spinlockOwner(LOCK)).toBe(0);
          gs[i]!.release();
        }
        expect(hal.isMasked()).toBe(false);
        expect(hal.spinlockOwner(LOCK)).toBe(undefined);
      }),
      runs(200),
    );
  });

  it('releasing out of order or twice is a typed error with no effect', () => {
    const a = disableInterrupts();
    const b = disableInterrupts();
    expect(csError(() => a.release()).rule).toBe('out-of-order');
    expect(a.released).toBe(false);
    expect(hal.isMasked()).toBe(true);
    b.release();
    expect(csError(() => b.release()).rule).toBe('already-released');
    expect(hal.isMasked()).toBe(true);
    a.release();
    expect(hal.isMasked()).toBe(false);
  });

  it('releasing on another core is a typed error', () => {
    const g = disableInterrupts();
    expect(hal.onCore(1, () => csError(() => g.release())).rule).toBe('wrong-core');
    g.release();
  });

  it('withCriticalSection returns fn’s value and releases even when fn throws', () => {
    expect(withCriticalSection(() => (expect(hal.isMasked()).toBe(true), 42))).toBe(42);
    expect(hal.isMasked()).toBe(false);
    expect(() =>
      withCriticalSection(() => {
        throw new RangeError('boom');
      }),
    ).toThrow(RangeError);
    expect(hal.isMasked()).toBe(false);
    expect(hal.spinlockOwner(LOCK)).toBe(undefined);
  });

  it('withCriticalSection releases guards fn leaked and reports them (fn’s own error wins)', () => {
    let leaked: CriticalSection | undefined;
    expect(csError(() => withCriticalSection(() => void (leaked = disableInterrupts()))).rule).toBe('leaked');
    expect(leaked!.released).toBe(true);
    expect(hal.isMasked()).toBe(false);
    expect(() =>
      withCriticalSection(() => {
        disableInterrupts();
        throw new TypeError('first');
      }),
    ).toThrow(TypeError);
    expect(hal.isMasked()).toBe(false);
    expect(hal.spinlockOwner(LOCK)).toBe(undefined);
  });

  it('enableInterrupts unmasks outside a critical section, and is a typed error inside one', () => {
    hal.interruptsSave();
    enableInterrupts();
    expect(hal.isMasked()).toBe(false);
    withCriticalSection(() => expect(csError(() => enableInterrupts()).rule).toBe('enable-inside-critical-section'));
    expect(hal.isMasked()).toBe(false);
  });

  it('the guard is disposable exactly where the engine has Symbol.dispose', () => {
    const dispose = (Symbol as unknown as { dispose?: symbol }).dispose;
    const g = disableInterrupts();
    if (typeof dispose === 'symbol') {
      (g as unknown as Record<symbol, () => void>)[dispose]!();
      expect(g.released).toBe(true);
      expect(hal.isMasked()).toBe(false);
    } else {
      expect(Object.getOwnPropertySymbols(CriticalSection.prototype)).toEqual([]);
      g.release();
    }
  });

  it('a single-core HAL masks without a spinlock', () => {
    freshHal(1);
    const g = disableInterrupts();
    expect(hal.isMasked()).toBe(true);
    expect(hal.spinlockOwner(LOCK)).toBe(undefined);
    g.release();
    expect(hal.isMasked()).toBe(false);
  });
});

describe('interrupt: IRQ handlers and deferral', () => {
  beforeEach(() => void freshHal());

  it('a handler gets an ExceptionFrame (irq, core, time); a disabled IRQ stays pending until enabled', () => {
    const frames: ExceptionFrame[] = [];
    setInterruptHandler(5, (f) => frames.push({ ...f }));
    hal.timeNs = 1234;
    hal.raise(5);
    expect(frames).toEqual([]);
    expect(hal.isPending(5)).toBe(true);
    enableIrq(5);
    expect(frames).toEqual([{ irq: 5, core: 0, timeNs: 1234 }]);
    disableIrq(5);
    hal.raise(5);
    expect(frames.length).toBe(1);
    setInterruptHandler(5, undefined);
    enableIrq(5);
    expect(frames.length).toBe(1);
    expect(hal.isPending(5)).toBe(true);
  });

  it('IRQs raised inside a critical section are deferred to its release, then served in IRQ order', () => {
    const order: number[] = [];
    for (const n of [2, 7, 9]) {
      setInterruptHandler(n, (f) => order.push(f.irq));
      enableIrq(n);
    }
    withCriticalSection(() => {
      hal.raise(9);
      const inner = disableInterrupts();
      hal.raise(2);
      hal.raise(9);
      inner.release();
      expect(order).toEqual([]);
      hal.raise(7);
    });
    expect(order).toEqual([2, 7, 9]);
  });

  it('an IRQ raised for the other core runs there, even while this core is in a critical section', () => {
    const seen: number[] = [];
    hal.onCore(1, () => {
      setInterruptHandler(3, (f) => seen.push(f.core));
      enableIrq(3);
    });
    withCriticalSection(() => hal.raise(3, 1));
    expect(seen).toEqual([1]);
  });

  it('a handler may take a critical section and raise an IRQ served by the other core', () => {
    let inner: ExceptionFrame | undefined;
    const outer: number[] = [];
    setInterruptHandler(1, (f) => {
      withCriticalSection(() => expect(inCriticalSection()).toBe(true));
      hal.onCore(1, () => hal.raise(4, 1));
      outer.push(f.irq, f.core);
    });
    hal.onCore(1, () => {
      setInterruptHandler(4, (f) => void (inner = { ...f }));
      enableIrq(4);
    });
    enableIrq(1);
    hal.raise(1);
    expect(outer).toEqual([1, 0]);
    expect(inner).toEqual({ irq: 4, core: 1, timeNs: 0 });
  });

  it('bad IRQ numbers and handlers are typed errors', () => {
    expect(() => setInterruptHandler(-1, () => {})).toThrow(InvalidArgument);
    expect(() => enableIrq(1.5)).toThrow(InvalidArgument);
    expect(() => enableIrq(32)).toThrow(InvalidArgument);
    expect(() => setInterruptHandler(1, 'x' as never)).toThrow(InvalidArgument);
  });
});

describe('interrupt: dual-core exclusion (in-memory HAL)', () => {
  beforeEach(() => void freshHal());

  it('a core entering while the other holds waits; it gets in only after the other releases', () => {
    const g0 = disableInterrupts();
    const log: string[] = [];
    hal.onWait = () => {
      log.push(`wait: core0 holds=${hal.onCore(0, inCriticalSection)} lock=${hal.spinlockOwner(LOCK)} core1 masked=${hal.isMasked(1)}`);
      hal.onCore(0, () => g0.release());
    };
    const g1 = hal.onCore(1, disableInterrupts);
    expect(log).toEqual(['wait: core0 holds=true lock=0 core1 masked=false']);
    expect(hal.spinlockOwner(LOCK)).toBe(1);
    expect(hal.onCore(0, inCriticalSection)).toBe(false);
    hal.onCore(1, () => g1.release());
    expect(hal.spinlockOwner(LOCK)).toBe(undefined);
  });

  it('with nothing to let the other core progress, waiting is a Deadlock, and this core is left unmasked', () => {
    const g0 = disableInterrupts();
    expect(() => hal.onCore(1, disableInterrupts)).toThrow(Deadlock);
    expect(hal.isMasked(1)).toBe(false);
    expect(hal.onCore(1, inCriticalSection)).toBe(false);
    g0.release();
  });

  it('random interleavings of two cores’ nested critical sections never overlap', () => {
    // Each core runs a balanced program of enter/leave; a scheduler interleaves them. A
    // core that must wait lets the other run (onWait) until it has left its section.
    const program = fc
      .array(fc.integer({ min: 1, max: 3 }), { minLength: 1, maxLength: 4 })
      .map((blocks) => blocks.flatMap((d) => [...Array<string>(d).fill('enter'), ...Array<string>(d).fill('leave')]));
    let waited = 0;
    fc.assert(
      fc.property(program, program, fc.array(fc.boolean(), { minLength: 60, maxLength: 60 }), (p0, p1, picks) => {
        freshHal();
        const progs = [p0, p1];
        const pc = [0, 0];
        const guards: CriticalSection[][] = [[], []];
        let overlaps = 0;
        const step = (core: number) => {
          const op = progs[core]![pc[core]!++];
          hal.onCore(core, () => {
            if (op === 'enter') guards[core]!.push(disableInterrupts());
            else guards[core]!.pop()!.release();
          });
          if (hal.onCore(0, inCriticalSection) && hal.onCore(1, inCriticalSection)) overlaps++;
        };
        hal.onWait = () => {
          const other = 1 - hal.currentCore;
          do step(other);
          while (guards[other]!.length > 0);
        };
        let i = 0;
        while (pc[0]! < p0.length || pc[1]! < p1.length) {
          const want = picks[i++ % picks.length] ? 1 : 0;
          const core = pc[want]! < progs[want]!.length ? want : 1 - want;
          step(core);
        }
        expect(overlaps).toBe(0);
        waited += hal.waits;
        expect(hal.spinlockOwner(LOCK)).toBe(undefined);
        expect(hal.isMasked(0) || hal.isMasked(1)).toBe(false);
      }),
      runs(300),
    );
    expect(waited).toBeGreaterThan(0);
  });
});
