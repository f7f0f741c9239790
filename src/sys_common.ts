// sys.common: the cross-platform file and random helpers. Each entry point checks its
// arguments (a throwing call has had no effect), then asks the installed OS backend.
// Every OS failure is an OSError with the OS's raw code; see src/os.ts.
import { InvalidArgument } from './errors.js';
import { fileDesc, type FileDesc } from './common.js';
import { checkOsPath, os } from './os.js';
import { checkFdPermission, checkPermission } from './permissions.js';

/** `access` modes (POSIX values; Windows honours F_OK and W_OK only). */
export const F_OK = 0;
export const X_OK = 1;
export const W_OK = 2;
export const R_OK = 4;

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

/** Fills `buf` with cryptographically secure random bytes (getrandom / SecRandomCopyBytes / BCryptGenRandom). */
export function randomBytes(buf: Uint8Array): void {
  checkBuffer(buf);
  checkPermission('random', 'randomBytes');
  os('randomBytes').randomBytes(buf);
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
