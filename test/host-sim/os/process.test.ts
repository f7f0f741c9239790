// Process, time and signal entry points on the real host, with real child processes.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { Worker } from 'node:worker_threads';
import { beforeAll, describe, expect, it } from 'vitest';
import { installHostOs } from '../../../host-sim/os/index.js';
import { nativeOs } from '../../../host-sim/os/native.js';
import { getpid, gettid, clockGettime, exit, CLOCK_MONOTONIC, CLOCK_REALTIME, InvalidArgument } from '../../../src/index.js';

const root = path.resolve(import.meta.dirname, '../../..');
const register = path.join(root, 'tools/ts-register.js');
const api = (rel: string) => JSON.stringify(path.join(root, rel));

/** Runs a module snippet in a child Node that can import the TypeScript sources. */
function child(code: string) {
  return spawn(process.execPath, ['--import', register, '--input-type=module', '-e', code], { stdio: 'pipe' });
}

beforeAll(() => {
  installHostOs();
});

describe('process', () => {
  it('getpid is this process; gettid is the OS thread id (= pid on the main thread)', () => {
    expect(getpid()).toBe(process.pid);
    expect(gettid()).toBe(process.pid);
    if (process.platform === 'linux') expect(fs.readlinkSync('/proc/thread-self')).toBe(`${process.pid}/task/${gettid()}`);
  });

  it('a worker thread has its own OS thread id', async () => {
    const addon = path.join(root, 'native/os/build/Release/vllsi_os.node');
    nativeOs(); // built
    const w = new Worker(
      `const m = require(${JSON.stringify(addon)}); require('worker_threads').parentPort.postMessage([m.gettid(), process.platform === 'linux' ? require('fs').readlinkSync('/proc/thread-self') : '']);`,
      { eval: true },
    );
    const [tid, self] = (await new Promise((r) => w.once('message', r))) as [number, string];
    await w.terminate();
    expect(tid).not.toBe(process.pid);
    if (process.platform === 'linux') expect(self).toBe(`${process.pid}/task/${tid}`);
  });

  it('exit ends the process with the code; a bad code is refused', () => {
    const r = spawnSync(process.execPath, [
      '--import',
      register,
      '--input-type=module',
      '-e',
      `import { installHostOs } from ${api('host-sim/os/index.ts')}; import { exit } from ${api('src/index.ts')}; installHostOs(); exit(7); console.log('still here');`,
    ]);
    expect(r.status).toBe(7);
    expect(r.stdout.toString()).toBe('');
    expect(() => exit(256)).toThrow(InvalidArgument);
    expect(() => exit(-1)).toThrow(InvalidArgument);
  });
});

describe('time', () => {
  it('CLOCK_MONOTONIC never goes back and advances; nanoseconds stay below 1e9', async () => {
    let prev = clockGettime(CLOCK_MONOTONIC);
    const start = prev;
    for (let i = 0; i < 2000; i++) {
      const t = clockGettime(CLOCK_MONOTONIC);
      expect(t.tvNsec).toBeGreaterThanOrEqual(0);
      expect(t.tvNsec).toBeLessThan(1e9);
      expect(t.tvSec * 1e9 + t.tvNsec).toBeGreaterThanOrEqual(prev.tvSec * 1e9 + prev.tvNsec);
      prev = t;
    }
    await new Promise((r) => setTimeout(r, 20));
    const end = clockGettime(CLOCK_MONOTONIC);
    expect((end.tvSec - start.tvSec) * 1e9 + (end.tvNsec - start.tvNsec)).toBeGreaterThanOrEqual(19e6);
  });

  it('CLOCK_REALTIME is the epoch time', () => {
    const t = clockGettime(CLOCK_REALTIME);
    expect(Math.abs(t.tvSec * 1000 + t.tvNsec / 1e6 - Date.now())).toBeLessThan(50);
    expect(() => clockGettime(2 as 0)).toThrow(InvalidArgument);
  });
});

describe('signals', () => {
  it.runIf(process.platform !== 'win32')('SIGINT, SIGTERM and SIGHUP reach the handler; removing it restores the default action', async () => {
    const p = child(`
      import { installHostOs } from ${api('host-sim/os/index.ts')};
      import { onSignal } from ${api('src/index.ts')};
      installHostOs();
      const off = ['SIGINT', 'SIGTERM', 'SIGHUP'].map((s) => onSignal(s, (sig) => {
        console.log('got ' + sig);
        if (sig === 'SIGHUP') { off.forEach((f) => f()); console.log('removed'); }
      }));
      console.log('ready');
      setInterval(() => {}, 1000);`);
    const lines = readline.createInterface({ input: p.stdout })[Symbol.asyncIterator]();
    const next = async () => (await lines.next()).value as string;
    const exited = new Promise<[number | null, string | null]>((r) => p.once('exit', (c, s) => r([c, s])));
    expect(await next()).toBe('ready');
    for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
      p.kill(sig);
      expect(await next()).toBe(`got ${sig}`);
    }
    expect(await next()).toBe('removed');
    p.kill('SIGTERM');
    expect(await exited).toEqual([null, 'SIGTERM']);
  });
});
