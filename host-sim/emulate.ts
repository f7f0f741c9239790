// `emulate()`: a built firmware (.uf2 or .elf) on an emulated RP2040, with the test API of
// `simulate()`:
//
//   const board = await emulate('rpi-pico', { firmware: 'build/app.uf2', bootrom });
//   await board.uart(0).waitForLine(/ready/, { timeout: '100ms' });  // simulated time
//   board.runFor('20ms'); board.gpio(25).level; board.gpio(4).drive(true);
//   await board.usb.waitForLine('hello');   // USB CDC stdio (a host model enumerates it)
//
// See docs/emulate.md.
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { USBCDC } from 'rp2040js';
import { loadBoard, type BoardSpec } from '../boards/index.js';
import { InvalidArgument, hex } from '../src/errors.js';
import { Rp2040Emulator } from './emulator.js';
import { FirmwareError } from './errors.js';
import { parseElf, parseFirmware, type FirmwareImage, type LoadRegion } from './firmware.js';
import { BoardView } from './board-view.js';
import { SimUart } from './sim-uart.js';
import { UartPort } from './ports.js';
import { rp2040Ports } from './rp2040.js';
import { parseDuration, type Duration } from './time.js';
import { AccessTrace } from './trace.js';
import { XsbugStandIn, formatXsbugEvent, type XsbugEvent } from './xsbug.js';

/** A file path, file URL, or the bytes themselves. */
export type FileInput = string | URL | Uint8Array;

export interface EmulateOptions {
  /** The firmware: a UF2 (its RP2040-family blocks) or an ELF. */
  firmware: FileInput;
  /** Symbols for fault reports: an ELF. Default: the ELF itself, or FIRMWARE.elf beside FIRMWARE.uf2. */
  symbols?: FileInput;
  /** The RP2040 bootrom (16 KB). Default: the file named by VLLSI_RP2040_BOOTROM, else none. */
  bootrom?: FileInput;
  /** Stop with FirmwareSilent after this long without UART, USB or GPIO output. Default: never. */
  silence?: Duration;
}

const ROM_SIZE = 0x4000;

function read(input: FileInput): { bytes: Uint8Array; name: string } {
  if (input instanceof Uint8Array) return { bytes: input, name: '(bytes)' };
  const path = input instanceof URL ? fileURLToPath(input) : input;
  try {
    return { bytes: readFileSync(path), name: path };
  } catch (e) {
    throw new FirmwareError(path, `cannot read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}

/** Checks that a file is plausibly the RP2040 bootrom: 16 KB whose vector table points into itself. */
export function readBootrom(input: FileInput): Uint8Array {
  const { bytes, name } = read(input);
  if (bytes.length !== ROM_SIZE) throw new FirmwareError(name, `is ${bytes.length} bytes; the RP2040 bootrom is ${ROM_SIZE}`);
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const sp = v.getUint32(0, true);
  const reset = v.getUint32(4, true);
  if (sp < 0x20000000 || sp > 0x20042000 || !(reset & 1) || reset >= ROM_SIZE)
    throw new FirmwareError(name, 'does not look like the RP2040 bootrom (its vector table does not point into the ROM)');
  return bytes;
}

/** The bootrom a run uses: the given one, else VLLSI_RP2040_BOOTROM, else none. */
export function bootromFrom(input: FileInput | undefined): Uint8Array | undefined {
  if (input !== undefined) return readBootrom(input);
  const env = process.env.VLLSI_RP2040_BOOTROM;
  return env ? readBootrom(env) : undefined;
}

/** Loads the firmware, and its symbols from `symbols` or FIRMWARE.elf beside a FIRMWARE.uf2 (when its bytes match). */
export function loadImage(firmware: FileInput, regions: readonly LoadRegion[], symbols?: FileInput): FirmwareImage {
  const { bytes, name } = read(firmware);
  const image = parseFirmware(bytes, name, regions);
  let elfInput = symbols;
  if (elfInput === undefined && image.format === 'uf2' && typeof firmware !== 'object' && /\.uf2$/i.test(firmware)) {
    const sibling = firmware.replace(/\.uf2$/i, '.elf');
    if (existsSync(sibling)) elfInput = sibling;
  }
  if (elfInput === undefined) return image;
  const elf = read(elfInput);
  const withSymbols = parseElf(elf.bytes, elf.name, regions);
  // A stale ELF would name the wrong functions: use it only if it holds the image's first bytes (up to 4 KB).
  const first = image.segments[0]!;
  const same = withSymbols.segments.some((s) => {
    const from = Math.max(s.address, first.address);
    const to = Math.min(s.address + s.data.length, first.address + first.data.length, first.address + 4096);
    if (from !== first.address || to <= from) return false;
    for (let a = from; a < to; a++) if (s.data[a - s.address] !== first.data[a - first.address]) return false;
    return true;
  });
  if (!same && symbols !== undefined) throw new FirmwareError(elf.name, `does not hold the code of ${name} (a different build?)`);
  return same ? { ...image, symbols: withSymbols.symbols } : image;
}

/** An RP2040 board running real firmware; the same shape as SimBoard where they overlap. */
export class EmulatedBoard extends BoardView {
  /** Peripheral register accesses and exception entries (IRQ numbers; 3 = HardFault). */
  readonly trace = new AccessTrace();
  /** USB CDC stdio: what the firmware prints over USB (xsbug messages taken out), and input to it. */
  readonly usb: SimUart;
  /** What the xsbug stand-in received: logins, trace()/exception logs, breaks. */
  readonly xsbug: XsbugEvent[];
  private readonly debugListeners = new Set<(text: string, tNs: number) => void>();
  /** When the USB host model configured the device (CDC connected), ns; undefined before. */
  usbConnectedAt: number | undefined;
  private readonly usbListeners = new Set<(tNs: number) => void>();

  constructor(
    spec: BoardSpec,
    readonly emulator: Rp2040Emulator,
  ) {
    super(
      spec,
      rp2040Ports(emulator.chip, () => emulator.now),
    );
    const emu = emulator;
    const now = () => emu.now;
    for (let n = 0; n < spec.gpioCount; n++) this.ports.gpio(n).onChange(() => emu.activity());
    for (let n = 0; n < emu.chip.uart.length; n++) this.ports.uart(n)!.onByte(() => emu.activity());

    const usbPort = new UartPort(0, now);
    this.usb = new SimUart(usbPort, this, 'USB CDC');
    const cdc = new USBCDC(emu.chip.usbCtrl);
    const standIn = new XsbugStandIn(
      (b) => usbPort.transmit(b),
      (text) => {
        for (let i = 0; i < text.length; i++) cdc.sendSerialByte(text.charCodeAt(i));
      },
      (e) => {
        for (const l of this.debugListeners) l(formatXsbugEvent(e), emu.now);
      },
    );
    this.xsbug = standIn.events;
    usbPort.rxSink = (b) => cdc.sendSerialByte(b);
    cdc.onDeviceConnected = () => {
      this.usbConnectedAt = emu.now;
      for (const l of this.usbListeners) l(emu.now);
    };
    cdc.onSerialData = (data) => {
      for (const b of data) standIn.push(b);
      emu.activity();
    };
    emu.traceInto(this.trace);
  }

  get now(): number {
    return this.emulator.now;
  }
  /** Core clock cycles since reset. */
  get cycles(): number {
    return this.emulator.cycles;
  }
  get pc(): number {
    return this.emulator.pc;
  }

  runUntil(deadline: number, until: () => boolean): boolean {
    return this.emulator.runUntil(deadline, until);
  }

  whereabouts(): string {
    const pc = this.emulator.pc;
    const s = this.emulator.describe(pc);
    return `the core is at PC ${hex(pc)}${s ? ` (${s})` : ''}`;
  }

  /** Runs the firmware for a span of simulated time. */
  runFor(duration: Duration): this {
    this.emulator.runUntil(this.now + parseDuration(duration));
    return this;
  }

  /** The xsbug stand-in's reports (trace() text, `path:line: # Exception: ...`, breaks), as `vllsi sim` prints debug text. */
  onDebug(listener: (text: string, tNs: number) => void): () => void {
    this.debugListeners.add(listener);
    return () => this.debugListeners.delete(listener);
  }

  /** Called when the USB host model has enumerated and configured the device's CDC interface. */
  onUsbConnected(listener: (tNs: number) => void): () => void {
    this.usbListeners.add(listener);
    return () => this.usbListeners.delete(listener);
  }

  /** Nothing runs between calls; this only drops the listeners. */
  dispose(): void {
    this.debugListeners.clear();
    this.usbListeners.clear();
  }
}

/** The rpi-pico memories a firmware may load into (flash and SRAM). */
export function loadRegions(spec: BoardSpec): LoadRegion[] {
  return spec.memory.filter((m) => m.kind !== 'rom');
}

/** Loads `options.firmware` on an emulated board (RP2040 boards only) at reset. */
export async function emulate(board: string, options: EmulateOptions): Promise<EmulatedBoard> {
  const spec = loadBoard(board);
  if (spec.chip !== 'rp2040')
    throw new InvalidArgument('board', board, `firmware emulation exists for RP2040 boards only (rp2040js); ${board} is ${spec.chip}`);
  const image = loadImage(options.firmware, loadRegions(spec), options.symbols);
  return new EmulatedBoard(
    spec,
    new Rp2040Emulator(image, {
      bootrom: bootromFrom(options.bootrom),
      silenceNs: options.silence === undefined ? undefined : parseDuration(options.silence, 'silence'),
    }),
  );
}
