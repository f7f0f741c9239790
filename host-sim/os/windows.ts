// Windows: Win32 / Winsock error codes (Node reports POSIX names; we map them back to the
// Win32 code for the cases in WINDOWS_FROM_POSIX). fullFsync is libuv's fsync =
// FlushFileBuffers; syncDirectory checks the path and does nothing else (NTFS journals
// directory updates). Locks: LockFileEx, conflict = ERROR_LOCK_VIOLATION. SIGTERM does not
// exist there (Node can only emulate SIGINT and SIGHUP, from the console).
import { WINDOWS_ERROR, WINDOWS_FROM_POSIX } from './errno.js';
import { NodeOsBackend, type PlatformTable } from './node-backend.js';

const names = new Map<number, string>(Object.entries(WINDOWS_ERROR).map(([k, v]) => [v, k]));

export const windowsTable: PlatformTable = {
  name: 'windows',
  codeOf: (n) => {
    if (Object.hasOwn(WINDOWS_ERROR, n)) return WINDOWS_ERROR[n];
    const w = Object.hasOwn(WINDOWS_FROM_POSIX, n) ? WINDOWS_FROM_POSIX[n] : undefined;
    return w === undefined ? undefined : WINDOWS_ERROR[w];
  },
  nameOf: (c) => names.get(c),
  lockConflictCodes: [WINDOWS_ERROR.ERROR_LOCK_VIOLATION!],
  fullSync: 'fsync',
  syncsDirectories: false,
  signals: ['SIGINT', 'SIGHUP'],
};

export function windowsBackend(): NodeOsBackend {
  return new NodeOsBackend(windowsTable);
}
