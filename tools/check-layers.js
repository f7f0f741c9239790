#!/usr/bin/env node
// `npm run typecheck` runs this: the layering rule of docs/architecture.md.
//  - src/ imports nothing outside src/: no Node module, no package, no file of another folder
//    (it runs unchanged in XS);
//  - no folder imports a folder above it in LAYERS;
//  - no cycle between files (type-only imports count: a cycle is a seam in the wrong place).
// Imports are read with TypeScript's own pre-processor (static, type-only, dynamic and
// re-exports alike).
import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

// The tree to check: this repository, or the directory given (the tests check a made-up tree).
const root = path.resolve(process.argv[2] ?? path.join(import.meta.dirname, '..'));

// Bottom to top: a folder may import its own files and any folder listed before it.
// test/ and bench/ sit above everything and are not checked.
const LAYERS = [
  'src', // the portable core; its subfolders are above it (src/console, src/registers)
  'src/registers', // generated register definitions (data)
  'src/io', // the ECMA-419 classes and their chip bindings (over src/registers)
  'src/console', // the serial console service (a device module of its own)
  'hal', // implementations of src/hal.ts
  'boards', // board descriptions (data)
  'host-sim', // the host simulator
  'tools', // the CLI and build tooling
  'examples', // apps
  'bin', // the CLI entry
];
const EXTS = ['.ts', '.js', '.mjs'];

/** The layer of a repo-relative path: the longest LAYERS entry it lies in. */
function layerOf(rel) {
  let best = -1;
  LAYERS.forEach((l, i) => {
    if ((rel === l || rel.startsWith(`${l}/`)) && (best < 0 || l.length > LAYERS[best].length)) best = i;
  });
  return best;
}

function walk(dir) {
  const out = [];
  for (const e of fs.readdirSync(path.join(root, dir), { withFileTypes: true })) {
    const rel = `${dir}/${e.name}`;
    if (e.isDirectory()) out.push(...walk(rel));
    else if (EXTS.some((x) => e.name.endsWith(x)) && !e.name.endsWith('.d.ts')) out.push(rel);
  }
  return out;
}

/** A relative specifier to the repo-relative file it names (TypeScript's .js → .ts too). */
function resolve(fromRel, spec) {
  const base = path.posix.normalize(path.posix.join(path.posix.dirname(fromRel), spec));
  const candidates = [base, base.replace(/\.js$/, '.ts'), `${base}.ts`, `${base}/index.ts`, `${base}/index.js`];
  return candidates.find((c) => fs.existsSync(path.join(root, c)) && fs.statSync(path.join(root, c)).isFile());
}

const files = LAYERS.filter((l) => !l.includes('/') && fs.existsSync(path.join(root, l))).flatMap(walk);
const problems = [];
const edges = new Map();
for (const file of files) {
  const text = fs.readFileSync(path.join(root, file), 'utf8');
  const info = ts.preProcessFile(text, true, true);
  const layer = layerOf(file);
  const targets = [];
  for (const { fileName: spec } of info.importedFiles) {
    if (!spec.startsWith('.')) {
      if (LAYERS[layer].startsWith('src')) problems.push(`${file}: imports '${spec}' (src/ imports nothing outside src/)`);
      continue;
    }
    const target = resolve(file, spec);
    if (target === undefined) {
      if (!spec.endsWith('.json')) problems.push(`${file}: imports '${spec}', which is not a file`);
      continue;
    }
    const tl = layerOf(target);
    if (LAYERS[layer].startsWith('src') && !target.startsWith('src/')) problems.push(`${file}: imports ${target} (src/ imports nothing outside src/)`);
    else if (tl > layer) problems.push(`${file}: imports ${target}, from ${LAYERS[tl]}/, a layer above ${LAYERS[layer]}/`);
    if (EXTS.some((x) => target.endsWith(x))) targets.push(target);
  }
  edges.set(file, targets);
}

// Cycles: strongly connected components of more than one file (Tarjan).
let index = 0;
const stack = [];
const meta = new Map();
function connect(v) {
  const m = { index, low: index, on: true };
  index++;
  meta.set(v, m);
  stack.push(v);
  for (const w of edges.get(v) ?? []) {
    if (!edges.has(w)) continue;
    const n = meta.get(w);
    if (n === undefined) {
      connect(w);
      m.low = Math.min(m.low, meta.get(w).low);
    } else if (n.on) m.low = Math.min(m.low, n.index);
  }
  if (m.low === m.index) {
    const scc = [];
    let w;
    do {
      w = stack.pop();
      meta.get(w).on = false;
      scc.push(w);
    } while (w !== v);
    if (scc.length > 1) problems.push(`import cycle: ${scc.reverse().join(' -> ')}`);
  }
}
for (const f of files) if (!meta.has(f)) connect(f);

if (problems.length > 0) {
  console.error(`layering (docs/architecture.md): ${problems.length} problem(s)\n  ${problems.join('\n  ')}`);
  process.exit(1);
}
