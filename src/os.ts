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
import { PermissionDenied, bindFn, confineLater, freeze, mapDelete, mapGet, mapSet, sandboxGate, type PermissionScope } from './gate.js';

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

// The backend as installed (src/ uses it after its own gate), and the gated view osBackend() hands out.
let installed: OsBackend | undefined;
let view: OsBackend | undefined;
// What each descriptor opened through the view was opened on: path and file identity (made on first use).
let opened: Map<number, { readonly path: string; readonly identity: string }> | undefined;

/**
 * Installs (or with `undefined`, removes) the OS backend. Returns the previous one. Refused
 * inside a permission sandbox: a backend installed there would outlive it.
 */
export function installOsBackend(backend: OsBackend | undefined): OsBackend | undefined {
  if (sandboxGate !== undefined) throw new PermissionDenied('file', 'installOsBackend');
  const previous = installed;
  installed = backend;
  view = backend === undefined ? undefined : gatedView(backend);
  opened = undefined;
  return previous;
}

/**
 * The installed backend, or `undefined` on a target without one. What callers get is a view:
 * every operation passes the permission gate of the sandbox active when it is called (paths
 * resolved, descriptors judged by the path they were opened on), so a view kept from before a
 * sandbox is confined inside it like the entry points of sys_common, locking and process.
 */
export function osBackend(): OsBackend | undefined {
  return view;
}

/** @internal The installed backend itself, or a typed refusal naming the operation: for src/'s entry points, after their gate. */
export function os(operation: string): OsBackend {
  if (installed === undefined) throw new NoOsBackend(operation);
  return installed;
}

/** @internal The path descriptor `fd` was opened on through osBackend(), if it is still that file. */
export function openedPath(fd: number): string | undefined {
  const o = opened === undefined ? undefined : (mapGet(opened, fd) as { readonly path: string; readonly identity: string } | undefined);
  if (o === undefined || installed === undefined) return undefined;
  try {
    return installed.fileIdentity(fd) === o.identity ? o.path : undefined;
  } catch {
    return undefined;
  }
}

/** The gated view of `raw`: its methods are captured now, so replacing them later changes nothing. */
function gatedView(raw: OsBackend): OsBackend {
  const m = <K extends keyof OsBackend>(k: K): OsBackend[K] => {
    const f = raw[k];
    return (typeof f === 'function' ? bindFn(f, raw) : f) as OsBackend[K];
  };
  const [open, close, rename, unlink, pread, pwrite, fileSize, truncate, access, fullFsync, syncDirectory, tryLockRegion, unlockRegion, randomBytes] = [
    m('open'),
    m('close'),
    m('rename'),
    m('unlink'),
    m('pread'),
    m('pwrite'),
    m('fileSize'),
    m('truncate'),
    m('access'),
    m('fullFsync'),
    m('syncDirectory'),
    m('tryLockRegion'),
    m('unlockRegion'),
    m('randomBytes'),
  ];
  const [fileKind, realPath, fileIdentity, listDirectory, exit, onSignal, ioDriver, errno, getpid, gettid, clockGettime] = [
    m('fileKind'),
    m('realPath'),
    m('fileIdentity'),
    m('listDirectory'),
    m('exit'),
    m('onSignal'),
    m('ioDriver'),
    m('errno'),
    m('getpid'),
    m('gettid'),
    m('clockGettime'),
  ];
  const path = (scope: PermissionScope, p: string): void => sandboxGate?.check(scope, p);
  const fd = (scope: PermissionScope, n: number): void => sandboxGate?.checkFd(scope, n);
  const gated: OsBackend = {
    name: raw.name,
    errno,
    open(p, flags, mode) {
      path('file', p);
      const n = open(p, flags, mode);
      try {
        opened ??= new Map();
        mapSet(opened, n, freeze({ path: realPath(p), identity: fileIdentity(n) }));
      } catch {
        // Not recorded: the descriptor is judged by what the OS says of it, or as `fd:N`.
      }
      return n;
    },
    close(n) {
      fd('file', n);
      close(n);
      if (opened !== undefined) mapDelete(opened, n);
    },
    rename(from, to) {
      path('file', from);
      path('file', to);
      rename(from, to);
    },
    unlink(p) {
      path('file', p);
      unlink(p);
    },
    pread: (n, buf, offset) => (fd('file', n), pread(n, buf, offset)),
    pwrite: (n, buf, offset) => (fd('file', n), pwrite(n, buf, offset)),
    fileSize: (n) => (fd('file', n), fileSize(n)),
    truncate: (n, length) => (fd('file', n), truncate(n, length)),
    access: (p, mode) => (path('file', p), access(p, mode)),
    fullFsync: (n) => (fd('file', n), fullFsync(n)),
    syncDirectory: (p) => (path('file', p), syncDirectory(p)),
    tryLockRegion: (n, kind, start, length) => (fd('lock', n), tryLockRegion(n, kind, start, length)),
    unlockRegion: (n, start, length) => (fd('lock', n), unlockRegion(n, start, length)),
    randomBytes: (buf) => (path('random', 'randomBytes'), randomBytes(buf)),
    fileKind: (p) => (path('file', p), fileKind(p)),
    realPath: (p) => (path('file', p), realPath(p)),
    fileIdentity: (n) => (fd('file', n), fileIdentity(n)),
    listDirectory: (p) => (path('file', p), listDirectory(p)),
    getpid,
    gettid,
    exit: (code) => (path('process', `exit:${code}`), exit(code)),
    clockGettime,
    onSignal: (signal, handler) => (path('process', signal), onSignal(signal, confineLater(handler))),
    ioDriver: (config) => (path('io', 'createIoEngine'), ioDriver(config)),
  };
  return freeze(gated);
}
