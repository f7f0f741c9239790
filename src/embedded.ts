// The embedded runtime's allocator (reference: "Alternative runtimes" → sys.embedded): a stack
// allocator over a fixed arena instead of a heap. Its other half, `blockOn`, which runs
// asynchronous code to completion without an event loop, is src/block_on.ts.
//
// Stack allocator. One arena (an ArrayBuffer given at init; its size comes from
// the board or the init config). Allocation bumps a top offset; `stackMark()`
// remembers the top and `stackReset(mark)` frees everything allocated after it.
// Every call is O(1). Exhaustion returns `undefined` (the reference's `None`);
// bad arguments are typed errors. `stackAllocOffset` returns a plain offset into
// `stackArena()` and allocates nothing, for hot paths; `stackAlloc` returns a
// view (one small object per call). Alignment is relative to the arena's start;
// native HALs hand out page-aligned arenas so it is also absolute.
import { InvalidArgument, NotInitialized } from './errors.js';
import { targetPageSize } from './common.js';

/** Arenas above this are refused: offsets stay in 31-bit integer arithmetic. */
export const MAX_STACK_ARENA_BYTES = 0x40000000;
/** Arena size when neither the board nor the init config gives one. */
export const DEFAULT_STACK_ARENA_BYTES = 16 * 1024;

export interface StackStats {
  readonly capacity: number;
  readonly used: number;
  /** Largest `used` since the arena was set up. */
  readonly highWater: number;
}

/** A bump allocator over one arena. The module-level functions use the runtime's arena. */
export class StackAllocator {
  readonly capacity: number;
  private top = 0;
  private high = 0;

  /** `maxAlign` (the page size by default) bounds the alignments accepted. */
  constructor(
    readonly arena: ArrayBuffer,
    readonly maxAlign: number = targetPageSize(),
  ) {
    if (!(arena instanceof ArrayBuffer)) throw new InvalidArgument('stack arena', arena, 'must be an ArrayBuffer');
    if (arena.byteLength > MAX_STACK_ARENA_BYTES)
      throw new InvalidArgument('stack arena size', arena.byteLength, `must be at most ${MAX_STACK_ARENA_BYTES} bytes`);
    if (!Number.isInteger(maxAlign) || maxAlign < 1 || maxAlign > MAX_STACK_ARENA_BYTES || (maxAlign & (maxAlign - 1)) !== 0) {
      throw new InvalidArgument('maximum alignment', maxAlign, 'must be a power of two up to 2^30');
    }
    this.capacity = arena.byteLength;
  }

  /** Offset of `size` fresh bytes aligned to `align`, or `undefined` when the arena is exhausted. */
  allocOffset(size: number, align: number = 8): number | undefined {
    if ((size | 0) !== size || size < 0 || (align | 0) !== align || align <= 0 || (align & (align - 1)) !== 0 || align > this.maxAlign) {
      return this.badArguments(size, align);
    }
    const start = (this.top + align - 1) & -align;
    const end = start + size;
    if (end > this.capacity) return undefined;
    this.top = end;
    if (end > this.high) this.high = end;
    return start;
  }

  /** A view of `size` fresh bytes aligned to `align`, or `undefined` when the arena is exhausted. */
  alloc(size: number, align: number = 8): Uint8Array | undefined {
    const at = this.allocOffset(size, align);
    return at === undefined ? undefined : new Uint8Array(this.arena, at, size);
  }

  /** The current top, for a later `reset(mark)`. */
  mark(): number {
    return this.top;
  }

  /** Frees everything allocated after `mark` was taken (everything, without a mark). */
  reset(mark: number = 0): void {
    if (!Number.isInteger(mark) || mark < 0 || mark > this.top) {
      throw new InvalidArgument(
        'stack mark',
        mark,
        `must be an integer in 0..${this.top} (the current top); a mark above it was taken before an earlier reset`,
      );
    }
    this.top = mark;
  }

  get used(): number {
    return this.top;
  }

  stats(): StackStats {
    return { capacity: this.capacity, used: this.top, highWater: this.high };
  }

  private badArguments(size: number, align: number): undefined {
    if (!Number.isInteger(align) || align <= 0 || (align & (align - 1)) !== 0) {
      throw new InvalidArgument('alignment', align, 'must be a power of two');
    }
    if (align > this.maxAlign) throw new InvalidArgument('alignment', align, `must not exceed the page size ${this.maxAlign}`);
    if (!Number.isInteger(size) || size < 0) throw new InvalidArgument('allocation size', size, 'must be a non-negative integer');
    return undefined; // a valid size too large for 32-bit arithmetic: exhaustion, not an error
  }
}

// --- The runtime's arena -----------------------------------------------------------

let current: StackAllocator | undefined;

function arena(): StackAllocator {
  if (current === undefined) throw new NotInitialized('the stack arena', 'call init() (embedded or full profile) first');
  return current;
}

/** Sets up the runtime's arena (init does this). `arena` is a buffer or a size in bytes. */
export function initStackArena(arena: ArrayBuffer | number = DEFAULT_STACK_ARENA_BYTES): StackAllocator {
  if (typeof arena === 'number') {
    if (!Number.isInteger(arena) || arena < 0 || arena > MAX_STACK_ARENA_BYTES) {
      throw new InvalidArgument('stack arena size', arena, `must be an integer in 0..${MAX_STACK_ARENA_BYTES}`);
    }
    arena = new ArrayBuffer(arena);
  }
  current = new StackAllocator(arena);
  return current;
}

/** Drops the runtime's arena (shutdown does this). */
export function releaseStackArena(): void {
  current = undefined;
}

/** Whether the runtime's arena is set up. */
export function hasStackArena(): boolean {
  return current !== undefined;
}

export function stackAlloc(size: number, align: number = 8): Uint8Array | undefined {
  return arena().alloc(size, align);
}

/** Like stackAlloc but returns an offset into `stackArena()`: no object is created. */
export function stackAllocOffset(size: number, align: number = 8): number | undefined {
  return arena().allocOffset(size, align);
}

export function stackMark(): number {
  return arena().mark();
}

/** Resets to `mark`, or to the start of the arena without one (the reference's `stack_reset`). */
export function stackReset(mark?: number): void {
  arena().reset(mark);
}

export function stackStats(): StackStats {
  return arena().stats();
}

/** The arena's buffer, to read and write what `stackAllocOffset` handed out. */
export function stackArena(): ArrayBuffer {
  return arena().arena;
}
