// Device benchmarks in emulated cycles: bench/device/ (a vllsi app) built as a Moddable release
// firmware with the real SDK and run in `emulate()` from the bootrom. The app names each measured
// section (a store of its id to WATCHDOG SCRATCH0) and brackets it by two ticks (GPIO2 toggled by
// Moddable's Digital.write, the same code whatever is measured); the harness records rp2040js's
// cycle count at each toggle (deterministic: the same firmware gives the same cycles). Loops of
// N operations, less an empty loop of N, give cycles per operation; one-shot sections are less
// two back-to-back ticks. IRQ to JS: from the exception entry of the line (rp2040js's NVIC
// taking the IRQ) to the handler's first tick, for vllsi (TIMER alarm 1, TIMER_IRQ_1) and for
// Moddable's Digital onReadable (an edge the harness drives on GPIO6, IO_IRQ_BANK0).
// Boot: reset to the app's first label, against Moddable's helloworld (release) from reset to
// its main.js calling trace() (fx_trace). Needs $MODDABLE, $PICO_SDK_DIR and a bootrom
// ($VLLSI_RP2040_BOOTROM); otherwise every row is a SKIP.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { emulate } from '../dist/node/host-sim/index.js';
import { moddableExampleFirmware, moddableSdkMissing, vllsiAppFirmware } from '../dist/node/tools/moddable-firmware.js';

export const title = 'device (emulated RP2040, Moddable release build): cycles at 125 MHz';

const M = JSON.parse(readFileSync(path.join(import.meta.dirname, 'device/marks.json'), 'utf8'));
const LABEL_OFFSET = 0x0c; // WATCHDOG SCRATCH0
const TICK_PIN = 2;
const WATCHDOG_KEY = 0x40058; // rp2040js's key of WATCHDOG (0x40058000) in its peripheral table
const TIMER_IRQ_1 = 1;
const IO_IRQ_BANK0 = 13;
const INPUT_PIN = 6;
const HZ = 125e6;

/**
 * Runs `fw` (the bench app): the cycle of each label (`marks`), those of the two ticks after each
 * section's label (`ticks`), and the IRQ latencies.
 */
export async function measureBenchApp(fw) {
  const board = await emulate('rpi-pico', {
    firmware: fw.uf2,
    symbols: fw.elf,
  });
  const emu = board.emulator;
  const core = emu.chip.core;
  const marks = new Map();
  const ticks = new Map();
  const irqLatency = { [TIMER_IRQ_1]: [], [IO_IRQ_BANK0]: [] };
  const entered = {};
  let label;
  let lastTick;
  let bootNs;
  board.gpio(TICK_PIN).onChange(() => {
    lastTick = core.cycles;
    ticks.get(label)?.push(lastTick);
  });
  const wd = emu.chip.peripherals[WATCHDOG_KEY];
  const write = wd.writeUint32.bind(wd);
  wd.writeUint32 = (offset, value) => {
    if (offset === LABEL_OFFSET) {
      marks.set(value, core.cycles);
      if (value === M.main) bootNs = board.now;
      label = value;
      if (!ticks.has(value)) ticks.set(value, []);
      // An IRQ handler ticks first, then says which it is.
      if (value === M.timerIrq) irqLatency[TIMER_IRQ_1].push(lastTick - entered[TIMER_IRQ_1]);
      if (value === M.digitalIrq) irqLatency[IO_IRQ_BANK0].push(lastTick - entered[IO_IRQ_BANK0]);
      emu.activity(); // wakes runUntil's predicate
    }
    write(offset, value);
  };
  const entry = core.exceptionEntry.bind(core);
  core.exceptionEntry = (n) => {
    if (n >= 16) entered[n - 16] = core.cycles;
    entry(n);
  };
  const until = (id, seconds) => {
    const deadline = board.now + seconds * 1e9;
    if (!board.runUntil(deadline, () => marks.has(id)))
      throw new Error(`bench app: label ${id} not reached within ${seconds} s simulated (${board.whereabouts()})`);
  };
  const t0 = performance.now();
  until(M.ready, 30);
  let level = false;
  for (let edge = 0; edge < 3; edge++) {
    until(M.digitalArmed, 1);
    marks.delete(M.digitalArmed);
    board.runFor('1ms'); // the message loop is idle again when the edge comes
    level = !level;
    board.gpio(INPUT_PIN).drive(level);
  }
  until(M.done, 1);
  await board.usb.waitForLine('vllsi bench done', { timeout: '100ms' });
  return {
    marks,
    ticks,
    bootNs,
    irqLatency,
    wallSeconds: (performance.now() - t0) / 1000,
    simSeconds: board.now / 1e9,
  };
}

/** Simulated ns from reset until helloworld's main.js calls trace() (Moddable's fx_trace). */
async function helloworldBoot(fw) {
  const board = await emulate('rpi-pico', {
    firmware: fw.uf2,
    symbols: fw.elf,
  });
  const core = board.emulator.chip.core;
  const target = board.emulator.symbols?.address('fx_trace');
  if (target === undefined) throw new Error('helloworld: no fx_trace symbol in its ELF');
  const exec = core.executeInstruction.bind(core);
  let hit;
  core.executeInstruction = () => {
    if (hit === undefined && (core.PC & ~1) === target) {
      hit = board.now;
      board.emulator.activity();
    }
    return exec();
  };
  board.runUntil(board.now + 5e9, () => hit !== undefined);
  if (hit === undefined) throw new Error('helloworld did not call trace() within 5 s simulated');
  return hit;
}

const ms = (cycles) => `${((cycles / HZ) * 1e3).toFixed(3)} ms`;
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];

/** The table from the ticks: cycles per operation, ratios against Moddable's own. */
export function rows(run, helloworldNs) {
  const span = (id) => {
    const [a, b] = run.ticks.get(id) ?? [];
    if (b === undefined) throw new Error(`bench app: section ${id} has no two ticks`);
    return b - a;
  };
  const N = M.loops;
  const perOp = (id) => (span(id) - span(M.emptyLoop)) / N;
  const once = (id) => span(id) - span(M.markPair); // less the ticks' own cost
  const digitalWrite = perOp(M.digitalWrite);
  const onReadable = median(run.irqLatency[IO_IRQ_BANK0]);
  const vllsiIrq = median(run.irqLatency[TIMER_IRQ_1]);
  const boot = run.bootNs / 1e6;
  const op = (name, id, note) => ({
    name,
    value: perOp(id),
    unit: 'cycles/op',
    note: `${ms(perOp(id))}${note ? `; ${note}` : ''}`,
  });
  return [
    {
      name: 'peripheral(IO_BANK0)',
      value: once(M.peripheralIoBank0),
      unit: 'cycles',
      goal: '≤ 1 ms (125,000 cycles)',
      note: `${ms(once(M.peripheralIoBank0))}; 100 registers`,
    },
    {
      name: 'peripheral(SIO)',
      value: once(M.peripheralSio),
      unit: 'cycles',
      goal: '≤ 1 ms (125,000 cycles)',
      note: ms(once(M.peripheralSio)),
    },
    op('register lookup X.R on a handle', M.lookup),
    {
      ...op('Digital.write(1) (Moddable ECMA-419)', M.digitalWrite),
      note: `${ms(digitalWrite)}; the baseline of the write rows`,
    },
    {
      ...op('register write, inlined: X.R.write({ F: v })', M.writeInlined),
      baseline: digitalWrite,
      ratio: perOp(M.writeInlined) / digitalWrite,
      goal: '≤ 1.0x Digital.write',
    },
    {
      ...op('register write, called: X.R.write(n)', M.writeCalled),
      baseline: digitalWrite,
      ratio: perOp(M.writeCalled) / digitalWrite,
    },
    {
      ...op('register write, called: X.R.write({ F: v })', M.writeFieldsCalled),
      baseline: digitalWrite,
      ratio: perOp(M.writeFieldsCalled) / digitalWrite,
    },
    op('field modify, inlined: X.R.modify({ F: v })', M.modifyInlined),
    op('field modify, called: X.R.modify({ F: v })', M.modifyCalled),
    op('field modify, called: field.modify(v)', M.fieldModifyCalled),
    op('withCriticalSection(fn)', M.criticalSection),
    {
      name: 'onReadable latency (Moddable Digital, GPIO edge)',
      value: onReadable,
      unit: 'cycles',
      note: `${ms(onReadable)}; IO_IRQ_BANK0 entry to onReadable's first tick (its Digital.write toggling GPIO2), median of ${run.irqLatency[IO_IRQ_BANK0].length}`,
    },
    {
      name: 'IRQ to JS handler (vllsi, TIMER alarm)',
      value: vllsiIrq,
      unit: 'cycles',
      baseline: onReadable,
      ratio: vllsiIrq / onReadable,
      goal: '≤ 1.0x onReadable',
      note: `${ms(vllsiIrq)}; TIMER_IRQ_1 entry to the handler's first tick (the same Digital.write), median of ${run.irqLatency[TIMER_IRQ_1].length}`,
    },
    {
      name: 'boot to main (bench app)',
      value: boot,
      unit: 'ms',
      ...(helloworldNs !== undefined && { baseline: helloworldNs / 1e6, ratio: boot / (helloworldNs / 1e6), goal: '≤ helloworld + 50 ms' }),
      note: `simulated time from reset to the app's first statement (${run.marks.get(M.main).toLocaleString('en')} cycles)${helloworldNs === undefined ? '' : `; helloworld: reset to its main.js trace(): +${(boot - helloworldNs / 1e6).toFixed(3)} ms`}`,
    },
    {
      name: 'bench app emulation speed',
      value: run.simSeconds / run.wallSeconds,
      unit: 'x real time',
      note: `${run.simSeconds.toFixed(3)} s simulated in ${run.wallSeconds.toFixed(1)} s wall (XS busy most of it)`,
    },
  ];
}

export async function run() {
  const missing = moddableSdkMissing();
  if (missing) {
    console.error(`\n*** SKIP device benchmarks: ${missing} ***\n`);
    return [
      {
        name: 'device benchmarks',
        value: null,
        unit: '',
        note: `SKIP: ${missing}`,
      },
    ];
  }
  const app = await vllsiAppFirmware(path.join(import.meta.dirname, 'device'));
  const hello = moddableExampleFirmware('helloworld');
  return rows(await measureBenchApp(app), await helloworldBoot(hello));
}
