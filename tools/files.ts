// Reading and writing the CLI's files with typed errors (OSError naming the file).
import { closeSync, fchmodSync, mkdirSync, openSync, readFileSync, writeFileSync, writeSync } from 'node:fs';
import path from 'node:path';
import { OSError } from '../src/errors.js';

export function readText(file: string): string {
  return readBytes(file).toString('utf8');
}

/** The file's bytes, for readers that decode (and check) the text themselves. */
export function readBytes(file: string): Buffer {
  try {
    return readFileSync(file);
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    throw new OSError(typeof err.errno === 'number' ? -err.errno : 0, `cannot read ${file}: ${err.message}`, err.code);
  }
}

export function writeText(file: string, text: string, mode?: number): void {
  try {
    mkdirSync(path.dirname(file), { recursive: true });
    if (mode === undefined) return writeFileSync(file, text);
    const fd = openSync(file, 'w', mode);
    try {
      fchmodSync(fd, mode); // an existing file keeps its mode otherwise: narrow it before the text goes in
      writeSync(fd, text);
    } finally {
      closeSync(fd);
    }
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    throw new OSError(typeof err.errno === 'number' ? -err.errno : 0, `cannot write ${file}: ${err.message}`, err.code);
  }
}

/** The fix for each refusal by the OS a user can cause (a path, a port, a permission). */
const FIXES: Record<string, string> = {
  ENOENT: 'no such file or folder: check the path',
  ENOTDIR: 'a part of the path is a file, not a folder: give a folder',
  EISDIR: 'this is a folder: give a file',
  EEXIST: 'it already exists: remove it or pick another name',
  EACCES: 'permission denied: pick a place you may write, or fix its permissions',
  EPERM: 'not permitted: pick a place you may write, or fix its permissions',
  ENOSPC: 'the disk is full: free some space',
  EROFS: 'the file system is read-only: pick another place',
  EADDRINUSE: 'the port is in use: stop what listens there or pick another port (tcp:0 picks a free one)',
  EADDRNOTAVAIL: 'this machine has no such address: use 127.0.0.1',
  ECONNREFUSED: 'connection refused: nothing listens there',
  EMFILE: 'too many open files: close some programs and retry',
};

/** A Node system error (it has a `code` such as ENOTDIR) as one line with the fix; undefined otherwise. */
export function explainSystemError(e: unknown): string | undefined {
  const err = e as NodeJS.ErrnoException | undefined;
  if (!(err instanceof Error) || typeof err.code !== 'string') return undefined;
  const fix = FIXES[err.code];
  const where = err.path ?? (err as { address?: string; port?: number }).port;
  return `${err.code}${where !== undefined ? ` (${where})` : ''}: ${fix ?? err.message.replace(/\n[\s\S]*/, '')}`;
}

/** Writes a secret (a console token) readable by its owner only. */
export function writeSecret(file: string, text: string): void {
  writeText(file, text, 0o600);
}
