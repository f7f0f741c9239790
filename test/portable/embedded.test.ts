import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import {
  StackAllocator,
  initStackArena,
  releaseStackArena,
  stackAlloc,
  stackAllocOffset,
  stackMark,
  stackReset,
  stackStats,
  stackArena,
} from '../../src/embedded.js';
import { blockOn, PENDING, WouldBlock, type Pollable } from '../../src/block_on.js';
import { InvalidArgument, NotInitialized } from '../../src/errors.js';
import { runs } from '../support/env.js';

// --- model-based test of the stack allocator -------------------------------------------

interface Live {
  id: number;
  start: number;
  size: number;
  align: number;
}
interface Model {
  top: number;
  live: Live[];
  marks: number[];
  nextId: number;
  capacity: number;
}
interface Real {
  a: StackAllocator;
  bytes: Uint8Array;
}

const alignUp = (x: number, a: number) => Math.ceil(x / a) * a;

function checkInvariants(m: Model, r: Real): void {
  // Plain checks in the loops (expect per byte is slow in XS); one expect reports the verdict.
  let bad = r.a.used === m.top ? '' : `used ${r.a.used} != model top ${m.top}`;
  for (const x of m.live) {
    if (x.start % x.align !== 0 || x.start + x.size > m.capacity) bad ||= `allocation #${x.id} at ${x.start} misaligned or outside`;
    // Every live allocation still holds the byte pattern written into it: nothing overlapped it.
    for (let i = 0; i < x.size; i++) if (r.bytes[x.start + i] !== (x.id & 0xff)) bad ||= `allocation #${x.id} overwritten at ${x.start + i}`;
  }
  const sorted = m.live.filter((x) => x.size > 0).sort((p, q) => p.start - q.start);
  for (let i = 1; i < sorted.length; i++)
    if (sorted[i - 1]!.start + sorted[i - 1]!.size > sorted[i]!.start) bad ||= `allocations overlap at ${sorted[i]!.start}`;
  expect(bad).toBe('');
}

class AllocCmd implements fc.Command<Model, Real> {
  constructor(
    readonly size: number,
    readonly align: number,
    readonly viaView: boolean,
  ) {}
  check = () => true;
  run(m: Model, r: Real): void {
    const start = alignUp(m.top, this.align);
    const fits = start + this.size <= m.capacity;
    const got = this.viaView ? r.a.alloc(this.size, this.align) : r.a.allocOffset(this.size, this.align);
    if (!fits) {
      expect(got).toBeUndefined(); // exhaustion is undefined, never a throw
    } else {
      const at = got instanceof Uint8Array ? got.byteOffset : got;
      expect(at).toBe(start);
      if (got instanceof Uint8Array) expect(got.length).toBe(this.size);
      const id = m.nextId++;
      r.bytes.fill(id & 0xff, start, start + this.size);
      m.live.push({ id, start, size: this.size, align: this.align });
      m.top = start + this.size;
    }
    checkInvariants(m, r);
  }
  toString = () => `alloc(${this.size}, ${this.align}${this.viaView ? ', view' : ''})`;
}
class MarkCmd implements fc.Command<Model, Real> {
  check = () => true;
  run(m: Model, r: Real): void {
    const mark = r.a.mark();
    expect(mark).toBe(m.top);
    m.marks.push(mark);
  }
  toString = () => 'mark()';
}
class ResetCmd implements fc.Command<Model, Real> {
  constructor(readonly pick: number) {}
  check = () => true;
  run(m: Model, r: Real): void {
    if (m.marks.length === 0) {
      r.a.reset();
      m.live = [];
      m.top = 0;
    } else {
      const mark = m.marks[this.pick % m.marks.length]!;
      if (mark > m.top) {
        expect(() => r.a.reset(mark)).toThrow(InvalidArgument); // stale mark: typed error, no effect
      } else {
        r.a.reset(mark);
        // Exactly what lies after the mark is freed (the next alloc reuses it: AllocCmd expects start = alignUp(mark)).
        m.live = m.live.filter((x) => x.start + x.size <= mark);
        m.top = mark;
      }
    }
    checkInvariants(m, r);
  }
  toString = () => `reset(#${this.pick})`;
}

describe('embedded: stack allocator', () => {
  it('model: live allocations never overlap, are aligned; reset frees exactly what follows the mark; exhaustion is undefined', () => {
    const cmds = [
      fc.tuple(fc.nat({ max: 120 }), fc.constantFrom(1, 2, 4, 8, 16, 64, 256), fc.boolean()).map(([s, a, v]) => new AllocCmd(s, a, v)),
      fc.constant(new MarkCmd()),
      fc.nat().map((p) => new ResetCmd(p)),
    ];
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 512 }), fc.commands(cmds, { maxCommands: 40 }), (capacity, cs) => {
        const a = new StackAllocator(new ArrayBuffer(capacity), 4096);
        fc.modelRun(() => ({ model: { top: 0, live: [], marks: [], nextId: 1, capacity }, real: { a, bytes: new Uint8Array(a.arena) } }), cs);
      }),
      runs(1000, 1000),
    );
  });

  it('bad arguments are typed errors and change nothing', () => {
    const a = new StackAllocator(new ArrayBuffer(64), 4096);
    a.allocOffset(3, 1);
    for (const [size, align] of [
      [-1, 8],
      [1.5, 8],
      [8, 0],
      [8, 3],
      [8, -4],
      [8, 8192],
      [8, 2.5],
      [Number.NaN, 8],
    ] as const) {
      expect(() => a.allocOffset(size, align)).toThrow(InvalidArgument);
      expect(() => a.alloc(size, align)).toThrow(InvalidArgument);
    }
    expect(a.used).toBe(3);
    expect(() => a.allocOffset(8, 8192)).toThrow(/page size/);
    expect(() => a.reset(4)).toThrow(/0\.\.3/);
    expect(() => new StackAllocator(new ArrayBuffer(8), 3)).toThrow(InvalidArgument);
  });

  it('a huge but valid size is exhaustion, not an error', () => {
    const a = new StackAllocator(new ArrayBuffer(64));
    expect(a.allocOffset(2 ** 40, 8)).toBeUndefined();
    expect(a.allocOffset(65, 1)).toBeUndefined();
    expect(a.allocOffset(64, 1)).toBe(0);
    expect(a.allocOffset(0, 1)).toBe(64);
    expect(a.allocOffset(1, 1)).toBeUndefined();
  });

  it('tracks the high-water mark across resets', () => {
    const a = new StackAllocator(new ArrayBuffer(100));
    a.allocOffset(10, 1);
    const m = a.mark();
    a.allocOffset(50, 8);
    expect(a.stats()).toEqual({ capacity: 100, used: 66, highWater: 66 });
    a.reset(m);
    a.allocOffset(4, 4);
    expect(a.stats()).toEqual({ capacity: 100, used: 16, highWater: 66 });
  });

  it('the runtime arena: module-level functions, typed error before set-up', () => {
    releaseStackArena();
    expect(() => stackAlloc(4, 4)).toThrow(NotInitialized);
    initStackArena(256);
    try {
      const v = stackAlloc(16, 16)!;
      expect(v.byteOffset).toBe(0);
      const m = stackMark();
      const off = stackAllocOffset(8, 8)!;
      expect(off).toBe(16);
      new Uint8Array(stackArena())[off] = 7;
      stackReset(m);
      expect(stackStats()).toEqual({ capacity: 256, used: 16, highWater: 24 });
      stackReset();
      expect(stackStats().used).toBe(0);
      expect(stackAlloc(257, 1)).toBeUndefined();
    } finally {
      releaseStackArena();
    }
  });
});

// --- blockOn ----------------------------------------------------------------------------

/** An operation that completes after `after` polls, as a device I/O register would. */
function later<T>(value: T, after: number): Pollable<T> & { polls: number } {
  return {
    polls: 0,
    poll() {
      return ++this.polls > after ? value : PENDING;
    },
  };
}

describe('embedded: blockOn', () => {
  it('runs a generator to completion synchronously, resuming with values and completed operations', () => {
    const order: string[] = [];
    const result = blockOn(function* () {
      order.push('start');
      const a: number = yield later(20, 0); // completes synchronously
      const b: number = yield later(22, 5); // needs polling
      const c: number = yield 0; // a plain value resumes at once
      order.push('end');
      return a + b + c;
    });
    order.push('after');
    expect(result).toBe(42);
    expect(order).toEqual(['start', 'end', 'after']);
  });

  it('calls idle between polls that found the operation pending', () => {
    let idles = 0;
    const op = later('x', 3);
    expect(
      blockOn(
        (function* () {
          return yield op;
        })(),
        { idle: () => idles++ },
      ),
    ).toBe('x');
    expect(op.polls).toBe(4);
    expect(idles).toBe(3);
  });

  it('nested computations compose (yield* a sub-computation)', () => {
    function* read(n: number) {
      const v: number = yield later(n, 1);
      return v * 2;
    }
    expect(
      blockOn(function* () {
        return (yield* read(3)) + (yield* read(4));
      }),
    ).toBe(14);
  });

  it('a poll that throws rejects at the yield, and the generator may catch it', () => {
    const failing: Pollable<number> = {
      poll() {
        throw new InvalidArgument('fd', 9, 'closed');
      },
    };
    expect(
      blockOn(function* () {
        try {
          yield failing;
          return 'no';
        } catch (e) {
          return (e as InvalidArgument).kind;
        }
      }),
    ).toBe('InvalidArgument');
    expect(() =>
      blockOn(function* () {
        yield failing;
      }),
    ).toThrow(InvalidArgument);
  });

  it('limits: a Promise cannot be awaited without an event loop; an endless operation gives up with WouldBlock', () => {
    let cleaned = false;
    expect(() =>
      blockOn(function* () {
        try {
          yield Promise.resolve(1);
        } finally {
          cleaned = true;
        }
      }),
    ).toThrow(WouldBlock);
    expect(cleaned).toBe(true);
    expect(() =>
      blockOn(
        function* () {
          yield later(1, 1e9);
        },
        { maxPolls: 100 },
      ),
    ).toThrow(/pending after 100 polls/);
    expect(() => blockOn((() => 5) as never)).toThrow(InvalidArgument);
  });
});
