// tools/build-native.js (npm's install script): the OS addon is optional. With a node-gyp that
// fails (as on a machine without a C compiler) the install still succeeds and says what is
// missing; CI's VLLSI_REQUIRE_NATIVE=1 makes the failure fail.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';

const script = path.join(import.meta.dirname, '../../tools/build-native.js');
const dir = mkdtempSync(path.join(os.tmpdir(), 'vllsi-build-native-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
// A node-gyp that fails the way a missing compiler does, touching nothing.
const gyp = path.join(dir, 'node-gyp.js');
writeFileSync(gyp, "console.error('gyp ERR! stack Error: not found: make'); process.exit(1);\n");
const run = (env: Record<string, string>) =>
  spawnSync(process.execPath, [script], { env: { ...process.env, VLLSI_REQUIRE_NATIVE: '', npm_config_node_gyp: gyp, ...env }, encoding: 'utf8' });

it('a failed addon build leaves the install working and says locks will report NativeAddonMissing', () => {
  const r = run({});
  expect(r.status).toBe(0);
  expect(r.stderr).toContain('build-native: node-gyp failed (exit 1)');
  expect(r.stderr).toContain('locks and the thread id throw NativeAddonMissing');
});

it('fails the build when VLLSI_REQUIRE_NATIVE=1 (CI)', () => {
  const r = run({ VLLSI_REQUIRE_NATIVE: '1' });
  expect(r.status).toBe(1);
  expect(r.stderr).toContain('VLLSI_REQUIRE_NATIVE=1: failing');
});
