// Runs inside a worker thread: the program of a second core. Its HAL forwards every
// call to the machine on the main thread through shared memory (core-protocol.ts)
// and blocks until the machine serves it, so the machine decides, call by call,
// when this core runs (cores.ts).
import { workerData } from 'node:worker_threads';
import type { AccessSize, Hal, IrqHandler, MemoryOrdering } from '../src/hal.js';
import { bindHal } from '../src/platform.js';
import { InvalidArgument } from '../src/errors.js';
import {
  A0,
  A1,
  F64_AT,
  IDLE,
  OP,
  Op,
  REQUEST,
  RESULT,
  RUN_IRQ,
  STATE,
  STATUS,
  deserializeError,
  readText,
  serializeError,
  writeText,
} from './core-protocol.js';
import { SimStateError } from './errors.js';

interface CoreWorkerData {
  sab: SharedArrayBuffer;
  core: number;
  board: string;
  coreCount: number;
  spinlockCount: number;
  program: string;
  exportName: string;
  arg: unknown;
}

const d = workerData as CoreWorkerData;
const ctl = new Int32Array(d.sab, 0, 16);
const f64 = new Float64Array(d.sab, F64_AT, 1);
/** This core's IRQ handlers: the machine asks for one to run with a RUN_IRQ reply. */
const handlers = new Map<number, IrqHandler>();

function post(op: number, a0 = 0, a1 = 0, text?: string): void {
  ctl[OP] = op;
  ctl[A0] = a0;
  ctl[A1] = a1;
  if (text !== undefined) writeText(d.sab, ctl, text);
  Atomics.store(ctl, STATE, REQUEST);
  Atomics.notify(ctl, STATE);
}

/** Waits for the machine's reply; runs every handler it asks for on the way (nested in the pending call, as an exception). */
function awaitReply(): void {
  for (;;) {
    while (Atomics.load(ctl, STATE) === REQUEST) Atomics.wait(ctl, STATE, REQUEST);
    if (ctl[STATUS] !== RUN_IRQ) return;
    const irq = ctl[RESULT]!;
    Atomics.store(ctl, STATE, IDLE);
    let error: unknown;
    try {
      handlers.get(irq)?.(irq);
    } catch (e) {
      error = e;
    }
    ctl[STATUS] = error === undefined ? 0 : 1;
    post(Op.irqReturn, irq, 0, error === undefined ? undefined : serializeError(error));
  }
}

function call(op: number, a0 = 0, a1 = 0, text?: string): number {
  post(op, a0, a1, text);
  awaitReply();
  const failed = ctl[STATUS] !== 0;
  const result = ctl[RESULT]!;
  const error = failed ? readText(d.sab, ctl) : '';
  Atomics.store(ctl, STATE, IDLE);
  if (failed) throw deserializeError(error);
  return result;
}

/** The request of a sized access: the protocol names the width in the op. */
function sizedOp(size: AccessSize, op8: number, op16: number, op32: number): number {
  if (size === 4) return op32;
  if (size === 2) return op16;
  if (size === 1) return op8;
  throw new InvalidArgument('access size', size, 'must be 1, 2 or 4 (bytes)');
}

class WorkerHal implements Hal {
  readonly name = `sim:${d.board}:core${d.core}`;
  readonly coreCount = d.coreCount;
  readonly spinlockCount = d.spinlockCount;
  load = (addr: number, size: AccessSize) => call(sizedOp(size, Op.load8, Op.load16, Op.load32), addr) >>> 0;
  store = (addr: number, size: AccessSize, v: number) => void call(sizedOp(size, Op.store8, Op.store16, Op.store32), addr, v);
  load8 = (addr: number) => call(Op.load8, addr) >>> 0;
  load16 = (addr: number) => call(Op.load16, addr) >>> 0;
  load32 = (addr: number) => call(Op.load32, addr) >>> 0;
  store8 = (addr: number, v: number) => void call(Op.store8, addr, v);
  store16 = (addr: number, v: number) => void call(Op.store16, addr, v);
  store32 = (addr: number, v: number) => void call(Op.store32, addr, v);
  barrier(order: MemoryOrdering): void {
    void order;
    call(Op.barrier);
  }
  dmb = () => void call(Op.dmb);
  dsb = () => void call(Op.dsb);
  isb = () => void call(Op.isb);
  interruptsSave = () => call(Op.interruptsSave);
  interruptsRestore = (state: number) => void call(Op.interruptsRestore, state);
  interruptsEnable = () => void call(Op.interruptsEnable);
  irqSetHandler(irq: number, handler: IrqHandler | undefined): void {
    if (handler !== undefined && typeof handler !== 'function') throw new InvalidArgument('IRQ handler', handler, 'must be a function or undefined');
    call(Op.irqSetHandler, irq, handler === undefined ? 0 : 1); // checks the line first: a refused call has no effect
    if (handler === undefined) handlers.delete(irq);
    else handlers.set(irq, handler);
  }
  irqSetEnabled = (irq: number, on: boolean) => void call(Op.irqSetEnabled, irq, on ? 1 : 0);
  coreId = () => call(Op.coreId);
  spinlockTryClaim = (n: number) => call(Op.spinlockTryClaim, n) !== 0;
  spinlockRelease = (n: number) => void call(Op.spinlockRelease, n);
  waitForEvent = () => void call(Op.waitForEvent);
  nowNs(): number {
    call(Op.nowNs);
    return f64[0]!;
  }
  debugWrite = (text: string) => void call(Op.debugWrite, 0, 0, String(text));
  halt(reason: string): never {
    call(Op.halt, 0, 0, String(reason));
    throw new SimStateError('unreachable: the machine halted');
  }
}

/** The program returned or threw: report it, then sit idle (as in WFI) serving this core's interrupts until the worker ends. */
function finish(error: unknown): void {
  ctl[STATUS] = error === undefined ? 0 : 1;
  post(Op.done, 0, 0, error === undefined ? undefined : serializeError(error));
  if (error === undefined) awaitIdle();
}

function awaitIdle(): never {
  for (;;) awaitReply();
}

try {
  const hal = new WorkerHal();
  bindHal(hal); // src/ on this core (mmio, interrupt) uses this core's HAL
  const mod = (await import(d.program)) as Record<string, unknown>;
  const entry = mod[d.exportName];
  if (typeof entry !== 'function') throw new SimStateError(`core ${d.core} program ${d.program} has no function export ${JSON.stringify(d.exportName)}`);
  await entry(hal, d.arg);
  finish(undefined);
} catch (e) {
  finish(e);
}
