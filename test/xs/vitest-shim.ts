// The slice of vitest's API that portable tests may use, for the XS engine.
// Rollup aliases `vitest` to this file when bundling test/portable for xsnap.
// Supported: describe, it/test (+ .skip, .each), beforeEach/afterEach,
// expect(...) with .not, .resolves, .rejects and the matchers below.

declare const issueCommand: (msg: ArrayBuffer) => ArrayBuffer;
declare const globalThis: Record<string, unknown>;
globalThis.__VLLSI_ENGINE__ = 'xs';

// xsnap has no timers; fast-check needs them to exist. Callbacks run after the
// current jobs (delays are not honoured: no test depends on wall-clock time).
let nextTimer = 1;
const cancelled = new Set<number>();
globalThis.setTimeout = (fn: (...a: unknown[]) => void, _ms?: number, ...args: unknown[]) => {
  const id = nextTimer++;
  Promise.resolve()
    .then(() => Promise.resolve())
    .then(() => {
      if (!cancelled.delete(id)) fn(...args);
    });
  return id;
};
globalThis.clearTimeout = (id: number) => void cancelled.add(id);

type Fn = () => unknown;
interface Case {
  name: string[];
  fn: Fn | undefined;
  file: string;
  before: Fn[];
  after: Fn[];
}
const cases: Case[] = [];
const stack: string[] = [];
let befores: Fn[][] = [[]];
let afters: Fn[][] = [[]];
let currentFile = '?';

export function __enterFile(file: string): void {
  currentFile = file;
  befores = [[]];
  afters = [[]];
}

export function describe(name: string, fn: () => void): void {
  stack.push(name);
  befores.push([]);
  afters.push([]);
  try {
    fn();
  } finally {
    stack.pop();
    befores.pop();
    afters.pop();
  }
}
describe.skip = (name: string, _fn: () => void) => void cases.push({ name: [...stack, name], fn: undefined, file: currentFile, before: [], after: [] });

export function it(name: string, fn: Fn): void {
  cases.push({ name: [...stack, name], fn, file: currentFile, before: befores.flat(), after: afters.flat().reverse() });
}
it.skip = (name: string, _fn?: Fn) => void cases.push({ name: [...stack, name], fn: undefined, file: currentFile, before: [], after: [] });
it.each =
  <T>(rows: readonly T[]) =>
  (name: string, fn: (row: T) => unknown) => {
    rows.forEach((row, i) => it(format(name, row, i), () => fn(row)));
  };
export const test = it;

function format(name: string, row: unknown, i: number): string {
  return name.replace(/%s|%d|%i|%j|\$(\w+)|%#/g, (m, key: string | undefined) => {
    if (m === '%#') return String(i);
    if (key !== undefined && row && typeof row === 'object') {
      // As vitest names `$key` rows: strings quoted, inner quotes escaped (so results match by name).
      const v = (row as Record<string, unknown>)[key];
      return typeof v === 'string' ? `'${v.replace(/'/g, "\\'")}'` : String(v);
    }
    return typeof row === 'object' ? JSON.stringify(row) : String(row);
  });
}

export function beforeEach(fn: Fn): void {
  befores[befores.length - 1]!.push(fn);
}
export function afterEach(fn: Fn): void {
  afters[afters.length - 1]!.push(fn);
}

// --- expect --------------------------------------------------------------

class AssertionError extends Error {}

function show(v: unknown): string {
  if (typeof v === 'bigint') return `${v}n`;
  if (typeof v === 'function') return `[Function ${v.name}]`;
  if (v instanceof Error) return `${v.name}: ${v.message}`;
  try {
    return JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? `${x}n` : x instanceof Uint8Array ? `Uint8Array[${Array.from(x)}]` : x)) ?? String(v);
  } catch {
    return String(v);
  }
}

function equal(a: unknown, b: unknown, strict: boolean): boolean {
  if (Object.is(a, b)) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (strict && Object.getPrototypeOf(a) !== Object.getPrototypeOf(b)) return false;
  if (ArrayBuffer.isView(a) && ArrayBuffer.isView(b)) {
    const x = a as unknown as ArrayLike<unknown>;
    const y = b as unknown as ArrayLike<unknown>;
    return x.length === y.length && Array.from(x).every((v, i) => Object.is(v, y[i]));
  }
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (a instanceof Map && b instanceof Map) {
    return a.size === b.size && [...a].every(([k, v]) => b.has(k) && equal(v, b.get(k), strict));
  }
  if (a instanceof Set && b instanceof Set) return a.size === b.size && [...a].every((v) => b.has(v));
  const ka = Object.keys(a).filter((k) => strict || (a as Record<string, unknown>)[k] !== undefined);
  const kb = Object.keys(b).filter((k) => strict || (b as Record<string, unknown>)[k] !== undefined);
  if (ka.length !== kb.length) return false;
  return ka.every((k) => Object.hasOwn(b, k) && equal((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], strict));
}

function thrownMatches(err: unknown, expected: unknown): boolean {
  if (expected === undefined) return true;
  const msg = err instanceof Error ? err.message : String(err);
  if (typeof expected === 'string') return msg.includes(expected);
  if (expected instanceof RegExp) return expected.test(msg);
  if (typeof expected === 'function') return err instanceof (expected as new () => unknown);
  if (expected && typeof expected === 'object') return equal({ ...(err as object), message: msg }, { ...(err as object), ...expected }, false);
  return false;
}

type Matchers = Record<string, (...args: any[]) => any>;

function matchers(actual: unknown, negate: boolean): Matchers {
  const check = (pass: boolean, what: string) => {
    if (pass === negate) throw new AssertionError(`expected ${show(actual)} ${negate ? 'not ' : ''}${what}`);
  };
  return {
    toBe: (e: unknown) => check(Object.is(actual, e), `to be ${show(e)}`),
    toEqual: (e: unknown) => check(equal(actual, e, false), `to equal ${show(e)}`),
    toStrictEqual: (e: unknown) => check(equal(actual, e, true), `to strictly equal ${show(e)}`),
    toBeTruthy: () => check(!!actual, 'to be truthy'),
    toBeFalsy: () => check(!actual, 'to be falsy'),
    toBeUndefined: () => check(actual === undefined, 'to be undefined'),
    toBeDefined: () => check(actual !== undefined, 'to be defined'),
    toBeNull: () => check(actual === null, 'to be null'),
    toBeNaN: () => check(Number.isNaN(actual), 'to be NaN'),
    toBeInstanceOf: (c: new (...a: any[]) => unknown) => check(actual instanceof c, `to be an instance of ${c.name}`),
    toBeTypeOf: (t: string) => check(typeof actual === t, `to be of type ${t}`),
    toBeGreaterThan: (n: number | bigint) => check((actual as number) > n, `to be > ${show(n)}`),
    toBeGreaterThanOrEqual: (n: number | bigint) => check((actual as number) >= n, `to be >= ${show(n)}`),
    toBeLessThan: (n: number | bigint) => check((actual as number) < n, `to be < ${show(n)}`),
    toBeLessThanOrEqual: (n: number | bigint) => check((actual as number) <= n, `to be <= ${show(n)}`),
    toBeCloseTo: (n: number, digits = 2) => check(Math.abs((actual as number) - n) < 10 ** -digits / 2, `to be close to ${n}`),
    toContain: (x: unknown) => check((actual as { includes(v: unknown): boolean }).includes(x), `to contain ${show(x)}`),
    toContainEqual: (x: unknown) =>
      check(
        (actual as unknown[]).some((v) => equal(v, x, false)),
        `to contain an element equal to ${show(x)}`,
      ),
    toHaveLength: (n: number) => check((actual as { length: number }).length === n, `to have length ${n}`),
    toHaveProperty: (k: string, v?: unknown) =>
      check(actual != null && k in (actual as object) && (v === undefined || equal((actual as Record<string, unknown>)[k], v, false)), `to have property ${k}`),
    toMatch: (re: RegExp | string) => check(typeof re === 'string' ? String(actual).includes(re) : re.test(String(actual)), `to match ${String(re)}`),
    toMatchObject: (o: object) =>
      check(
        actual != null &&
          equal({ ...(actual as object), ...o }, actual, false) &&
          Object.keys(o).every((k) => equal((actual as Record<string, unknown>)[k], (o as Record<string, unknown>)[k], false)),
        `to match ${show(o)}`,
      ),
    toThrow: (e?: unknown) => {
      let threw = false;
      let err: unknown;
      try {
        (actual as () => unknown)();
      } catch (x) {
        threw = true;
        err = x;
      }
      check(threw && thrownMatches(err, e), `to throw ${e === undefined ? '' : show(e)}${threw ? ` (threw ${show(err)})` : ' (nothing thrown)'}`);
    },
  };
}
function withAliases(m: Matchers): Matchers {
  m.toThrowError = m.toThrow!;
  return m;
}

function settle(p: unknown, wantReject: boolean, negate: boolean): Matchers {
  const out: Matchers = {};
  for (const key of Object.keys(withAliases(matchers(undefined, negate)))) {
    out[key] = async (...args: unknown[]) => {
      let value: unknown;
      let rejected = false;
      try {
        value = await p;
      } catch (e) {
        rejected = true;
        value = e;
      }
      if (rejected !== wantReject)
        throw new AssertionError(
          `expected promise to ${wantReject ? 'reject' : 'resolve'}, it ${rejected ? `rejected with ${show(value)}` : `resolved to ${show(value)}`}`,
        );
      if (key === 'toThrow' || key === 'toThrowError') {
        if (thrownMatches(value, args[0]) === negate)
          throw new AssertionError(`expected rejection ${show(value)} ${negate ? 'not ' : ''}to match ${show(args[0])}`);
        return;
      }
      return withAliases(matchers(value, negate))[key]!(...args);
    };
  }
  return out;
}

export function expect(actual: unknown) {
  const m = withAliases(matchers(actual, false)) as Matchers & { not: Matchers; resolves: Matchers; rejects: Matchers };
  m.not = withAliases(matchers(actual, true));
  m.resolves = settle(actual, false, false);
  m.rejects = settle(actual, true, false);
  return m;
}

// --- runner ------------------------------------------------------------------

const encoder = new TextEncoder();
function report(msg: object): void {
  issueCommand(encoder.encode(JSON.stringify(msg)).buffer as ArrayBuffer);
}

export async function __runAll(filter?: string): Promise<void> {
  for (const c of cases) {
    const name = c.name.join(' > ');
    if (filter && !`${c.file} ${name}`.includes(filter)) continue;
    if (!c.fn) {
      report({ type: 'result', file: c.file, name, status: 'skipped' });
      continue;
    }
    let error: string | undefined;
    try {
      for (const b of c.before) await b();
      await c.fn();
    } catch (e) {
      // XS stacks start with the message line: print it once.
      error = e instanceof Error ? (e.stack && e.stack.includes(e.message) ? e.stack : `${e.name}: ${e.message}\n${e.stack ?? ''}`) : show(e);
    }
    try {
      for (const a of c.after) await a();
    } catch (e) {
      error ??= `afterEach: ${show(e)}`;
    }
    report({ type: 'result', file: c.file, name, status: error === undefined ? 'passed' : 'failed', error });
  }
  report({ type: 'done' });
}
