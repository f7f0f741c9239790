// Reading and writing the CLI's files with typed errors (OSError naming the file).
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
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

export function writeText(file: string, text: string): void {
  try {
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, text);
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    throw new OSError(typeof err.errno === 'number' ? -err.errno : 0, `cannot write ${file}: ${err.message}`, err.code);
  }
}
