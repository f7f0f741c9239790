#!/usr/bin/env node
// `npm run bench`: runs every bench/*.bench.js (or those named on the command line), prints their
// rows and writes bench/results.json. Figures are ratios against a baseline measured in the same
// run; nothing here is a pass/fail threshold.
// A bench module exports `title` and `async run()` returning rows:
//   { name, value, unit, baseline?, ratio?, goal?, note? }
import fs from 'node:fs';
import path from 'node:path';

const dir = import.meta.dirname;
const only = process.argv.slice(2);
const files = fs
  .readdirSync(dir)
  .filter((f) => f.endsWith('.bench.js') && (only.length === 0 || only.some((o) => f.includes(o))))
  .sort();
const results = { date: new Date().toISOString(), node: process.version, platform: `${process.platform}-${process.arch}`, suites: {} };
const fmt = (x) => (typeof x === 'number' ? (Math.abs(x) >= 1000 ? Math.round(x).toLocaleString('en') : x.toFixed(x < 10 ? 2 : 1)) : (x ?? ''));
for (const f of files) {
  const mod = await import(path.join(dir, f));
  console.log(`\n## ${mod.title ?? f}`);
  const rows = await mod.run();
  results.suites[f.replace(/\.bench\.js$/, '')] = rows;
  const w = Math.max(...rows.map((r) => r.name.length));
  for (const r of rows) {
    const goal = r.goal ? ` (goal ${r.goal})` : '';
    const ratio = r.ratio === undefined ? goal : `  ratio ${r.ratio.toFixed(2)}x${goal}`;
    console.log(`${r.name.padEnd(w)}  ${fmt(r.value)} ${r.unit ?? ''}${r.baseline === undefined ? '' : ` vs ${fmt(r.baseline)}`}${ratio}${r.note ? `  ${r.note}` : ''}`);
  }
}
const out = path.join(dir, 'results.json');
const previous = only.length && fs.existsSync(out) ? JSON.parse(fs.readFileSync(out, 'utf8')).suites : {};
results.suites = { ...previous, ...results.suites };
fs.writeFileSync(out, JSON.stringify(results, null, 2) + '\n');
console.log(`\nwrote ${path.relative(process.cwd(), out)}`);
