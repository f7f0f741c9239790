// The registry test: every entry point in ENTRY_POINTS is probed for real. Under a
// sandbox denying its scope a syscall entry must refuse with PermissionDenied (so it
// carries the check); under a sandbox denying every scope a time/platform/logging
// entry must still work (so it carries none). Every exported function of a module
// with entry points is either registered or listed here as not an entry point.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ENTRY_POINTS, PERMISSION_SCOPES, PermissionDenied, sandbox } from '../../src/permissions.js';
import { installHostThreads } from '../../host-sim/threads.js';
import { installHostOs } from '../../host-sim/os/index.js';
import { createBoard } from '../../host-sim/index.js';
import { attachOsMemory } from '../../host-sim/os-memory.js';
import { MemProt } from '../../src/bitflags.js';
import { fileDesc, type FileDesc } from '../../src/common.js';
import { installOsBackend, type OsBackend } from '../../src/os.js';
import { setThreadProvider, type ThreadProvider } from '../../src/threads.js';
import * as threads from '../../src/threads.js';
import * as profile from '../../src/profile.js';
import * as os_memory from '../../src/os_memory.js';
import * as sys_common from '../../src/sys_common.js';
import * as locking from '../../src/locking.js';
import * as durability from '../../src/durability.js';
import * as io_engine from '../../src/io_engine.js';
import * as process_ from '../../src/process.js';
import * as mmioFunctions from '../../src/mmio.js';
import * as register from '../../src/register.js';
import * as peripheral from '../../src/peripheral.js';
import * as memoryRegion from '../../src/memory_region.js';
import { MemHal } from '../support/mem-hal.js';
import { bindHal, unbindHal } from '../../src/platform.js';

// The reference's core.sys.mmio: its free functions, registers, peripheral handles and regions.
const mmio = { ...mmioFunctions, ...register, ...peripheral, ...memoryRegion };
const modules: Record<string, Record<string, any>> = { mmio, threads, profile, os_memory, sys_common, locking, durability, io_engine, process: process_ };

/** `module.name` or `module.Class#method` to the function. */
function lookup(name: string): unknown {
  const [mod, rest] = name.split('.') as [string, string];
  const [top, method] = rest.split('#') as [string, string | undefined];
  const v = modules[mod]?.[top];
  return method === undefined ? v : v?.prototype?.[method];
}

const entries = new URL('../fixtures/thread-entries.ts', import.meta.url).href;
const board = createBoard('rpi-pico');
let dir: string;
let file: string;
let fd: FileDesc;
const cleanups: (() => void)[] = [];

/**
 * Per entry point: set-up run outside any sandbox, returning the call to probe.
 * `once` marks calls that cannot also be run for real (exit).
 */
type Probe = (() => () => unknown) & { once?: boolean };
const call =
  (f: () => unknown): Probe =>
  () =>
    f;
const engine = () => {
  const e = io_engine.createIoEngine();
  cleanups.push(() => e.shutdown());
  return e;
};
const osPage = () => {
  attachOsMemory(board, 8 * 4096);
  return os_memory.osAlloc(4096);
};
const exitProbe: Probe = () => () => process_.exit(3);
exitProbe.once = true;

// A register with a field, on the in-memory HAL (RP2040-style aliases at +0x1000.. for the atomic ops).
const RAM = 0x40000000;
const reg = () =>
  new mmio.Register(
    { addressOffset: 4, fields: { EN: { bitOffset: 0, bitWidth: 1, enumeratedValues: { Off: 0, On: 1 } } } },
    { baseAddress: RAM, atomicAliases: true },
  );
const field = () => reg().fields.EN;
const region = new mmio.MemoryRegion(RAM, 0x100);

const probes: Record<string, Probe> = {
  'mmio.volatileLoad': call(() => mmio.volatileLoad(RAM)),
  'mmio.volatileStore': call(() => mmio.volatileStore(RAM, 1)),
  'mmio.MemoryRegion#load': call(() => region.load(8)),
  'mmio.MemoryRegion#store': call(() => region.store(8, 2)),
  'mmio.Register#read': call(() => reg().read()),
  'mmio.Register#write': call(() => reg().write(1)),
  'mmio.Register#modify': call(() => reg().modify({ EN: 1 })),
  'mmio.Register#get': call(() => reg().get('EN')),
  'mmio.Register#getEnum': call(() => reg().getEnum('EN')),
  'mmio.Register#isSet': call(() => reg().isSet('EN')),
  'mmio.Register#matches': call(() => reg().matches({ EN: 0 })),
  'mmio.Register#atomicSet': call(() => reg().atomicSet({ EN: 1 })),
  'mmio.Register#atomicClear': call(() => reg().atomicClear({ EN: 1 })),
  'mmio.Register#atomicXor': call(() => reg().atomicXor({ EN: 1 })),
  'mmio.Register#writeMasked': call(() => reg().writeMasked(1, 1, 'write')),
  'mmio.Register#modifyMasked': call(() => reg().modifyMasked(1, 0)),
  'mmio.Field#read': call(() => field().read()),
  'mmio.Field#readEnum': call(() => field().readEnum()),
  'mmio.Field#is': call(() => field().is('On')),
  'mmio.Field#isSet': call(() => field().isSet()),
  'mmio.Field#write': call(() => field().write('On')),
  'mmio.Field#modify': call(() => field().modify(0)),
  'mmio.barrier': call(() => mmio.barrier('SeqCst')),
  'mmio.dmb': call(() => mmio.dmb()),
  'mmio.dsb': call(() => mmio.dsb()),
  'mmio.isb': call(() => mmio.isb()),
  'threads.threadSpawn': call(() => threads.threadJoin(threads.threadSpawn({ module: entries, export: 'asyncEntry' }, new SharedArrayBuffer(8)))),
  'threads.getThreadId': call(() => threads.getThreadId()),
  'threads.threadSelf': call(() => threads.threadSelf()),
  'threads.numOnlineCpus': call(() => threads.numOnlineCpus()),
  'threads.threadYield': call(() => threads.threadYield()),
  'profile.runtimeProfile': call(() => profile.runtimeProfile()),
  'os_memory.osAlloc': () => (osPage(), () => os_memory.osAlloc(4096)),
  'os_memory.osAllocAligned': () => (osPage(), () => os_memory.osAllocAligned(4096, 8192)),
  'os_memory.osAllocHuge': () => (osPage(), () => os_memory.osAllocHuge(4096, 8192)),
  'os_memory.osFree': () => {
    const a = osPage();
    return () => os_memory.osFree(a, 4096);
  },
  'os_memory.osProtect': () => {
    const a = osPage();
    return () => os_memory.osProtect(a, 4096, MemProt.Read);
  },
  'os_memory.osAdvise': () => {
    const a = osPage();
    return () => os_memory.osAdvise(a, 4096, 'DontNeed');
  },
  'os_memory.osProtection': () => {
    const a = osPage();
    return () => os_memory.osProtection(a);
  },
  'os_memory.osMemoryInfo': () => (osPage(), () => os_memory.osMemoryInfo()),
  'sys_common.pread': call(() => sys_common.pread(fd, new Uint8Array(4), 0)),
  'sys_common.pwrite': call(() => sys_common.pwrite(fd, new Uint8Array([1, 2]), 0)),
  'sys_common.fileSize': call(() => sys_common.fileSize(fd)),
  'sys_common.truncate': call(() => sys_common.truncate(fd, 16)),
  'sys_common.access': call(() => sys_common.access(file, sys_common.F_OK)),
  'sys_common.fullFsync': call(() => sys_common.fullFsync(fd)),
  'sys_common.syncDirectory': call(() => sys_common.syncDirectory(dir)),
  'durability.atomicWrite': call(() => durability.atomicWrite(path.join(dir, 'atomic'), new Uint8Array([9]))),
  'durability.removeStaleTempFiles': call(() => durability.removeStaleTempFiles(path.join(dir, 'atomic'))),
  'locking.tryLock': call(() => locking.unlock(locking.tryLock(fd, { start: 4, length: 1 }, locking.LockKind.Exclusive))),
  'locking.unlock': () => {
    const h = locking.tryLock(fd, { start: 5, length: 1 }, locking.LockKind.Exclusive);
    return () => locking.unlock(h);
  },
  'locking.tryLockByteExclusive': call(() => locking.unlock(locking.tryLockByteExclusive(fd, 6))),
  'locking.tryLockByteShared': call(() => locking.unlock(locking.tryLockByteShared(fd, 7))),
  'sys_common.randomBytes': call(() => sys_common.randomBytes(new Uint8Array(8))),
  'io_engine.createIoEngine': call(() => io_engine.createIoEngine().shutdown()),
  'io_engine.IoEngine#submit': () => {
    const e = engine();
    return () => e.submit({ op: 'Read', fd, buf: new Uint8Array(1), len: 1, offset: 0 });
  },
  'io_engine.IoEngine#socket': () => {
    const e = engine();
    return () => e.socket();
  },
  'io_engine.IoEngine#listen': () => {
    const e = engine();
    return () => e.listen({ host: '127.0.0.1', port: 0 });
  },
  'process.exit': exitProbe,
  'process.onSignal': call(() => process_.onSignal('SIGHUP', () => {})()),
  'process.getpid': call(() => process_.getpid()),
  'process.gettid': call(() => process_.gettid()),
  'process.clockGettime': call(() => process_.clockGettime(1)),
};

/** Exported functions of those modules that are not operations of their own. */
const notEntryPoints = new Set([
  'mmio.peripheral', // builds Register handles; their accesses are the entries
  'mmio.Register#encode',
  'mmio.Register#denied',
  'mmio.Register#field',
  'mmio.Register#fieldOf',
  'mmio.Register#unknownField',
  'mmio.Register#encodeValues',
  'mmio.Field#valueOf',
  'mmio.Field#encode',
  'mmio.MemoryRegion#contains',
  'mmio.MemoryRegion#register',
  'mmio.MemoryRegion#at', // pure
  'mmio.Register#alias', // private: the store of the gated atomicSet/atomicClear/atomicXor
  'mmio.Register#makeFields', // private: builds the field handles on first use (pure)
  'threads.threadJoin',
  'threads.threadDetach', // act on a handle threadSpawn (gated) produced
  'threads.setThreadProvider',
  'threads.threadProvider',
  'threads.singleThreadProvider', // platform set-up at init
  'os_memory.initOsMemory',
  'os_memory.releaseOsMemory', // reserve the region at init
  'durability.parentDirectory', // string helper
  'io_engine.IoEngine#poll',
  'io_engine.IoEngine#shutdown', // collect or cancel what a gated submit started
]);

let previousThreads: ThreadProvider;
let previousOs: OsBackend | undefined;
beforeAll(() => {
  bindHal(new MemHal({ regions: [{ name: 'PERIPH', base: RAM, size: 0x1000, atomicAliases: true }] }));
  previousThreads = installHostThreads();
  previousOs = installHostOs();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vllsi-registry-'));
  file = path.join(dir, 'data');
  fd = fileDesc(fs.openSync(file, 'w+'));
});
afterAll(() => {
  for (const c of cleanups) c();
  fs.closeSync(fd);
  fs.rmSync(dir, { recursive: true, force: true });
  setThreadProvider(previousThreads);
  installOsBackend(previousOs);
  os_memory.releaseOsMemory();
  unbindHal();
});

const denyAll = { deny: PERMISSION_SCOPES.map((scope) => ({ scope })) };

describe('permission registry', () => {
  it('every registered entry point exists and has a probe', () => {
    for (const e of ENTRY_POINTS) {
      expect(typeof lookup(e.name), `${e.name} is not an exported function or method`).toBe('function');
      expect(probes[e.name], `no probe for ${e.name}`).toBeDefined();
    }
  });

  it('every exported function and public method of those modules is registered or known not to be an entry point', () => {
    const registered = new Set(ENTRY_POINTS.map((e) => lookup(e.name)));
    for (const [mod, exports] of Object.entries(modules)) {
      for (const [name, v] of Object.entries(exports)) {
        if (typeof v !== 'function') continue;
        if (/^[A-Z]/.test(name)) {
          // A class: its public methods that act (io_engine.IoEngine#submit ...).
          if (v.prototype instanceof Error) continue;
          for (const m of Object.getOwnPropertyNames(v.prototype)) {
            const d = Object.getOwnPropertyDescriptor(v.prototype, m)!;
            if (m === 'constructor' || typeof d.value !== 'function') continue;
            const full = `${mod}.${name}#${m}`;
            expect(registered.has(d.value) || notEntryPoints.has(full), `${full} is neither registered nor exempt`).toBe(true);
          }
          continue;
        }
        const full = `${mod}.${name}`;
        expect(registered.has(v) || notEntryPoints.has(full), `${full} is neither registered nor exempt`).toBe(true);
      }
    }
  });

  it.each(ENTRY_POINTS.filter((e) => e.category === 'syscall'))('$name refuses under a sandbox denying $scope', (e) => {
    const action = probes[e.name]!();
    let err: unknown;
    try {
      sandbox({ deny: [{ scope: e.scope! }] }, action);
    } catch (x) {
      err = x;
    }
    expect(err).toBeInstanceOf(PermissionDenied);
    expect((err as PermissionDenied).scope).toBe(e.scope);
    if (!probes[e.name]!.once) expect(() => action()).not.toThrow(); // and works outside it
  });

  it.each(ENTRY_POINTS.filter((e) => e.category !== 'syscall'))('$name ($category) carries no check: works under a sandbox denying everything', (e) => {
    const action = probes[e.name]!();
    expect(() => sandbox(denyAll, action)).not.toThrow();
  });
});
