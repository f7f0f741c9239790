// src/runtime.ts: the heap, async and OS-memory entry points of the profile the code was built
// for. Unbundled code (Node, the XS test bundles) is the full profile; tools/profiles.test.ts
// builds and runs the embedded and no_runtime bundles.
import { describe, it, expect } from 'vitest';
import * as runtime from '../../src/runtime.js';
import * as allocator from '../../src/embedded.js';
import * as blocking from '../../src/block_on.js';
import * as osMemory from '../../src/os_memory.js';
import * as none from '../../src/no_runtime.js';
import { RUNTIME_PROFILE } from '../../src/profile.js';

const STACK = [
  'stackAlloc',
  'stackAllocOffset',
  'stackMark',
  'stackReset',
  'stackStats',
  'stackArena',
  'initStackArena',
  'hasStackArena',
  'releaseStackArena',
  'blockOn',
] as const;
// The embedded profile's entry points: its allocator and blockOn.
const embedded = { ...allocator, ...blocking };
const OS_MEMORY = ['initOsMemory', 'osAlloc', 'osAllocAligned', 'osAllocHuge', 'osFree', 'osProtect', 'osAdvise'] as const;

describe('runtime: the entry points of the build profile', () => {
  it('exports exactly the stack, async and OS-memory entry points', () => {
    expect(Object.keys(runtime).sort()).toEqual([...STACK, ...OS_MEMORY].sort());
  });

  it.each(STACK.map((name) => ({ name })))('$name is the stack allocator of the profile', ({ name }) => {
    const expected = RUNTIME_PROFILE === 'no_runtime' ? none[name] : embedded[name];
    expect(runtime[name]).toBe(expected);
  });

  it.each(OS_MEMORY.map((name) => ({ name })))('$name is the OS-memory entry point of the profile', ({ name }) => {
    const expected = RUNTIME_PROFILE === 'no_runtime' ? none[name] : osMemory[name];
    expect(runtime[name]).toBe(expected);
  });

  it('unbundled code is the full profile, so the allocator works', () => {
    expect(RUNTIME_PROFILE).toBe('full');
    runtime.initStackArena(256);
    try {
      const mark = runtime.stackMark();
      const view = runtime.stackAlloc(16, 8);
      expect(view).toBeInstanceOf(Uint8Array);
      expect(view!.byteLength).toBe(16);
      expect(runtime.stackStats().used).toBeGreaterThanOrEqual(16);
      runtime.stackReset(mark);
      expect(runtime.stackStats().used).toBe(0);
    } finally {
      runtime.releaseStackArena();
    }
  });
});
