// sys.locking: advisory byte-range locks, typed. Open-file-description locks
// (F_OFD_SETLK) on Linux, F_SETLK on macOS, LockFileEx on Windows (through the OS backend).
//
// Errors (docs/decisions/errors.md rule 7): one base class `LockError` with one subclass
// per reference variant — `LockConflict` (kind 'LockConflict', `ownerPid` when the OS
// reports it) and `LockIoError` (kind 'LockIoError', the OSError as `cause`).
// Unlocking a handle twice is a misuse, `LockAlreadyReleased`; unlocking a handle whose
// descriptor now names another file (closed, its number reused) is `LockHandleStale`.
//
// This is the one public lock API. sys.common's raw try_lock_region/unlock_region are the OS
// backend's (src/os.ts), not exported; they take the same LockKind and the same region
// convention (length -1 = to end of file).
//
// A handle stands for the OS lock on its bytes through its descriptor, and remembers the file
// the descriptor was open on (device and inode) to tell a reused descriptor number apart. On POSIX the locks
// of one open file do not stack: a new lock on the same bytes converts the old one
// (Shared → Exclusive upgrades in place) and an unlock frees those bytes whichever handle
// asked. Windows keeps each LockFileEx region apart and cannot upgrade in place.
import { InvalidArgument, OSError, VllsiError, describe } from './errors.js';
import { fileDesc, type FileDesc } from './common.js';
import { LockKind, os } from './os.js';
import { checkFdPermission } from './permissions.js';

export { LockKind };

/** Bytes [start, start + length); `length` -1 means to end of file, however large it grows. */
export interface LockRegion {
  readonly start: number;
  readonly length: number;
}

export class LockError<K extends 'LockConflict' | 'LockIoError' = 'LockConflict' | 'LockIoError'> extends VllsiError<K> {}

/** Another open file holds a conflicting lock (EAGAIN / EACCES / ERROR_LOCK_VIOLATION). */
export class LockConflict extends LockError<'LockConflict'> {
  constructor(
    readonly region: LockRegion,
    readonly lockKind: LockKind,
    /** The holder's pid when the OS reports it (F_GETLK on macOS); Linux OFD locks and Windows have no owning process to report. */
    readonly ownerPid: number | undefined,
  ) {
    super(
      'LockConflict',
      `${lockKind} lock on ${regionText(region)} conflicts with a lock held ${ownerPid === undefined ? 'elsewhere' : `by pid ${ownerPid}`}`,
    );
  }
}

/** The OS refused for another reason (bad descriptor, NFS, no locks left). */
export class LockIoError extends LockError<'LockIoError'> {
  constructor(override readonly cause: OSError) {
    super('LockIoError', `lock operation failed: ${cause.message}`);
  }
}

/** `unlock` was given a handle that was already unlocked. */
export class LockAlreadyReleased extends VllsiError<'LockAlreadyReleased'> {
  constructor(readonly handle: LockHandle) {
    super('LockAlreadyReleased', `lock handle for fd ${handle.fd} ${regionText(handle.region)} was already unlocked`);
  }
}

/** `unlock` was given a handle whose descriptor no longer names the file it locked. Nothing was unlocked. */
export class LockHandleStale extends VllsiError<'LockHandleStale'> {
  constructor(readonly handle: LockHandle) {
    super(
      'LockHandleStale',
      `lock handle for fd ${handle.fd} ${regionText(handle.region)} is stale: fd ${handle.fd} now names another file (was it closed?); nothing unlocked`,
    );
  }
}

/** A held lock. `unlock` consumes it; `held` turns false then. */
export class LockHandle {
  #held = true;
  /** @internal only tryLock makes handles */
  constructor(
    readonly fd: FileDesc,
    readonly region: LockRegion,
    readonly lockKind: LockKind,
    /** @internal the file fd was open on (OsBackend.fileIdentity) */
    readonly file: string,
  ) {}
  get held(): boolean {
    return this.#held;
  }
  /** @internal */
  static release(h: LockHandle): boolean {
    const was = h.#held;
    h.#held = false;
    return was;
  }
}

/** One non-blocking attempt to lock `region` of `fd`. */
export function tryLock(fd: FileDesc, region: LockRegion, kind: LockKind): LockHandle {
  fileDesc(fd);
  const r = checkRegion(region);
  if (kind !== LockKind.Shared && kind !== LockKind.Exclusive) throw new InvalidArgument('lock kind', kind, 'must be LockKind.Shared or LockKind.Exclusive');
  checkFdPermission('lock', fd);
  const backend = os('tryLock');
  let outcome;
  let file;
  try {
    file = backend.fileIdentity(fd);
    outcome = backend.tryLockRegion(fd, kind, r.start, r.length);
  } catch (e) {
    throw asLockError(e);
  }
  if (!outcome.ok) throw new LockConflict(r, kind, outcome.ownerPid);
  return new LockHandle(fd, r, kind, file);
}

/** Releases the lock and consumes the handle; a second unlock throws LockAlreadyReleased. */
export function unlock(handle: LockHandle): void {
  if (!(handle instanceof LockHandle)) throw new InvalidArgument('lock handle', handle, 'must be a LockHandle from tryLock');
  if (!handle.held) throw new LockAlreadyReleased(handle);
  checkFdPermission('lock', handle.fd);
  const backend = os('unlock');
  const { start, length } = checkRegion(handle.region);
  let file;
  try {
    file = backend.fileIdentity(handle.fd);
  } catch {
    file = undefined; // closed: the OS dropped the lock with it
  }
  if (file !== handle.file) throw new LockHandleStale(handle);
  try {
    backend.unlockRegion(handle.fd, start, length);
  } catch (e) {
    throw asLockError(e);
  }
  LockHandle.release(handle);
}

/** Exclusive lock on the single byte at `offset` (SQLite's PENDING_BYTE, RESERVED_BYTE). */
export function tryLockByteExclusive(fd: FileDesc, offset: number): LockHandle {
  return tryLock(fd, { start: offset, length: 1 }, LockKind.Exclusive);
}

/** Shared lock on the single byte at `offset`. */
export function tryLockByteShared(fd: FileDesc, offset: number): LockHandle {
  return tryLock(fd, { start: offset, length: 1 }, LockKind.Shared);
}

function asLockError(e: unknown): unknown {
  return e instanceof OSError ? new LockIoError(e) : e;
}

function checkRegion(region: LockRegion): LockRegion {
  if (region === null || typeof region !== 'object') throw new InvalidArgument('lock region', region, 'must be { start, length }');
  const { start, length } = region;
  if (!Number.isSafeInteger(start) || start < 0) throw new InvalidArgument('lock region start', start, 'must be a non-negative safe integer');
  if (length !== -1 && (!Number.isSafeInteger(length) || length < 1)) {
    throw new InvalidArgument('lock region length', length, 'must be a positive safe integer, or -1 for "to end of file"');
  }
  if (length !== -1 && !Number.isSafeInteger(start + length)) {
    throw new InvalidArgument('lock region end', start + length, `start ${start} + length ${length} passes 2^53: lock to end of file with length -1`);
  }
  return { start, length };
}

function regionText(r: LockRegion): string {
  return r.length === -1 ? `bytes ${describe(r.start)}..EOF` : `bytes ${describe(r.start)}..${describe(r.start + r.length - 1)}`;
}
