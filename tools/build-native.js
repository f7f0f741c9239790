#!/usr/bin/env node
// Builds the OS addon (native/os: byte-range locks and the thread id, which Node's fs
// lacks) with node-gyp. `npm ci` runs it (the "install" script); with --if-missing it
// only builds when no addon is there yet (a worktree that never ran the install).
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
const r = spawnSync(cmd, [...args, 'rebuild', '--silent', ...(nodedir ? [`--nodedir=${nodedir}`] : [])], { cwd: dir, stdio: 'inherit', shell: process.platform === 'win32' && cmd === 'node-gyp' });
if (r.status !== 0) {
  console.error(`build-native: node-gyp failed (${r.error?.message ?? `exit ${r.status}`}); byte-range locking needs a C compiler and Node's headers`);
  process.exit(1);
}
