// Install on the Node versions the package says it supports: every package in the lockfile
// accepts the lowest Node of each range in our `engines`, and the running Node (npm ci warned
// EBADENGINE for amaro@1.2.1, node >=22, while the README said Node 20+).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '../..');
const json = (f: string) => JSON.parse(readFileSync(path.join(root, f), 'utf8'));

type Version = [number, number, number];
const parse = (v: string): Version => {
  const [a = 0, b = 0, c = 0] = v
    .replace(/^v/, '')
    .split('.')
    .map((x) => (x === 'x' || x === '*' ? 0 : Number(x)));
  return [a, b, c];
};
const cmp = (a: Version, b: Version) => a[0] - b[0] || a[1] - b[1] || a[2] - b[2];

/** npm's engine ranges as the lockfile has them: `||` of space-separated comparators (>=, >, <, <=, ^, ~, =, x). */
export function satisfies(version: string, range: string): boolean {
  const v = parse(version);
  return range.split('||').some((part) =>
    part
      .trim()
      .replace(/(>=|<=|>|<|\^|~|=)\s+/g, '$1')
      .split(/\s+/)
      .filter(Boolean)
      .every((c) => {
        const m = /^(>=|<=|>|<|\^|~|=)?\s*v?([\dx*.]+)$/.exec(c);
        if (c === '*' || c === '') return true;
        if (!m) throw new Error(`unsupported range '${range}'`);
        const [op = '=', text] = [m[1], m[2]!];
        const w = parse(text);
        const parts = text.split('.').filter((x) => x !== 'x' && x !== '*').length;
        switch (op) {
          case '>=':
            return cmp(v, w) >= 0;
          case '>':
            return cmp(v, w) > 0;
          case '<=':
            return cmp(v, w) <= 0;
          case '<':
            return cmp(v, w) < 0;
          case '^':
            return cmp(v, w) >= 0 && (w[0] > 0 ? v[0] === w[0] : w[1] > 0 ? v[0] === 0 && v[1] === w[1] : v[0] === 0 && v[1] === 0 && v[2] === w[2]);
          case '~':
            return cmp(v, w) >= 0 && v[0] === w[0] && (parts < 2 || v[1] === w[1]);
          default:
            return v[0] === w[0] && (parts < 2 || v[1] === w[1]) && (parts < 3 || v[2] === w[2]);
        }
      }),
  );
}

describe('engines', () => {
  it('the range reader follows npm on the forms the lockfile uses', () => {
    expect(satisfies('20.19.0', '^20.19.0 || >=22.12.0')).toBe(true);
    expect(satisfies('20.9.0', '^20.19.0 || >=22.12.0')).toBe(false);
    expect(satisfies('21.0.0', '^20.9 || ^22.11')).toBe(false);
    expect(satisfies('20.20.2', '>=22')).toBe(false);
    expect(satisfies('12.22.0', '^12.22 || ^14.13 || >=16')).toBe(true);
    expect(satisfies('20.20.2', '>= 8')).toBe(true);
  });

  it('every locked package accepts the lowest Node of each range vllsi declares, and this Node', () => {
    const engines: string = json('package.json').engines.node;
    const lowest = engines.split('||').map((p) => /(\d+(?:\.\d+){0,2})/.exec(p)![1]!);
    expect(lowest.length).toBeGreaterThan(0);
    const refused: string[] = [];
    for (const [name, pkg] of Object.entries(
      json('package-lock.json').packages as Record<string, { engines?: { node?: string } | string[]; optional?: boolean }>,
    )) {
      const range = Array.isArray(pkg.engines) ? undefined : pkg.engines?.node;
      if (!name || range === undefined || pkg.optional) continue;
      for (const v of [...lowest, process.versions.node]) if (!satisfies(v, range)) refused.push(`${name} wants node ${range}, refuses ${v}`);
    }
    expect(refused).toEqual([]);
    expect(satisfies(process.versions.node, engines)).toBe(true);
  });

  it('the README states the same Node versions', () => {
    const engines: string = json('package.json').engines.node;
    const readme = readFileSync(path.join(root, 'README.md'), 'utf8');
    for (const v of engines.split('||').map((p) => /(\d+\.\d+)/.exec(p)![1]!)) expect(readme).toContain(`Node ${v}`);
  });
});
