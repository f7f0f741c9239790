// A second core: its program runs in a worker thread and the machine serves its HAL
// calls one at a time (core-protocol.ts). Interleaving is deterministic: while core
// 0 runs, core 1 makes exactly one HAL call at each of core 0's HAL-call boundaries
// (strict alternation); while core 0 idles, core 1 runs alone, one call per step.
// Which core runs when therefore depends only on the two programs, never on thread
// timing: a worker computing between two HAL calls is simply waited for.
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import {
  A0,
  A1,
  F64_AT,
  OP,
  Op,
  REPLY,
  REQUEST,
  RESULT,
  RUN_IRQ,
  SAB_BYTES,
  STATE,
  STATUS,
  deserializeError,
  readText,
  serializeError,
  writeText,
} from './core-protocol.js';
import { SimStateError } from './errors.js';
import { SimHal } from './hal.js';
import type { Machine, SteppedCore } from './machine.js';
import { workerHooks } from './worker-hooks.js';

/** A core that makes no HAL call for this long (wall clock) is reported stuck rather than hanging the test. */
const STUCK_MS = 30_000;

// Plain CommonJS run by the worker before anything else: registers the TypeScript
// hooks when needed (worker-hooks.ts), then loads core-worker; a load failure is
// reported through the shared block (the main thread is blocked waiting on it, not
// listening to events).
const bootstrap = `
const { workerData } = require('node:worker_threads');
(async () => {
  if (workerData.hooks) require('node:module').register(workerData.hooks);
  await import(workerData.entry);
})().catch((e) => {
  const ctl = new Int32Array(workerData.sab, 0, 16);
  const text = new TextEncoder().encode(JSON.stringify({ kind: 'SimStateError', message: 'core ' + workerData.core + ' failed to start: ' + ((e && e.stack) || e) })).subarray(0, ${SAB_BYTES - 64});
  new Uint8Array(workerData.sab, 64).set(text);
  ctl[6] = text.length; ctl[${OP}] = ${Op.done}; ctl[${STATUS}] = 1;
  Atomics.store(ctl, 0, ${REQUEST}); Atomics.notify(ctl, 0);
});`;

export interface CoreProgramOptions {
  /** Export to call as `fn(hal, arg)` (default 'default'). */
  export?: string;
  /** Structured-clonable argument for the program. */
  arg?: unknown;
}

export class WorkerCore implements SteppedCore {
  running = true;
  /** The worker can still run handlers (its program returned normally, or still runs). */
  private alive = true;
  private readonly sab = new SharedArrayBuffer(SAB_BYTES);
  private readonly ctl = new Int32Array(this.sab, 0, 16);
  private readonly f64 = new Float64Array(this.sab, F64_AT, 1);
  private readonly hal: SimHal;
  private readonly worker: Worker;

  constructor(
    private readonly m: Machine,
    readonly core: number,
    program: URL | string,
    options: CoreProgramOptions = {},
  ) {
    this.hal = new SimHal(m, core);
    const programUrl = program instanceof URL ? program.href : pathToFileURL(program).href;
    this.worker = new Worker(bootstrap, {
      eval: true,
      workerData: {
        sab: this.sab,
        core,
        board: m.board.name,
        coreCount: m.board.cores,
        spinlockCount: m.board.spinlocks.count,
        program: programUrl,
        exportName: options.export ?? 'default',
        arg: options.arg,
        entry: new URL('./core-worker.js', import.meta.url).href,
        hooks: workerHooks(programUrl),
      },
    });
    this.worker.unref();
  }

  /** Waits until the core posts a request; returns its op. */
  private awaitRequest(): number {
    const ctl = this.ctl;
    const until = Date.now() + STUCK_MS;
    for (let s = Atomics.load(ctl, STATE); s !== REQUEST; s = Atomics.load(ctl, STATE)) {
      if (Atomics.wait(ctl, STATE, s, Math.max(1, until - Date.now())) === 'timed-out' && Date.now() >= until) {
        this.stop();
        throw new SimStateError(`core ${this.core} made no HAL call for ${STUCK_MS / 1000} s of wall time (a loop that never touches the HAL?)`);
      }
    }
    return ctl[OP]!;
  }

  /** Serves exactly one HAL call of this core (blocking until the core makes it). */
  step(): void {
    const ctl = this.ctl;
    const op = this.awaitRequest();
    if (op === Op.done) {
      this.running = false; // the worker now idles, taking this core's interrupts (runHandler)
      if (ctl[STATUS] !== 0) {
        this.alive = false;
        throw deserializeError(readText(this.sab, ctl));
      }
      return;
    }
    this.reply(op);
  }

  /** Serves the request `op` and posts the reply. */
  private reply(op: number): void {
    const ctl = this.ctl;
    try {
      ctl[RESULT] = this.serve(op, ctl[A0]!, ctl[A1]!);
      ctl[STATUS] = 0;
    } catch (e) {
      ctl[STATUS] = 1;
      writeText(this.sab, ctl, serializeError(e));
    }
    Atomics.store(ctl, STATE, REPLY);
    Atomics.notify(ctl, STATE);
  }

  private serve(op: number, a0: number, a1: number): number {
    const h = this.hal;
    const addr = a0 >>> 0;
    switch (op) {
      case Op.load8:
        return h.load8(addr);
      case Op.load16:
        return h.load16(addr);
      case Op.load32:
        return h.load32(addr) | 0;
      case Op.store8:
        h.store8(addr, a1 >>> 0);
        return 0;
      case Op.store16:
        h.store16(addr, a1 >>> 0);
        return 0;
      case Op.store32:
        h.store32(addr, a1 >>> 0);
        return 0;
      case Op.barrier:
      case Op.dmb:
      case Op.dsb:
      case Op.isb:
      case Op.waitForEvent:
        h.dmb();
        return 0;
      case Op.interruptsSave:
        return h.interruptsSave();
      case Op.interruptsRestore:
        h.interruptsRestore(a0);
        return 0;
      case Op.interruptsEnable:
        h.interruptsEnable();
        return 0;
      case Op.irqSetEnabled:
        h.irqSetEnabled(a0, a1 !== 0);
        return 0;
      case Op.irqSetHandler:
        h.irqSetHandler(a0, a1 !== 0 ? () => this.runHandler(a0) : undefined);
        return 0;
      case Op.coreId:
        return h.coreId();
      case Op.spinlockTryClaim:
        return h.spinlockTryClaim(a0) ? 1 : 0;
      case Op.spinlockRelease:
        h.spinlockRelease(a0);
        return 0;
      case Op.nowNs:
        this.f64[0] = h.nowNs();
        return 0;
      case Op.debugWrite:
        h.debugWrite(readText(this.sab, this.ctl));
        return 0;
      case Op.halt:
        h.halt(readText(this.sab, this.ctl));
    }
    throw new SimStateError(`core ${this.core} sent an unknown HAL operation ${op}`);
  }

  /**
   * The machine delivers IRQ `irq` to this core: the worker runs its handler, nested in the call
   * it is waiting on (or from idle), and every HAL call the handler makes is served here until it
   * returns. An error thrown by the handler comes out here, as from a core-0 handler.
   */
  private runHandler(irq: number): void {
    const ctl = this.ctl;
    if (!this.alive) throw new SimStateError(`core ${this.core}'s program failed; it takes no interrupts`);
    ctl[RESULT] = irq;
    ctl[STATUS] = RUN_IRQ;
    Atomics.store(ctl, STATE, REPLY);
    Atomics.notify(ctl, STATE);
    for (;;) {
      const op = this.awaitRequest();
      if (op === Op.irqReturn) {
        if (ctl[STATUS] !== 0) throw deserializeError(readText(this.sab, ctl));
        return;
      }
      if (op === Op.done) throw new SimStateError(`core ${this.core}'s program ended inside the handler of IRQ ${irq}`);
      this.reply(op);
    }
  }

  /** Ends the worker (the board is disposed, or the core is stuck). */
  stop(): void {
    this.running = false;
    this.alive = false;
    void this.worker.terminate();
  }
}
