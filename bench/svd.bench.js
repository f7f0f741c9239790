// SVD import speed on the vendor corpus (../shared/svd/corpus, one file per failure class): the
// CPU time to import a MB of SVD, as a ratio against JSON.parse of the same bytes (the file's
// text as one JSON string), so the figure does not depend on the machine. Skipped, with a row that
// says so, where the corpus is absent.
import fs from 'node:fs';
import path from 'node:path';
import { importSvd } from '../dist/node/tools/svd/import.js';

export const title = 'svd import: time per MB of vendor SVD vs JSON.parse of the same bytes';

// ../shared beside the clone (VLLSI_SHARED overrides, e.g. in a worktree).
const corpus = path.join(process.env.VLLSI_SHARED ?? path.resolve(import.meta.dirname, '../../shared'), 'svd/corpus');

/**
 * Median CPU milliseconds of fn over at least `rounds` runs and 200 ms, after one warm-up: CPU
 * time, not wall time, because the machine the bench runs on is often shared.
 */
function time(fn, rounds) {
  fn();
  const ms = [];
  const start = performance.now();
  while (ms.length < rounds || performance.now() - start < 200) {
    const t = process.cpuUsage();
    fn();
    const d = process.cpuUsage(t);
    ms.push((d.user + d.system) / 1000);
  }
  return ms.sort((a, b) => a - b)[ms.length >> 1];
}

export async function run() {
  if (!fs.existsSync(corpus)) return [{ name: 'svd import (skipped)', value: 0, note: `${corpus} does not exist` }];
  const rows = [];
  let importMs = 0;
  let parseMs = 0;
  let mb = 0;
  let imported = 0;
  const files = fs
    .readdirSync(corpus)
    .filter((f) => f.endsWith('.svd'))
    .sort();
  for (const f of files) {
    const bytes = fs.readFileSync(path.join(corpus, f));
    const size = bytes.length / 2 ** 20;
    const json = JSON.stringify(bytes.toString('utf8'));
    let failure;
    const i = time(() => {
      try {
        importSvd(bytes);
      } catch (e) {
        failure = e.message;
      }
    }, 3);
    const j = time(() => JSON.parse(json), 5);
    if (failure === undefined) {
      importMs += i;
      parseMs += j;
      mb += size;
      imported++;
    }
    rows.push({
      name: f,
      value: i / size,
      unit: 'ms/MB',
      baseline: j / size,
      ratio: i / j,
      note: failure === undefined ? `${size.toFixed(2)} MB` : `refused: ${failure.slice(0, 80)}`,
    });
  }
  rows.unshift({
    name: `all imported files (${imported} of ${files.length})`,
    value: importMs / mb,
    unit: 'ms/MB',
    baseline: parseMs / mb,
    ratio: importMs / parseMs,
    note: `${mb.toFixed(1)} MB`,
  });
  return rows;
}
