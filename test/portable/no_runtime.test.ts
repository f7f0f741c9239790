import { describe, it, expect } from 'vitest';
import * as none from '../../src/no_runtime.js';
import { NoRuntime } from '../../src/no_runtime.js';
import { VllsiError } from '../../src/errors.js';
import { MemProt } from '../../src/bitflags.js';
import { RUNTIME_PROFILE, runtimeProfile } from '../../src/profile.js';

describe('no_runtime: every heap entry point refuses', () => {
  it('allocation forms return undefined (the reference None)', () => {
    expect(none.stackAlloc(16, 8)).toBeUndefined();
    expect(none.stackAllocOffset(16, 8)).toBeUndefined();
    expect(none.stackAlloc(0)).toBeUndefined();
    expect(none.hasStackArena()).toBe(false);
  });

  it.each([
    { name: 'stackMark', call: () => none.stackMark() },
    { name: 'stackReset', call: () => none.stackReset(0) },
    { name: 'stackStats', call: () => none.stackStats() },
    { name: 'stackArena', call: () => none.stackArena() },
    { name: 'initStackArena', call: () => none.initStackArena(1024) },
    {
      name: 'blockOn',
      call: () =>
        none.blockOn(function* () {
          return 1;
        }),
    },
    { name: 'initOsMemory', call: () => none.initOsMemory({ base: 0, size: 4096, protector: { name: 'x', zero() {} } }) },
    { name: 'osAlloc', call: () => none.osAlloc(4096) },
    { name: 'osAllocAligned', call: () => none.osAllocAligned(4096, 8192) },
    { name: 'osAllocHuge', call: () => none.osAllocHuge(4096, 65536) },
    { name: 'osFree', call: () => none.osFree(0x20000000, 4096) },
    { name: 'osProtect', call: () => none.osProtect(0x20000000, 4096, MemProt.Read) },
    { name: 'osAdvise', call: () => none.osAdvise(0x20000000, 4096, 'DontNeed') },
  ])('$name throws NoRuntime', ({ name, call }) => {
    let err: unknown;
    try {
      call();
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(NoRuntime);
    expect(err).toBeInstanceOf(VllsiError);
    expect((err as NoRuntime).kind).toBe('NoRuntime');
    expect((err as NoRuntime).operation).toBe(name);
    expect((err as NoRuntime).message).toContain(name);
  });

  it('unbundled code reports the full profile', () => {
    expect(RUNTIME_PROFILE).toBe('full');
    expect(runtimeProfile()).toBe('full');
  });
});
