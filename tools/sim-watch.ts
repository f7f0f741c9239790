// What `vllsi sim` shows while an app runs, and its options: the console UART's text (console
// protocol traffic apart, decoded with --verbose), GPIO level changes (--pins), register accesses
// (--trace), debug output; and the console's input from TCP or stdin (--console), probed at start.
import { stamp } from './sim-report.js';
import { UsageError } from './command.js';
import { ConsoleTap } from './console-tap.js';
import { loadMap, mappedBoards } from './inspect/maps.js';
import { type SimBoard } from '../host-sim/index.js';
import { uartFeeder, type UartFeeder } from '../host-sim/tcp-console.js';
import type { TraceEntry } from '../host-sim/trace.js';
import { didYouMean } from '../src/suggest.js';
import { hex } from '../src/errors.js';
import type { BoardSpec } from '../boards/index.js';

/** parseArgs options of the watch (merged into sim's). */
export const watchOptions = {
  pins: { type: 'string' },
  trace: { type: 'string' },
  verbose: { type: 'boolean', short: 'v', default: false },
} as const;

export const watchHelp = `  --pins LIST       print each level change of these GPIOs: 2,16,25 or all
                    (default: the board LED)
  --trace LIST      print each register access of these peripherals: SIO,UART0 or all
  -v, --verbose     also print the console protocol's traffic (requests, answers, frames), decoded`;

export interface WatchSettings {
  /** GPIOs to watch; the LED is named as such. */
  readonly pins: readonly number[];
  /** Peripheral names whose accesses to print (upper case), 'all', or none. */
  readonly trace: ReadonlySet<string> | 'all' | undefined;
  readonly verbose: boolean;
}

/** Checks --pins and --trace against the board. */
export function watchSettings(values: { pins?: string; trace?: string; verbose?: boolean }, spec: BoardSpec): WatchSettings {
  let pins = [spec.led.pin];
  if (values.pins !== undefined) {
    if (values.pins === 'all') pins = Array.from({ length: spec.gpioCount }, (_, i) => i);
    else {
      pins = values.pins.split(',').map((t) => {
        const n = Number(t);
        if (t.trim() === '' || !Number.isInteger(n) || n < 0 || n >= spec.gpioCount)
          throw new UsageError(`--pins takes GPIO numbers 0-${spec.gpioCount - 1} of ${spec.name}, comma-separated, or all; got '${t}'`);
        return n;
      });
    }
  }
  let trace: WatchSettings['trace'];
  if (values.trace === 'all') trace = 'all';
  else if (values.trace !== undefined) {
    const known = traceMap(spec)?.peripherals ?? [];
    if (known.length === 0) throw new UsageError(`--trace needs a register map: ${spec.name} has none (boards with one: ${mappedBoards().join(', ')})`);
    trace = new Set(
      values.trace.split(',').map((n) => {
        const p = known.find((k) => k.toUpperCase() === n.toUpperCase());
        if (p === undefined)
          throw new UsageError(`--trace: no peripheral '${n}' on ${spec.name}${didYouMean(n, known)} (\`vllsi inspect --board ${spec.name} list\` lists them)`);
        return p.toUpperCase();
      }),
    );
  }
  return { pins: [...new Set(pins)].sort((a, b) => a - b), trace, verbose: values.verbose ?? false };
}

interface TraceNames {
  readonly peripherals: string[];
  name(address: number): { peripheral: string; register: string } | undefined;
}

/** Register names by address, from the board's register map (RP2040 SET/CLR/XOR aliases too). */
function traceMap(spec: BoardSpec): TraceNames | undefined {
  if (!mappedBoards().includes(spec.name)) return undefined;
  const map = loadMap({ board: spec.name });
  const byAddress = new Map<number, { peripheral: string; register: string }>();
  for (const p of map.peripherals)
    for (const r of p.registers) byAddress.set((p.baseAddress + r.addressOffset) >>> 0, { peripheral: p.name, register: `${p.name}.${r.name}` });
  const aliases = spec.chip === 'rp2040' ? ['', ' (xor)', ' (set)', ' (clr)'] : [''];
  return {
    peripherals: map.peripherals.map((p) => p.name),
    name(address) {
      const direct = byAddress.get(address);
      if (direct || aliases.length === 1 || address < 0x40000000 || address >= 0xd0000000) return direct;
      const base = byAddress.get((address & ~0x3000) >>> 0);
      return base && { peripheral: base.peripheral, register: base.register + aliases[(address >>> 12) & 3] };
    },
  };
}

export interface Watch {
  readonly tap: ConsoleTap;
  /** Prints the accesses recorded since the last call (after each slice of simulated time). */
  flushTrace(): void;
  stop(): void;
}

/** Starts printing what the settings ask for; stop() prints the console's unfinished line. */
export function watch(board: SimBoard, settings: WatchSettings, output: (line: string) => void, showProtocol = settings.verbose): Watch {
  // With --trace, accesses are printed after each slice: the other lines wait for them, and all
  // of a slice's lines go out in time order.
  // At the same nanosecond an access goes first: it is what the other line reports (an LED change).
  const held: [number, number, string][] = [];
  const print = (line: string, at = board.now, rank = 1) => (settings.trace === undefined ? output(line) : held.push([at, rank, line]));
  const release = () => {
    held.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    for (const [, , line] of held.splice(0)) output(line);
  };
  const uartName = `uart${board.spec.console.uart}`;
  let t = 0;
  const tap = new ConsoleTap({
    text: (l) => print(`${stamp(t)} ${uartName}: ${l}`, t),
    protocol: (l) => showProtocol && print(`${stamp(l.startsWith('<-') ? t : board.now)} console ${l}`, l.startsWith('<-') ? t : board.now),
  });
  const offs = [
    board.console.onByte((b, at) => {
      t = at;
      tap.received(Uint8Array.of(b));
    }),
    ...settings.pins.map((pin) =>
      board
        .gpio(pin)
        .onChange((level, at) =>
          print(
            pin === board.spec.led.pin ? `${stamp(at)} LED GPIO${pin} -> ${level ? 'on' : 'off'}` : `${stamp(at)} GPIO${pin} -> ${level ? 'high' : 'low'}`,
            at,
          ),
        ),
    ),
    board.onDebug((text, at) => print(`${stamp(at)} debug: ${text.replace(/\n$/, '')}`, at)),
  ];
  const names = settings.trace === undefined ? undefined : traceMap(board.spec);
  let seen = board.trace.total;
  const show = (e: TraceEntry) => {
    if (e.op === 'irq-enter' || e.op === 'irq-exit') {
      if (settings.trace === 'all') print(`${stamp(e.t)} core${e.core} ${e.op} IRQ ${e.addr}`, e.t, 0);
      return;
    }
    const at = names?.name(e.addr);
    if (settings.trace !== 'all' && (at === undefined || !(settings.trace as ReadonlySet<string>).has(at.peripheral.toUpperCase()))) return;
    const what = at?.register ?? hex(e.addr);
    print(
      `${stamp(e.t)} core${e.core} ${e.op === 'fault' ? `FAULT at ${what}` : `${e.op === 'read' ? 'read ' : 'write'} ${what} ${e.op === 'read' ? '->' : '<-'} ${hex(e.value, e.size * 2)}`}`,
      e.t,
      0,
    );
  };
  return {
    tap,
    flushTrace() {
      if (settings.trace === undefined) return;
      const fresh = board.trace.total - seen;
      seen = board.trace.total;
      const entries = board.trace.entries();
      if (fresh > entries.length)
        print(`${stamp(board.now)} trace: ${fresh - entries.length} accesses not shown (more than the trace ring holds between two prints)`);
      for (const e of entries.slice(Math.max(0, entries.length - fresh))) show(e);
      release();
    },
    stop() {
      for (const off of offs) off();
      const rest = board.console.output.endsWith('\n') ? '' : board.console.output.slice(board.console.output.lastIndexOf('\n') + 1);
      if (rest && !showProtocol) print(`${stamp(board.now)} ${uartName}: ${rest} (no newline yet)`);
      release();
    },
  };
}

/** Runs `ns` of simulated time; with --trace in slices of 1 ms, printing the accesses after each. */
export function runWatched(board: { runFor(ns: number): unknown }, w: Watch, settings: WatchSettings, ns: number): void {
  if (settings.trace === undefined) {
    board.runFor(ns);
    return;
  }
  for (let left = ns; left > 0; left -= 1e6) {
    board.runFor(Math.min(left, 1e6));
    w.flushTrace();
  }
  w.flushTrace();
}

/**
 * Whether the app answers on its console UART: sends `info` and runs up to 50 ms of simulated
 * time for an OK or ERR. The exchange goes through the tap (shown with --verbose).
 */
export function probeConsole(board: SimBoard, feeder: UartFeeder, w: Watch): boolean {
  const before = w.tap.answers;
  const probe = Uint8Array.from('\ninfo\n', (c) => c.charCodeAt(0));
  w.tap.sent(probe);
  feeder.push(probe);
  for (let i = 0; i < 50 && w.tap.answers === before; i++) board.runFor(1e6);
  return w.tap.answers > before;
}

/** Bytes from stdin waiting for the simulated line before stdin is paused (a pipe is read as fast as the line takes it). */
const STDIN_CAP = 4096;

/** `--console stdin`: what the terminal (or a pipe) sends goes to the console UART. */
export function feedStdin(board: SimBoard, w: Watch): { feeder: UartFeeder; stop(): void } {
  const feeder = uartFeeder(board.machine.clock, board.console.port);
  const onData = (d: Buffer) => {
    const bytes = new Uint8Array(d.buffer, d.byteOffset, d.length);
    w.tap.sent(bytes);
    feeder.push(bytes);
    if (feeder.pending >= STDIN_CAP) process.stdin.pause();
  };
  process.stdin.on('data', onData);
  const drained = setInterval(() => {
    if (process.stdin.isPaused() && feeder.pending < STDIN_CAP / 2) process.stdin.resume();
  }, 20);
  return {
    feeder,
    stop() {
      clearInterval(drained);
      process.stdin.off('data', onData);
      process.stdin.pause();
      feeder.cancel();
    },
  };
}
