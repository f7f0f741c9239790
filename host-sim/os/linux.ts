// Linux: errno from asm-generic (same on x86_64 and aarch64); fullFsync is fdatasync
// (what the reference asks: data and the metadata needed to read it back, e.g. size).
import { LINUX_ERRNO_X86_64 } from './errno.js';
import { NodeOsBackend } from './node-backend.js';
import { posixTable } from './posix-table.js';

export const linuxTable = posixTable('linux', LINUX_ERRNO_X86_64, 'fdatasync');

export function linuxBackend(): NodeOsBackend {
  return new NodeOsBackend(linuxTable);
}
