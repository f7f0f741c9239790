// Register semantics and critical sections as a model-based test: the model is a map
// of words plus the interrupt state, written from the rules of docs/mmio.md (not from
// the implementation); fast-check runs random command sequences against the real
// modules on the in-memory HAL and compares after every command.
import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import {
  bindHal,
  peripheral,
  disableInterrupts,
  setInterruptHandler,
  enableIrq,
  CriticalSection,
  CriticalSectionError,
  RegisterAccessError,
  InvalidArgument,
  VllsiError,
  type Peripheral,
  type PeripheralDef,
} from '../../src/index.js';
import { MemHal } from '../support/mem-hal.js';
import { runs } from '../support/env.js';
import { DEVICE, DEV } from '../support/test-device.js';

type RegName = keyof typeof DEVICE.registers;
type Values = { [field: string]: number | string };

interface Model {
  words: Map<number, number>;
  fifoReads: number;
  depth: number;
  pending: number[];
  served: number[];
}
interface Real {
  hal: MemHal;
  /** The untyped view (any register, every method): the model drives every operation on every register, so the run-time checks answer. */
  dev: Peripheral<PeripheralDef>;
  guards: CriticalSection[];
  served: number[];
}

const regs = DEVICE.registers as unknown as {
  [name: string]: {
    addressOffset: number;
    resetValue?: number;
    access?: string;
    fields?: { [f: string]: { bitOffset: number; bitWidth: number; enumeratedValues?: { [n: string]: number }; access?: string } };
  };
};
const addr = (r: RegName) => DEV + regs[r]!.addressOffset;
const reset = (r: RegName) => regs[r]!.resetValue ?? 0;
const FLAG_BITS = 0x3; // FLAGS.A, FLAGS.B: write 1 to clear
const IRQS = [3, 6];

/** Field value as a number (enumerated names resolved); undefined when out of range. */
function num(r: RegName, f: string, v: number | string): number | undefined {
  const fd = regs[r]!.fields![f]!;
  const n = typeof v === 'string' ? fd.enumeratedValues![v]! : v;
  return n >= 0 && n < 2 ** fd.bitWidth ? n : undefined;
}
function place(r: RegName, f: string, n: number): { mask: number; bits: number } {
  const fd = regs[r]!.fields![f]!;
  const mask = (2 ** fd.bitWidth - 1) * 2 ** fd.bitOffset;
  return { mask, bits: n * 2 ** fd.bitOffset };
}
/** `base` with every given field replaced. */
function merge(r: RegName, base: number, values: Values): number {
  let w = base;
  for (const f of Object.keys(values)) {
    const { mask, bits } = place(r, f, num(r, f, values[f]!)!);
    w = w - (w & mask) + bits;
  }
  return w >>> 0;
}
const fieldOf = (r: RegName, word: number, f: string) => {
  const { mask } = place(r, f, 0);
  return (word & mask) >>> 0;
};

// The rules, stated per register (docs/mmio.md): what the register holds after a write/modify,
// or which typed error refuses the operation.
type Outcome = { word: number } | { error: Rule };
function afterWrite(r: RegName, old: number, v: Values): Outcome {
  switch (r) {
    case 'STATUS':
      return { error: 'read-only' };
    case 'FLAGS': {
      // A write starts from the reset value with the W1C flags 0: only named flags are cleared.
      const written = merge(r, reset(r) & ~FLAG_BITS, v);
      return { word: ((old & FLAG_BITS & ~written) | (written & ~FLAG_BITS)) >>> 0 };
    }
    default:
      return { word: merge(r, reset(r), v) };
  }
}
function afterModify(r: RegName, old: number, v: Values): Outcome {
  switch (r) {
    case 'STATUS':
      return { error: 'read-only' };
    case 'CMD':
      return { error: 'write-only' };
    case 'FIFO':
      return { error: 'read-side-effects' };
    case 'FLAGS': {
      const written = merge(r, old & ~FLAG_BITS, v);
      return { word: ((old & FLAG_BITS & ~written) | (written & ~FLAG_BITS)) >>> 0 };
    }
    case 'MIXED': // the write-only KEY reads as garbage: modify writes its reset value (bits of no field keep theirs)
      return { word: merge(r, merge(r, old, { KEY: fieldOf(r, reset(r), 'KEY') }), v) };
    default:
      return { word: merge(r, old, v) };
  }
}
function afterAlias(r: RegName, old: number, op: 'set' | 'clear' | 'xor', bits: number): Outcome {
  if (r === 'STATUS') return { error: 'read-only' };
  if (r === 'FIFO') return { error: 'read-side-effects' };
  if (r === 'FLAGS' || r === 'HALF') return { error: 'no-atomic-aliases' };
  return { word: (op === 'set' ? old | bits : op === 'clear' ? old & ~bits : old ^ bits) >>> 0 };
}

type Rule = 'read-only' | 'write-only' | 'read-side-effects' | 'no-atomic-aliases';
/** What a command may do: change the word, or throw one of these typed errors without a bus access. */
type Expect = { word: number } | { errors: (Rule | 'invalid')[] };
/** With a bad field value too, either refusal is right (which check runs first depends on field order). */
function expectation(outcome: Outcome, badValue: boolean): Expect {
  if ('word' in outcome) return badValue ? { errors: ['invalid'] } : outcome;
  return { errors: badValue ? ['invalid', outcome.error] : [outcome.error] };
}

/** Runs `fn` and checks it did what `expected` says; true when it completed. */
function expectOutcome(real: Real, expected: Expect, fn: () => void): boolean {
  const before = real.hal.accesses.length;
  let err: unknown;
  try {
    fn();
  } catch (e) {
    err = e;
  }
  if ('word' in expected) {
    if (err !== undefined) throw err;
    return true;
  }
  expect(err).toBeInstanceOf(VllsiError);
  const got = err instanceof InvalidArgument ? 'invalid' : err instanceof RegisterAccessError ? err.rule : String(err);
  expect(expected.errors).toContain(got);
  expect(real.hal.accesses.length).toBe(before);
  return false;
}

function deliverPending(m: Model): void {
  for (const irq of m.pending.sort((a, b) => a - b)) serve(m, irq);
  m.pending = [];
}
function serve(m: Model, irq: number): void {
  // The handler toggles CTRL.TOP through the XOR alias and logs the IRQ.
  m.words.set(addr('CTRL'), (m.words.get(addr('CTRL'))! ^ 0x80000000) >>> 0);
  m.served.push(irq);
}

function check(m: Model, r: Real): void {
  for (const name of Object.keys(regs) as RegName[]) {
    const a = addr(name);
    // HALF is a 16-bit register at a word address: compare its 16 bits.
    const width = name === 'HALF' ? 0xffff : 0xffffffff;
    expect([name, (r.hal.peek32(a) & width) >>> 0]).toEqual([name, (m.words.get(a)! & width) >>> 0]);
  }
  expect(r.served).toEqual(m.served);
  expect(r.hal.isMasked()).toBe(m.depth > 0);
  expect(r.hal.spinlockOwner(31)).toBe(m.depth > 0 ? 0 : undefined);
}

type Cmd = fc.Command<Model, Real>;
const cmd = (name: string, runFn: (m: Model, r: Real) => void, pre: (m: Model) => boolean = () => true): Cmd => ({
  check: pre,
  run(m, r) {
    runFn(m, r);
    check(m, r);
  },
  toString: () => name,
});

const regName = fc.constantFrom(...(Object.keys(regs) as RegName[]));
/** Field values for register r: some fields, in range; now and then one out of range. */
const valuesFor = (r: RegName): fc.Arbitrary<Values> => {
  const fields = regs[r]!.fields ?? {};
  const arbs: { [f: string]: fc.Arbitrary<number | string> } = {};
  for (const f of Object.keys(fields)) {
    const fd = fields[f]!;
    const inRange: fc.Arbitrary<number | string> = fc.nat({ max: 2 ** fd.bitWidth - 1 });
    const named = fd.enumeratedValues ? fc.constantFrom(...Object.keys(fd.enumeratedValues)) : inRange;
    arbs[f] = fc.oneof({ arbitrary: inRange, weight: 6 }, { arbitrary: named, weight: 3 }, { arbitrary: fc.constant(2 ** fd.bitWidth), weight: 1 });
  }
  return fc.record(arbs, { requiredKeys: [] }) as fc.Arbitrary<Values>;
};
const hasBad = (r: RegName, v: Values) => Object.keys(v).some((f) => num(r, f, v[f]!) === undefined);

const readCmd = regName.map((r) =>
  cmd(`read ${r}`, (m, real) => {
    const a = addr(r);
    if (r === 'CMD') {
      expectOutcome(real, { errors: ['write-only'] }, () => real.dev['CMD'].read());
      return;
    }
    const got = real.dev[r].read();
    if (r === 'FIFO') expect(got).toBe(m.fifoReads++ & 0xff);
    else expect(got).toBe((m.words.get(a)! & (r === 'HALF' ? 0xffff : 0xffffffff)) >>> 0);
  }),
);
const writeCmd = regName
  .chain((r) => valuesFor(r).map((v) => ({ r, v })))
  .map(({ r, v }) =>
    cmd(`write ${r} ${JSON.stringify(v)}`, (m, real) => {
      const a = addr(r);
      const outcome = afterWrite(r, m.words.get(a)!, v);
      if (expectOutcome(real, expectation(outcome, hasBad(r, v)), () => real.dev[r].write(v as never))) m.words.set(a, (outcome as { word: number }).word);
    }),
  );
const modifyCmd = regName
  .chain((r) => valuesFor(r).map((v) => ({ r, v })))
  .map(({ r, v }) =>
    cmd(`modify ${r} ${JSON.stringify(v)}`, (m, real) => {
      const a = addr(r);
      const outcome = afterModify(r, m.words.get(a)!, v);
      if (expectOutcome(real, expectation(outcome, hasBad(r, v)), () => real.dev[r].modify(v as never))) m.words.set(a, (outcome as { word: number }).word);
    }),
  );
const aliasCmd = fc
  .record({ r: regName, op: fc.constantFrom('set' as const, 'clear' as const, 'xor' as const), bits: fc.nat({ max: 0xffffffff }) })
  .map(({ r, op, bits }) =>
    cmd(`${op} alias ${r} 0x${bits.toString(16)}`, (m, real) => {
      const a = addr(r);
      const outcome = afterAlias(r, m.words.get(a)!, op, bits);
      const reg = real.dev[r];
      const fn = op === 'set' ? () => reg.atomicSet(bits) : op === 'clear' ? () => reg.atomicClear(bits) : () => reg.atomicXor(bits);
      if (expectOutcome(real, expectation(outcome, false), fn)) m.words.set(a, (outcome as { word: number }).word);
    }),
  );
const hwFlagsCmd = fc.nat({ max: 3 }).map((bits) =>
  cmd(`hardware raises FLAGS ${bits}`, (m, real) => {
    const a = addr('FLAGS');
    real.hal.poke32(a, (real.hal.peek32(a) | bits) >>> 0);
    m.words.set(a, (m.words.get(a)! | bits) >>> 0);
  }),
);
const enterCmd = fc.constant(
  cmd('enter critical section', (m, real) => {
    real.guards.push(disableInterrupts());
    m.depth++;
  }),
);
const leaveCmd = fc.nat({ max: 3 }).map((k) =>
  cmd(
    `leave critical section ${k} from the top`,
    (m, real) => {
      const g = real.guards[real.guards.length - 1 - Math.min(k, real.guards.length - 1)]!;
      if (g !== real.guards[real.guards.length - 1]) {
        expect(() => g.release()).toThrow(CriticalSectionError);
        return;
      }
      real.guards.pop()!.release();
      if (--m.depth === 0) deliverPending(m);
    },
    (m) => m.depth > 0,
  ),
);
const raiseCmd = fc.constantFrom(...IRQS).map((irq) =>
  cmd(`raise IRQ ${irq}`, (m, real) => {
    real.hal.raise(irq);
    if (m.depth > 0) {
      if (!m.pending.includes(irq)) m.pending.push(irq);
    } else serve(m, irq);
  }),
);

describe('mmio + interrupt: model-based test of register semantics and critical sections', () => {
  it('random sequences of read/write/modify/W1C/alias/critical section/IRQ agree with the model', () => {
    const commands = fc.commands([readCmd, writeCmd, modifyCmd, aliasCmd, hwFlagsCmd, enterCmd, leaveCmd, raiseCmd], { maxCommands: 40 });
    fc.assert(
      fc.property(commands, (cmds) => {
        const hal = new MemHal({ regions: [{ name: 'dev', base: DEV, size: 0x100, atomicAliases: true }], trace: true });
        bindHal(hal);
        let fifo = 0;
        hal.device(addr('FIFO'), { load: () => fifo++ & 0xff });
        hal.device(addr('FLAGS'), { store: (v, old) => (old & FLAG_BITS & ~v) | (v & ~FLAG_BITS) });
        const dev = peripheral<PeripheralDef>(DEVICE);
        const words = new Map<number, number>();
        for (const r of Object.keys(regs) as RegName[]) {
          hal.poke32(addr(r), reset(r));
          words.set(addr(r), reset(r));
        }
        const real: Real = { hal, dev, guards: [], served: [] };
        for (const irq of IRQS) {
          setInterruptHandler(irq, (f) => {
            dev.CTRL.atomicXor({ TOP: 1 });
            real.served.push(f.irq);
          });
          enableIrq(irq);
        }
        fc.modelRun(() => ({ model: { words, fifoReads: 0, depth: 0, pending: [], served: [] }, real }), cmds);
        while (real.guards.length) real.guards.pop()!.release();
      }),
      runs(1000, 2000),
    );
  });
});
