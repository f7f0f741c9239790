// Reading and writing the CLI's files with typed errors (OSError naming the file).
import { closeSync, fchmodSync, mkdirSync, openSync, readFileSync, writeFileSync, writeSync } from 'node:fs';
import path from 'node:path';
import { OSError } from '../src/errors.js';

export function readText(file: string): string {
  try {
    return readFileSync(file, 'utf8');
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

/** Writes a secret (a console token) readable by its owner only. */
export function writeSecret(file: string, text: string): void {
  writeText(file, text, 0o600);
}
