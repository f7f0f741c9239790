// sys.durability: the crash-safe persistence primitives, named for the import site,
// and `atomicWrite` (the rename-after-write pattern built on them).
import { InvalidArgument, VllsiError, describe } from './errors.js';
import { fullFsync, syncDirectory } from './sys_common.js';
import { checkOsPath, os, type FileKind, type OsBackend } from './os.js';
import { fileDesc } from './common.js';
import { checkPermission } from './permissions.js';

export { fullFsync, syncDirectory };

/** Longest file name (one path component) the host file systems take: ext4, APFS, NTFS. */
const NAME_MAX = 255;
const TEMP_MARK = '.tmp-';
/** Hex digits of the random part of a temp name. */
const TEMP_DIGITS = 12;

/** atomicWrite's target is not a regular file (or a symlink to one): nothing was written. */
export class NotRegularFile extends VllsiError<'NotRegularFile'> {
  constructor(
    readonly path: string,
    readonly fileKind: FileKind,
  ) {
    super(
      'NotRegularFile',
      `atomicWrite ${describe(path)}: it is ${fileKind === 'missing' ? 'a symlink to nothing' : `a ${fileKind}`}, not a regular file: refused (nothing written)`,
    );
  }
}

/**
 * Replaces the file at `path` with `bytes` so that after a crash (process kill or power
 * loss) the path holds either the complete old content or the complete new one: write a
 * temp file beside it, fully sync it, rename it over `path`, sync the directory.
 *
 * Every check comes before the first effect: the permission policy is asked once, for the
 * target (the temp file, its sync and the directory sync are part of writing it), and a
 * target that is a directory, device node, FIFO or socket is refused (NotRegularFile). A
 * symlink is written through: the file it points to is replaced and the link stays (a link
 * to nothing is refused). On failure the temp file is removed and the target is untouched.
 * A crash can leave a temp file (`NAME.tmp-XXXXXXXXXXXX`, NAME cut to fit NAME_MAX): see
 * removeStaleTempFiles.
 */
export function atomicWrite(path: string, bytes: Uint8Array): void {
  checkOsPath(path);
  if (!(bytes instanceof Uint8Array)) throw new InvalidArgument('bytes', bytes, 'must be a Uint8Array');
  const backend = os('atomicWrite');
  const target = regularTarget(backend, path);
  checkPermission('file', target);
  const suffix = new Uint8Array(TEMP_DIGITS / 2);
  backend.randomBytes(suffix);
  const tmp = `${tempPrefix(target)}${Array.from(suffix, (b) => b.toString(16).padStart(2, '0')).join('')}`;
  const fd = fileDesc(backend.open(tmp, { write: true, create: true, exclusive: true }, 0o644));
  let renamed = false;
  try {
    for (let done = 0; done < bytes.length;) done += backend.pwrite(fd, bytes.subarray(done), done);
    backend.fullFsync(fd);
    backend.close(fd);
    backend.rename(tmp, target);
    renamed = true;
    backend.syncDirectory(parentDirectory(target));
  } catch (e) {
    if (!renamed) {
      try {
        backend.close(fd);
      } catch {
        /* already closed */
      }
      try {
        backend.unlink(tmp);
      } catch {
        /* nothing to remove */
      }
    }
    throw e;
  }
}

/**
 * Removes the temp files a crashed atomicWrite of `path` left beside it; returns their
 * paths. Call it when no atomicWrite of `path` is running (at start-up), or it removes
 * that write's temp file and the write fails.
 */
export function removeStaleTempFiles(path: string): string[] {
  checkOsPath(path);
  const backend = os('removeStaleTempFiles');
  const target = regularTarget(backend, path);
  checkPermission('file', target);
  const prefix = tempPrefix(target);
  const stem = baseName(prefix);
  const removed: string[] = [];
  for (const name of backend.listDirectory(parentDirectory(target))) {
    if (name.length !== stem.length + TEMP_DIGITS || !name.startsWith(stem) || !/^[0-9a-f]+$/.test(name.slice(stem.length))) continue;
    const stale = prefix + name.slice(stem.length);
    if (backend.fileKind(stale) !== 'file') continue;
    backend.unlink(stale);
    removed.push(stale);
  }
  return removed;
}

/** The file atomicWrite replaces for `path`: itself, or what its symlink points to. */
function regularTarget(backend: OsBackend, path: string): string {
  let kind = backend.fileKind(path);
  let target = path;
  if (kind === 'symlink') {
    let real: string;
    try {
      real = backend.realPath(path);
    } catch {
      throw new NotRegularFile(path, 'missing');
    }
    target = real;
    kind = backend.fileKind(real);
  }
  if (kind !== 'file' && kind !== 'missing') throw new NotRegularFile(path, kind);
  return target;
}

/** `DIR/NAME.tmp-`, NAME cut (in UTF-8 bytes, whole characters) so that the temp name fits NAME_MAX. */
function tempPrefix(path: string): string {
  const name = baseName(path);
  let room = NAME_MAX - TEMP_MARK.length - TEMP_DIGITS;
  let keep = 0;
  while (keep < name.length) {
    const c = name.codePointAt(keep)!;
    const bytes = c < 0x80 ? 1 : c < 0x800 ? 2 : c < 0x10000 ? 3 : 4;
    if (bytes > room) break;
    room -= bytes;
    keep += c >= 0x10000 ? 2 : 1;
  }
  return path.slice(0, path.length - name.length) + name.slice(0, keep) + TEMP_MARK;
}

function baseName(path: string): string {
  return path.slice(Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\')) + 1);
}

/** The directory holding `path` ('.' for a bare name); both separators, for Windows. */
export function parentDirectory(path: string): string {
  checkOsPath(path);
  const cut = Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\'));
  if (cut < 0) return '.';
  if (cut === 0) return path[0]!;
  if (cut === 2 && path[1] === ':') return path.slice(0, 3);
  return path.slice(0, cut);
}
