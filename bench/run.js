#!/usr/bin/env node
// `npm run bench`: runs every bench/*.bench.js (or those named on the command line), prints their
// rows and writes bench/results.json. Figures are ratios against a baseline measured in the same
// run; nothing here is a pass/fail threshold.
// A bench module exports `title` and `async run()` returning rows:
//   { name, value, unit, baseline?, ratio?, goal?, note? }
// Each suite runs in a process of its own: a suite that drives XS imports @endo/init, whose
// lockdown freezes the intrinsics for the rest of the process and changes what V8 makes fast.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';

const dir = import.meta.dirname;
const out = path.join(dir, 'results.json');

if (process.argv[2] === '--suite') {
  const mod = await import(path.join(dir, process.argv[3]));
  const rows = await mod.run();
  fs.writeFileSync(process.argv[4], JSON.stringify({ title: mod.title, rows }));
  process.exit(0);
}

const only = process.argv.slice(2);
const files = fs
  .readdirSync(dir)
  .filter((f) => f.endsWith('.bench.js') && (only.length === 0 || only.some((o) => f.includes(o))))
  .sort();
if (files.length === 0) {
  console.error(
    `bench: no suite matches ${only.join(', ')} (suites: ${fs
      .readdirSync(dir)
      .filter((f) => f.endsWith('.bench.js'))
      .join(', ')})`,
  );
  process.exit(2);
}
const results = { date: new Date().toISOString(), node: process.version, platform: `${process.platform}-${process.arch}`, suites: {} };
const fmt = (x) => (typeof x === 'number' ? (Math.abs(x) >= 1000 ? Math.round(x).toLocaleString('en') : x.toFixed(x < 10 ? 2 : 1)) : (x ?? ''));
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'vllsi-bench-'));
let failed = 0;
try {
  for (const f of files) {
    const rowsFile = path.join(tmp, `${f}.json`);
    // With the TypeScript hooks: a suite may import sources (test helpers are not built).
    const child = spawnSync(process.execPath, ['--import', path.join(dir, '../tools/ts-register.js'), import.meta.filename, '--suite', f, rowsFile], {
      stdio: 'inherit',
    });
    if (child.status !== 0 || !fs.existsSync(rowsFile)) {
      console.error(`\n## ${f}: failed (${child.signal ?? `exit ${child.status}`}); its previous results are kept`);
      failed++;
      continue;
    }
    const { title, rows } = JSON.parse(fs.readFileSync(rowsFile, 'utf8'));
    console.log(`\n## ${title ?? f}`);
    results.suites[f.replace(/\.bench\.js$/, '')] = rows;
    const w = Math.max(...rows.map((r) => r.name.length));
    for (const r of rows) {
      const goal = r.goal ? ` (goal ${r.goal})` : '';
      const ratio = r.ratio === undefined ? goal : `  ratio ${r.ratio.toFixed(2)}x${goal}`;
      console.log(
        `${r.name.padEnd(w)}  ${fmt(r.value)} ${r.unit ?? ''}${r.baseline === undefined ? '' : ` vs ${fmt(r.baseline)}`}${ratio}${r.note ? `  ${r.note}` : ''}`,
      );
    }
  }
} finally {
  fs.rmSync(tmp, { recursive: true, force: true });
}
const previous = (only.length || failed) && fs.existsSync(out) ? JSON.parse(fs.readFileSync(out, 'utf8')).suites : {};
results.suites = { ...previous, ...results.suites };
fs.writeFileSync(out, JSON.stringify(results, null, 2) + '\n');
console.log(`\nwrote ${path.relative(process.cwd(), out)}`);
process.exit(failed ? 1 : 0);
