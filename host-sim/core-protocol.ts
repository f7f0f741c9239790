// The shared-memory protocol between the machine (main thread) and a core whose
// program runs in a worker thread (cores.ts, core-worker.ts). One HAL call at a
// time: the worker posts a request and blocks; the machine serves it when that
// core's turn comes and posts the reply.
import { InvalidArgument, VllsiError } from '../src/errors.js';
import { BusFault, type BusFaultReason } from '../src/hal.js';
import { SimHalted, SimStateError } from './errors.js';

/** ctl[STATE] values. */
export const IDLE = 0,
  REQUEST = 1,
  REPLY = 2;
/** ctl[STATUS] of a reply that is not the answer yet: run the handler of IRQ ctl[RESULT] first (then send irqReturn). */
export const RUN_IRQ = 2;
/** Int32 slots of the control block. */
export const STATE = 0,
  OP = 1,
  A0 = 2,
  A1 = 3,
  RESULT = 4,
  STATUS = 5,
  TEXT_LEN = 6;
/** Byte offset of a Float64 slot (nowNs results) inside the control block. */
export const F64_AT = 56;
export const CTL_BYTES = 64;
export const TEXT_BYTES = 8192;
export const SAB_BYTES = CTL_BYTES + TEXT_BYTES;

export const Op = {
  load8: 1,
  load16: 2,
  load32: 3,
  store8: 4,
  store16: 5,
  store32: 6,
  barrier: 7,
  dmb: 8,
  dsb: 9,
  isb: 10,
  interruptsSave: 11,
  interruptsRestore: 12,
  interruptsEnable: 13,
  irqSetEnabled: 14,
  coreId: 15,
  spinlockTryClaim: 16,
  spinlockRelease: 17,
  nowNs: 18,
  debugWrite: 19,
  halt: 20,
  waitForEvent: 21,
  irqSetHandler: 22,
  /** A handler started by a RUN_IRQ reply returned (STATUS 0) or threw (STATUS 1, error in the text block). */
  irqReturn: 23,
  /** The program returned (STATUS 0) or threw (STATUS 1, error in the text block). */
  done: 30,
} as const;

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export function writeText(sab: SharedArrayBuffer, ctl: Int32Array, text: string): void {
  const bytes = encoder.encode(text).subarray(0, TEXT_BYTES);
  new Uint8Array(sab, CTL_BYTES, TEXT_BYTES).set(bytes);
  ctl[TEXT_LEN] = bytes.length;
}

export function readText(sab: SharedArrayBuffer, ctl: Int32Array): string {
  return decoder.decode(new Uint8Array(sab, CTL_BYTES, ctl[TEXT_LEN]).slice());
}

/** An error as JSON, so that the other thread can throw the same kind. */
export function serializeError(e: unknown): string {
  const o = e as Record<string, unknown>;
  const message = e instanceof Error ? e.message : String(e);
  return JSON.stringify({
    kind: e instanceof VllsiError ? e.kind : e instanceof Error ? e.name : 'Error',
    message,
    ...pick(o, ['address', 'size', 'access', 'reason', 'argument', 'value', 'atNs']),
  });
}

function pick(o: Record<string, unknown>, keys: string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of keys) if (o && typeof o === 'object' && k in o && ['number', 'string'].includes(typeof o[k])) out[k] = o[k];
  return out;
}

export function deserializeError(json: string): Error {
  const o = JSON.parse(json) as Record<string, any>;
  switch (o.kind) {
    case 'BusFault':
      // The message is `bus fault: <width> <access> at <address>: <detail>`.
      return new BusFault(o.address, o.size, o.access, o.reason as BusFaultReason, o.message.split(': ').slice(2).join(': '));
    case 'InvalidArgument':
      return new InvalidArgument(o.argument, o.value, o.reason);
    case 'SimHalted':
      return new SimHalted(o.reason, o.atNs);
    case 'SimStateError':
      return new SimStateError(o.message);
    default: {
      const e = new Error(o.message);
      e.name = o.kind;
      return e;
    }
  }
}
