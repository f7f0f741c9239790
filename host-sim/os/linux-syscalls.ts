// Linux syscall numbers of the reference's sys.linux (arch.vr): x86_64 and aarch64.
// x86_64 numbers from arch/x86/entry/syscalls/syscall_64.tbl; aarch64 uses the generic
// table (include/uapi/asm-generic/unistd.h), which has none of the legacy path calls —
// only their portable *at (or newer) forms.
import { InvalidArgument, VllsiError } from '../../src/errors.js';

export type LinuxArch = 'x86_64' | 'aarch64';

/** Calls both architectures have. */
const SHARED = [
  'read', 'write', 'close', 'fstat', 'lseek', 'mmap', 'mprotect', 'munmap', 'brk', 'rt_sigaction', 'rt_sigprocmask',
  'rt_sigreturn', 'ioctl', 'pread64', 'pwrite64', 'readv', 'writev', 'sched_yield', 'mremap', 'msync', 'madvise',
  'dup', 'nanosleep', 'getpid', 'socket', 'connect', 'accept', 'sendto', 'recvfrom', 'shutdown', 'bind', 'listen',
  'clone', 'execve', 'exit', 'wait4', 'kill', 'uname', 'fcntl', 'flock', 'fsync', 'fdatasync', 'truncate', 'ftruncate',
  'getcwd', 'chdir', 'gettimeofday', 'getuid', 'gettid', 'futex', 'getdents64', 'clock_gettime', 'clock_nanosleep',
  'exit_group', 'tgkill', 'openat', 'mkdirat', 'fchownat', 'newfstatat', 'unlinkat', 'renameat', 'linkat', 'symlinkat',
  'readlinkat', 'fchmodat', 'faccessat', 'pselect6', 'ppoll', 'epoll_ctl', 'epoll_pwait', 'accept4', 'eventfd2',
  'epoll_create1', 'dup3', 'pipe2', 'prlimit64', 'renameat2', 'getrandom', 'memfd_create', 'bpf', 'execveat', 'statx',
  'io_uring_setup', 'io_uring_enter', 'io_uring_register', 'clone3', 'faccessat2',
] as const;

/** x86_64-only legacy calls, each with the portable call that replaces it on every arch. */
export const LEGACY_TO_PORTABLE: Readonly<Record<string, string>> = {
  open: 'openat', stat: 'newfstatat', lstat: 'newfstatat', poll: 'ppoll', access: 'faccessat', pipe: 'pipe2',
  select: 'pselect6', dup2: 'dup3', fork: 'clone', vfork: 'clone', getdents: 'getdents64', rename: 'renameat',
  mkdir: 'mkdirat', rmdir: 'unlinkat', creat: 'openat', link: 'linkat', unlink: 'unlinkat', symlink: 'symlinkat',
  readlink: 'readlinkat', chmod: 'fchmodat', chown: 'fchownat', epoll_create: 'epoll_create1', epoll_wait: 'epoll_pwait',
};

export const LINUX_SYSCALLS_X86_64: Readonly<Record<string, number>> = {
  read: 0, write: 1, open: 2, close: 3, stat: 4, fstat: 5, lstat: 6, poll: 7, lseek: 8, mmap: 9, mprotect: 10,
  munmap: 11, brk: 12, rt_sigaction: 13, rt_sigprocmask: 14, rt_sigreturn: 15, ioctl: 16, pread64: 17, pwrite64: 18,
  readv: 19, writev: 20, access: 21, pipe: 22, select: 23, sched_yield: 24, mremap: 25, msync: 26, madvise: 28,
  dup: 32, dup2: 33, nanosleep: 35, getpid: 39, socket: 41, connect: 42, accept: 43, sendto: 44, recvfrom: 45,
  shutdown: 48, bind: 49, listen: 50, clone: 56, fork: 57, vfork: 58, execve: 59, exit: 60, wait4: 61, kill: 62,
  uname: 63, fcntl: 72, flock: 73, fsync: 74, fdatasync: 75, truncate: 76, ftruncate: 77, getdents: 78, getcwd: 79,
  chdir: 80, rename: 82, mkdir: 83, rmdir: 84, creat: 85, link: 86, unlink: 87, symlink: 88, readlink: 89, chmod: 90,
  chown: 92, gettimeofday: 96, getuid: 102, gettid: 186, futex: 202, epoll_create: 213, getdents64: 217,
  clock_gettime: 228, clock_nanosleep: 230, exit_group: 231, epoll_wait: 232, epoll_ctl: 233, tgkill: 234, openat: 257,
  mkdirat: 258, fchownat: 260, newfstatat: 262, unlinkat: 263, renameat: 264, linkat: 265, symlinkat: 266,
  readlinkat: 267, fchmodat: 268, faccessat: 269, pselect6: 270, ppoll: 271, epoll_pwait: 281, accept4: 288,
  eventfd2: 290, epoll_create1: 291, dup3: 292, pipe2: 293, prlimit64: 302, renameat2: 316, getrandom: 318,
  memfd_create: 319, bpf: 321, execveat: 322, statx: 332, io_uring_setup: 425, io_uring_enter: 426,
  io_uring_register: 427, clone3: 435, faccessat2: 439,
};

export const LINUX_SYSCALLS_AARCH64: Readonly<Record<string, number>> = {
  getcwd: 17, eventfd2: 19, epoll_create1: 20, epoll_ctl: 21, epoll_pwait: 22, dup: 23, dup3: 24, fcntl: 25, ioctl: 29,
  flock: 32, mkdirat: 34, unlinkat: 35, symlinkat: 36, linkat: 37, renameat: 38, truncate: 45, ftruncate: 46,
  faccessat: 48, chdir: 49, fchmodat: 53, fchownat: 54, openat: 56, close: 57, pipe2: 59, getdents64: 61, lseek: 62,
  read: 63, write: 64, readv: 65, writev: 66, pread64: 67, pwrite64: 68, pselect6: 72, ppoll: 73, readlinkat: 78,
  newfstatat: 79, fstat: 80, fsync: 82, fdatasync: 83, exit: 93, exit_group: 94, futex: 98, nanosleep: 101,
  clock_gettime: 113, clock_nanosleep: 115, sched_yield: 124, kill: 129, tgkill: 131, rt_sigaction: 134,
  rt_sigprocmask: 135, rt_sigreturn: 139, uname: 160, gettimeofday: 169, getpid: 172, getuid: 174, gettid: 178,
  socket: 198, bind: 200, listen: 201, accept: 202, connect: 203, sendto: 206, recvfrom: 207, shutdown: 210, brk: 214,
  munmap: 215, mremap: 216, clone: 220, execve: 221, mmap: 222, mprotect: 226, msync: 227, madvise: 233, accept4: 242,
  wait4: 260, prlimit64: 261, renameat2: 276, getrandom: 278, memfd_create: 279, bpf: 280, execveat: 281, statx: 291,
  io_uring_setup: 425, io_uring_enter: 426, io_uring_register: 427, clone3: 435, faccessat2: 439,
};

/** The names every architecture has (the portable set). */
export const PORTABLE_SYSCALLS: readonly string[] = SHARED;

/** A legacy x86_64-only call was asked for on aarch64. */
export class SyscallUnavailable extends VllsiError<'SyscallUnavailable'> {
  constructor(
    readonly syscall: string,
    readonly arch: LinuxArch,
    readonly replacement: string,
  ) {
    super('SyscallUnavailable', `syscall ${syscall} does not exist on ${arch} (x86_64-only legacy call): use ${replacement}`);
  }
}

/** The number of `name` on `arch`; a typed error for legacy calls off x86_64 and for unknown names. */
export function syscallNumber(arch: LinuxArch, name: string): number {
  const table = arch === 'x86_64' ? LINUX_SYSCALLS_X86_64 : arch === 'aarch64' ? LINUX_SYSCALLS_AARCH64 : undefined;
  if (table === undefined) throw new InvalidArgument('architecture', arch, "must be 'x86_64' or 'aarch64'");
  const n = Object.hasOwn(table, name) ? table[name] : undefined;
  if (n !== undefined) return n;
  const replacement = Object.hasOwn(LEGACY_TO_PORTABLE, name) ? LEGACY_TO_PORTABLE[name] : undefined;
  if (replacement !== undefined) throw new SyscallUnavailable(name, arch, replacement);
  throw new InvalidArgument('syscall name', name, `is not in the ${arch} table`);
}

/** Node's `process.arch` as the reference's architecture name, when it is one of the two. */
export function linuxArch(nodeArch: string): LinuxArch | undefined {
  return nodeArch === 'x64' ? 'x86_64' : nodeArch === 'arm64' ? 'aarch64' : undefined;
}
