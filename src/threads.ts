// Threads (reference: "Threads"). The portable API delegates to a platform
// provider installed at initialisation: the host simulator's runs threads on
// Node worker_threads (host-sim/threads.ts); on a device the default provider
// answers for the one JS thread of the XS machine, and threadSpawn is a typed
// `Unsupported` error unless the platform installs one with workers.
//
// A JS closure cannot cross threads, so an entry is a module and an export name
// (default: the default export), called with `arg` in the new thread; `arg` is
// copied (structured clone), except SharedArrayBuffers, which are shared: they
// are the reference's `*mut Byte`.
import { InvalidArgument, Unsupported, VllsiError } from './errors.js';
import { activePolicies, checkPermission, type PermissionPolicy } from './permissions.js';

export interface ThreadEntry {
  /** Module specifier the platform's workers can load (a URL or path; `.ts` on the host in development). */
  readonly module: string;
  /** Exported function to call; `default` when omitted. */
  readonly export?: string;
}

export interface ThreadHandle {
  /** The new thread's id, as `getThreadId()` reports it inside that thread. */
  readonly id: number;
}

export interface ThreadProvider {
  readonly name: string;
  threadId(): number;
  numOnlineCpus(): number;
  yieldNow(): void;
  /** `policies`: the spawning thread's sandboxes, to confine the new thread with (permissions.confineThread). */
  spawn(entry: ThreadEntry, arg: unknown, stackSize: number, policies: PermissionPolicy[]): ThreadHandle;
  join(handle: ThreadHandle): void;
  detach(handle: ThreadHandle): void;
}

/** The thread's entry function threw (or its promise rejected); join reports it. */
export class ThreadFailed extends VllsiError<'ThreadFailed'> {
  constructor(
    readonly threadId: number,
    readonly reason: string,
  ) {
    super('ThreadFailed', `thread ${threadId} failed: ${reason}`);
  }
}

/** One JS thread per machine (an XS machine on a device). `cores` is the chip's core count. */
export function singleThreadProvider(cores: () => number = () => 1): ThreadProvider {
  const unsupported = (op: string): never => {
    throw new Unsupported(op, 'this platform runs one JS thread per machine and provides no workers');
  };
  return {
    name: 'single-thread',
    threadId: () => 0,
    numOnlineCpus: cores,
    yieldNow: () => {},
    spawn: () => unsupported('threadSpawn'),
    join: () => unsupported('threadJoin'),
    detach: () => unsupported('threadDetach'),
  };
}

let provider: ThreadProvider = singleThreadProvider();

/** Installs the platform's threads (init does this); returns the previous provider. */
export function setThreadProvider(p: ThreadProvider): ThreadProvider {
  const previous = provider;
  provider = p;
  return previous;
}

export function threadProvider(): ThreadProvider {
  return provider;
}

/** Id of the calling thread (0 for the main thread). */
export function getThreadId(): number {
  return provider.threadId();
}

export function threadSelf(): ThreadHandle {
  return { id: provider.threadId() };
}

export function threadYield(): void {
  provider.yieldNow();
}

export function numOnlineCpus(): number {
  return provider.numOnlineCpus();
}

/** Starts a thread running `entry(arg)`. `stackSize` 0 means the platform default. */
export function threadSpawn(entry: ThreadEntry, arg?: unknown, stackSize: number = 0): ThreadHandle {
  if (!entry || typeof entry.module !== 'string' || entry.module === '') {
    throw new InvalidArgument('thread entry', entry, 'must be { module, export? } naming a loadable module');
  }
  if (entry.export !== undefined && typeof entry.export !== 'string') throw new InvalidArgument('thread entry export', entry.export, 'must be a string');
  if (!Number.isInteger(stackSize) || stackSize < 0) throw new InvalidArgument('stack size', stackSize, 'must be a non-negative integer (0: platform default)');
  checkPermission('thread', entry.module);
  return provider.spawn(entry, arg, stackSize, activePolicies());
}

/** Blocks until the thread ends; ThreadFailed if its entry threw. */
export function threadJoin(handle: ThreadHandle): void {
  provider.join(handle);
}

/** Lets the thread run on its own; it cannot be joined afterwards. */
export function threadDetach(handle: ThreadHandle): void {
  provider.detach(handle);
}
