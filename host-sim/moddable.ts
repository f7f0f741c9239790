// A Moddable host on a simulated board: what a Moddable app finds around it — the `device`
// global (the board's ECMA-419 host provider), `trace`, `System.setTimeout/setInterval`,
// Moddable's `timer` and `time` modules, `embedded:io/*` and `embedded:provider/builtin` —
// with every timer on simulated time. Timers fire when the core is idle at their due
// instant (Moddable services them from its event loop, not from interrupts), each
// callback run with the runaway guard of simulate(); IO callbacks (onReadable...) come
// from the IO classes' interrupt handlers.
import { describe } from '../src/errors.js';
import { hostProvider, ioModuleNames, type HostProvider, type IoClasses } from '../src/io/provider.js';
import * as rp2040 from '../src/io/rp2040.js';
import * as esp32 from '../src/io/esp32.js';
import type { SimBoard } from './index.js';
import { parseDuration, type Duration } from './time.js';

interface SimTimer {
  readonly id: number;
  due: number;
  interval: number | undefined;
  readonly callback: (id: number) => void;
}

/** A chip's ECMA-419 classes (src/io/<chip>.ts). */
export function ioClassesOf(chip: string): IoClasses {
  return chip === 'rp2040' ? rp2040 : esp32;
}

export class ModdableHost {
  readonly device: HostProvider;
  /** Module specifier -> default export, for the app bundler (tools/moddable-app.ts). */
  readonly modules: Readonly<Record<string, unknown>>;
  private readonly timers: SimTimer[] = [];
  private nextId = 1;
  private traced = '';

  constructor(readonly board: SimBoard) {
    const classes = ioClassesOf(board.spec.chip);
    this.device = hostProvider(classes, board.spec.io);
    const timer = this.timerModule();
    const modules: Record<string, unknown> = { timer, time: this.timeModule(), 'embedded:provider/builtin': this.device };
    for (const [m, name] of Object.entries(ioModuleNames)) if (classes[name] !== undefined) modules[`embedded:io/${m}`] = classes[name];
    this.modules = Object.freeze(modules);
  }

  /** The globals a Moddable app sees: device, trace, System. */
  get globals(): Record<string, unknown> {
    const set = (cb: (id: number) => void, ms: number, interval: number | undefined) => this.add(cb, ms, interval);
    return {
      device: this.device,
      trace: (...args: unknown[]) => this.trace(args),
      System: Object.freeze({
        setTimeout: (cb: () => void, ms = 0) => set(() => cb(), ms, undefined),
        setInterval: (cb: () => void, ms = 0) => set(() => cb(), ms, Math.max(ms, 0)),
        clearTimeout: (id: number) => this.clear(id),
        clearInterval: (id: number) => this.clear(id),
      }),
    };
  }

  /** Runs `fn` (the app's module body) on core 0 now, with the board's HAL bound and the runaway guard. */
  run(fn: () => void): void {
    this.board.bind();
    this.board.machine.runCode(fn, this.board.now);
  }

  /** Runs the board for `duration` of simulated time, firing timers at their due instants. */
  runFor(duration: Duration): void {
    const target = this.board.now + parseDuration(duration);
    const m = this.board.machine;
    for (;;) {
      const next = this.earliest();
      const until = next === undefined ? target : Math.min(target, next.due);
      this.board.bind();
      m.runUntil(until);
      if (next !== undefined && m.now >= next.due) {
        if (next.interval === undefined) this.clear(next.id);
        else next.due += Math.max(next.interval * 1e6, 1);
        m.runCode(() => next.callback(next.id), m.now);
      } else if (m.now >= target) return;
    }
  }

  private earliest(): SimTimer | undefined {
    let e: SimTimer | undefined;
    for (const t of this.timers) if (e === undefined || t.due < e.due) e = t;
    return e;
  }

  private add(callback: (id: number) => void, ms: unknown, interval: number | undefined): number {
    if (typeof callback !== 'function') throw new TypeError(`timer callback must be a function, got ${describe(callback)}`);
    const delay = ms === undefined ? 0 : Number(ms);
    if (!(delay >= 0)) throw new RangeError(`timer delay must be a non-negative number of ms, got ${describe(ms)}`);
    const t: SimTimer = { id: this.nextId++, due: this.board.now + delay * 1e6, interval, callback };
    this.timers.push(t);
    return t.id;
  }

  private clear(id: unknown): void {
    const i = this.timers.findIndex((t) => t.id === id);
    if (i >= 0) this.timers.splice(i, 1);
  }

  private trace(args: unknown[]): void {
    this.traced += args.map((a) => String(a)).join('');
    const nl = this.traced.lastIndexOf('\n');
    if (nl < 0) return;
    this.board.hal.debugWrite(this.traced.slice(0, nl + 1));
    this.traced = this.traced.slice(nl + 1);
  }

  /** Moddable's `timer` module on simulated time. */
  private timerModule(): object {
    return Object.freeze({
      set: (cb: (id: number) => void, ms?: number, repeat?: number) => this.add(cb, ms ?? 0, repeat === undefined ? undefined : Number(repeat)),
      repeat: (cb: (id: number) => void, ms: number) => this.add(cb, ms, Number(ms)),
      schedule: (id: number, ms?: number, repeat?: number) => {
        const t = this.timers.find((x) => x.id === id);
        if (t === undefined) throw new RangeError(`Timer.schedule: no timer ${describe(id)}`);
        t.due = this.board.now + (ms ?? 0) * 1e6;
        t.interval = repeat === undefined ? undefined : Number(repeat);
      },
      clear: (id: number) => this.clear(id),
      delay: (ms: number) => {
        const hal = this.board.hal;
        const end = hal.nowNs() + Number(ms) * 1e6;
        while (hal.nowNs() < end);
      },
    });
  }

  /** Moddable's `time` module: ticks (ms) and microseconds since reset, on simulated time. */
  private timeModule(): object {
    const board = this.board;
    return Object.freeze({
      get ticks() {
        return Math.floor(board.hal.nowNs() / 1e6);
      },
      get microseconds() {
        return Math.floor(board.hal.nowNs() / 1e3);
      },
      delta: (start: number, end?: number) => (end ?? Math.floor(board.hal.nowNs() / 1e6)) - start,
    });
  }
}
