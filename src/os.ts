// The OS backend: the one door from src/ to a host operating system (files, locks,
// randomness, clocks, processes, signals, the I/O driver). A host installs one at
// initialisation (Node: host-sim/os picks linux, darwin or windows); on a device without
// a file system none is installed and every call refuses with `NoOsBackend`.
//
// Entry points in sys_common.ts, locking.ts, durability.ts, io_engine.ts and process.ts
// (processes, clocks, signals) each reach the backend through `os()` once, so a gate (a
// permission check) can be placed at the top of each.
import { InvalidArgument, VllsiError } from './errors.js';
import type { IoDriver, IoEngineConfig } from './io_driver.js';

/** The one lock-kind type (reference: sys.locking's LockKind; no Unlock variant — unlocking is its own call). Public through src/locking.ts. */
export const LockKind = { Shared: 'Shared', Exclusive: 'Exclusive' } as const;
export type LockKind = (typeof LockKind)[keyof typeof LockKind];

/** Outcome of one non-blocking lock attempt; failures other than a conflict throw OSError. */
export type RawLockResult =
  | { ok: true }
  /** A conflicting lock: the OS's raw code for it (EAGAIN, EACCES, ERROR_LOCK_VIOLATION) and its holder when the OS says. */
  | { ok: false; code: number; errname: string; ownerPid: number | undefined };

/** Clock ids as in POSIX `clock_gettime`. */
export const CLOCK_REALTIME = 0;
export const CLOCK_MONOTONIC = 1;
export type ClockId = typeof CLOCK_REALTIME | typeof CLOCK_MONOTONIC;

export type FileKind = 'file' | 'directory' | 'symlink' | 'device' | 'fifo' | 'socket' | 'missing';

/** Signals a handler may be installed for everywhere they exist. */
export type PortableSignal = 'SIGINT' | 'SIGTERM' | 'SIGHUP';

export interface OsBackend {
  /** `linux`, `darwin`, `windows` (host backends) or a device's name. */
  readonly name: string;
  /** The platform's number for an errno name (`ECANCELED` → 125 on Linux, 89 on Darwin). */
  errno(name: string): number;

  // Files. Every failure throws OSError with the OS's raw code.
  open(path: string, flags: OpenFlags, mode: number): number;
  close(fd: number): void;
  rename(from: string, to: string): void;
  unlink(path: string): void;
  pread(fd: number, buf: Uint8Array, offset: number): number;
  pwrite(fd: number, buf: Uint8Array, offset: number): number;
  fileSize(fd: number): number;
  truncate(fd: number, length: number): void;
  /** `false` for a plain "no" (ENOENT, EACCES, EROFS…); throws for real failures. */
  access(path: string, mode: number): boolean;
  fullFsync(fd: number): void;
  syncDirectory(path: string): void;
  /** sys.common's try_lock_region: one non-blocking attempt on bytes [start, start + length), `length` -1 = to end of file (as LockRegion). */
  tryLockRegion(fd: number, kind: LockKind, start: number, length: number): RawLockResult;
  /** sys.common's unlock_region: the same region convention. */
  unlockRegion(fd: number, start: number, length: number): void;
  randomBytes(buf: Uint8Array): void;
  /** What is at `path`, not following a final symlink ('missing' when nothing is). */
  fileKind(path: string): FileKind;
  /** `path` with every symlink, `.`, `..` and repeated separator resolved; the path must exist. */
  realPath(path: string): string;
  /** The file `fd` is open on, as a string equal for every descriptor of that file (device and inode). */
  fileIdentity(fd: number): string;
  /** The names in a directory. */
  listDirectory(path: string): string[];

  // Process, time, signals.
  getpid(): number;
  gettid(): number;
  exit(code: number): never;
  /** Seconds and nanoseconds of the clock. */
  clockGettime(clock: ClockId): { sec: number; nsec: number };
  /** Installs a handler; returns its remover. Throws UnsupportedSignal where the signal does not exist. */
  onSignal(signal: PortableSignal, handler: (signal: PortableSignal) => void): () => void;

  /** The completion driver behind `createIoEngine`. */
  ioDriver(config: IoEngineConfig): IoDriver;
}

/** `open` flags, named rather than numeric (their values differ per OS). */
export interface OpenFlags {
  read?: boolean;
  write?: boolean;
  create?: boolean;
  truncate?: boolean;
  /** Fail with EEXIST when the file exists (O_EXCL). */
  exclusive?: boolean;
  append?: boolean;
}

/** No OS backend is installed: the target has no file system (or init has not run). */
export class NoOsBackend extends VllsiError<'NoOsBackend'> {
  constructor(readonly operation: string) {
    super('NoOsBackend', `${operation}: no OS backend is installed (this target has no file system, or the host was not initialised)`);
  }
}

/** A signal that does not exist (or cannot be handled) on this platform. */
export class UnsupportedSignal extends VllsiError<'UnsupportedSignal'> {
  constructor(
    readonly signal: string,
    readonly platform: string,
  ) {
    super(
      'UnsupportedSignal',
      `signal ${JSON.stringify(signal)} cannot be handled on ${platform}: the portable signals are SIGINT, SIGTERM and SIGHUP (where the OS has them)`,
    );
  }
}

/** @internal the path check every path-taking entry point shares. */
export function checkOsPath(path: string): void {
  if (typeof path !== 'string' || path.length === 0 || path.includes('\0')) throw new InvalidArgument('path', path, 'must be a non-empty string without NUL');
}

let installed: OsBackend | undefined;

/** Installs (or with `undefined`, removes) the OS backend. Returns the previous one. */
export function installOsBackend(backend: OsBackend | undefined): OsBackend | undefined {
  const previous = installed;
  installed = backend;
  return previous;
}

/** The installed backend, or `undefined` on a target without one. */
export function osBackend(): OsBackend | undefined {
  return installed;
}

/** The installed backend, or a typed refusal naming the operation. */
export function os(operation: string): OsBackend {
  if (installed === undefined) throw new NoOsBackend(operation);
  return installed;
}
