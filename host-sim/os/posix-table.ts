// A PlatformTable for a POSIX host from its errno table.
import type { PlatformTable } from './node-backend.js';

export function posixTable(name: 'linux' | 'darwin', errno: Readonly<Record<string, number>>, fullSync: PlatformTable['fullSync']): PlatformTable {
  const names = new Map<number, string>();
  // First name wins: EAGAIN before EWOULDBLOCK, EOPNOTSUPP before ENOTSUP on Linux.
  for (const [k, v] of Object.entries(errno)) if (!names.has(v)) names.set(v, k);
  return {
    name,
    codeOf: (n) => (Object.hasOwn(errno, n) ? errno[n] : undefined),
    nameOf: (c) => names.get(c),
    // POSIX lets F_SETLK report a conflict as EAGAIN or EACCES.
    lockConflictCodes: [errno.EAGAIN!, errno.EACCES!],
    fullSync,
    syncsDirectories: true,
    signals: ['SIGINT', 'SIGTERM', 'SIGHUP'],
  };
}
