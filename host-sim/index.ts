// `vllsi/host-sim`: run driver code on a simulated board and test it, in the spirit
// of Renode's test keywords.
//
//   const board = await simulate('rpi-pico', app);
//   board.runFor('10ms');
//   await board.uart(0).waitForLine(/ready/, { timeout: '1s' });   // simulated time
//   board.gpio(25).level; board.gpio(4).drive(true); board.irq(13).raise(); board.trace.dump();
//
// See docs/simulator.md for how time, interrupts and cores work.
import { BoardError, loadBoard, parseBoard, withConsoleToken, type BoardSpec } from '../boards/index.js';
import type { AppMain } from '../src/app.js';
import { InvalidArgument } from '../src/errors.js';
import { bindHal } from '../src/platform.js';
import { wireEsp32 } from './esp32.js';
import { SimHal } from './hal.js';
import { Machine } from './machine.js';
import type { ChipPorts, GpioPort, Outside } from './ports.js';
import { BoardPin } from './board-pin.js';
import type { Region } from './bus.js';
import type { I2cBus } from './parts/i2c.js';
import type { SpiBus } from './parts/spi.js';
import { wireRp2040 } from './rp2040.js';
import { SimPin } from './sim-pin.js';
import type { Faults, SupplyDip } from './faults.js';
import { plotSvg, shortTime, type PlotOptions } from './plot.js';
import { partFromData, type Part, type PartHost } from './parts/index.js';
import { WorkerCore, type CoreProgramOptions } from './cores.js';
import { parseDuration, type Duration } from './time.js';
import { BoardView } from './board-view.js';
import type { AccessTrace } from './trace.js';

export {
  SimTimeout,
  SimStateError,
  SimHalted,
  SimRunaway,
  FirmwareError,
  WrongFamily,
  BootromMissing,
  HardFault,
  Lockup,
  FirmwareSilent,
  type CodeLocation,
} from './errors.js';
export { BusFault } from '../src/hal.js';
export { emulate, EmulatedBoard, type EmulateOptions, type FileInput } from './emulate.js';
export type { XsbugEvent } from './xsbug.js';
export { parseDuration, formatNs, type Duration } from './time.js';
export { SimUart, type SimRunner } from './sim-uart.js';
export type { TraceEntry, TraceOp, AccessTrace } from './trace.js';
export type { GpioPort, UartPort } from './ports.js';
export { SimPin, type Window } from './sim-pin.js';
export type { Faults, InjectedFault, BusErrorOptions, BrownOutOptions } from './faults.js';
export type { PlotOptions } from './plot.js';
export { Waveform, Measure, type Signal, type Edge, type UartFrame } from './waveform.js';
export { I2cBus, type I2cPart } from './parts/i2c.js';
export { SpiBus, type SpiPart, type SpiMode } from './parts/spi.js';
export { Tmp102 } from './parts/tmp102.js';
export { Mcp3008 } from './parts/mcp3008.js';
export { Button, Led, Potentiometer, I2cEeprom, SpiFlash, partFromData, partKinds, type Part, type PartHost, type LedChange } from './parts/index.js';
export { loadBoard, parseBoard, boardNames, BoardError, type BoardSpec } from '../boards/index.js';
export { SimHal } from './hal.js';
export { Machine } from './machine.js';
export type { CoreProgramOptions } from './cores.js';

/** An app: its `main` runs on core 0 at reset, with the board's HAL (also bound for src/: bindHal) and description. */
export type App = AppMain;

export interface SimulateOptions {
  /** Stop `main` (or a handler) that runs this long without returning to idle. Default '10s'. */
  bootTimeout?: Duration;
  /** Wall-time runaway guard: stop `main` or a handler that has not returned after this long of real time (SimRunaway). Default '5s'. */
  runaway?: Duration;
  /** A program for core 1, started before core 0's main (see SimBoard.startCore). */
  core1?: { program: URL | string } & CoreProgramOptions;
}

export interface SimIrq {
  readonly number: number;
  /** Pends the line from outside (like NVIC ISPR); delivered at the next boundary where it may preempt. */
  raise(): void;
  readonly pending: boolean;
  readonly enabled: boolean;
  priority: number;
}

/** Wires a chip's models on a machine; `outside` (after a reset) hands back what outlives the chip. */
export type ChipWiring = (m: Machine, outside?: Outside) => ChipPorts;

export class SimBoard extends BoardView {
  readonly hal: SimHal;
  /** The chip's ports of the moment (wired anew by a chip reset). */
  private chip: ChipPorts;
  /** What the test set the ADC inputs to: the outside, kept across chip resets. */
  private readonly analog = new Map<number, number>();
  private app: App | undefined;
  private bootTimeout: Duration = '10s';

  constructor(
    spec: BoardSpec,
    readonly machine: Machine,
    wire: ChipWiring,
  ) {
    // The outside of the board stays across chip resets: pins, UART streams and buses (with their parts).
    const boardPins = Array.from({ length: spec.gpioCount }, (_, n) => new BoardPin(n, () => machine.now));
    const live = { chip: undefined as ChipPorts | undefined };
    const outside: Outside = {
      uart: (n) => live.chip?.uart(n),
      gpio: (n) => boardPins[n]!,
      i2c: (n) => live.chip?.i2c?.(n),
      spi: (n) => live.chip?.spi?.(n),
    };
    const first = (live.chip = wire(machine, outside));
    boardPins.forEach((p, n) => p.bind(first.gpio(n)));
    const setAnalog = (channel: number, raw: number) => {
      this.analog.set(channel, raw);
      this.chip.setAnalog!(channel, raw);
    };
    super(spec, { ...outside, ...(first.setAnalog === undefined ? {} : { setAnalog, analogChannels: first.analogChannels }) });
    this.chip = first;
    this.hal = new SimHal(machine, 0);
    machine.onChipReset = (dip, before) => {
      this.chip = live.chip = wire(machine, outside);
      boardPins.forEach((p, n) => p.bind(this.chip.gpio(n)));
      this.restoreMemory(dip, before);
      for (const [channel, raw] of this.analog) this.chip.setAnalog?.(channel, raw);
    };
    machine.onRestart = () => {
      if (this.app !== undefined) this.boot(this.app, this.bootTimeout);
    };
    const waves = machine.waves;
    this.pins = Array.from({ length: spec.gpioCount }, (_, n) => {
      const port = boardPins[n]!;
      const s = waves.signal('gpio', n, port.level);
      port.onChange((level, t) => waves.change(s, t, level));
      return new SimPin(port, s);
    });
    for (let n = 0; n < 8; n++) {
      const u = first.uart(n);
      u?.onByte((byte, t) => waves.uartFrame(n, byte, t, u.frameBits, u.bitNs));
    }
  }
  private readonly pins: SimPin[];

  /** Simulated time since reset, ns. */
  get now(): number {
    return this.machine.now;
  }
  get trace(): AccessTrace {
    return this.machine.trace;
  }

  runUntil(deadline: number, until: () => boolean): boolean {
    this.bind();
    return this.machine.runUntil(deadline, until);
  }

  /**
   * Fault injection: `board.faults.busError(address, { access, count })`, `board.faults.brownOut({ at, duration, ram })`.
   * Pins: `gpio(n).stuckAt(level)`; UARTs: `uart(n).writeWithErrors(...)`, `uart(n).noise(...)`.
   */
  get faults(): Faults {
    return this.machine.faults;
  }

  /** The wall-time runaway guard (see SimulateOptions.runaway). */
  set runaway(limit: Duration) {
    const ns = parseDuration(limit, 'runaway');
    if (ns <= 0) throw new InvalidArgument('runaway', limit, 'must be a positive wall-clock duration, e.g. 5s');
    this.machine.runawayMs = ns / 1e6;
  }
  get runaway(): Duration {
    return `${this.machine.runawayMs}ms`;
  }

  /**
   * A timing diagram of the waveforms recorded since reset, as SVG: GPIOs (`pins`, else every pin
   * that moved or idles high), UART TX lines with their bytes decoded, IRQ lines, over a time axis.
   */
  plot(o: PlotOptions = {}): string {
    return plotSvg(this.machine.waves, this.now, { title: `${this.spec.name}: ${shortTime(o.from ?? 0)} .. ${shortTime(o.to ?? this.now)}`, ...o });
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

  override gpio(n: number): SimPin {
    if (!Number.isInteger(n) || n < 0 || n >= this.spec.gpioCount)
      throw new InvalidArgument('GPIO number', n, `must be an integer in 0..${this.spec.gpioCount - 1} on ${this.spec.name}`);
    return this.pins[n]!;
  }
  /** The board's LED pin. */
  override get led(): SimPin {
    return this.gpio(this.spec.led.pin);
  }

  /** I2C bus `n` (the chip's controller n): `board.i2c(0).attach(0x48, new Tmp102())`. */
  i2c(n: number): I2cBus {
    const bus = Number.isInteger(n) ? this.ports.i2c?.(n) : undefined;
    if (bus === undefined) throw new InvalidArgument('I2C bus number', n, `${this.spec.name} has no such I2C controller model`);
    return bus;
  }

  /** SPI bus `n` (the chip's controller n): `board.spi(0).attach(csPin, new Mcp3008())`. */
  spi(n: number): SpiBus {
    const bus = Number.isInteger(n) ? this.ports.spi?.(n) : undefined;
    if (bus === undefined) throw new InvalidArgument('SPI bus number', n, `${this.spec.name} has no such SPI controller model`);
    return bus;
  }

  /**
   * A jumper between two pins: whichever drives its pin as an output drives the other
   * (both outputs: the wire follows the last one that changed). Returns a function that
   * removes the wire (the other pin floats again).
   */
  wire(pinA: number, pinB: number): () => void {
    const a = this.gpio(pinA),
      b = this.gpio(pinB);
    if (pinA === pinB) throw new InvalidArgument('wire', pinB, 'joins a pin to itself');
    const follow = (from: GpioPort, to: GpioPort) => () => {
      if (from.isOutput) to.drive(from.level);
      else if (!to.isOutput) to.release();
    };
    const ab = follow(a, b),
      ba = follow(b, a);
    const offA = a.onChange(ab),
      offB = b.onChange(ba);
    if (a.isOutput) ab();
    else if (b.isOutput) ba();
    return () => {
      offA();
      offB();
      if (!a.isOutput) a.release();
      if (!b.isOutput) b.release();
    };
  }

  /** Sets the raw reading (counts, e.g. 0..4095 on the RP2040's 12-bit ADC) of an ADC channel: an analog input from outside. */
  setAnalog(channel: number, raw: number): void {
    const p = this.ports;
    if (p.setAnalog === undefined) throw new InvalidArgument('ADC channel', channel, `the ${this.spec.name} simulator has no ADC model`);
    if (!Number.isInteger(channel) || channel < 0 || channel >= (p.analogChannels ?? 0))
      throw new InvalidArgument('ADC channel', channel, `must be an integer in 0..${(p.analogChannels ?? 0) - 1}`);
    if (!Number.isInteger(raw) || raw < 0 || raw > 0xfff) throw new InvalidArgument('ADC reading', raw, 'must be an integer in 0..4095');
    p.setAnalog(channel, raw);
  }

  /** Sets what the ADC converts on a GPIO with an ADC input (board data `adcPins`). */
  setAnalogPin(pin: number, raw: number): void {
    const channel = this.spec.adcPins.indexOf(pin);
    if (channel < 0) throw new InvalidArgument('ADC pin', pin, `${this.spec.name} has ADC inputs on GPIO ${this.spec.adcPins.join(', ')}`);
    this.setAnalog(channel, raw);
  }

  private readonly attached: { part: Part; detach: () => void }[] = [];

  /**
   * Connects a part (host-sim/parts: Button, Led, Potentiometer, I2cEeprom, SpiFlash...) to the
   * board's pins or buses; returns the part. `board.detach(part)` disconnects it.
   */
  attach<P extends Part>(part: P): P {
    if (typeof part?.attach !== 'function') throw new InvalidArgument('part', part, 'must be a part (host-sim/parts) with attach(host)');
    if (this.attached.some((a) => a.part === part)) throw new InvalidArgument('part', part.kind, 'is already attached to this board');
    const m = this.machine;
    const host: PartHost = {
      spec: this.spec,
      get now() {
        return m.now;
      },
      gpio: (n) => this.gpio(n),
      i2c: (n) => this.i2c(n),
      spi: (n) => this.spi(n),
      setAnalogPin: (pin, raw) => this.setAnalogPin(pin, raw),
      after(ns, fn) {
        const a = m.clock.createAlarm(fn);
        a.schedule(ns);
        return () => a.cancel();
      },
    };
    this.attached.push({ part, detach: part.attach(host) });
    return part;
  }

  detach(part: Part): void {
    const i = this.attached.findIndex((a) => a.part === part);
    if (i < 0) throw new InvalidArgument('part', part?.kind, 'is not attached to this board');
    this.attached.splice(i, 1)[0]!.detach();
  }

  /** The parts attached (by attach() or the board file), in order. */
  get parts(): readonly Part[] {
    return this.attached.map((a) => a.part);
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
    if (core !== 1 || this.spec.cores < 2)
      throw new InvalidArgument('core', core, `the simulator runs a second program on core 1 of a dual-core board (${this.spec.name} has ${this.spec.cores})`);
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

  /** Runs `app`'s main on core 0 to completion (at reset, in simulate(); again after a chip reset). */
  boot(app: App | { default: App }, timeout: Duration = '10s'): void {
    const main = typeof app === 'function' ? app : app?.default;
    if (typeof main !== 'function')
      throw new InvalidArgument('app', app, 'must be a main function (hal, board) => void or a module whose default export is one');
    this.app = main;
    this.bootTimeout = timeout;
    this.bind();
    this.machine.runCode(() => main(this.hal, this.spec), this.machine.now + parseDuration(timeout, 'bootTimeout'));
  }

  /**
   * After a chip reset: flash and ROM keep their contents; SRAM keeps them or, as after a supply
   * dip below the retention voltage, holds a pseudo-random pattern (deterministic from the seed).
   */
  private restoreMemory(dip: SupplyDip, before: readonly Region[]): void {
    let x = dip.seed >>> 0 || 1;
    for (const r of this.machine.bus.map) {
      const old = before.find((b) => b.name === r.name)?.bytes;
      if (r.bytes === undefined || old === undefined) continue;
      const ram = this.spec.memory.find((mem) => mem.name === r.name)?.kind === 'ram';
      if (!ram || dip.ram === 'keep') r.bytes.set(old);
      else {
        for (let i = 0; i < r.bytes.length; i++) {
          x ^= x << 13;
          x ^= x >>> 17;
          x ^= x << 5;
          r.bytes[i] = x & 0xff;
        }
      }
    }
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
  const b = new SimBoard(spec, m, spec.chip === 'rp2040' ? wireRp2040 : wireEsp32);
  spec.parts.forEach((data, i) => {
    try {
      b.attach(partFromData(data));
    } catch (e) {
      throw new BoardError(spec.name, `parts[${i}] (${String(data.kind)}): ${(e as Error).message}`);
    }
  });
  return b;
}

/** Builds a board, binds its core-0 HAL for src/ (bindHal), and runs `app`'s main on core 0 (at simulated time 0). */
export async function simulate(board: string | object, app?: App | { default: App }, options: SimulateOptions = {}): Promise<SimBoard> {
  const b = createBoard(board);
  if (options.runaway !== undefined) b.runaway = options.runaway;
  if (options.core1 !== undefined) b.startCore(1, options.core1.program, options.core1);
  b.bind();
  if (app !== undefined) b.boot(app, options.bootTimeout);
  return b;
}
