// sys.durability: the crash-safe persistence primitives, named for the import site,
// and `atomicWrite` (the rename-after-write pattern built on them).
import { InvalidArgument } from './errors.js';
import { fullFsync, syncDirectory } from './sys_common.js';
import { checkOsPath, os } from './os.js';
import { fileDesc } from './common.js';
import { checkPermission } from './permissions.js';

export { fullFsync, syncDirectory };

/**
 * Replaces the file at `path` with `bytes` so that after a crash (process kill or power
 * loss) the path holds either the complete old content or the complete new one: write a
 * temp file beside it, fully sync it, rename it over `path`, sync the directory.
 * On failure the temp file is removed and `path` is untouched.
 */
export function atomicWrite(path: string, bytes: Uint8Array): void {
  checkOsPath(path);
  if (!(bytes instanceof Uint8Array)) throw new InvalidArgument('bytes', bytes, 'must be a Uint8Array');
  checkPermission('file', path);
  const backend = os('atomicWrite');
  const suffix = new Uint8Array(6);
  backend.randomBytes(suffix);
  const tmp = `${path}.tmp-${Array.from(suffix, (b) => b.toString(16).padStart(2, '0')).join('')}`;
  const fd = fileDesc(backend.open(tmp, { write: true, create: true, exclusive: true }, 0o644));
  let renamed = false;
  try {
    for (let done = 0; done < bytes.length; ) done += backend.pwrite(fd, bytes.subarray(done), done);
    fullFsync(fd);
    backend.close(fd);
    backend.rename(tmp, path);
    renamed = true;
    syncDirectory(parentDirectory(path));
  } catch (e) {
    if (!renamed) {
      try { backend.close(fd); } catch { /* already closed */ }
      try { backend.unlink(tmp); } catch { /* nothing to remove */ }
    }
    throw e;
  }
}

/** The directory holding `path` ('.' for a bare name); both separators, for Windows. */
export function parentDirectory(path: string): string {
  const cut = Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\'));
  if (cut < 0) return '.';
  if (cut === 0) return path[0]!;
  if (cut === 2 && path[1] === ':') return path.slice(0, 3);
  return path.slice(0, cut);
}
