#!/usr/bin/env node
// `npm run status`: writes docs/STATUS.md, the conformance status of each src/ module,
// computed from the last test results of both engines (.results/node.json from vitest,
// .results/xs.json from tools/xs-test.js) — never claimed by hand.
//
//   stable        every runtime export is used by a test, every such test passes, and every
//                 test that ran in XS has the same outcome there as in Node
//   partial       tested, but some export is untested or some test fails or disagrees
//   undocumented  no test touches the module
import fs from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const rel = (p) => path.relative(root, p).split(path.sep).join('/');
const read = (p) => fs.readFileSync(p, 'utf8');
const load = (p) => (fs.existsSync(p) ? JSON.parse(read(p)) : undefined);

const node = load(path.join(root, '.results/node.json'));
const xs = load(path.join(root, '.results/xs.json'));
if (!node) {
  console.error('status: no .results/node.json: run `npm run test:node` (or `npm test`) first');
  process.exit(1);
}

// Outcome per test: key `file > name`.
const nodeTests = new Map();
for (const file of node.testResults) {
  for (const a of file.assertionResults) nodeTests.set(`${rel(file.name)} > ${[...a.ancestorTitles, a.title].join(' > ')}`, a.status);
}
const xsTests = new Map((xs?.results ?? []).map((r) => [`${r.file} > ${r.name}`, r.status]));

const walk = (dir, pred) =>
  fs.existsSync(dir)
    ? fs
        .readdirSync(dir, { recursive: true })
        .map(String)
        .filter(pred)
        .map((f) => path.join(dir, f))
    : [];
const modules = walk(path.join(root, 'src'), (f) => f.endsWith('.ts') && !f.endsWith('.d.ts') && path.basename(f) !== 'index.ts').sort();
const testFiles = walk(path.join(root, 'test'), (f) => f.endsWith('.test.ts'));

/** Runtime exports (values, not types) declared in a module's source. */
function runtimeExports(src) {
  const names = new Set();
  for (const m of src.matchAll(/^export\s+(?:declare\s+)?(?:async\s+)?(?:function\*?|const|let|var|class|enum)\s+([A-Za-z_$][\w$]*)/gm)) names.add(m[1]);
  for (const m of src.matchAll(/^export\s*\{([^}]*)\}/gm)) {
    for (const part of m[1].split(',')) {
      const t = part.trim();
      if (!t || t.startsWith('type ')) continue;
      names.add(
        t
          .split(/\s+as\s+/)
          .pop()
          .trim(),
      );
    }
  }
  return [...names];
}

const resolveTs = (from, spec) => path.resolve(path.dirname(from), spec).replace(/\.js$/, '.ts');

/** Does `file` re-export `modPath`, directly or through further re-exporting modules (barrels)? */
function reExports(file, modPath, seen = new Set()) {
  if (seen.has(file) || !fs.existsSync(file)) return false;
  seen.add(file);
  for (const m of read(file).matchAll(/^export\s+(?:\*(?:\s+as\s+\w+)?|\{[^}]*\})\s+from\s+['"](\.[^'"]+)['"]/gm)) {
    const target = resolveTs(file, m[1]);
    if (target === modPath || reExports(target, modPath, seen)) return true;
  }
  return false;
}

/** Does the test file import this module, directly or through barrels that re-export it? */
function imports(testSrc, testPath, modPath) {
  for (const m of testSrc.matchAll(/from\s+['"]([^'"]+)['"]/g)) {
    if (!m[1].startsWith('.')) continue;
    const target = resolveTs(testPath, m[1]);
    if (target === modPath || reExports(target, modPath)) return true;
  }
  return false;
}

const rows = [];
for (const mod of modules) {
  const source = read(mod);
  const exportsList = runtimeExports(source);
  // A barrel (only re-exports, like index.ts) has no status of its own: its modules have theirs.
  if (exportsList.length === 0 && /^export\s.*\sfrom\s/m.test(source)) continue;
  const covered = new Set();
  const files = [];
  for (const t of testFiles) {
    const src = read(t);
    if (!imports(src, t, mod)) continue;
    const used = exportsList.filter((e) => new RegExp(`\\b${e.replace(/\$/g, '\\$')}\\b`).test(src));
    if (used.length === 0) continue;
    used.forEach((e) => covered.add(e));
    files.push(rel(t));
  }
  const keys = [...nodeTests.keys()].filter((k) => files.some((f) => k.startsWith(`${f} > `)));
  const failing = keys.filter((k) => nodeTests.get(k) !== 'passed' && nodeTests.get(k) !== 'skipped');
  const portable = files.filter((f) => f.startsWith('test/portable/'));
  const xsKeys = keys.filter((k) => portable.some((f) => k.startsWith(`${f} > `)));
  const disagree = xsKeys.filter((k) => xsTests.get(k) !== nodeTests.get(k));
  const untested = exportsList.filter((e) => !covered.has(e));
  let status = 'undocumented';
  if (keys.length > 0) status = untested.length === 0 && failing.length === 0 && disagree.length === 0 ? 'stable' : 'partial';
  const notes = [];
  if (untested.length) notes.push(`untested: ${untested.join(', ')}`);
  if (failing.length) notes.push(`${failing.length} failing in Node`);
  if (disagree.length) notes.push(`${disagree.length} differ in XS${xs ? '' : ' (no XS results)'}`);
  rows.push({
    module: rel(mod),
    status,
    exports: `${covered.size}/${exportsList.length}`,
    node: keys.length,
    xs: xsKeys.filter((k) => xsTests.get(k) === 'passed').length,
    notes: notes.join('; '),
  });
}

const md = [
  '# Module status',
  '',
  'Computed by `npm run status` from the last test results of both engines (Node: vitest; XS: the',
  'portable tests run inside xsnap). Do not edit by hand.',
  '',
  '| status | meaning |',
  '|---|---|',
  '| stable | every runtime export is used by a passing test, and every test that runs in XS has the same outcome there as in Node |',
  '| partial | tested, but an export is untested or a test fails or disagrees between engines (see notes) |',
  '| undocumented | no test touches the module yet |',
  '',
  `XS results: ${xs ? (xs.complete ? 'complete' : 'INCOMPLETE (the XS run ended early)') : 'missing'}.`,
  '',
  '| module | status | exports tested | tests in Node | passing in XS | notes |',
  '|---|---|---|---|---|---|',
  ...rows.map((r) => `| \`${r.module}\` | ${r.status} | ${r.exports} | ${r.node} | ${r.xs} | ${r.notes} |`),
  '',
].join('\n');
fs.writeFileSync(path.join(root, 'docs/STATUS.md'), md);
console.log(md);
