// Initialisation, shutdown and panic (reference: "Initialization").
//
// init(cfg) sets up, in this order and only after validating everything: the
// HAL (bound with platform.bindHal, so src/mmio.ts and the rest use it), the page size, the thread provider, the stack arena (embedded and full
// profiles) and the panic handler. It is all-or-nothing: a throwing init has
// had no effect. Errors: one class per InitError variant sharing `InitError`:
// AlreadyInitialized, InvalidConfig (the text says what is wrong),
// PlatformError (wraps the platform's OSError).
//
// Threads: init covers the calling thread; another thread (a worker, which has
// its own module state) calls initThread()/cleanupThread().
//
// panic(info) never returns: it runs the panic handler, then halts through the
// HAL (the simulator stops the board and reports the panic), or without a HAL
// through the platform's halt (the host process exits non-zero with the message).
import type { Hal } from './hal.js';
import { OSError, VllsiError, describe, requireObject } from './errors.js';
import { setTargetPageSize, targetPageSize } from './common.js';
import { RUNTIME_PROFILE } from './profile.js';
import { initStackArena, releaseStackArena } from './runtime.js';
import { DEFAULT_STACK_ARENA_BYTES, MAX_STACK_ARENA_BYTES } from './embedded.js';
import { ctxResetThread } from './context.js';
import { getThreadId, setThreadProvider, singleThreadProvider, type ThreadProvider } from './threads.js';
import { bindHal, boundHal, unbindHal } from './platform.js';

export type InitErrorKind = 'AlreadyInitialized' | 'InvalidConfig' | 'PlatformError';

export class InitError extends VllsiError<InitErrorKind> {}
export class AlreadyInitialized extends InitError {
  constructor(what: string) {
    super('AlreadyInitialized', `${what} is already initialised (shut down first)`);
  }
}
export class InvalidConfig extends InitError {
  constructor(readonly text: string) {
    super('InvalidConfig', `invalid init config: ${text}`);
  }
}
export class PlatformError extends InitError {
  constructor(override readonly cause: OSError) {
    super('PlatformError', `the platform failed during init: ${cause.message}`);
  }
}

export interface SourceLocation {
  readonly file: string;
  readonly line: number;
  readonly column: number;
}

export interface PanicInfo {
  readonly message: string;
  readonly location: SourceLocation;
  readonly threadId: number;
}

/** Runs before the halt (log, flush, blink an LED). Returning or throwing does not prevent the halt. */
export type PanicHandler = (info: PanicInfo) => void;

export interface InitConfig {
  /** The board's or the simulator's HAL. Without one, hardware access fails with a typed error. */
  hal?: Hal;
  /** Page size of the target (default: PAGE_SIZE). */
  pageSize?: number;
  /** The platform's threads (default: one JS thread; the host passes host-sim's worker threads). */
  threads?: ThreadProvider;
  /** The stack arena or its size in bytes (embedded/full; default DEFAULT_STACK_ARENA_BYTES). */
  stackArena?: ArrayBuffer | number;
  panicHandler?: PanicHandler;
}

const CONFIG_KEYS = ['hal', 'pageSize', 'threads', 'stackArena', 'panicHandler'];

interface Session {
  previousHal: Hal | undefined;
  previousThreads: ThreadProvider | undefined;
  previousPageSize: number;
}

let session: Session | undefined;
let threadReady = false;
let panicHandler: PanicHandler | undefined;
let platformHalt: ((reason: string) => never) | undefined;
let panicking = false;

function validate(cfg: InitConfig): void {
  if (cfg === null || typeof cfg !== 'object') throw new InvalidConfig(`expected an options object, got ${describe(cfg)}`);
  for (const k of Object.keys(cfg)) if (!CONFIG_KEYS.includes(k)) throw new InvalidConfig(`unknown option '${k}' (known: ${CONFIG_KEYS.join(', ')})`);
  const { hal, pageSize, threads, stackArena, panicHandler: h } = cfg;
  if (hal !== undefined && (typeof hal !== 'object' || hal === null || typeof hal.load !== 'function' || typeof hal.halt !== 'function')) {
    throw new InvalidConfig(`hal must implement src/hal.ts, got ${describe(hal)}`);
  }
  if (pageSize !== undefined && (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > 0x40000000 || (pageSize & (pageSize - 1)) !== 0)) {
    throw new InvalidConfig(`pageSize ${describe(pageSize)} is not a power of two from 1 to 2^30`);
  }
  if (threads !== undefined && (typeof threads !== 'object' || threads === null || typeof threads.spawn !== 'function')) {
    throw new InvalidConfig(`threads must be a ThreadProvider, got ${describe(threads)}`);
  }
  if (stackArena !== undefined) {
    if (RUNTIME_PROFILE === 'no_runtime') throw new InvalidConfig('stackArena: the no_runtime profile has no stack arena');
    const size = typeof stackArena === 'number' ? stackArena : stackArena instanceof ArrayBuffer ? stackArena.byteLength : -1;
    if (!Number.isInteger(size) || size < 0 || size > MAX_STACK_ARENA_BYTES) {
      throw new InvalidConfig(`stackArena must be an ArrayBuffer or a size in 0..${MAX_STACK_ARENA_BYTES}, got ${describe(stackArena)}`);
    }
  }
  if (h !== undefined && typeof h !== 'function') throw new InvalidConfig(`panicHandler must be a function, got ${describe(h)}`);
}

/** Initialises vllsi on the calling thread (the reference's verum_init). */
export function init(cfg: InitConfig = {}): void {
  if (session !== undefined) throw new AlreadyInitialized('vllsi');
  validate(cfg);
  const threads = cfg.threads ?? singleThreadProvider(() => cfg.hal?.coreCount ?? 1);
  // Ask the platform before changing anything: a failure here leaves no trace.
  try {
    threads.numOnlineCpus();
    threads.threadId();
  } catch (e) {
    if (e instanceof OSError) throw new PlatformError(e);
    throw e;
  }
  const previousPageSize = targetPageSize();
  if (cfg.pageSize !== undefined) setTargetPageSize(cfg.pageSize);
  session = { previousHal: cfg.hal ? bindHal(cfg.hal) : boundHal(), previousThreads: setThreadProvider(threads), previousPageSize };
  if (RUNTIME_PROFILE !== 'no_runtime') initStackArena(cfg.stackArena ?? DEFAULT_STACK_ARENA_BYTES);
  ctxResetThread();
  if (cfg.panicHandler) panicHandler = cfg.panicHandler;
  threadReady = true;
}

/** Undoes init (the reference's verum_shutdown); a no-op when not initialised. */
export function shutdown(): void {
  if (session === undefined) return;
  const s = session;
  session = undefined;
  releaseStackArena();
  ctxResetThread();
  if (s.previousHal) bindHal(s.previousHal);
  else unbindHal();
  if (s.previousThreads) setThreadProvider(s.previousThreads);
  setTargetPageSize(s.previousPageSize);
  panicHandler = undefined;
  threadReady = false;
}

export function isInitialized(): boolean {
  return session !== undefined;
}

/** Prepares the calling thread (not the one that ran init): fresh context slots and its own stack arena. */
export function initThread(options: { stackArena?: ArrayBuffer | number } = {}): void {
  if (threadReady) throw new AlreadyInitialized(`thread ${getThreadId()}`);
  if (options.stackArena !== undefined) validate({ stackArena: options.stackArena });
  if (RUNTIME_PROFILE !== 'no_runtime') initStackArena(options.stackArena ?? DEFAULT_STACK_ARENA_BYTES);
  ctxResetThread();
  threadReady = true;
}

/** Releases what initThread set up; a no-op when the thread is not initialised. */
export function cleanupThread(): void {
  if (!threadReady || session !== undefined) return; // the init thread is cleaned up by shutdown
  releaseStackArena();
  ctxResetThread();
  threadReady = false;
}

export function isThreadInitialized(): boolean {
  return threadReady;
}

/** Sets the panic handler; returns the previous one. */
export function setPanicHandler(handler: PanicHandler | undefined): PanicHandler | undefined {
  if (handler !== undefined && typeof handler !== 'function') throw new InvalidConfig(`panic handler must be a function, got ${describe(handler)}`);
  const previous = panicHandler;
  panicHandler = handler;
  return previous;
}

/** How the platform stops when there is no HAL (host-sim installs a process exit). */
export function setPlatformHalt(halt: ((reason: string) => never) | undefined): void {
  platformHalt = halt;
}

/** A panic with no HAL and no platform halt to stop the machine: thrown, never meant to be caught. */
export class Panic extends VllsiError<'Panic'> {
  constructor(readonly info: PanicInfo) {
    super('Panic', formatPanic(info));
  }
}

export function formatPanic(info: PanicInfo): string {
  requireObject('panic info', info);
  requireObject('panic location', info.location);
  const l = info.location;
  return `panicked at ${l.file}:${l.line}:${l.column} (thread ${info.threadId}): ${info.message}`;
}

/** The caller's location, from the stack trace where the engine gives one. */
function callerLocation(): SourceLocation {
  const lines = (new Error().stack ?? '').split('\n').filter((l) => /:\d+:\d+\)?\s*$/.test(l));
  const m = /\(?([^\s()]+):(\d+):(\d+)\)?\s*$/.exec(lines[2] ?? '');
  return m ? { file: m[1]!, line: Number(m[2]), column: Number(m[3]) } : { file: '<unknown>', line: 0, column: 0 };
}

/** Stops the machine: runs the panic handler, then halts. Never returns. */
export function panic(info: string | PanicInfo): never {
  const full: PanicInfo = typeof info === 'string' ? { message: info, location: callerLocation(), threadId: getThreadId() } : info;
  const handler = panicHandler;
  if (handler && !panicking) {
    panicking = true; // a handler that panics goes straight to the halt
    try {
      handler(full);
    } catch {
      // the halt below happens regardless
    } finally {
      panicking = false;
    }
  }
  const reason = formatPanic(full);
  const hal = boundHal();
  if (hal) hal.halt(reason);
  if (platformHalt) platformHalt(reason);
  throw new Panic(full);
}
