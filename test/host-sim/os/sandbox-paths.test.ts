// Escape attempts against file-path rules of sandbox(): each spelling of a denied path (dot
// segments, doubled separators, `..` through another directory, relative paths, symlinks) and
// each way out of an allowed directory must be judged as the path the OS resolves.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { installHostOs } from '../../../host-sim/os/index.js';
import { access, atomicWrite, sandbox, F_OK, PermissionDenied } from '../../../src/index.js';

let D: string;
beforeAll(() => {
  installHostOs();
  D = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'vllsi-sbx-')));
  for (const d of ['secret', 'other', 'allowed']) fs.mkdirSync(path.join(D, d));
  fs.writeFileSync(path.join(D, 'secret', 'f'), 'secret');
  fs.symlinkSync(path.join(D, 'secret'), path.join(D, 'link'));
  fs.symlinkSync(path.join(D, 'secret'), path.join(D, 'allowed', 'link'));
  fs.symlinkSync('../secret/f', path.join(D, 'allowed', 'flink'));
});
afterAll(() => {
  fs.rmSync(D, { recursive: true, force: true });
});

/** Whether access() (a gated file entry point) was let through. */
function reaches(policy: Parameters<typeof sandbox>[0], p: string): boolean {
  try {
    sandbox(policy, () => access(p, F_OK));
    return true;
  } catch (e) {
    if (e instanceof PermissionDenied) return false;
    throw e;
  }
}

/** Spellings of D/secret/f and of a not-yet-made D/secret/new. */
function spellings(): string[] {
  const rel = path.relative(process.cwd(), path.join(D, 'secret', 'f'));
  return [
    `${D}/secret/f`,
    `${D}/./secret/f`,
    `${D}//secret/f`,
    `${D}/secret//f`,
    `${D}/other/../secret/f`,
    `${D}/secret/./f`,
    `${D}/allowed/../secret/f`,
    `${D}/link/f`,
    `${D}/allowed/link/f`,
    `${D}/allowed/flink`,
    `${D}/other/../link/f`,
    rel,
    `./${rel}`,
    `${D}/secret/new`,
    `${D}/link/new`,
    `${D}/other/../secret/new`,
    `${D}/other/missing/../../secret/new`,
    `${D}/allowed/link/new`,
  ];
}

describe('sandbox file rules match the resolved real path', () => {
  it('a deny on D/secret stops every spelling of a path inside it', () => {
    const policy = { deny: [{ scope: 'file' as const, prefix: `${D}/secret` }] };
    const through = spellings().filter((p) => reaches(policy, p));
    expect(through).toEqual([]);
    expect(reaches(policy, `${D}/other/x`)).toBe(true);
  });

  it('a deny written with dot segments or through a symlink is the same deny', () => {
    for (const prefix of [`${D}/other/../secret`, `${D}/./secret/`, `${D}/link`]) {
      const policy = { deny: [{ scope: 'file' as const, prefix }] };
      expect(
        spellings().filter((p) => reaches(policy, p)),
        prefix,
      ).toEqual([]);
    }
  });

  it('an allow on D/allowed/ lets nothing outside it through', () => {
    const policy = { allow: [{ scope: 'file' as const, prefix: `${D}/allowed/` }] };
    expect(spellings().filter((p) => reaches(policy, p))).toEqual([]);
    expect(reaches(policy, `${D}/allowed/new`)).toBe(true);
    expect(reaches(policy, `${D}/other/../allowed/new`)).toBe(true);
  });

  it('atomicWrite through a symlink out of an allowed directory is refused, nothing written', () => {
    const policy = { allow: [{ scope: 'file' as const, prefix: `${D}/allowed/` }, { scope: 'random' as const }] };
    expect(() => sandbox(policy, () => atomicWrite(`${D}/allowed/flink`, new Uint8Array([1])))).toThrow(PermissionDenied);
    expect(() => sandbox(policy, () => atomicWrite(`${D}/allowed/link/g`, new Uint8Array([1])))).toThrow(PermissionDenied);
    expect(fs.readFileSync(path.join(D, 'secret', 'f'), 'utf8')).toBe('secret');
    expect(fs.existsSync(path.join(D, 'secret', 'g'))).toBe(false);
    sandbox(policy, () => atomicWrite(`${D}/allowed/ok`, new Uint8Array([1])));
    expect(fs.existsSync(path.join(D, 'allowed', 'ok'))).toBe(true);
  });
});
