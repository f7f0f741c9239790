// sys.common: the cross-platform file and random helpers. Each entry point checks its
// arguments (a throwing call has had no effect), then asks the installed OS backend.
// Every OS failure is an OSError with the OS's raw code; see src/os.ts.
import { InvalidArgument, OSError } from './errors.js';
import { fileDesc, type FileDesc } from './common.js';
import { checkOsPath, os } from './os.js';
import { checkFdPermission, checkPermission } from './permissions.js';

/** `access` modes (POSIX values; Windows honours F_OK and W_OK only). */
export const F_OK = 0;
export const X_OK = 1;
export const W_OK = 2;
export const R_OK = 4;

/** The reference's `FcntlLockKind` for the raw region helpers. */
export type FcntlLockKind = 'Shared' | 'Exclusive';

/** Reads up to `buf.length` bytes at `offset`; returns the count (0 at end of file). Never moves the fd's offset. */
export function pread(fd: FileDesc, buf: Uint8Array, offset: number): number {
  checkFd(fd);
  checkBuffer(buf);
  checkOffset('offset', offset);
  checkFdPermission('file', fd);
  return os('pread').pread(fd, buf, offset);
}

/** Writes `buf` at `offset`; returns the count written. Never moves the fd's offset. */
export function pwrite(fd: FileDesc, buf: Uint8Array, offset: number): number {
  checkFd(fd);
  checkBuffer(buf);
  checkOffset('offset', offset);
  checkFdPermission('file', fd);
  return os('pwrite').pwrite(fd, buf, offset);
}

export function fileSize(fd: FileDesc): number {
  checkFd(fd);
  checkFdPermission('file', fd);
  return os('fileSize').fileSize(fd);
}

/** Sets the file's length (extending with zeros or cutting). */
export function truncate(fd: FileDesc, length: number): void {
  checkFd(fd);
  checkOffset('length', length);
  checkFdPermission('file', fd);
  os('truncate').truncate(fd, length);
}

/** `true` when `path` allows `mode` (F_OK, or R_OK | W_OK | X_OK); `false` for a plain no; OSError for real failures. */
export function access(path: string, mode: number): boolean {
  checkOsPath(path);
  if (!Number.isInteger(mode) || mode < 0 || mode > 7) throw new InvalidArgument('access mode', mode, 'must be F_OK or a combination of R_OK, W_OK, X_OK');
  checkPermission('file', path);
  return os('access').access(path, mode);
}

/** Returns once the file's data is on stable storage (fdatasync on Linux, F_FULLFSYNC on macOS, FlushFileBuffers on Windows). */
export function fullFsync(fd: FileDesc): void {
  checkFd(fd);
  checkFdPermission('file', fd);
  os('fullFsync').fullFsync(fd);
}

/** Makes a directory's entries (renames, creations, unlinks) durable. No-op on Windows. */
export function syncDirectory(path: string): void {
  checkOsPath(path);
  checkPermission('file', path);
  os('syncDirectory').syncDirectory(path);
}

/** One non-blocking attempt at an advisory lock on [start, start+len) (`len` 0: to end of file). A conflict is an OSError (EAGAIN; ERROR_LOCK_VIOLATION on Windows). */
export function tryLockRegion(fd: FileDesc, kind: FcntlLockKind, start: number, len: number): void {
  checkFd(fd);
  if (kind !== 'Shared' && kind !== 'Exclusive') throw new InvalidArgument('lock kind', kind, "must be 'Shared' or 'Exclusive'");
  checkOffset('lock start', start);
  checkOffset('lock length', len);
  checkFdPermission('lock', fd);
  const backend = os('tryLockRegion');
  const r = backend.lockRegion(fd, kind, start, len);
  if (!r.ok) throw conflictError(r, fd, start, len);
}

/** Releases the advisory locks this descriptor's open file holds on [start, start+len). */
export function unlockRegion(fd: FileDesc, start: number, len: number): void {
  checkFd(fd);
  checkOffset('lock start', start);
  checkOffset('lock length', len);
  checkFdPermission('lock', fd);
  os('unlockRegion').lockRegion(fd, 'Unlock', start, len);
}

/** Fills `buf` with cryptographically secure random bytes (getrandom / SecRandomCopyBytes / BCryptGenRandom). */
export function randomBytes(buf: Uint8Array): void {
  checkBuffer(buf);
  checkPermission('random', 'randomBytes');
  os('randomBytes').randomBytes(buf);
}

function conflictError(r: { code: number; errname: string; ownerPid: number | undefined }, fd: number, start: number, len: number): OSError {
  const region = len === 0 ? `${start}..EOF` : `${start}..${start + len - 1}`;
  const by = r.ownerPid === undefined ? '' : ` (held by pid ${r.ownerPid})`;
  return new OSError(r.code, `lock on fd ${fd} bytes ${region} conflicts with another holder${by}: ${r.errname} (${r.code})`, r.errname);
}

function checkFd(fd: number): void {
  fileDesc(fd);
}

function checkBuffer(buf: Uint8Array): void {
  if (!(buf instanceof Uint8Array)) throw new InvalidArgument('buffer', buf, 'must be a Uint8Array');
}

function checkOffset(what: string, n: number): void {
  if (!Number.isSafeInteger(n) || n < 0) throw new InvalidArgument(what, n, 'must be a non-negative safe integer');
}
