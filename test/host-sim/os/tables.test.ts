// The platform tables as data: errno numbers per OS, the Win32 codes we map, and the
// Linux syscall numbers of x86_64 and aarch64, checked against known values (and, for the
// platform we run on, against Node's own compiled-in constants).
import os from 'node:os';
import { describe, expect, it } from 'vitest';
import {
  LINUX_ERRNO_X86_64,
  LINUX_ERRNO_AARCH64,
  DARWIN_ERRNO,
  WINDOWS_ERROR,
  WINDOWS_FROM_POSIX,
  LINUX_SYSCALLS_X86_64,
  LINUX_SYSCALLS_AARCH64,
  LEGACY_TO_PORTABLE,
  PORTABLE_SYSCALLS,
  syscallNumber,
  linuxArch,
  SyscallUnavailable,
} from '../../../host-sim/os/index.js';
import { InvalidArgument } from '../../../src/index.js';

describe('errno tables', () => {
  it('Linux: known values, identical on x86_64 and aarch64 (asm-generic)', () => {
    expect(LINUX_ERRNO_AARCH64).toEqual(LINUX_ERRNO_X86_64);
    expect(LINUX_ERRNO_X86_64).toMatchObject({
      EPERM: 1,
      ENOENT: 2,
      EBADF: 9,
      EAGAIN: 11,
      EWOULDBLOCK: 11,
      EACCES: 13,
      EEXIST: 17,
      EINVAL: 22,
      ENOSPC: 28,
      EDEADLK: 35,
      ENOLCK: 37,
      ENOSYS: 38,
      ELOOP: 40,
      ETIME: 62,
      EOPNOTSUPP: 95,
      EADDRINUSE: 98,
      ECONNRESET: 104,
      ETIMEDOUT: 110,
      ECONNREFUSED: 111,
      EINPROGRESS: 115,
      ECANCELED: 125,
    });
  });

  it('Linux: every name agrees with the constants Node was compiled with (when running on Linux)', () => {
    if (process.platform !== 'linux') return;
    const node = os.constants.errno as Record<string, number>;
    let checked = 0;
    for (const [name, code] of Object.entries(LINUX_ERRNO_X86_64)) {
      if (node[name] === undefined) continue;
      expect([name, node[name]]).toEqual([name, code]);
      checked++;
    }
    expect(checked).toBeGreaterThan(70);
  });

  it('Darwin: known values where it differs from Linux', () => {
    expect(DARWIN_ERRNO).toMatchObject({
      ENOENT: 2,
      EDEADLK: 11,
      EAGAIN: 35,
      EWOULDBLOCK: 35,
      EINPROGRESS: 36,
      ENOTSUP: 45,
      EADDRINUSE: 48,
      ECONNRESET: 54,
      ETIMEDOUT: 60,
      ECONNREFUSED: 61,
      ELOOP: 62,
      ENAMETOOLONG: 63,
      ENOTEMPTY: 66,
      ENOLCK: 77,
      ENOSYS: 78,
      ECANCELED: 89,
      ETIME: 101,
      EOPNOTSUPP: 102,
    });
    if (process.platform === 'darwin') {
      for (const [name, code] of Object.entries(DARWIN_ERRNO)) {
        const n = (os.constants.errno as Record<string, number>)[name];
        if (n !== undefined) expect([name, n]).toEqual([name, code]);
      }
    }
  });

  it('a table maps each number back to one name, and names are unique per number except known aliases', () => {
    for (const table of [LINUX_ERRNO_X86_64, DARWIN_ERRNO]) {
      const byCode = new Map<number, string[]>();
      for (const [k, v] of Object.entries(table)) byCode.set(v, [...(byCode.get(v) ?? []), k]);
      for (const names of byCode.values()) {
        if (names.length > 1) expect(names.sort()).toSatisfy((n: string[]) => ['EAGAIN,EWOULDBLOCK', 'ENOTSUP,EOPNOTSUPP'].includes(n.join(',')));
      }
    }
  });

  it('Windows: known Win32 and Winsock codes; every mapped POSIX name lands on a listed code', () => {
    expect(WINDOWS_ERROR).toMatchObject({
      ERROR_FILE_NOT_FOUND: 2,
      ERROR_ACCESS_DENIED: 5,
      ERROR_INVALID_HANDLE: 6,
      ERROR_LOCK_VIOLATION: 33,
      ERROR_ALREADY_EXISTS: 183,
      ERROR_NOT_LOCKED: 158,
      ERROR_OPERATION_ABORTED: 995,
      WSAECONNREFUSED: 10061,
    });
    for (const [posix, win] of Object.entries(WINDOWS_FROM_POSIX)) {
      expect(WINDOWS_ERROR[win], `${posix} → ${win}`).toBeTypeOf('number');
    }
  });
});

describe('Linux syscall tables', () => {
  it('x86_64 known numbers', () => {
    expect(LINUX_SYSCALLS_X86_64).toMatchObject({
      read: 0,
      write: 1,
      open: 2,
      close: 3,
      mmap: 9,
      pread64: 17,
      getpid: 39,
      exit: 60,
      fcntl: 72,
      fsync: 74,
      fdatasync: 75,
      gettid: 186,
      futex: 202,
      clock_gettime: 228,
      exit_group: 231,
      openat: 257,
      newfstatat: 262,
      getrandom: 318,
      io_uring_setup: 425,
      clone3: 435,
    });
  });

  it('aarch64 known numbers (asm-generic)', () => {
    expect(LINUX_SYSCALLS_AARCH64).toMatchObject({
      openat: 56,
      close: 57,
      read: 63,
      write: 64,
      pread64: 67,
      newfstatat: 79,
      fsync: 82,
      exit: 93,
      exit_group: 94,
      futex: 98,
      clock_gettime: 113,
      getpid: 172,
      gettid: 178,
      mmap: 222,
      getrandom: 278,
      io_uring_setup: 425,
    });
  });

  it('legacy calls exist on x86_64 only; their portable replacements exist on both', () => {
    for (const [legacy, portable] of Object.entries(LEGACY_TO_PORTABLE)) {
      expect(LINUX_SYSCALLS_X86_64[legacy], legacy).toBeTypeOf('number');
      expect(Object.hasOwn(LINUX_SYSCALLS_AARCH64, legacy), legacy).toBe(false);
      expect(LINUX_SYSCALLS_X86_64[portable], portable).toBeTypeOf('number');
      expect(LINUX_SYSCALLS_AARCH64[portable], portable).toBeTypeOf('number');
      expect(() => syscallNumber('aarch64', legacy)).toThrow(SyscallUnavailable);
    }
  });

  it('the portable set is exactly what aarch64 has, and no number repeats within an arch', () => {
    expect(Object.keys(LINUX_SYSCALLS_AARCH64).sort()).toEqual([...PORTABLE_SYSCALLS].sort());
    for (const name of PORTABLE_SYSCALLS) expect(LINUX_SYSCALLS_X86_64[name], name).toBeTypeOf('number');
    for (const t of [LINUX_SYSCALLS_X86_64, LINUX_SYSCALLS_AARCH64]) {
      expect(new Set(Object.values(t)).size).toBe(Object.keys(t).length);
    }
  });

  it('syscallNumber looks up, and refuses unknown names and arches with typed errors', () => {
    expect(syscallNumber('x86_64', 'openat')).toBe(257);
    expect(syscallNumber('aarch64', 'openat')).toBe(56);
    expect(syscallNumber('x86_64', 'open')).toBe(2);
    expect(() => syscallNumber('aarch64', 'open')).toThrow(/use openat/);
    expect(() => syscallNumber('x86_64', 'frobnicate')).toThrow(InvalidArgument);
    expect(() => syscallNumber('riscv64' as 'x86_64', 'read')).toThrow(InvalidArgument);
    expect(() => syscallNumber('x86_64', 'toString')).toThrow(InvalidArgument);
    expect(linuxArch('x64')).toBe('x86_64');
    expect(linuxArch('arm64')).toBe('aarch64');
    expect(linuxArch('ia32')).toBeUndefined();
  });
});
