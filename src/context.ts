// The context system (reference: "Context system", "TLS"): MAX_CONTEXT_SLOTS
// slots and a stack of up to CONTEXT_STACK_DEPTH frames. The dynamic
// `provide`/`using` of the reference sits on top: `provide(slot, value, fn)`
// runs fn with the slot bound and restores it afterwards; `ctxUse(slot)` reads a
// slot that must be bound.
//
// Per thread: the state lives in this module, and every Node worker thread and
// every XS machine loads its own instance of the module, so no two threads share
// slots (the reference keeps them in TLS).
//
// Errors: one class per ContextError variant sharing the base `ContextError`,
// so callers can catch the family or one variant. `ctxGet` on an empty slot is
// `undefined` (the reference's Maybe); `ctxUse` throws SlotEmpty; `ctxInit`
// (set once) throws SlotOccupied. Values are anything but `undefined`.
//
// Frames: `ctxPushFrame` saves the 32 slots into a store that grows on demand (one
// frame's worth at a time, up to CONTEXT_STACK_DEPTH) and `ctxPopFrame` restores
// them; once a depth has been reached, pushing to it again allocates nothing.
// Preload: the state is made on first use, never at module level (a preloaded module's
// objects are in flash on a Moddable device, and 256 preallocated frames were the whole
// XS heap of a Pico).
import { CONTEXT_STACK_DEPTH, MAX_CONTEXT_SLOTS } from './common.js';
import { InvalidArgument, VllsiError, describe } from './errors.js';

export type ContextErrorKind = 'StackOverflow' | 'StackUnderflow' | 'SlotOccupied' | 'SlotEmpty' | 'InvalidSlot';

export class ContextError extends VllsiError<ContextErrorKind> {}
export class StackOverflow extends ContextError {
  constructor() {
    super('StackOverflow', `context frame stack overflow: at most ${CONTEXT_STACK_DEPTH} frames`);
  }
}
export class StackUnderflow extends ContextError {
  constructor() {
    super('StackUnderflow', 'context frame stack underflow: no frame to pop');
  }
}
export class SlotOccupied extends ContextError {
  constructor(readonly slot: number) {
    super('SlotOccupied', `context slot ${slot} already holds a value`);
  }
}
export class SlotEmpty extends ContextError {
  constructor(readonly slot: number) {
    super('SlotEmpty', `context slot ${slot} holds no value (nothing provided it)`);
  }
}
export class InvalidSlot extends ContextError {
  constructor(readonly slot: unknown) {
    super('InvalidSlot', `invalid context slot ${describe(slot)}: slots are integers 0..${MAX_CONTEXT_SLOTS - 1}`);
  }
}

interface Frames {
  readonly slots: unknown[];
  /** Saved slots of the pushed frames, MAX_CONTEXT_SLOTS per frame; grows with the deepest push. */
  readonly saved: unknown[];
  depth: number;
}

let state: Frames | undefined;

function frames(): Frames {
  return (state ??= { slots: new Array(MAX_CONTEXT_SLOTS).fill(undefined), saved: [], depth: 0 });
}

function slotIndex(slot: number): number {
  if (typeof slot !== 'number' || (slot | 0) !== slot || slot < 0 || slot >= MAX_CONTEXT_SLOTS) throw new InvalidSlot(slot);
  return slot;
}

export function ctxGet(slot: number): unknown {
  const i = slotIndex(slot);
  return state?.slots[i];
}

export function ctxHas(slot: number): boolean {
  return ctxGet(slot) !== undefined;
}

export function ctxSet(slot: number, value: unknown): void {
  const i = slotIndex(slot);
  if (value === undefined) throw new InvalidArgument('context value', value, 'use ctxClear to empty a slot');
  frames().slots[i] = value;
}

/** Empties a slot (a no-op when it is already empty). */
export function ctxClear(slot: number): void {
  const i = slotIndex(slot);
  if (state !== undefined) state.slots[i] = undefined;
}

/** The value of a slot that must be bound (the reference's `using`): SlotEmpty otherwise. */
export function ctxUse(slot: number): unknown {
  const v = ctxGet(slot);
  if (v === undefined) throw new SlotEmpty(slot);
  return v;
}

/** Binds an empty slot: SlotOccupied when it already holds a value. */
export function ctxInit(slot: number, value: unknown): void {
  if (ctxGet(slot) !== undefined) throw new SlotOccupied(slot);
  ctxSet(slot, value);
}

export function ctxPushFrame(): void {
  const f = frames();
  if (f.depth === CONTEXT_STACK_DEPTH) throw new StackOverflow();
  const base = f.depth * MAX_CONTEXT_SLOTS;
  for (let i = 0; i < MAX_CONTEXT_SLOTS; i++) f.saved[base + i] = f.slots[i];
  f.depth++;
}

/** Restores the slots as they were when the matching frame was pushed. */
export function ctxPopFrame(): void {
  const f = state;
  if (f === undefined || f.depth === 0) throw new StackUnderflow();
  f.depth--;
  const base = f.depth * MAX_CONTEXT_SLOTS;
  for (let i = 0; i < MAX_CONTEXT_SLOTS; i++) {
    f.slots[i] = f.saved[base + i];
    f.saved[base + i] = undefined; // do not keep popped values alive
  }
}

/** Number of frames pushed on this thread. */
export function ctxDepth(): number {
  return state?.depth ?? 0;
}

/** Items of frame storage this thread holds (grows with the deepest push; reset by ctxResetThread). */
export function ctxFrameStorage(): number {
  return state?.saved.length ?? 0;
}

/**
 * Runs `fn` with `slot` bound to `value` in a new frame, then pops the frame
 * (also when fn throws). For synchronous code: an async fn's continuation runs
 * after the frame is gone.
 */
export function provide<T>(slot: number, value: unknown, fn: () => T): T {
  slotIndex(slot);
  if (value === undefined) throw new InvalidArgument('context value', value, 'provide needs a value');
  ctxPushFrame();
  try {
    frames().slots[slot] = value;
    return fn();
  } finally {
    ctxPopFrame();
  }
}

/** Empties every slot and drops every frame (init, shutdown and cleanupThread do this). */
export function ctxResetThread(): void {
  state = undefined;
}
