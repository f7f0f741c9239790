// The registry test: every entry point in ENTRY_POINTS is probed for real. Under a
// sandbox denying its scope a syscall entry must refuse with PermissionDenied (so it
// carries the check); under a sandbox denying every scope a time/platform/logging
// entry must still work (so it carries none). Every exported function of a module
// with syscall entries is either registered or listed here as not an entry point.
import { describe, it, expect, beforeAll, afterAll, beforeEach } from 'vitest';
import { ENTRY_POINTS, PERMISSION_SCOPES, PermissionDenied, sandbox } from '../../src/permissions.js';
import { installHostThreads } from '../../host-sim/threads.js';
import { setThreadProvider, type ThreadProvider } from '../../src/threads.js';
import * as threads from '../../src/threads.js';
import * as profile from '../../src/profile.js';
import * as os_memory from '../../src/os_memory.js';
import { MemProt } from '../../src/bitflags.js';
import { createBoard } from '../../host-sim/index.js';
import { attachOsMemory } from '../../host-sim/os-memory.js';

const modules: Record<string, Record<string, unknown>> = { threads, profile, os_memory };

/** A fresh page of OS memory on a simulated board, for the probes that need one. */
const page = () => os_memory.osAlloc(4096);

const entries = new URL('../fixtures/thread-entries.ts', import.meta.url).href;

/** Calls each entry point with harmless arguments. */
const probes: Record<string, () => unknown> = {
  'threads.threadSpawn': () => threads.threadJoin(threads.threadSpawn({ module: entries, export: 'asyncEntry' }, new SharedArrayBuffer(8))),
  'threads.getThreadId': () => threads.getThreadId(),
  'threads.threadSelf': () => threads.threadSelf(),
  'threads.numOnlineCpus': () => threads.numOnlineCpus(),
  'threads.threadYield': () => threads.threadYield(),
  'profile.runtimeProfile': () => profile.runtimeProfile(),
  'os_memory.osAlloc': () => os_memory.osAlloc(4096),
  'os_memory.osAllocAligned': () => os_memory.osAllocAligned(4096, 8192),
  'os_memory.osAllocHuge': () => os_memory.osAllocHuge(4096, 8192),
  'os_memory.osFree': () => os_memory.osFree(os_memory.osMemoryInfo().base, 4096),
  'os_memory.osProtect': () => os_memory.osProtect(os_memory.osMemoryInfo().base, 4096, MemProt.Read),
  'os_memory.osAdvise': () => os_memory.osAdvise(os_memory.osMemoryInfo().base, 4096, 'DontNeed'),
  'os_memory.osProtection': () => os_memory.osProtection(os_memory.osMemoryInfo().base),
  'os_memory.osMemoryInfo': () => os_memory.osMemoryInfo(),
};

/** Exported functions of those modules that are not operations (set-up, handles, types' helpers). */
const notEntryPoints = new Set([
  'threads.threadJoin', 'threads.threadDetach', // act on a handle threadSpawn (gated) produced
  'threads.setThreadProvider', 'threads.threadProvider', 'threads.singleThreadProvider', // platform set-up at init
  'os_memory.initOsMemory', 'os_memory.releaseOsMemory', // reserve the region at init
]);

let previous: ThreadProvider;
const board = createBoard('rpi-pico');
beforeAll(() => void (previous = installHostThreads()));
afterAll(() => {
  setThreadProvider(previous);
  os_memory.releaseOsMemory();
});
// Each probe gets a fresh region whose first page is allocated (osFree/osProtect/osAdvise act on it).
beforeEach(() => {
  attachOsMemory(board, 32 * 4096);
  page();
});

const denyAll = { deny: PERMISSION_SCOPES.map((scope) => ({ scope })) };

describe('permission registry', () => {
  it('every registered entry point exists and has a probe', () => {
    for (const e of ENTRY_POINTS) {
      const [mod, fn] = e.name.split('.') as [string, string];
      expect(typeof modules[mod]?.[fn], `${e.name} is not an exported function`).toBe('function');
      expect(probes[e.name], `no probe for ${e.name}`).toBeDefined();
    }
  });

  it('every exported function of those modules is registered or known not to be an entry point', () => {
    const registered = new Set(ENTRY_POINTS.map((e) => e.name));
    for (const [mod, exports] of Object.entries(modules)) {
      for (const [name, v] of Object.entries(exports)) {
        if (typeof v !== 'function' || /^[A-Z]/.test(name)) continue; // classes
        const full = `${mod}.${name}`;
        expect(registered.has(full) || notEntryPoints.has(full), `${full} is neither registered nor exempt`).toBe(true);
      }
    }
  });

  it.each(ENTRY_POINTS.filter((e) => e.category === 'syscall'))('$name refuses under a sandbox denying $scope', (e) => {
    let err: unknown;
    try {
      sandbox({ deny: [{ scope: e.scope! }] }, probes[e.name]!);
    } catch (x) {
      err = x;
    }
    expect(err).toBeInstanceOf(PermissionDenied);
    expect((err as PermissionDenied).scope).toBe(e.scope);
    expect(() => probes[e.name]!()).not.toThrow(); // and works outside it
  });

  it.each(ENTRY_POINTS.filter((e) => e.category !== 'syscall'))('$name ($category) carries no check: works under a sandbox denying everything', (e) => {
    expect(() => sandbox(denyAll, probes[e.name]!)).not.toThrow();
  });
});
