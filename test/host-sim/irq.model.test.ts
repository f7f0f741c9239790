// Model-based test of interrupt delivery on a simulated board: raising, enabling,
// nesting interrupt masks (critical sections), HAL calls and idling, against a
// model of which IRQs must have been delivered, in which order, after each step.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createBoard, type SimBoard } from '../../host-sim/index.js';
import { runs } from '../support/env.js';

const LINES = [0, 1, 2, 3, 5];
const RAM = 0x3ffae000;
/** A small board described as data (fast to build for hundreds of runs). */
const tiny = {
  name: 'tiny',
  chip: 'esp32',
  cpu: 'xtensa-lx6',
  cores: 2,
  wordSize: 32,
  endian: 'little',
  pageSize: 4096,
  clockHz: 80e6,
  accessNs: 13,
  irqEntryNs: 150,
  irqCount: 8,
  memory: [{ name: 'DRAM', kind: 'ram', base: RAM, size: 64 }],
  peripherals: [{ name: 'GPIO', model: 'esp32-gpio', base: '0x3ff44000', size: '0x1000', irqs: { GPIO: 6 } }],
  console: { uart: 0, tx: 1, rx: 3 },
  led: { pin: 2 },
  gpioCount: 40,
  spinlocks: { count: 4, kind: 'atomic' },
};

interface Model {
  masked: boolean;
  saved: number[];
  pending: Set<number>;
  enabled: Set<number>;
  delivered: number[];
}
interface Real {
  board: SimBoard;
  log: number[];
  saved: number[];
}

/** At a boundary of an unmasked core every pending, enabled line is taken, lowest number first (equal priorities). */
function deliver(m: Model): void {
  if (m.masked) return;
  for (const n of [...m.pending].filter((x) => m.enabled.has(x)).sort((a, b) => a - b)) {
    m.pending.delete(n);
    m.delivered.push(n);
  }
}

const check = (m: Model, r: Real) => expect(r.log).toEqual(m.delivered);

class Raise implements fc.Command<Model, Real> {
  constructor(readonly n: number) {}
  check = () => true;
  run(m: Model, r: Real): void {
    m.pending.add(this.n); // not a HAL call: no boundary yet
    r.board.irq(this.n).raise();
    check(m, r);
  }
  toString = () => `raise(${this.n})`;
}
class Enable implements fc.Command<Model, Real> {
  constructor(
    readonly n: number,
    readonly on: boolean,
  ) {}
  check = () => true;
  run(m: Model, r: Real): void {
    if (this.on) m.enabled.add(this.n);
    else m.enabled.delete(this.n);
    deliver(m);
    r.board.hal.irqSetEnabled(this.n, this.on);
    check(m, r);
  }
  toString = () => `enable(${this.n}, ${this.on})`;
}
class Save implements fc.Command<Model, Real> {
  check = () => true;
  run(m: Model, r: Real): void {
    m.saved.push(m.masked ? 1 : 0);
    m.masked = true;
    r.saved.push(r.board.hal.interruptsSave());
    expect(r.saved).toEqual(m.saved);
    check(m, r);
  }
  toString = () => 'save';
}
class Restore implements fc.Command<Model, Real> {
  check = (m: Readonly<Model>) => m.saved.length > 0;
  run(m: Model, r: Real): void {
    m.masked = m.saved.pop() === 1;
    deliver(m);
    r.board.hal.interruptsRestore(r.saved.pop()!);
    check(m, r);
  }
  toString = () => 'restore';
}
class Access implements fc.Command<Model, Real> {
  check = () => true;
  run(m: Model, r: Real): void {
    deliver(m);
    r.board.hal.store32(RAM, 1);
    check(m, r);
  }
  toString = () => 'access';
}
class Idle implements fc.Command<Model, Real> {
  check = () => true;
  run(m: Model, r: Real): void {
    deliver(m);
    r.board.runFor('2us');
    check(m, r);
  }
  toString = () => 'idle';
}

describe('IRQ delivery (model-based)', () => {
  it('matches the model through raises, enables, nested masks, accesses and idling', () => {
    const line = fc.constantFrom(...LINES);
    const commands = [
      line.map((n) => new Raise(n)),
      fc.tuple(line, fc.boolean()).map(([n, on]) => new Enable(n, on)),
      fc.constant(new Save()),
      fc.constant(new Restore()),
      fc.constant(new Access()),
      fc.constant(new Idle()),
    ];
    fc.assert(
      fc.property(fc.commands(commands, { maxCommands: 40 }), (cmds) => {
        const board = createBoard(tiny);
        const log: number[] = [];
        for (const n of LINES) board.hal.irqSetHandler(n, (x) => log.push(x));
        const model: Model = { masked: false, saved: [], pending: new Set(), enabled: new Set(), delivered: [] };
        fc.modelRun(() => ({ model, real: { board, log, saved: [] } }), cmds);
      }),
      runs(200, 500),
    );
  });
});
