import { describe, it, expect } from 'vitest';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { PANIC_EXIT_CODE } from '../../host-sim/runtime.js';

const root = path.resolve(import.meta.dirname, '../..');

describe('host runtime: panic', () => {
  it('runs the handler, then the Node process exits non-zero with the message', () => {
    const r = spawnSync(process.execPath, ['--import', './tools/ts-register.js', 'test/fixtures/panic-main.ts', 'sensor 3 gave 0xdead'], {
      cwd: root,
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(r.status).toBe(PANIC_EXIT_CODE);
    expect(r.stdout).toBe('handler saw "sensor 3 gave 0xdead" on thread 0\n');
    expect(r.stderr).toMatch(/^panicked at .*panic-main\.ts:\d+:\d+ \(thread 0\): sensor 3 gave 0xdead\n$/);
  });
});
