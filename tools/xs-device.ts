// The project `vllsi build` writes, run in real XS (xsnap) the way it runs on the chip: the
// modules xsl preloads run first, with no native callable, and what they made is then frozen
// (in flash on the device: a write throws, a preloaded Map's set() throws), as are the built-in
// prototypes and every function; only Moddable's globals are left; JS time is charged in
// simulated time (computrons x COST_NS_PER_COMPUTRON, calibrated on the emulated Cortex-M0+ at
// 125 MHz: docs/native-hal.md), so a handler slower than its period is slow here too; and the
// XS heap is held to the device's budget (creation.static less the stack), past which the run
// ends as the device does, "memory full".
//
// Each native("xs_vllsi_…") of hal/xs becomes a synchronous call into Node (issueCommand) that
// does what hal/native/vllsi_xs.c does on the board, against the host simulator: a refused
// access returns undefined, an IRQ masks its line and is queued as the native ISR does, and the
// queue is handed to the XS dispatcher after the turn, as Moddable's message loop would. Used by
// the device-app tests and by the XS heap bench.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { createBoard, parseDuration, type Duration, type SimBoard } from '../host-sim/index.js';
import { VllsiError } from '../src/errors.js';
import { DEVICE_DEFAULT_PROFILE, type RuntimeProfile } from '../src/profile.js';
import { bundleDeviceApp } from './device-app.js';
import type { IoProvider } from './moddable.js';
import { linkPreloaded, resolveProject } from './moddable-link.js';
import { moddableTargets, packageRoot, writeProject } from './moddable.js';

/**
 * Simulated nanoseconds per XS computron on an RP2040 (Cortex-M0+ at 125 MHz, XS release build).
 * Calibrated as docs/native-hal.md ("The cost model") says.
 */
export const COST_NS_PER_COMPUTRON = 2000;

interface Worker {
  usage(code: string): Promise<{ compute: number; allocate: number; currentHeapCount: number }>;
  snapshot(): Promise<Uint8Array>;
  close(): Promise<void>;
}

/** XS heap figures from xsnap's meter after a collection. */
export interface XsHeap {
  /** Heap slots in use. */
  readonly slots: number;
  /** Bytes the machine's chunk heap has grown to. */
  readonly chunkBytes: number;
}

/** The app needed more XS heap than the device has: the device aborts ("XS abort: memory full"). */
export class XsMemoryFull extends VllsiError<'XsMemoryFull'> {
  constructor(
    readonly board: string,
    readonly usedBytes: number,
    readonly budgetBytes: number,
  ) {
    super(
      'XsMemoryFull',
      `XS abort: memory full on ${board}: the app needs ~${usedBytes} bytes of XS heap after preload, the device has ${budgetBytes} (creation.static less the stack)`,
    );
  }
}

/** The app threw (or XS aborted) while booting or in a turn; the message is XS's. */
export class XsAppError extends VllsiError<'XsAppError'> {
  constructor(message: string) {
    super('XsAppError', message);
  }
}

// Runs before anything else in the machine: keeps what the harness needs in a closure, removes
// every global Moddable lacks, and makes preloaded collections read-only as xsl does.
const SHIM = `(() => {
  const { issueCommand, resetMeter, gc } = globalThis;
  const enc = new TextEncoder(), dec = new TextDecoder();
  const meter = () => { const m = resetMeter(0, 0); resetMeter(0, m); return m; };
  // The bridge's own work (JSON, encoding) is not the device's: the meter is put back after it.
  const call = (fn, args) => {
    const m = meter();
    const t = dec.decode(issueCommand(enc.encode(JSON.stringify([fn, args, m])).buffer));
    const r = t === '' ? undefined : JSON.parse(t);
    resetMeter(0, m);
    return r;
  };
  for (const g of ${JSON.stringify(['TextEncoder', 'TextDecoder', 'Base64', 'setImmediate', 'print', 'performance', 'gc', 'issueCommand', 'resetMeter', 'currentMeterLimit', 'harden', 'lockdown', 'global'])}) delete globalThis[g];
  let preloading = true, dispatch;
  // Preloaded instances whose built-in mutators throw on the device (XS linker warnings table).
  const rom = new WeakSet();
  const TypedArray = Object.getPrototypeOf(Uint8Array);
  for (const [C, methods] of [[Map, ['set', 'delete', 'clear']], [Set, ['add', 'delete', 'clear']], [WeakMap, ['set', 'delete']], [WeakSet, ['add', 'delete']],
      [TypedArray, ['set', 'fill', 'copyWithin', 'reverse', 'sort']], [DataView, Object.getOwnPropertyNames(DataView.prototype).filter((n) => n.startsWith('set'))]]) {
    for (const name of methods) {
      const f = C.prototype[name];
      C.prototype[name] = { [name](...a) { if (rom.has(this)) throw new TypeError('this: read-only ' + (C.name || 'TypedArray') + ' instance (in ' + name + ')'); return f.apply(this, a); } }[name];
    }
  }
  const seen = new WeakSet([globalThis]); // the global object stays extensible (an app may add globals)
  const freeze = (v) => {
    if ((typeof v !== 'object' && typeof v !== 'function') || v === null || seen.has(v)) return;
    seen.add(v);
    if (v instanceof Map || v instanceof Set || v instanceof WeakMap || v instanceof WeakSet || ArrayBuffer.isView(v) || v instanceof ArrayBuffer) rom.add(v);
    if (v instanceof Map) for (const [k, x] of v) freeze(k), freeze(x);
    if (v instanceof Set) for (const x of v) freeze(x);
    try { if (!ArrayBuffer.isView(v)) Object.freeze(v); } catch {} // a Proxy may refuse: it stays as it is
    for (const k of Reflect.ownKeys(v)) {
      const d = Reflect.getOwnPropertyDescriptor(v, k);
      if (d) freeze(d.value), freeze(d.get), freeze(d.set);
    }
    freeze(Object.getPrototypeOf(v));
  };
  globalThis.native = (fn) => (...args) => {
    if (preloading) throw new Error(fn + ': a native called while preloading (xsl cannot run it at build time)');
    if (fn === 'xs_vllsi_init') dispatch = args[0];
    return call(fn, fn === 'xs_vllsi_init' ? [] : args);
  };
  globalThis.trace = (text) => call('trace', [String(text)]);
  // Moddable's timer module is native: its callbacks stay in the machine, their deadlines go to the simulated clock.
  const timers = new Map();
  let nextTimer = 1;
  const delay = (ms) => {
    const d = ms === undefined ? 0 : Number(ms);
    if (!(d >= 0)) throw new RangeError('Timer: invalid delay ' + ms);
    return d;
  };
  const harness = {
    timerSet(callback, ms, repeat) {
      if (preloading) throw new Error('Timer: set while preloading (xsl cannot run it at build time)');
      if (typeof callback !== 'function') throw new TypeError('Timer: callback is not a function');
      const id = nextTimer++;
      timers.set(id, callback);
      call('xs_timer_set', [id, delay(ms), repeat === undefined ? undefined : delay(repeat)]);
      return id;
    },
    timerSchedule(id, ms, repeat) {
      if (!timers.has(id)) throw new Error('Timer: schedule of a cleared timer');
      call('xs_timer_set', [id, delay(ms), repeat === undefined ? undefined : delay(repeat)]);
    },
    timerClear(id) {
      if (timers.delete(id)) call('xs_timer_clear', [id]);
    },
    fireTimer(id, last) {
      const callback = timers.get(id);
      if (last) timers.delete(id);
      if (callback) callback(id);
    },
    // After the preloaded modules ran: their module-level values and the built-ins go to flash.
    preloaded(values) {
      for (const v of values) freeze(v);
      for (const g of Reflect.ownKeys(globalThis)) if (g !== '__vllsiHarness') freeze(globalThis[g]);
      preloading = false;
    },
    dispatch(irqs) { for (const irq of irqs) dispatch(irq); },
    collect: gc,
    // An exception out of a turn would end xsnap: it is reported as the device would print it.
    failed(e) { call('failed', [e instanceof Error ? e.name + ': ' + e.message : String(e)]); },
  };
  Object.defineProperty(globalThis, '__vllsiHarness', { value: Object.freeze(harness) });
})();`;

export interface XsDeviceOptions {
  profile?: RuntimeProfile;
  /** The app (bundled as `vllsi build` does); the blink example when absent. */
  appDir?: string;
  /** Who provides embedded:io/* (`vllsi build --io`); only `vllsi` runs here (Moddable's classes are native). */
  io?: IoProvider;
  /** Simulated ns per computron (default COST_NS_PER_COMPUTRON); 0 runs JS in zero time. */
  costNsPerComputron?: number;
}

/** A Moddable timer: its deadline (simulated ns) and repeat interval (ms). */
interface SimTimer {
  due: number;
  interval: number | undefined;
}

export class XsDevice {
  /** Natives the app has called. */
  readonly calls = new Set<string>();
  /** JS time charged so far, simulated ns. */
  jsNs = 0;
  /** The device-equivalent XS heap the app used at the last check, bytes (after preload). */
  heapBytes = 0;
  private readonly queued: number[] = [];
  /** Moddable timers (the harness's timer module): id -> deadline (ns) and repeat interval (ms). */
  private readonly timers = new Map<number, SimTimer>();
  private readonly natives: Record<string, (...a: never[]) => unknown>;
  private worker!: Worker;
  private baseline = 0;
  private lastMeter = 0;
  private failure: string | undefined;

  private constructor(
    readonly board: SimBoard,
    private readonly main: string,
    /** XS heap the device has for the app, bytes; undefined when the platform's heap grows from the system's. */
    readonly budgetBytes: number | undefined,
    private readonly nsPerComputron: number,
  ) {
    this.natives = {
      ...simulatedNatives(board, this.queued),
      xs_timer_set: (id: number, ms: number, interval: number | undefined) =>
        void this.timers.set(id, { due: board.now + ms * 1e6, interval: interval ?? undefined }),
      xs_timer_clear: (id: number) => void this.timers.delete(id),
    };
  }

  /**
   * Writes and links the project for `board`, starts an XS machine with the natives installed,
   * and runs the preload phase (then freezes what it made). The app's main has not run: see boot().
   */
  static async start(
    board: string,
    { profile = DEVICE_DEFAULT_PROFILE, appDir, io, costNsPerComputron = COST_NS_PER_COMPUTRON }: XsDeviceOptions = {},
  ): Promise<XsDevice> {
    const bundled = appDir === undefined ? undefined : await bundleDeviceApp(appDir, { board, ...(io && { io }) });
    const dir = mkdtempSync(path.join(os.tmpdir(), 'vllsi-xs-device-'));
    let linked;
    let creation: Record<string, unknown>;
    const target = moddableTargets[board]!;
    try {
      writeProject({ board, outDir: dir, profile, ...(bundled && { app: bundled }) });
      const project = resolveProject(dir, target.platform);
      // Moddable's timer module (in the SDK, skipped by resolveProject) as the harness models it.
      if (!project.modules.has('timer')) {
        writeFileSync(path.join(dir, 'timer.js'), TIMER_MODULE);
        project.modules.set('timer', path.join(dir, 'timer.js'));
      }
      creation = { ...target.creation, ...project.creation };
      linked = await linkPreloaded(project);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    const device = new XsDevice(createBoard(board), linked.main, heapBudget(creation), costNsPerComputron);
    // tools/xs.js is plain JS beside the sources (not in dist/node): found from the package root.
    const { xsWorker } = (await import(pathToFileURL(path.join(packageRoot, 'tools/xs.js')).href)) as { xsWorker(o: object): Promise<Worker> };
    device.worker = await xsWorker({ onCommand: (msg: Uint8Array) => device.command(msg) });
    // Preload runs at build time on the device: no time is charged for it.
    await device.worker.usage(SHIM);
    await device.worker.usage(`try {\n${linked.preload}\n} catch (e) { __vllsiHarness.failed(e); }`);
    if (device.failure !== undefined) throw new XsAppError(`preload: ${device.failure}`);
    device.baseline = await device.liveBytes();
    return device;
  }

  /** Runs the app's main (binds the HAL, init(), starts the app), charging its time. */
  async boot(): Promise<void> {
    await this.turn(this.main);
    await this.checkMemory();
  }

  /**
   * Runs the chip for `duration` of simulated time, dispatching each IRQ into XS as it is raised
   * and each Moddable timer at its deadline (a turn of its own, as Moddable's event loop runs it).
   */
  async runFor(duration: Duration): Promise<void> {
    const target = this.board.now + parseDuration(duration);
    for (;;) {
      this.board.bind();
      const next = this.nextTimer();
      const stopped = this.board.machine.runUntil(Math.min(target, next?.[1].due ?? target), () => this.queued.length > 0);
      if (this.queued.length) {
        await this.turn(`__vllsiHarness.dispatch(${JSON.stringify(this.queued.splice(0))});`);
        await this.checkMemory();
      } else if (next !== undefined && this.board.now >= next[1].due) {
        const [id, t] = next;
        if (t.interval === undefined) this.timers.delete(id);
        else t.due += Math.max(t.interval * 1e6, 1);
        await this.turn(`__vllsiHarness.fireTimer(${id}, ${t.interval === undefined});`);
        await this.checkMemory();
      } else if (!stopped) return;
    }
  }

  /** The timer due first: [id, its entry]. */
  private nextTimer(): [number, SimTimer] | undefined {
    let next: [number, SimTimer] | undefined;
    for (const e of this.timers) if (next === undefined || e[1].due < next[1].due) next = e;
    return next;
  }

  /** The XS heap after a full collection. */
  async heap(): Promise<XsHeap> {
    const u = await this.worker.usage('__vllsiHarness.collect(); 0');
    return { slots: u.currentHeapCount, chunkBytes: u.allocate };
  }

  close(): Promise<void> {
    this.board.dispose();
    return this.worker.close();
  }

  /** One turn of the XS machine: the code runs, its remaining time is charged after it. */
  private async turn(code: string): Promise<void> {
    this.lastMeter = 0;
    this.failure = undefined;
    // The app's code, as the machine's: its poll loops fast-forward and the simulated-time guard holds.
    const leave = this.board.machine.enterCode(this.board.now + BOOT_TIMEOUT_NS);
    let used: number;
    try {
      used = (await this.worker.usage(`try {\n${code}\n} catch (e) { __vllsiHarness.failed(e); }`)).compute;
    } finally {
      leave();
    }
    this.charge(used);
    if (this.failure !== undefined) throw new XsAppError(this.failure);
  }

  /** Advances the chip by the JS time since the last charge (computrons of this turn so far). */
  private charge(meter: number): void {
    const ns = Math.max(0, meter - this.lastMeter) * this.nsPerComputron;
    this.lastMeter = meter;
    if (ns === 0) return;
    this.jsNs += ns;
    this.board.bind();
    this.board.machine.runUntil(this.board.now + ns);
  }

  /**
   * Live heap from an XS snapshot after a collection (its HEAP and BLOC sections: live slots and
   * chunks), halved for the 32-bit device (16-byte slots; xsnap's are 32).
   */
  private async liveBytes(): Promise<number> {
    await this.worker.usage('__vllsiHarness.collect(); 0');
    const snap = await this.worker.snapshot();
    const view = new DataView(snap.buffer, snap.byteOffset, snap.byteLength);
    let bytes = 0;
    for (let off = 8; off + 8 <= snap.byteLength; off += view.getUint32(off)) {
      const tag = String.fromCharCode(...snap.subarray(off + 4, off + 8));
      if (tag === 'HEAP' || tag === 'BLOC') bytes += view.getUint32(off) - 8;
    }
    return bytes / 2;
  }

  private async checkMemory(): Promise<void> {
    if (this.budgetBytes === undefined) return;
    this.heapBytes = Math.max(0, (await this.liveBytes()) - this.baseline);
    if (this.heapBytes > this.budgetBytes) throw new XsMemoryFull(this.board.spec.name, Math.round(this.heapBytes), this.budgetBytes);
  }

  private command(msg: Uint8Array): Uint8Array {
    const [fn, args, meter] = JSON.parse(new TextDecoder().decode(msg)) as [string, never[], number];
    this.charge(meter);
    if (fn === 'failed') {
      this.failure = String(args[0]);
      return new Uint8Array();
    }
    this.calls.add(fn);
    const f = this.natives[fn];
    if (f === undefined) throw new Error(`the app called an unknown native ${fn}`);
    const r = f(...args);
    return new TextEncoder().encode(r === undefined ? '' : JSON.stringify(r));
  }
}

/** Moddable's `timer` module as the harness provides it (the SDK's is native): set, repeat, schedule, clear. */
const TIMER_MODULE = `const harness = globalThis.__vllsiHarness;
export default Object.freeze({
  set: (callback, delay, repeat) => harness.timerSet(callback, delay, repeat),
  repeat: (callback, interval) => harness.timerSet(callback, interval, interval),
  schedule: (id, delay, repeat) => harness.timerSchedule(id, delay, repeat),
  clear: (id) => harness.timerClear(id),
});
`;

/** The XS heap of a device with a static heap: creation.static less the stack (16-byte slots). */
function heapBudget(creation: Record<string, unknown>): number | undefined {
  const size = creation.static;
  if (typeof size !== 'number' || size <= 0) return undefined;
  return size - 16 * (typeof creation.stack === 'number' ? creation.stack : 0);
}

/** How long app code (main, a handler) may run in simulated time without returning, as simulate()'s bootTimeout. */
const BOOT_TIMEOUT_NS = 10e9;

/** What hal/native/vllsi_xs.c does for each native, on the simulated board. */
function simulatedNatives(board: SimBoard, queued: number[]): Record<string, (...a: never[]) => unknown> {
  const hal = board.hal;
  // vllsi_arch_init claims JS's spinlocks among the free ones: on a Pico, pico-sdk's tinyusb and
  // stdio_usb hold 24 and 25 and the native critical section takes 26 (hal/rp2040); ESP32 has 8
  // flags. None before init.
  const locks = board.spec.chip === 'rp2040' ? [27, 28] : [0, 1, 2, 3, 4, 5, 6, 7];
  let claimed: number[] = [];
  const lock = (n: number) => {
    if (!(n < claimed.length)) throw new RangeError('no such spinlock');
    return claimed[n]!;
  };
  const refused = <T>(f: () => T, fallback: T): T => {
    try {
      return f();
    } catch (e) {
      if ((e as { kind?: string }).kind === 'BusFault') return fallback;
      throw e;
    }
  };
  return {
    xs_vllsi_load8: (a: number) => refused(() => hal.load8(a), undefined),
    xs_vllsi_load16: (a: number) => refused(() => hal.load16(a), undefined),
    xs_vllsi_load32: (a: number) => refused(() => hal.load32(a), undefined),
    xs_vllsi_store8: (a: number, v: number) => refused(() => (hal.store8(a, v), true), false),
    xs_vllsi_store16: (a: number, v: number) => refused(() => (hal.store16(a, v), true), false),
    xs_vllsi_store32: (a: number, v: number) => refused(() => (hal.store32(a, v), true), false),
    xs_vllsi_dmb: () => hal.dmb(),
    xs_vllsi_dsb: () => hal.dsb(),
    xs_vllsi_isb: () => hal.isb(),
    xs_vllsi_interrupts_save: () => hal.interruptsSave(),
    xs_vllsi_interrupts_restore: (s: number) => hal.interruptsRestore(s),
    xs_vllsi_interrupts_enable: () => hal.interruptsEnable(),
    xs_vllsi_chip: () => board.spec.chip,
    xs_vllsi_core_count: () => hal.coreCount,
    xs_vllsi_core_id: () => hal.coreId(),
    xs_vllsi_irq_count: () => board.spec.irqCount,
    xs_vllsi_init: () => void (claimed = locks),
    xs_vllsi_spinlock_count: () => claimed.length,
    xs_vllsi_spinlock_id: (n: number) => lock(n),
    xs_vllsi_spinlock_try_claim: (n: number) => hal.spinlockTryClaim(lock(n)),
    xs_vllsi_spinlock_release: (n: number) => hal.spinlockRelease(lock(n)),
    xs_vllsi_cs_acquire: () => hal.interruptsSave(),
    xs_vllsi_cs_release: (t: number) => hal.interruptsRestore(t),
    xs_vllsi_now_ns: () => hal.nowNs(),
    // The native ISR masks the line and queues it; the dispatcher unmasks it after the handler.
    xs_vllsi_irq_attach: (irq: number, attach: boolean) => {
      hal.irqSetHandler(irq, attach ? (i) => (hal.irqSetEnabled(i, false), void queued.push(i)) : undefined);
      return 0;
    },
    // pico-sdk's irq_set_enabled clears the NVIC pending latch before enabling (ICPR, then ISER):
    // the latch set while the ISR had masked the line is dropped, a still-asserted source
    // re-pends at once. ESP32 level interrupts have no latch: the same model holds.
    xs_vllsi_irq_set_enabled: (irq: number, on: boolean) => {
      const irqs = board.machine.irq;
      if (on && !irqs.levelOf(irq)) irqs.clearPending(irq);
      hal.irqSetEnabled(irq, on);
      return 0;
    },
    // Moddable's trace: the board's debug channel (board.onDebug), as hal.debugWrite.
    trace: (text: string) => board.machine.debugWrite(String(text)),
  };
}
