// The build-time preload check (tools/preload-check.ts): what fails on a Moddable device after
// preload, or for want of a global, is refused at build time with the module and binding named.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { checkPreload, MODDABLE_GLOBALS, preloadProblems, PreloadUnsafe } from '../../tools/preload-check.js';
import { packageRoot } from '../../tools/moddable.js';
import { ensureBuilt } from './moddable-project.js';
import { runs } from '../support/env.js';

const names = (code: string) => preloadProblems('m', code).map((p) => p.binding);

describe('preloadProblems', () => {
  it('finds a module-level Map, WeakMap, array or object changed by a function', () => {
    expect(names('const states = new WeakMap(); export function f(k) { states.set(k, 1); }')).toEqual(['states']);
    expect(names('const slots = new Array(8).fill(undefined); export function f(i, v) { slots[i] = v; }')).toEqual(['slots']);
    expect(names('const o = { n: 0 }; export const g = () => { o.n++; };')).toEqual(['o']);
    expect(names('const q = []; export class C { m() { q.push(1); } }')).toEqual(['q']);
    expect(names('const t = { a: {} }; export function f() { t.a.b = 1; delete t.a; }')).toEqual(['t', 't']);
    expect(names('const c = {}; export function f() { Object.assign(c, { x: 1 }); }')).toEqual(['c']);
  });

  it('allows changes during preload, state made on first use, rebinding a let and shadowing locals', () => {
    expect(names('const table = []; for (let i = 0; i < 4; i++) table.push(i * i); export const f = () => table[1];')).toEqual([]);
    expect(names('let s; export function f() { s ??= new Map(); s.set(1, 2); }')).toEqual([]);
    expect(names('const m = new Map(); export function f(m) { m.set(1, 2); }')).toEqual([]);
    expect(names('const m = new Map(); export function f() { const m = new Map(); m.set(1, 2); }')).toEqual([]);
    expect(names('const m = new Map(); export function f() { for (const m of []) m.set(1); try {} catch (m) { m.x = 1; } }')).toEqual([]);
    expect(names('const f = Object.freeze({ a: 1 }); export const g = () => f.a;')).toEqual([]);
  });

  it('finds globals Moddable does not have, and only those', () => {
    expect(names('export function f(s) { return new TextEncoder().encode(s); }')).toEqual(['TextEncoder']);
    expect(names('export function f() { setTimeout(() => {}, 1); console.log(1); }')).toEqual(['setTimeout', 'console']);
    expect(names('export function f() { return typeof TextEncoder === "undefined" ? trace("x") : 0; }')).toEqual([]);
    expect(names('export const o = { TextEncoder: 1 }; export function f(x) { return x.setTimeout + o.TextEncoder; }')).toEqual([]);
    expect(names('export const load = native("xs_vllsi_load8"); export const m = new Map([[1, Math.max(1, 2)]]);')).toEqual([]);
  });

  it('law: every Moddable global is accepted, any other free name is reported', () => {
    const builtins = [...MODDABLE_GLOBALS];
    fc.assert(
      fc.property(fc.constantFrom(...builtins), fc.stringMatching(/^[a-z][a-zA-Z]{2,8}$/), (g, other) => {
        fc.pre(
          !MODDABLE_GLOBALS.has(other) &&
            ![
              'let',
              'var',
              'new',
              'for',
              'try',
              'this',
              'void',
              'with',
              'case',
              'else',
              'enum',
              'null',
              'true',
              'false',
              'typeof',
              'delete',
              'return',
              'switch',
              'throw',
              'while',
              'yield',
              'await',
              'class',
              'const',
              'break',
              'catch',
              'super',
              'export',
              'import',
              'default',
              'finally',
              'continue',
              'debugger',
              'function',
              'instanceof',
              'extends',
              'static',
              'implements',
              'interface',
              'package',
              'private',
              'protected',
              'public',
            ].includes(other),
        );
        expect(names(`export function f() { return [${g}, ${other}]; }`)).toEqual([other]);
      }),
      runs(200, 500),
    );
  });

  it('adversarial: a syntax error is an error, not a pass', () => {
    expect(() => preloadProblems('m', 'export function (')).toThrow();
  });
});

describe('the device modules vllsi ships', () => {
  beforeAll(ensureBuilt, 120_000);

  it('every profile bundle, the HAL, the console and the blink example are preload-safe (main had a WeakMap, an 8,192-item array and TextEncoder)', () => {
    const files = ['vllsi-embedded.js', 'vllsi-full.js', 'vllsi-no_runtime.js', 'vllsi-hal.js', 'vllsi-console.js', 'examples/blink.js'];
    const modules = Object.fromEntries(files.map((f) => [f, readFileSync(path.join(packageRoot, 'dist/xs', f), 'utf8')]));
    expect(() => checkPreload(modules)).not.toThrow();
  });

  it('an unsafe module is a PreloadUnsafe naming the module and the binding', () => {
    const e = (() => {
      try {
        checkPreload({ app: 'const seen = new Set(); export default function main() { seen.add(1); new TextEncoder(); }' });
      } catch (err) {
        return err;
      }
    })();
    expect(e).toBeInstanceOf(PreloadUnsafe);
    expect((e as PreloadUnsafe).message).toMatch(
      /^not preload-safe for a Moddable device:\n {2}- app: seen: calls add\(\) on a module-level object after preload.*\n {2}- app: TextEncoder: is not a global of Moddable/,
    );
  });
});
