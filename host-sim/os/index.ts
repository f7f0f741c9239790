// Host OS backends for Node: picks linux, darwin or windows from the running platform
// and installs it into src/ (`installHostOs()`), after which sys.common, locking,
// durability, the I/O engine and the process/time/signal calls work for real.
import { InvalidArgument } from '../../src/errors.js';
import { installOsBackend, type OsBackend } from '../../src/os.js';
import { darwinBackend } from './darwin.js';
import { linuxBackend } from './linux.js';
import type { NodeOsBackend } from './node-backend.js';
import { windowsBackend } from './windows.js';

export { linuxBackend, darwinBackend, windowsBackend };
export { NodeOsBackend } from './node-backend.js';
export { NativeAddonMissing } from './native.js';
export * from './errno.js';
export * from './linux-syscalls.js';

/** The backend for a Node platform name (`process.platform`). */
export function hostOsBackend(platform: string = process.platform): NodeOsBackend {
  if (platform === 'linux') return linuxBackend();
  if (platform === 'darwin') return darwinBackend();
  if (platform === 'win32') return windowsBackend();
  throw new InvalidArgument('platform', platform, 'has no OS backend: linux, darwin and win32 do');
}

/** Installs the running platform's backend; returns the one it replaced. */
export function installHostOs(): OsBackend | undefined {
  return installOsBackend(hostOsBackend());
}
