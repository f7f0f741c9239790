// The classic F_SETLK path — what macOS uses — run for real on Linux: the addon built with
// VLLSI_POSIX_LOCKS behind the same backend and API. It reports the holder's pid (F_GETLK),
// and shows the process-lock pitfall that makes OFD locks the Linux choice.
import { spawn, spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NodeOsBackend } from '../../../host-sim/os/index.js';
import { linuxTable } from '../../../host-sim/os/linux.js';
import type { NativeOs } from '../../../host-sim/os/native.js';
import { fileDesc, installOsBackend, tryLock, unlock, LockConflict, LockKind } from '../../../src/index.js';

const root = path.resolve(import.meta.dirname, '../../..');
const headers = path.resolve(path.dirname(process.execPath), '../include/node');
let dir: string;
let addonPath: string;
let addon: NativeOs | undefined;

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vllsi-posixlk-'));
  addonPath = path.join(dir, 'vllsi_os_posix.node');
  if (process.platform !== 'linux') return;
  const cc = spawnSync('cc', [
    '-shared',
    '-fPIC',
    '-O1',
    `-I${headers}`,
    '-D_GNU_SOURCE',
    '-DVLLSI_POSIX_LOCKS',
    '-DNAPI_VERSION=8',
    '-DNODE_GYP_MODULE_NAME=vllsi_os_posix',
    path.join(root, 'native/os/os.c'),
    '-o',
    addonPath,
  ]);
  if (cc.status !== 0) throw new Error(`cannot build the POSIX-lock variant: ${cc.stderr}`);
  addon = createRequire(import.meta.url)(addonPath) as NativeOs;
});
afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

/** A second process holding an exclusive lock on bytes 500..509 through the variant addon. */
async function holder(file: string) {
  const p = spawn(process.execPath, [
    '-e',
    `
    const m = require(${JSON.stringify(addonPath)});
    const fd = require('fs').openSync(${JSON.stringify(file)}, 'r+');
    console.log(m.flavour() + ' ' + m.setlk(fd, 2, 500, 10));
    setInterval(() => {}, 1000);`,
  ]);
  const line = (await readline.createInterface({ input: p.stdout })[Symbol.asyncIterator]().next()).value as string;
  return { p, line };
}

describe.runIf(process.platform === 'linux')('classic POSIX locks (the macOS path) on Linux', () => {
  it('a conflict reports the holder’s pid through the API', async () => {
    const file = path.join(dir, 'a');
    fs.writeFileSync(file, Buffer.alloc(1024));
    const { p, line } = await holder(file);
    try {
      expect(line).toBe('posix 0');
      installOsBackend(new NodeOsBackend(linuxTable, () => addon!));
      const fd = fileDesc(fs.openSync(file, 'r+'));
      try {
        let err: unknown;
        try {
          tryLock(fd, { start: 505, length: 1 }, LockKind.Shared);
        } catch (e) {
          err = e;
        }
        expect(err).toBeInstanceOf(LockConflict);
        expect((err as LockConflict).ownerPid).toBe(p.pid);
        expect((err as Error).message).toContain(`by pid ${p.pid}`);
        unlock(tryLock(fd, { start: 0, length: 500 }, LockKind.Exclusive)); // bytes outside the holder's range
      } finally {
        fs.closeSync(fd);
      }
    } finally {
      p.kill('SIGKILL');
    }
  });

  it('the pitfall OFD locks avoid: closing any descriptor of the file drops the process’s locks', () => {
    const file = path.join(dir, 'b');
    fs.writeFileSync(file, Buffer.alloc(64));
    const a = fs.openSync(file, 'r+');
    expect(addon!.setlk(a, 2, 0, 1)).toBe(0);
    /** Another process's attempt at a shared lock on byte 0: 0 or the errno. */
    const probe = () =>
      Number(
        spawnSync(process.execPath, [
          '-e',
          `const m = require(${JSON.stringify(addonPath)}); process.stdout.write(String(m.setlk(require('fs').openSync(${JSON.stringify(file)}, 'r+'), 1, 0, 1)))`,
        ]).stdout.toString(),
      );
    expect(probe()).toBe(os.constants.errno.EAGAIN); // held
    fs.closeSync(fs.openSync(file, 'r')); // another descriptor of the same file, opened and closed
    expect(probe()).toBe(0); // the lock silently went away
    fs.closeSync(a);
  });
});
