import { describe, it, expect, beforeEach } from 'vitest';
import fc from 'fast-check';
import {
  ctxGet,
  ctxSet,
  ctxHas,
  ctxClear,
  ctxUse,
  ctxInit,
  ctxPushFrame,
  ctxPopFrame,
  ctxDepth,
  ctxFrameStorage,
  ctxResetThread,
  provide,
  ContextError,
  StackOverflow,
  StackUnderflow,
  SlotOccupied,
  SlotEmpty,
  InvalidSlot,
} from '../../src/context.js';
import { CONTEXT_STACK_DEPTH, MAX_CONTEXT_SLOTS } from '../../src/common.js';
import { InvalidArgument } from '../../src/errors.js';
import { runs } from '../support/env.js';
import { thrown } from '../support/thrown.js';

/** The simple model: a map of slots and a stack of copies of it. */
interface Model {
  slots: Map<number, number>;
  frames: Map<number, number>[];
}

type Cmd = fc.Command<Model, object>;
const cmd = (name: string, run: (m: Model) => void): Cmd => ({ check: () => true, run: (m) => run(m), toString: () => name });

const slotArb = fc.integer({ min: -2, max: MAX_CONTEXT_SLOTS + 1 });
const valid = (s: number) => s >= 0 && s < MAX_CONTEXT_SLOTS;

const commands = [
  fc.tuple(slotArb, fc.nat()).map(([s, v]) =>
    cmd(`set(${s}, ${v})`, (m) => {
      if (!valid(s)) return void expect(thrown(() => ctxSet(s, v))).toBeInstanceOf(InvalidSlot);
      ctxSet(s, v);
      m.slots.set(s, v);
    }),
  ),
  fc.tuple(slotArb, fc.nat()).map(([s, v]) =>
    cmd(`init(${s}, ${v})`, (m) => {
      const e = thrown(() => ctxInit(s, v));
      if (!valid(s)) return void expect(e).toBeInstanceOf(InvalidSlot);
      if (m.slots.has(s)) return void expect(e).toBeInstanceOf(SlotOccupied);
      expect(e).toBeUndefined();
      m.slots.set(s, v);
    }),
  ),
  slotArb.map((s) =>
    cmd(`get/has/use(${s})`, (m) => {
      if (!valid(s)) {
        for (const f of [() => ctxGet(s), () => ctxHas(s), () => ctxUse(s)]) expect(thrown(f)).toBeInstanceOf(InvalidSlot);
        return;
      }
      expect(ctxGet(s)).toBe(m.slots.get(s));
      expect(ctxHas(s)).toBe(m.slots.has(s));
      if (m.slots.has(s)) expect(ctxUse(s)).toBe(m.slots.get(s));
      else expect(thrown(() => ctxUse(s))).toBeInstanceOf(SlotEmpty);
    }),
  ),
  slotArb.map((s) =>
    cmd(`clear(${s})`, (m) => {
      if (!valid(s)) return void expect(thrown(() => ctxClear(s))).toBeInstanceOf(InvalidSlot);
      ctxClear(s);
      m.slots.delete(s);
    }),
  ),
  fc.constant(
    cmd('push', (m) => {
      const e = thrown(ctxPushFrame);
      if (m.frames.length === CONTEXT_STACK_DEPTH) return void expect(e).toBeInstanceOf(StackOverflow);
      expect(e).toBeUndefined();
      m.frames.push(new Map(m.slots));
    }),
  ),
  fc.constant(
    cmd('pop', (m) => {
      const e = thrown(ctxPopFrame);
      if (m.frames.length === 0) return void expect(e).toBeInstanceOf(StackUnderflow);
      expect(e).toBeUndefined();
      m.slots = m.frames.pop()!;
    }),
  ),
  // Many pushes at once, so overflow is reached within a run.
  fc.integer({ min: 1, max: CONTEXT_STACK_DEPTH }).map((n) =>
    cmd(`push x${n}`, (m) => {
      for (let i = 0; i < n; i++) {
        if (m.frames.length === CONTEXT_STACK_DEPTH) return void expect(thrown(ctxPushFrame)).toBeInstanceOf(StackOverflow);
        ctxPushFrame();
        m.frames.push(new Map(m.slots));
      }
    }),
  ),
];

describe('context system', () => {
  beforeEach(() => ctxResetThread());

  it('model: slots and frames behave like a map with a stack of saved copies', () => {
    fc.assert(
      fc.property(fc.commands(commands, { maxCommands: 60 }), (cs) => {
        ctxResetThread();
        const model: Model = { slots: new Map(), frames: [] };
        fc.modelRun(() => ({ model, real: {} }), cs);
        for (let s = 0; s < MAX_CONTEXT_SLOTS; s++) expect(ctxGet(s)).toBe(model.slots.get(s));
        expect(ctxDepth()).toBe(model.frames.length);
      }),
      runs(1000, 1000),
    );
  });

  it('popping restores exactly the slots at push time', () => {
    ctxSet(1, 'a');
    ctxPushFrame();
    ctxSet(1, 'b');
    ctxSet(2, 'c');
    ctxClear(1);
    ctxPopFrame();
    expect(ctxGet(1)).toBe('a');
    expect(ctxHas(2)).toBe(false);
    expect(ctxDepth()).toBe(0);
  });

  it('provide binds for the call, nests, and restores on throw', () => {
    const log = { name: 'outer' };
    const seen = provide(3, log, () => [ctxUse(3), provide(3, 'inner', () => ctxUse(3)), ctxUse(3)]);
    expect(seen).toEqual([log, 'inner', log]);
    expect(ctxHas(3)).toBe(false);
    expect(() =>
      provide(3, 1, () => {
        throw new Error('boom');
      }),
    ).toThrow('boom');
    expect(ctxHas(3)).toBe(false);
    expect(ctxDepth()).toBe(0);
    expect(() => provide(99, 1, () => 0)).toThrow(InvalidSlot);
    expect(ctxDepth()).toBe(0);
  });

  it('errors are typed: one class per variant, a shared ContextError base, a stable kind', () => {
    const e = thrown(() => ctxUse(0)) as SlotEmpty;
    expect(e).toBeInstanceOf(ContextError);
    expect(e.kind).toBe('SlotEmpty');
    expect(e.slot).toBe(0);
    expect((thrown(() => ctxGet(1.5)) as InvalidSlot).message).toContain('1.5');
    expect(thrown(() => ctxSet(0, undefined))).toBeInstanceOf(InvalidArgument);
    for (let i = 0; i < CONTEXT_STACK_DEPTH; i++) ctxPushFrame();
    expect((thrown(ctxPushFrame) as ContextError).kind).toBe('StackOverflow');
    ctxResetThread();
    expect((thrown(ctxPopFrame) as ContextError).kind).toBe('StackUnderflow');
  });
});

describe('frame storage grows on demand (a Pico XS heap is 120 KiB: 256 preallocated frames were all of it)', () => {
  it('holds nothing until a frame is pushed, one frame per depth reached, nothing after a reset', () => {
    ctxResetThread();
    expect(ctxFrameStorage()).toBe(0);
    ctxSet(0, 'a');
    expect(ctxFrameStorage()).toBe(0);
    ctxPushFrame();
    ctxPushFrame();
    expect(ctxFrameStorage()).toBe(2 * MAX_CONTEXT_SLOTS);
    ctxPopFrame();
    ctxPopFrame();
    ctxPushFrame(); // the depth was reached before: no growth
    expect(ctxFrameStorage()).toBe(2 * MAX_CONTEXT_SLOTS);
    ctxResetThread();
    expect(ctxFrameStorage()).toBe(0);
  });
});
