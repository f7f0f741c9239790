// OS memory on the simulated rpi-pico: the bus enforces the page protections.
import { describe, it, expect, beforeEach, afterEach } from 'vitest';
import fc from 'fast-check';
import { createBoard, BusFault, type SimBoard } from '../../host-sim/index.js';
import { attachOsMemory, type BusPageGuard } from '../../host-sim/os-memory.js';
import {
  osAlloc,
  osAllocAligned,
  osAllocHuge,
  osFree,
  osProtect,
  osAdvise,
  osProtection,
  osMemoryInfo,
  releaseOsMemory,
  BadFree,
} from '../../src/os_memory.js';
import { MemProt } from '../../src/bitflags.js';
import { InvalidArgument, NotInitialized, OSError } from '../../src/errors.js';
import { PermissionDenied, sandbox } from '../../src/permissions.js';
import { thrown } from '../support/thrown.js';

const PAGE = 4096;
let board: SimBoard;
let guard: BusPageGuard;

beforeEach(() => {
  board = createBoard('rpi-pico');
  guard = attachOsMemory(board, 16 * PAGE);
});
afterEach(() => releaseOsMemory());

const RW = MemProt.Read.or(MemProt.Write);
const fault = (f: () => unknown) => thrown(f) as BusFault;

describe('OS memory on the simulated bus', () => {
  it('reserves page-aligned RAM at the top of SRAM; fresh pages are zero and read-write', () => {
    expect(guard.base).toBe(0x20042000 - 16 * PAGE);
    const a = osAlloc(100);
    expect(a % PAGE).toBe(0);
    expect(a).toBeGreaterThanOrEqual(guard.base);
    expect(board.hal.load32(a + 96)).toBe(0);
    board.hal.store32(a + 96, 0xcafef00d);
    expect(board.hal.load32(a + 96)).toBe(0xcafef00d);
    expect(osProtection(a).equals(RW)).toBe(true);
    expect(osMemoryInfo()).toMatchObject({ size: 16 * PAGE, pageSize: PAGE, pagesUsed: 1 });
  });

  it('a write to a read-only page is a BusFault (protection) and has no effect', () => {
    const a = osAlloc(2 * PAGE);
    board.hal.store32(a + PAGE, 7);
    osProtect(a + PAGE, PAGE, MemProt.Read);
    const e = fault(() => board.hal.store32(a + PAGE, 8));
    expect(e).toBeInstanceOf(BusFault);
    expect([e.reason, e.access]).toEqual(['protection', 'write']);
    expect(e.message).toContain('no write access');
    expect(board.hal.load32(a + PAGE)).toBe(7);
    board.hal.store32(a, 1); // the other page is still writable
    osProtect(a, 2 * PAGE, MemProt.None);
    expect(fault(() => board.hal.load32(a)).access).toBe('read');
  });

  it('a fetch from a non-executable page faults; Exec makes it fetchable', () => {
    const a = osAlloc(PAGE);
    board.hal.store16(a, 0xbf00); // Thumb NOP
    expect(fault(() => board.machine.bus.fetch(a, 2)).reason).toBe('protection');
    osProtect(a, PAGE, MemProt.Read.or(MemProt.Exec));
    expect(board.machine.bus.fetch(a, 2)).toBe(0xbf00);
    expect(fault(() => board.hal.store16(a, 0)).access).toBe('write');
  });

  it('DontNeed and Free zero the pages; other advice keeps them', () => {
    const a = osAlloc(3 * PAGE);
    for (let p = 0; p < 3; p++) board.hal.store32(a + p * PAGE, 0x11 + p);
    osAdvise(a, PAGE, 'WillNeed');
    osAdvise(a + PAGE, PAGE, 'DontNeed');
    osProtect(a + 2 * PAGE, PAGE, MemProt.Read);
    osAdvise(a + 2 * PAGE, PAGE, 'Free'); // zeroes even a read-only page
    expect([0, 1, 2].map((p) => board.hal.load32(a + p * PAGE))).toEqual([0x11, 0, 0]);
    expect(thrown(() => osAdvise(a, PAGE, 'Forget' as never))).toBeInstanceOf(InvalidArgument);
  });

  it('freed pages have no access and come back zeroed; double and foreign frees are BadFree', () => {
    const a = osAlloc(PAGE);
    board.hal.store32(a, 5);
    osFree(a, PAGE);
    expect(fault(() => board.hal.load32(a)).reason).toBe('protection');
    const e = thrown(() => osFree(a, PAGE)) as BadFree;
    expect(e).toBeInstanceOf(BadFree);
    expect(e.message).toContain('already freed');
    expect((thrown(() => osFree(guard.base + 5 * PAGE, PAGE)) as BadFree).message).toContain('not the start of an allocation');
    expect(thrown(() => osFree(0x10000000, PAGE))).toBeInstanceOf(BadFree);
    const b = osAlloc(PAGE);
    expect(b).toBe(a);
    expect(board.hal.load32(b)).toBe(0);
    expect(thrown(() => osFree(b, 2 * PAGE))).toBeInstanceOf(InvalidArgument);
  });

  it('aligned and huge allocations; ENOMEM when the region is full; bad ranges are typed', () => {
    const a = osAllocAligned(100, 4 * PAGE);
    expect(a % (4 * PAGE)).toBe(0);
    const h = osAllocHuge(PAGE + 1, 8 * PAGE);
    expect(h % (8 * PAGE)).toBe(0);
    expect(osMemoryInfo().pagesUsed).toBe(9);
    const e = thrown(() => osAllocHuge(1, 8 * PAGE)) as OSError;
    expect(e).toBeInstanceOf(OSError);
    expect(e.errname).toBe('ENOMEM');
    expect(thrown(() => osAllocAligned(8, 3))).toBeInstanceOf(InvalidArgument);
    expect(thrown(() => osAlloc(0))).toBeInstanceOf(InvalidArgument);
    expect((thrown(() => osProtect(a + 1, PAGE, MemProt.Read)) as OSError).errname).toBe('EINVAL');
    expect((thrown(() => osProtect(a + PAGE, PAGE, MemProt.Read)) as OSError).errname).toBe('ENOMEM'); // not allocated
    expect(thrown(() => osProtect(a, PAGE, 1 as never))).toBeInstanceOf(InvalidArgument);
  });

  it('every entry point is permission-gated (scope memory) and a denied call has no effect', () => {
    const a = osAlloc(PAGE);
    sandbox({ deny: [{ scope: 'memory', from: a, to: a + PAGE }] }, () => {
      expect(thrown(() => osProtect(a, PAGE, MemProt.Read))).toBeInstanceOf(PermissionDenied);
      expect(thrown(() => osFree(a, PAGE))).toBeInstanceOf(PermissionDenied);
    });
    expect(osProtection(a).equals(RW)).toBe(true);
    sandbox({ deny: [{ scope: 'memory' }] }, () => {
      expect(thrown(() => osAlloc(PAGE))).toBeInstanceOf(PermissionDenied);
    });
    expect(osMemoryInfo().pagesUsed).toBe(1);
  });

  it('property: live allocations are aligned, inside the region and disjoint; freeing returns the pages', () => {
    const op = fc.oneof(
      fc.record({ t: fc.constant('alloc' as const), pages: fc.integer({ min: 1, max: 5 }), align: fc.constantFrom(1, 2, 4) }),
      fc.record({ t: fc.constant('free' as const), pick: fc.nat() }),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 30 }), (ops) => {
        const g = attachOsMemory(board, 16 * PAGE); // a fresh region each run
        const live: { addr: number; len: number }[] = [];
        for (const o of ops) {
          if (o.t === 'alloc') {
            const e = thrown(() => live.push({ addr: osAllocAligned(o.pages * PAGE, o.align * PAGE), len: o.pages * PAGE }));
            if (e !== undefined) expect((e as OSError).errname).toBe('ENOMEM');
            else expect(live.at(-1)!.addr % (o.align * PAGE)).toBe(0);
          } else if (live.length) {
            const [x] = live.splice(o.pick % live.length, 1);
            osFree(x!.addr, x!.len);
          }
          const sorted = [...live].sort((p, q) => p.addr - q.addr);
          sorted.forEach((x, i) => {
            expect(x.addr).toBeGreaterThanOrEqual(g.base);
            expect(x.addr + x.len).toBeLessThanOrEqual(g.base + g.size);
            if (i) expect(sorted[i - 1]!.addr + sorted[i - 1]!.len).toBeLessThanOrEqual(x.addr);
          });
          expect(osMemoryInfo().pagesUsed).toBe(live.reduce((n, x) => n + x.len / PAGE, 0));
        }
      }),
      { numRuns: 500 },
    );
  });

  it('before initOsMemory: NotInitialized', () => {
    releaseOsMemory();
    expect(thrown(() => osAlloc(1))).toBeInstanceOf(NotInitialized);
  });
});
