// macOS: Darwin errno; fullFsync is libuv's fsync, which on Apple platforms issues
// fcntl(F_FULLFSYNC) (falling back to F_BARRIERFSYNC, then fsync) — plain fsync() would
// leave data in the drive's cache. Locks: F_SETLK (no OFD locks), owner pid from F_GETLK.
import { DARWIN_ERRNO } from './errno.js';
import { NodeOsBackend } from './node-backend.js';
import { posixTable } from './posix-table.js';

export const darwinTable = posixTable('darwin', DARWIN_ERRNO, 'fsync');

export function darwinBackend(): NodeOsBackend {
  return new NodeOsBackend(darwinTable);
}
