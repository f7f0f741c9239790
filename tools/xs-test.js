#!/usr/bin/env node
// Runs every portable test (test/portable/**/*.test.ts) inside the real XS engine
// (xsnap): bundles them with fast-check and a vitest shim, evaluates the bundle in
// an xsnap worker and reports each test. Last line: `N passed, N failed`.
// Usage: node tools/xs-test.js [filter]
import '@endo/init';
import { xsnap } from '@agoric/xsnap';
import { rollup } from 'rollup';
import nodeResolve from '@rollup/plugin-node-resolve';
import alias from '@rollup/plugin-alias';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import tmp from 'tmp';
import { portableGuard, transpileTs } from './rollup-plugins.js';

const root = path.resolve(import.meta.dirname, '..');
const filter = process.argv[2];
const testDir = path.join(root, 'test/portable');
const files = fs
  .readdirSync(testDir, { recursive: true })
  .filter((f) => String(f).endsWith('.test.ts'))
  .map((f) => path.join(testDir, String(f)))
  .sort();
if (files.length === 0) {
  console.error('no portable tests found under test/portable');
  process.exit(1);
}
const shim = path.join(root, 'test/xs/vitest-shim.ts');
const ENTRY = '\0xs-tests-entry';

const bundle = await rollup({
  input: ENTRY,
  onwarn(w, warn) {
    if (w.code !== 'CIRCULAR_DEPENDENCY') warn(w);
  },
  plugins: [
    {
      name: 'xs-tests-entry',
      resolveId: (id) => (id === ENTRY ? ENTRY : null),
      load: (id) => (id === ENTRY ? files.map((f) => `import ${JSON.stringify(f)};`).join('\n') + `\nexport { __runAll } from ${JSON.stringify(shim)};` : null),
    },
    {
      // Tag each test file so results carry the file they came from.
      name: 'xs-tests-file-marker',
      transform(code, id) {
        if (!id.startsWith(testDir) || !id.endsWith('.test.ts')) return null;
        const rel = path.relative(root, id);
        return { code: `import { __enterFile } from 'vitest';\n__enterFile(${JSON.stringify(rel)});\n${code}`, map: null };
      },
    },
    alias({ entries: [{ find: /^vitest$/, replacement: shim }] }),
    portableGuard(),
    transpileTs(), // type-checked by `npm run typecheck`
    nodeResolve({ extensions: ['.ts', '.js', '.mjs'] }),
  ],
});
const { output } = await bundle.generate({ format: 'iife', name: '__vllsiTests', inlineDynamicImports: true });
await bundle.close();
const code = output[0].code;

const results = [];
let done = false;
const decoder = new TextDecoder();
const worker = await xsnap({
  os: os.type(),
  spawn,
  fs: { ...fsp, createReadStream: fs.createReadStream, tmpName: tmp.tmpName },
  meteringLimit: 0,
  stderr: 'inherit',
  stdout: 'inherit',
  async handleCommand(msg) {
    const m = JSON.parse(decoder.decode(msg));
    if (m.type === 'done') done = true;
    if (m.type === 'result') {
      results.push(m);
      const mark = m.status === 'passed' ? '✓' : m.status === 'skipped' ? '-' : '✗';
      console.log(`${mark} ${m.file} > ${m.name}`);
      if (m.error) console.log(m.error.replace(/^/gm, '    '));
    }
    return new Uint8Array();
  },
});
let crash;
try {
  await worker.evaluate(`${code}\n__vllsiTests.__runAll(${JSON.stringify(filter ?? '')});`);
} catch (e) {
  crash = e;
} finally {
  await worker.close().catch(() => {});
}
if (crash || !done) console.log(`XS run ended early: ${crash?.message ?? 'the worker stopped before reporting all tests'}`);

const count = (s) => results.filter((r) => r.status === s).length;
const passed = count('passed');
const failed = count('failed') + (crash || !done ? 1 : 0);
fs.mkdirSync(path.join(root, '.results'), { recursive: true });
fs.writeFileSync(path.join(root, '.results/xs.json'), JSON.stringify({ engine: 'xs', complete: done && !crash, results }, null, 1));
if (count('skipped')) console.log(`${count('skipped')} skipped`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 && passed > 0 ? 0 : 1);
