#!/usr/bin/env node
// Builds the OS addon (native/os: byte-range locks and the thread id, which Node's fs
// lacks) with node-gyp. `npm ci` runs it (the "install" script); with --if-missing it
// only builds when no addon is there yet (a worktree that never ran the install).
// Optional: without a C compiler the install still succeeds, and the calls that need the addon
// (byte-range locks, the thread id) throw the typed NativeAddonMissing (host-sim/os/native.ts).
// VLLSI_REQUIRE_NATIVE=1 (CI) makes a failed build fail.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const dir = path.join(root, 'native/os');
const addon = path.join(dir, 'build/Release/vllsi_os.node');
if (process.argv.includes('--if-missing') && fs.existsSync(addon)) process.exit(0);

// Inside npm scripts node-gyp is on PATH; otherwise use the copy that ships with npm.
const npmGyp = path.join(path.dirname(process.execPath), '../lib/node_modules/npm/node_modules/node-gyp/bin/node-gyp.js');
const [cmd, args] = process.env.npm_config_node_gyp
  ? [process.execPath, [process.env.npm_config_node_gyp]]
  : fs.existsSync(npmGyp)
    ? [process.execPath, [npmGyp]]
    : ['node-gyp', []];
// Build against the headers of the running Node (its install prefix) rather than downloading them.
const prefix = path.resolve(path.dirname(process.execPath), '..');
const nodedir = process.env.npm_config_nodedir ?? (fs.existsSync(path.join(prefix, 'include/node/node_api.h')) ? prefix : undefined);
const r = spawnSync(cmd, [...args, 'rebuild', '--silent', ...(nodedir ? [`--nodedir=${nodedir}`] : [])], {
  cwd: dir,
  stdio: 'inherit',
  shell: process.platform === 'win32' && cmd === 'node-gyp',
});
if (r.status !== 0) {
  const why = `build-native: node-gyp failed (${r.error?.message ?? `exit ${r.status}`}); byte-range locking needs a C compiler and Node's headers`;
  if (process.env.VLLSI_REQUIRE_NATIVE === '1') {
    console.error(`${why} (VLLSI_REQUIRE_NATIVE=1: failing)`);
    process.exit(1);
  }
  console.warn(`${why}. Installed without it: locks and the thread id throw NativeAddonMissing until \`node tools/build-native.js\` succeeds.`);
}
