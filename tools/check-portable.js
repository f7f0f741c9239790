#!/usr/bin/env node
// Fails when a file under src/ imports a Node built-in: src/ must run unchanged in XS.
// (The XS bundle's rollup guard catches what the bundle reaches; this catches every file.)
import { builtinModules } from 'node:module';
import fs from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const builtins = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));
const importRe = /(?:^|[\s;])(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|import\s*\(\s*['"]([^'"]+)['"]\s*\)|require\s*\(\s*['"]([^'"]+)['"]\s*\)/g;
const bad = [];
for (const f of fs.readdirSync(path.join(root, 'src'), { recursive: true })) {
  if (!/\.(ts|js|mjs)$/.test(String(f))) continue;
  const text = fs.readFileSync(path.join(root, 'src', String(f)), 'utf8');
  for (const m of text.matchAll(importRe)) {
    const spec = m[1] ?? m[2] ?? m[3];
    if (builtins.has(spec) || spec.startsWith('node:')) bad.push(`src/${f}: imports '${spec}'`);
  }
}
if (bad.length) {
  console.error(`src/ must not import Node modules (it runs unchanged in XS):\n  ${bad.join('\n  ')}`);
  process.exit(1);
}
