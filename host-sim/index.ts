// `vllsi/host-sim`: run driver code on a simulated board and test it, in the spirit
// of Renode's test keywords.
//
//   const board = await simulate('rpi-pico', app);
//   board.runFor('10ms');
//   await board.uart(0).waitForLine(/ready/, { timeout: '1s' });   // simulated time
//   board.gpio(25).level; board.gpio(4).drive(true); board.irq(13).raise(); board.trace.dump();
//
// See docs/simulator.md for how time, interrupts and cores work.
import { loadBoard, parseBoard, withConsoleToken, type BoardSpec } from '../boards/index.js';
import type { Hal } from '../src/hal.js';
import { InvalidArgument, describe } from '../src/errors.js';
import { bindHal } from '../src/platform.js';
import { wireEsp32 } from './esp32.js';
import { SimTimeout } from './errors.js';
import { SimHal } from './hal.js';
import { Machine } from './machine.js';
import type { ChipPorts, GpioPort, UartPort } from './ports.js';
import { wireRp2040 } from './rp2040.js';
import { WorkerCore, type CoreProgramOptions } from './cores.js';
import { formatNs, parseDuration, type Duration } from './time.js';
import type { AccessTrace } from './trace.js';

export { SimTimeout, SimStateError, SimHalted } from './errors.js';
export { BusFault } from '../src/hal.js';
export { parseDuration, formatNs, type Duration } from './time.js';
export type { TraceEntry, TraceOp, AccessTrace } from './trace.js';
export type { GpioPort, UartPort } from './ports.js';
export { loadBoard, parseBoard, boardNames, BoardError, type BoardSpec } from '../boards/index.js';
export { SimHal } from './hal.js';
export { Machine } from './machine.js';
export type { CoreProgramOptions } from './cores.js';

/** An app: its `main` runs on core 0 at reset, with the board's HAL (also bound for src/: bindHal) and description. */
export type App = (hal: Hal, board: BoardSpec) => void;

export interface SimulateOptions {
  /** Stop `main` (or a handler) that runs this long without returning to idle. Default '10s'. */
  bootTimeout?: Duration;
  /** A program for core 1, started before core 0's main (see SimBoard.startCore). */
  core1?: { program: URL | string } & CoreProgramOptions;
}

/** A UART seen from the test: its output, input, and waiting for lines in simulated time. */
export class SimUart {
  private consumed = 0;
  constructor(
    readonly port: UartPort,
    private readonly board: SimBoard,
  ) {}
  get output(): string {
    return this.port.output;
  }
  get lines(): string[] {
    return this.port.lines;
  }
  write(data: Uint8Array | string): void {
    this.port.receive(data);
  }
  onByte(listener: (byte: number, tNs: number) => void): () => void {
    return this.port.onByte(listener);
  }
  /**
   * Runs the simulation until a line (not matched by an earlier wait) matches, and
   * returns it; throws SimTimeout after `timeout` of simulated time (default 1 s).
   */
  async waitForLine(pattern: RegExp | string, options: { timeout?: Duration } = {}): Promise<string> {
    const timeout = parseDuration(options.timeout ?? '1s', 'timeout');
    const test = (l: string) => (typeof pattern === 'string' ? l.includes(pattern) : pattern.test(l));
    let found: string | undefined;
    const seek = () => {
      const lines = this.port.lines;
      for (let i = this.consumed; i < lines.length; i++) {
        if (test(lines[i]!)) {
          this.consumed = i + 1;
          found = lines[i];
          return true;
        }
      }
      return false;
    };
    const start = this.board.now;
    this.board.bind();
    if (!this.board.machine.runUntil(start + timeout, seek)) {
      throw new SimTimeout(timeout, `no line matching ${String(pattern)} on UART${this.port.index} within ${formatNs(timeout)} of simulated time (output so far: ${describe(this.port.output.slice(-80))})`);
    }
    return found!;
  }
}

export interface SimIrq {
  readonly number: number;
  /** Pends the line from outside (like NVIC ISPR); delivered at the next boundary where it may preempt. */
  raise(): void;
  readonly pending: boolean;
  readonly enabled: boolean;
  priority: number;
}

export class SimBoard {
  readonly hal: SimHal;
  private readonly uarts = new Map<number, SimUart>();

  constructor(
    readonly spec: BoardSpec,
    readonly machine: Machine,
    private readonly ports: ChipPorts,
  ) {
    this.hal = new SimHal(machine, 0);
  }

  /** Simulated time since reset, ns. */
  get now(): number {
    return this.machine.now;
  }
  get trace(): AccessTrace {
    return this.machine.trace;
  }

  /** Runs the board for a span of simulated time (interrupts fire, UARTs shift, timers count). */
  runFor(duration: Duration): this {
    const ns = parseDuration(duration);
    this.bind();
    this.machine.runUntil(this.machine.now + ns);
    return this;
  }

  /** Makes this board's core-0 HAL the one src/ uses (src/platform.ts): done before running its code. */
  bind(): void {
    bindHal(this.hal);
  }

  uart(n: number): SimUart {
    let u = this.uarts.get(n);
    if (u === undefined) {
      const port = Number.isInteger(n) ? this.ports.uart(n) : undefined;
      if (port === undefined) throw new InvalidArgument('UART number', n, `${this.spec.name} has no such UART model`);
      this.uarts.set(n, (u = new SimUart(port, this)));
    }
    return u;
  }
  /** The board's console UART (boards/NAME/board.json "console"). */
  get console(): SimUart {
    return this.uart(this.spec.console.uart);
  }

  gpio(n: number): GpioPort {
    if (!Number.isInteger(n) || n < 0 || n >= this.spec.gpioCount) throw new InvalidArgument('GPIO number', n, `must be an integer in 0..${this.spec.gpioCount - 1} on ${this.spec.name}`);
    return this.ports.gpio(n);
  }
  /** The board's LED pin. */
  get led(): GpioPort {
    return this.gpio(this.spec.led.pin);
  }

  /** Sets the raw reading (counts, e.g. 0..4095 on the RP2040's 12-bit ADC) of an ADC channel: an analog input from outside. */
  setAnalog(channel: number, raw: number): void {
    const p = this.ports;
    if (p.setAnalog === undefined) throw new InvalidArgument('ADC channel', channel, `the ${this.spec.name} simulator has no ADC model`);
    if (!Number.isInteger(channel) || channel < 0 || channel >= (p.analogChannels ?? 0)) throw new InvalidArgument('ADC channel', channel, `must be an integer in 0..${(p.analogChannels ?? 0) - 1}`);
    if (!Number.isInteger(raw) || raw < 0 || raw > 0xfff) throw new InvalidArgument('ADC reading', raw, 'must be an integer in 0..4095');
    p.setAnalog(channel, raw);
  }

  /** An IRQ line by number or by its name in the board data (e.g. 'TIMER_IRQ_0'). */
  irq(line: number | string): SimIrq {
    const n = typeof line === 'string' ? this.spec.irqs[line] : line;
    if (n === undefined) throw new InvalidArgument('IRQ name', line, `${this.spec.name} names ${Object.keys(this.spec.irqs).join(', ')}`);
    const c = this.machine.irq;
    c.check(n);
    return {
      number: n,
      raise: () => c.raise(n),
      get pending() {
        return c.isPending(n);
      },
      get enabled() {
        return c.isEnabled(n);
      },
      get priority() {
        return c.priorityOf(n);
      },
      set priority(p: number) {
        c.setPriority(n, p);
      },
    };
  }

  /**
   * Starts `program` (a module URL or path; its export `fn(hal, arg)`) on core `core`
   * in a worker thread. It runs interleaved with core 0 one HAL call at a time
   * (docs/simulator.md, "Cores"); from TypeScript sources a .ts program is loaded too.
   */
  startCore(core: number, program: URL | string, options: CoreProgramOptions = {}): void {
    if (core !== 1 || this.spec.cores < 2) throw new InvalidArgument('core', core, `the simulator runs a second program on core 1 of a dual-core board (${this.spec.name} has ${this.spec.cores})`);
    if (this.machine.secondary?.running) throw new InvalidArgument('core', core, 'already runs a program');
    this.machine.secondary = new WorkerCore(this.machine, core, program, options);
  }

  /** True while the program started on `core` has not returned (core 0: always true). */
  coreRunning(core: number): boolean {
    return core === 0 || (core === 1 && this.machine.secondary?.running === true);
  }

  /** Stops a core program still running (its worker thread ends). */
  dispose(): void {
    const s = this.machine.secondary;
    if (s instanceof WorkerCore) s.stop();
  }

  /** Runs `app`'s main on core 0 to completion (at reset, in simulate()). */
  boot(app: App | { default: App }, timeout: Duration = '10s'): void {
    const main = typeof app === 'function' ? app : app?.default;
    if (typeof main !== 'function') throw new InvalidArgument('app', app, 'must be a main function (hal, board) => void or a module whose default export is one');
    this.bind();
    this.machine.runCode(() => main(this.hal, this.spec), this.machine.now + parseDuration(timeout, 'bootTimeout'));
  }

  /** Text the program wrote with hal.debugWrite. */
  onDebug(listener: (text: string, tNs: number) => void): () => void {
    this.machine.debugListeners.add(listener);
    return () => this.machine.debugListeners.delete(listener);
  }
}

/** Builds a board (by name, or a description in the boards/NAME/board.json format) without running anything. */
export function createBoard(board: string | object, options: { readonly consoleToken?: string } = {}): SimBoard {
  const parsed = typeof board === 'string' ? loadBoard(board) : parseBoard(board);
  const spec = options.consoleToken === undefined ? parsed : withConsoleToken(parsed, options.consoleToken);
  const m = new Machine(spec);
  const ports = spec.chip === 'rp2040' ? wireRp2040(m) : wireEsp32(m);
  return new SimBoard(spec, m, ports);
}

/** Builds a board, binds its core-0 HAL for src/ (bindHal), and runs `app`'s main on core 0 (at simulated time 0). */
export async function simulate(board: string | object, app?: App | { default: App }, options: SimulateOptions = {}): Promise<SimBoard> {
  const b = createBoard(board);
  if (options.core1 !== undefined) b.startCore(1, options.core1.program, options.core1);
  b.bind();
  if (app !== undefined) b.boot(app, options.bootTimeout);
  return b;
}
