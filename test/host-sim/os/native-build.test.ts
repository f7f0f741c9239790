// The addon's Windows branch (LockFileEx on uv_get_osfhandle) cannot run here, but it must
// compile: where a MinGW cross compiler is installed (Debian gcc-mingw-w64-x86-64), compile it
// with warnings as errors. Skipped where there is none (CI installs none).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '../../..');
const headers = path.resolve(path.dirname(process.execPath), '../include/node');
const mingw = 'x86_64-w64-mingw32-gcc';
const hasMingw = spawnSync(mingw, ['--version']).status === 0;

describe('native/os/os.c', () => {
  it.runIf(hasMingw)('the Windows branch compiles cleanly with MinGW (-Wall -Wextra -Werror)', () => {
    const obj = path.join(os.tmpdir(), `vllsi-os-win-${process.pid}.o`);
    const r = spawnSync(mingw, [
      '-c',
      '-Wall',
      '-Wextra',
      '-Werror',
      `-I${headers}`,
      '-DNAPI_VERSION=8',
      '-DNODE_GYP_MODULE_NAME=vllsi_os',
      path.join(root, 'native/os/os.c'),
      '-o',
      obj,
    ]);
    fs.rmSync(obj, { force: true });
    expect(r.stderr.toString()).toBe('');
    expect(r.status).toBe(0);
  });
});
