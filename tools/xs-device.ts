// The project `vllsi build` writes, linked as mcconfig links it, run in real XS (xsnap) on a
// simulated chip. Each native("xs_vllsi_…") of hal/xs becomes a synchronous call into Node
// (issueCommand) that does what hal/native/vllsi_xs.c does on the board, against the host
// simulator: a refused access returns undefined, an IRQ masks its line and is queued as the
// native ISR does, and the queue is handed to the XS dispatcher as Moddable's message loop
// would. Used by the device-app test and by the XS heap bench (xsnap's meter).
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { createBoard, parseDuration, type Duration, type SimBoard } from '../host-sim/index.js';
import { DEVICE_DEFAULT_PROFILE, type RuntimeProfile } from '../src/profile.js';
import { bundleDeviceApp } from './device-app.js';
import { linkProject, resolveProject } from './moddable-link.js';
import { moddableTargets, packageRoot, writeProject } from './moddable.js';

interface Worker {
  compute(code: string): Promise<number>;
  usage(code: string): Promise<{ compute: number; allocate: number; currentHeapCount: number }>;
  close(): Promise<void>;
}

/** XS heap figures from xsnap's meter after a collection. */
export interface XsHeap {
  /** Heap slots in use. */
  readonly slots: number;
  /** Bytes the machine's chunk heap has grown to. */
  readonly chunkBytes: number;
}

// The natives' shim inside XS: every native is a synchronous command; xs_vllsi_init hands over
// the IRQ dispatcher (as the C glue keeps it for the message loop).
const SHIM = `
  const enc = new TextEncoder(), dec = new TextDecoder();
  const call = (fn, args) => { const t = dec.decode(issueCommand(enc.encode(JSON.stringify([fn, args])).buffer)); return t === '' ? undefined : JSON.parse(t); };
  globalThis.native = (fn) => fn === 'xs_vllsi_init' ? (d) => { globalThis.dispatchIrq = d; } : (...args) => call(fn, args);
  globalThis.trace = (text) => call('trace', [text]);`;

export class XsDevice {
  /** Natives the app has called. */
  readonly calls = new Set<string>();
  private readonly queued: number[] = [];
  private readonly natives: Record<string, (...a: never[]) => unknown>;
  private worker!: Worker;

  private constructor(
    readonly board: SimBoard,
    private readonly app: string,
  ) {
    this.natives = simulatedNatives(board, this.queued);
  }

  /**
   * Writes and links the project for `board` (the app in `appDir`, bundled as `vllsi build` does,
   * or the blink example; the runtime `profile`) and starts an XS machine with the natives
   * installed. The app has not run yet: see boot().
   */
  static async start(board: string, { profile = DEVICE_DEFAULT_PROFILE, appDir }: { profile?: RuntimeProfile; appDir?: string } = {}): Promise<XsDevice> {
    const bundled = appDir === undefined ? undefined : await bundleDeviceApp(appDir);
    const dir = mkdtempSync(path.join(os.tmpdir(), 'vllsi-xs-device-'));
    let app: string;
    try {
      writeProject({ board, outDir: dir, profile, ...(bundled && { app: bundled }) });
      app = await linkProject(resolveProject(dir, moddableTargets[board]!.platform), 'iife');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    const device = new XsDevice(createBoard(board), app);
    // tools/xs.js is plain JS beside the sources (not in dist/node): found from the package root.
    const { xsWorker } = (await import(pathToFileURL(path.join(packageRoot, 'tools/xs.js')).href)) as { xsWorker(o: object): Promise<Worker> };
    device.worker = await xsWorker({ onCommand: (msg: Uint8Array) => device.command(msg) });
    await device.worker.compute(SHIM);
    return device;
  }

  /** Runs the app's main (binds the HAL, init(), starts the example). */
  async boot(): Promise<void> {
    await this.worker.compute(this.app);
  }

  /** Runs the chip for `duration` of simulated time, dispatching each IRQ into XS as it is raised. */
  async runFor(duration: Duration): Promise<void> {
    const target = this.board.now + parseDuration(duration);
    for (;;) {
      this.board.bind();
      const stopped = this.board.machine.runUntil(target, () => this.queued.length > 0);
      if (this.queued.length) await this.worker.compute(`for (const irq of ${JSON.stringify(this.queued.splice(0))}) dispatchIrq(irq);`);
      if (!stopped) return;
    }
  }

  /** The XS heap after a full collection. */
  async heap(): Promise<XsHeap> {
    const u = await this.worker.usage('gc(); 0');
    return { slots: u.currentHeapCount, chunkBytes: u.allocate };
  }

  close(): Promise<void> {
    this.board.dispose();
    return this.worker.close();
  }

  private command(msg: Uint8Array): Uint8Array {
    const [fn, args] = JSON.parse(new TextDecoder().decode(msg)) as [string, never[]];
    this.calls.add(fn);
    const f = this.natives[fn];
    if (f === undefined) throw new Error(`the app called an unknown native ${fn}`);
    const r = f(...args);
    return new TextEncoder().encode(r === undefined ? '' : JSON.stringify(r));
  }
}

/** What hal/native/vllsi_xs.c does for each native, on the simulated board. */
function simulatedNatives(board: SimBoard, queued: number[]): Record<string, (...a: never[]) => unknown> {
  const hal = board.hal;
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
    xs_vllsi_spinlock_count: () => hal.spinlockCount,
    xs_vllsi_spinlock_try_claim: (n: number) => hal.spinlockTryClaim(n),
    xs_vllsi_spinlock_release: (n: number) => hal.spinlockRelease(n),
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
    trace: () => undefined,
  };
}
