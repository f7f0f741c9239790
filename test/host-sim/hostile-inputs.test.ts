// Property over the whole public API (src/index.ts): every exported function, class
// constructor and static method, called with hostile values in each argument position (NaN,
// ±Infinity, -1, 2^32, 2^53, fractions, strings, BigInt, null, undefined, objects), either
// returns or throws a VllsiError, never a TypeError/RangeError or anything untyped. Runs on a
// bound in-memory HAL and the host OS backend, inside a sandbox that denies files, locks,
// randomness, I/O, threads and the process (so no call has an effect outside this test).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as api from '../../src/index.js';
import { MemHal } from '../support/mem-hal.js';
import { installHostOs } from '../../host-sim/os/index.js';
import { runs } from '../support/env.js';

const HOSTILE: readonly unknown[] = [
  NaN,
  Infinity,
  -Infinity,
  -1,
  2 ** 32,
  2 ** 53,
  0.5,
  -0.5,
  'x',
  '',
  '0x10',
  1n,
  -1n,
  null,
  undefined,
  {},
  [],
  { start: NaN, length: 1n },
  () => 1,
];
/** A plausible value per position, so that one hostile argument is tested at a time. */
const PLAUSIBLE: readonly unknown[] = [0x20000000, 4, 0, 1];

/** Entry points that end or block the process, or only install global state, are not called. */
const SKIP = new Set([
  'exit',
  'blockOn',
  'threadJoin',
  'threadSpawn',
  'panic',
  'setPanicHandler',
  'setPlatformHalt',
  'shutdown',
  'init',
  'initThread',
  'cleanupThread',
  'installOsBackend',
  'setThreadProvider',
  'setRegisterGate',
  'bindHal',
  'unbindHal',
  'onSignal',
  'sandbox',
  'confineThread',
  'defineEntryPoints',
  'setTargetPageSize',
  'enableInterrupts',
  'disableInterrupts',
  'withCriticalSection',
  'initStackArena',
  'releaseStackArena',
  'initOsMemory',
  'releaseOsMemory',
  'ctxResetThread',
  'provide',
  'ctxUse',
  'ctxInit',
  'setInterruptHandler',
  'threadYield',
]);
/**
 * The unchecked bit primitives are the reference's fast path (bitfield.ts): caller contracts
 * are not checked there, and a BigInt for the 32-bit word (or a number for the 64-bit one) is
 * a type error TypeScript rejects; `checked` is their typed twin and is tested here.
 */
const UNCHECKED_BITS = /^(testBit|setBit|clearBit|toggleBit|setBits|clearBits|fieldMask|extractBits|insertBits)(64)?$/;
/** Error classes are constructed with anything (they only describe it). */
const isErrorClass = (f: unknown) => typeof f === 'function' && (f === Error || f.prototype instanceof Error);

const entries = [
  ...Object.entries(api).filter(([name, v]) => typeof v === 'function' && !SKIP.has(name) && !UNCHECKED_BITS.test(name) && !isErrorClass(v)),
  ...Object.entries(api.checked).map(([name, v]) => [`checked.${name}`, v]),
] as [string, (...a: unknown[]) => unknown][];

const hal = new MemHal({ regions: [{ name: 'RAM', base: 0x20000000, size: 0x1000 }] });
const deny = { allow: [{ scope: 'register' as const }, { scope: 'memory' as const }] };

let previous: ReturnType<typeof api.bindHal> | undefined;
beforeAll(() => {
  installHostOs();
  previous = api.bindHal(hal);
});
afterAll(() => {
  if (previous) api.bindHal(previous);
  else api.unbindHal();
});

/** Calls f (as a function, else as a constructor) inside the sandbox; returns what it threw. */
function attempt(f: (...a: unknown[]) => unknown, args: unknown[]): unknown {
  try {
    api.sandbox(deny, () => {
      let r: unknown;
      try {
        r = f(...args);
      } catch (e) {
        if (!(e instanceof TypeError && /class constructor|without 'new'|cannot be invoked without/i.test(e.message))) throw e;
        r = new (f as unknown as new (...a: unknown[]) => unknown)(...args);
      }
      if (r instanceof Promise) r.catch(() => {});
    });
  } catch (e) {
    return e;
  }
  return undefined;
}

describe('no untyped error from the public API', () => {
  const untyped: string[] = [];

  it(`${entries.length} entry points × ${HOSTILE.length} hostile values × each argument position`, () => {
    let calls = 0;
    for (const [name, f] of entries) {
      const arity = Math.max(f.length, 1) + 1;
      for (let pos = 0; pos < arity; pos++) {
        for (const bad of HOSTILE) {
          const args = PLAUSIBLE.slice(0, arity);
          args[pos] = bad;
          const e = attempt(f, args);
          calls++;
          if (e !== undefined && !(e instanceof api.VllsiError))
            untyped.push(`${name}(arg ${pos} = ${api.describe(bad)}): ${(e as Error)?.constructor?.name}: ${(e as Error)?.message}`);
        }
      }
    }
    expect(calls).toBeGreaterThan(5000);
    expect(untyped).toEqual([]);
  });

  it('property: random hostile argument lists for random entry points', () => {
    fc.assert(
      fc.property(fc.constantFrom(...entries), fc.array(fc.constantFrom(...HOSTILE, ...PLAUSIBLE), { maxLength: 4 }), ([name, f], args) => {
        const e = attempt(f, args);
        if (e !== undefined && !(e instanceof api.VllsiError))
          throw new Error(`${name}(${args.map((a) => api.describe(a)).join(', ')}) threw untyped ${(e as Error)?.constructor?.name}: ${(e as Error)?.message}`);
      }),
      runs(2000, 20000),
    );
  });

  it('packed types, Register.at and ctxGet: the cases from the issue', () => {
    const BF = api.defineBitfield('BF', { a: api.bits(8, api.UInt8), b: api.bits(8, api.UInt8) });
    const u8 = new Uint8Array([0, 0, 0, 0, 0x11, 0x22, 0, 0]);
    const v = BF.view(u8, 4);
    expect([v.a, v.b]).toEqual([0x11, 0x22]);
    v.a = 0x33;
    expect(u8[4]).toBe(0x33); // a live view, not a hidden copy
    const sub = u8.subarray(2);
    expect(BF.view(sub, 2).b).toBe(0x22);
    const dv = new DataView(u8.buffer, 1, 6);
    expect(BF.view(dv, 3).a).toBe(0x33);
    expect(() => BF.view(dv, 5)).toThrow(api.BitfieldDefinitionError);
    for (const bad of [2 ** 31, undefined, null, 'x', {}, [1, 2]]) expect(() => BF.view(bad as ArrayBuffer)).toThrow(api.BitfieldDefinitionError);
    expect(() => api.defineBitfield('Huge', { p: api.padding(2 ** 31) })).toThrow(api.BitfieldDefinitionError);
    expect(() => api.defineBitfield('Huge', { p: api.padding(2 ** 15), q: api.padding(2 ** 16) })).toThrow(/at most 65536 bits/);
    for (const bad of [undefined, null, 'ab', [1, 2], new Uint16Array(1)])
      expect(() => BF.fromBytes(bad as unknown as Uint8Array)).toThrow(api.BitfieldDefinitionError);
    for (const bad of [1n, null, 'x', {}, NaN]) expect(() => api.Register.at(bad as number)).toThrow(api.RegisterDefinitionError);
    for (const bad of [1n, null, 'x', {}, NaN, 0.5, -1, 2 ** 32]) expect(() => api.ctxGet(bad as number)).toThrow(api.VllsiError);
  });
});
