// The Node implementation of the OS backend (src/os.ts), shared by the linux, darwin and
// windows backends: they differ only in their platform table (error numbers, how a full
// sync is done, which signals exist, which lock errors mean "conflict").
import crypto from 'node:crypto';
import fs from 'node:fs';
import { OSError } from '../../src/errors.js';
import {
  UnsupportedSignal,
  CLOCK_MONOTONIC,
  type ClockId,
  type FileKind,
  type OpenFlags,
  type OsBackend,
  type PortableSignal,
  type LockKind,
  type RawLockResult,
} from '../../src/os.js';
import type { IoDriver, IoEngineConfig } from '../../src/io_driver.js';
import { ERROR_TEXT } from './errno.js';
import { nativeOs, type NativeOs } from './native.js';
import { LibuvDriver } from './libuv-driver.js';

export interface PlatformTable {
  readonly name: 'linux' | 'darwin' | 'windows';
  /** The OS's code for a POSIX error name as Node reports it (`err.code`). */
  codeOf(posixName: string): number | undefined;
  /** The name to show for an OS code (ENOENT, ERROR_LOCK_VIOLATION). */
  nameOf(code: number): string | undefined;
  /** Raw lock-call codes that mean "another holder has it" rather than a failure. */
  readonly lockConflictCodes: readonly number[];
  /** What `fullFsync` calls: libuv's fdatasync (Linux) or fsync (F_FULLFSYNC on macOS, FlushFileBuffers on Windows). */
  readonly fullSync: 'fdatasync' | 'fsync';
  /** POSIX needs an fsync of the directory after a rename; NTFS journals it (reference: no-op). */
  readonly syncsDirectories: boolean;
  readonly signals: readonly PortableSignal[];
}

/** The addon's setlk/getlk kinds (native/os/os.c). */
const SETLK_UNLOCK = 0 as const,
  SETLK_SHARED = 1 as const,
  SETLK_EXCLUSIVE = 2 as const;
/** A LockRegion's length (-1 = to end of file) as the OS spells it (0 = to end of file). */
const osLength = (length: number) => (length === -1 ? 0 : length);
const lockedBytes = (fd: number, start: number, length: number) => `fd ${fd} bytes ${start}..${length === -1 ? 'EOF' : start + length - 1}`;

/** Errors that mean a plain "no" for access(). */
const ACCESS_NO = new Set(['ENOENT', 'EACCES', 'EPERM', 'EROFS', 'ENOTDIR', 'ETXTBSY']);

export class NodeOsBackend implements OsBackend {
  readonly name: string;
  constructor(
    readonly table: PlatformTable,
    /** The lock/thread addon; tests pass a variant built with classic POSIX locks. */
    private readonly addon: () => NativeOs = nativeOs,
  ) {
    this.name = table.name;
  }

  errno(name: string): number {
    const code = this.table.codeOf(name);
    if (code === undefined) throw new OSError(-1, `no ${this.name} error number for ${name}`, name);
    return code;
  }

  /** A Node error (or a raw OS code) as an OSError with this platform's code. */
  osError(e: unknown, what: string): OSError {
    if (typeof e === 'number') {
      const name = this.table.nameOf(e) ?? `code ${e}`;
      return new OSError(e, `${what}: ${name} (${e})${text(name)}`, this.table.nameOf(e));
    }
    const err = e as NodeJS.ErrnoException;
    if (typeof err?.code !== 'string') return new OSError(-1, `${what}: ${String((e as Error)?.message ?? e)}`);
    const code = this.table.codeOf(err.code) ?? (typeof err.errno === 'number' ? -err.errno : -1);
    return new OSError(code, `${what}: ${err.code} (${code})${text(err.code)}`, err.code);
  }

  #try<T>(what: string, fn: () => T): T {
    try {
      return fn();
    } catch (e) {
      throw this.osError(e, what);
    }
  }

  open(path: string, f: OpenFlags, mode: number): number {
    const c = fs.constants;
    const access = f.write ? (f.read ? c.O_RDWR : c.O_WRONLY) : c.O_RDONLY;
    const flags = access | (f.create ? c.O_CREAT : 0) | (f.truncate ? c.O_TRUNC : 0) | (f.exclusive ? c.O_EXCL : 0) | (f.append ? c.O_APPEND : 0);
    return this.#try(`open ${JSON.stringify(path)}`, () => fs.openSync(path, flags, mode));
  }
  close(fd: number): void {
    this.#try(`close fd ${fd}`, () => fs.closeSync(fd));
  }
  rename(from: string, to: string): void {
    this.#try(`rename ${JSON.stringify(from)} to ${JSON.stringify(to)}`, () => fs.renameSync(from, to));
  }
  unlink(path: string): void {
    this.#try(`unlink ${JSON.stringify(path)}`, () => fs.unlinkSync(path));
  }
  // fs.readSync/writeSync with a position use pread/pwrite: the descriptor's offset stays put.
  pread(fd: number, buf: Uint8Array, offset: number): number {
    return this.#try(`pread fd ${fd} at ${offset}`, () => fs.readSync(fd, buf, 0, buf.length, offset));
  }
  pwrite(fd: number, buf: Uint8Array, offset: number): number {
    return this.#try(`pwrite fd ${fd} at ${offset}`, () => fs.writeSync(fd, buf, 0, buf.length, offset));
  }
  fileSize(fd: number): number {
    return this.#try(`fstat fd ${fd}`, () => fs.fstatSync(fd).size);
  }
  truncate(fd: number, length: number): void {
    this.#try(`ftruncate fd ${fd} to ${length}`, () => fs.ftruncateSync(fd, length));
  }
  access(path: string, mode: number): boolean {
    try {
      fs.accessSync(path, mode);
      return true;
    } catch (e) {
      if (ACCESS_NO.has((e as NodeJS.ErrnoException).code ?? '')) return false;
      throw this.osError(e, `access ${JSON.stringify(path)}`);
    }
  }
  fullFsync(fd: number): void {
    if (this.table.fullSync === 'fdatasync') this.#try(`fdatasync fd ${fd}`, () => fs.fdatasyncSync(fd));
    else this.#try(`fsync fd ${fd}`, () => fs.fsyncSync(fd));
  }
  syncDirectory(path: string): void {
    const what = `sync directory ${JSON.stringify(path)}`;
    if (!this.table.syncsDirectories) {
      // Nothing to flush (NTFS), but a missing or non-directory path is still an error.
      if (!this.#try(what, () => fs.statSync(path)).isDirectory()) throw this.osError(Object.assign(new Error('not a directory'), { code: 'ENOTDIR' }), what);
      return;
    }
    const fd = this.#try(what, () => fs.openSync(path, fs.constants.O_RDONLY));
    try {
      // fsync of a regular file opened here would succeed and sync nothing the caller meant.
      if (!this.#try(what, () => fs.fstatSync(fd)).isDirectory()) throw this.osError(Object.assign(new Error('not a directory'), { code: 'ENOTDIR' }), what);
      this.#try(what, () => fs.fsyncSync(fd));
    } finally {
      fs.closeSync(fd);
    }
  }
  tryLockRegion(fd: number, kind: LockKind, start: number, length: number): RawLockResult {
    const k = kind === 'Shared' ? SETLK_SHARED : SETLK_EXCLUSIVE;
    const code = this.setlk(fd, k, start, length);
    if (code === 0) return { ok: true };
    if (!this.table.lockConflictCodes.includes(code)) throw this.osError(code, `${kind.toLowerCase()} lock ${lockedBytes(fd, start, length)}`);
    const owner = this.addon().getlk(fd, k, start, osLength(length));
    return { ok: false, code, errname: this.table.nameOf(code) ?? `code ${code}`, ownerPid: owner > 0 ? owner : undefined };
  }
  unlockRegion(fd: number, start: number, length: number): void {
    const code = this.setlk(fd, SETLK_UNLOCK, start, length);
    if (code !== 0) throw this.osError(code, `unlock ${lockedBytes(fd, start, length)}`);
  }
  private setlk(fd: number, kind: 0 | 1 | 2, start: number, length: number): number {
    return this.addon().setlk(fd, kind, start, osLength(length));
  }
  randomBytes(buf: Uint8Array): void {
    this.#try(`random ${buf.length} bytes`, () => crypto.randomFillSync(buf));
  }
  fileKind(path: string): FileKind {
    const st = this.#try(`lstat ${JSON.stringify(path)}`, () => fs.lstatSync(path, { throwIfNoEntry: false }));
    if (st === undefined) return 'missing';
    return st.isFile() ? 'file' : st.isDirectory() ? 'directory' : st.isSymbolicLink() ? 'symlink' : st.isFIFO() ? 'fifo' : st.isSocket() ? 'socket' : 'device';
  }
  realPath(path: string): string {
    return this.#try(`realpath ${JSON.stringify(path)}`, () => fs.realpathSync.native(path));
  }
  fileIdentity(fd: number): string {
    const st = this.#try(`fstat fd ${fd}`, () => fs.fstatSync(fd, { bigint: true }));
    return `${st.dev}:${st.ino}`;
  }
  listDirectory(path: string): string[] {
    return this.#try(`readdir ${JSON.stringify(path)}`, () => fs.readdirSync(path));
  }

  getpid(): number {
    return process.pid;
  }
  gettid(): number {
    return this.addon().gettid();
  }
  exit(code: number): never {
    process.exit(code);
  }
  clockGettime(clock: ClockId): { sec: number; nsec: number } {
    if (clock === CLOCK_MONOTONIC) {
      const ns = process.hrtime.bigint();
      return { sec: Number(ns / 1_000_000_000n), nsec: Number(ns % 1_000_000_000n) };
    }
    // Wall clock with sub-millisecond resolution: the epoch time of process start plus a monotonic delta.
    const us = Math.round((performance.timeOrigin + performance.now()) * 1000);
    return { sec: Math.floor(us / 1e6), nsec: (us % 1e6) * 1000 };
  }
  onSignal(signal: PortableSignal, handler: (signal: PortableSignal) => void): () => void {
    if (!this.table.signals.includes(signal)) throw new UnsupportedSignal(signal, this.name);
    const listener = () => handler(signal);
    process.on(signal, listener);
    return () => void process.off(signal, listener);
  }

  ioDriver(config: IoEngineConfig): IoDriver {
    return new LibuvDriver(this, config);
  }
}

function text(name: string | undefined): string {
  const t = name === undefined ? undefined : ERROR_TEXT[name];
  return t === undefined ? '' : `: ${t}`;
}
