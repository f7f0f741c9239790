// Process, time and signal entry points of the platform modules (sys.linux's getpid,
// gettid, exit, clock_gettime; sys.signal). Answered by the installed OS backend.
// Time is never permission-gated (reference, "Permission gating"); the others may be.
import { InvalidArgument } from './errors.js';
import { os, type ClockId, type PortableSignal, CLOCK_MONOTONIC, CLOCK_REALTIME, UnsupportedSignal } from './os.js';
import { checkPermission } from './permissions.js';
import { confineLater } from './gate.js';

/** The reference's `Timespec`. */
export interface Timespec {
  readonly tvSec: number;
  readonly tvNsec: number;
}

export function getpid(): number {
  return os('getpid').getpid();
}

/** The calling thread's OS id (equals getpid on a process's main thread on Linux). */
export function gettid(): number {
  return os('gettid').gettid();
}

/** Ends the process with `code` (0..255); never returns. */
export function exit(code: number): never {
  if (!Number.isInteger(code) || code < 0 || code > 255) throw new InvalidArgument('exit code', code, 'must be an integer in 0..255');
  checkPermission('process', `exit:${code}`);
  return os('exit').exit(code);
}

/** CLOCK_MONOTONIC (never goes back; arbitrary origin) or CLOCK_REALTIME (since the Unix epoch). */
export function clockGettime(clock: ClockId): Timespec {
  if (clock !== CLOCK_REALTIME && clock !== CLOCK_MONOTONIC) throw new InvalidArgument('clock id', clock, 'must be CLOCK_REALTIME (0) or CLOCK_MONOTONIC (1)');
  const t = os('clockGettime').clockGettime(clock);
  return { tvSec: t.sec, tvNsec: t.nsec };
}

const PORTABLE: readonly string[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

/**
 * Runs `handler` when the process receives `signal` (instead of the default action);
 * returns a function that removes it. Other signals, and signals the platform lacks
 * (SIGTERM on Windows), throw UnsupportedSignal.
 */
export function onSignal(signal: PortableSignal, handler: (signal: PortableSignal) => void): () => void {
  if (typeof handler !== 'function') throw new InvalidArgument('signal handler', handler, 'must be a function');
  const backend = os('onSignal');
  if (!PORTABLE.includes(signal)) throw new UnsupportedSignal(String(signal), backend.name);
  checkPermission('process', signal);
  // A handler installed inside a sandbox runs under it when the signal comes.
  return backend.onSignal(signal, confineLater(handler));
}
