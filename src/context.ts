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
// Frames: `ctxPushFrame` saves the 32 slots into preallocated storage and
// `ctxPopFrame` restores them: no allocation on either path.
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

const slots: unknown[] = new Array(MAX_CONTEXT_SLOTS).fill(undefined);
const saved: unknown[] = new Array(MAX_CONTEXT_SLOTS * CONTEXT_STACK_DEPTH).fill(undefined);
let depth = 0;

function slotIndex(slot: number): number {
  if (typeof slot !== 'number' || (slot | 0) !== slot || slot < 0 || slot >= MAX_CONTEXT_SLOTS) throw new InvalidSlot(slot);
  return slot;
}

export function ctxGet(slot: number): unknown {
  return slots[slotIndex(slot)];
}

export function ctxHas(slot: number): boolean {
  return slots[slotIndex(slot)] !== undefined;
}

export function ctxSet(slot: number, value: unknown): void {
  const i = slotIndex(slot);
  if (value === undefined) throw new InvalidArgument('context value', value, 'use ctxClear to empty a slot');
  slots[i] = value;
}

/** Empties a slot (a no-op when it is already empty). */
export function ctxClear(slot: number): void {
  slots[slotIndex(slot)] = undefined;
}

/** The value of a slot that must be bound (the reference's `using`): SlotEmpty otherwise. */
export function ctxUse(slot: number): unknown {
  const v = slots[slotIndex(slot)];
  if (v === undefined) throw new SlotEmpty(slot);
  return v;
}

/** Binds an empty slot: SlotOccupied when it already holds a value. */
export function ctxInit(slot: number, value: unknown): void {
  const i = slotIndex(slot);
  if (slots[i] !== undefined) throw new SlotOccupied(slot);
  ctxSet(i, value);
}

export function ctxPushFrame(): void {
  if (depth === CONTEXT_STACK_DEPTH) throw new StackOverflow();
  const base = depth * MAX_CONTEXT_SLOTS;
  for (let i = 0; i < MAX_CONTEXT_SLOTS; i++) saved[base + i] = slots[i];
  depth++;
}

/** Restores the slots as they were when the matching frame was pushed. */
export function ctxPopFrame(): void {
  if (depth === 0) throw new StackUnderflow();
  depth--;
  const base = depth * MAX_CONTEXT_SLOTS;
  for (let i = 0; i < MAX_CONTEXT_SLOTS; i++) {
    slots[i] = saved[base + i];
    saved[base + i] = undefined; // do not keep popped values alive
  }
}

/** Number of frames pushed on this thread. */
export function ctxDepth(): number {
  return depth;
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
    slots[slot] = value;
    return fn();
  } finally {
    ctxPopFrame();
  }
}

/** Empties every slot and drops every frame (init, shutdown and cleanupThread do this). */
export function ctxResetThread(): void {
  slots.fill(undefined);
  saved.fill(undefined);
  depth = 0;
}
