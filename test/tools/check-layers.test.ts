// tools/check-layers.js, the layering rule `npm run typecheck` enforces: on made-up trees that
// break each rule once (real files, the real script), and on this repository.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';

const script = path.join(import.meta.dirname, '../../tools/check-layers.js');
const check = (dir?: string) => spawnSync(process.execPath, dir === undefined ? [script] : [script, dir], { encoding: 'utf8' });

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A tree from { 'src/a.ts': text }; a clean base (src, hal, host-sim, tools) plus `files`. */
function tree(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'vllsi-layers-'));
  dirs.push(dir);
  const all: Record<string, string> = {
    'src/errors.ts': 'export class E extends Error {}\n',
    'src/hal.ts': "import { E } from './errors.js';\nexport const F = E;\n",
    'hal/mem.ts': "import type { F } from '../src/hal.js';\nexport type M = typeof F;\n",
    'host-sim/bus.ts': "import type { M } from '../hal/mem.js';\nexport type B = M;\n",
    'tools/cli.ts': "import type { B } from '../host-sim/bus.js';\nimport fs from 'node:fs';\nexport type C = B;\nexport { fs };\n",
    ...files,
  };
  for (const [rel, text] of Object.entries(all)) {
    mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    writeFileSync(path.join(dir, rel), text);
  }
  return dir;
}

describe('the layering check', () => {
  it('passes a tree where every import goes down or sideways, and this repository', () => {
    expect(check(tree({})).status).toBe(0);
    const repo = check();
    expect(repo.stderr).toBe('');
    expect(repo.status).toBe(0);
  });

  it('fails when src/ imports a Node module, a package or a file outside src/', () => {
    for (const [text, what] of [
      ["import fs from 'node:fs';\nexport { fs };\n", "imports 'node:fs'"],
      ["export { x } from 'some-package';\n", "imports 'some-package'"],
      ["import type { M } from '../hal/mem.js';\nexport type X = M;\n", 'imports hal/mem.ts'],
    ]) {
      const r = check(tree({ 'src/x.ts': text! }));
      expect(r.status).toBe(1);
      expect(r.stderr).toContain(`src/x.ts: ${what}`);
      expect(r.stderr).toContain('src/ imports nothing outside src/');
    }
  });

  it('fails on an upward import between folders, type-only or dynamic alike', () => {
    const r = check(
      tree({ 'hal/up.ts': "import type { B } from '../host-sim/bus.js';\nexport type U = B;\nexport const t = () => import('../tools/cli.js');\n" }),
    );
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('hal/up.ts: imports host-sim/bus.ts, from host-sim/, a layer above hal/');
    expect(r.stderr).toContain('hal/up.ts: imports tools/cli.ts, from tools/, a layer above hal/');
  });

  it('fails on a cycle between files, even through a type-only edge', () => {
    const r = check(
      tree({
        'src/a.ts': "import type { B } from './b.js';\nexport type A = B | 1;\n",
        'src/b.ts': "import type { A } from './a.js';\nexport type B = Exclude<A, 1> | 2;\n",
      }),
    );
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/import cycle: src\/(a\.ts -> src\/b\.ts|b\.ts -> src\/a\.ts)/);
  });
});
