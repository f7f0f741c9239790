// ECMA-419 SPI (2nd edition, "SPI"): a controller. Options: clock (required), out (MOSI)
// and/or in (MISO), select (a GPIO the class drives as chip select), active (the select
// level when selected: 0, the default, or 1), hz (required), mode (0..3: CPOL << 1 | CPHA,
// default 0), port, format ("buffer" only), target. read(count) returns count bytes
// clocked in while sending zeros (read(buffer) fills it); write(buffer) sends; transfer(
// buffer) sends the buffer and replaces its bytes with those received. The select pin is
// asserted by the first operation and stays so until flush(true), close, or an operation of
// another instance on the same bus (whose configuration — hz, mode, select — then takes
// over), as Moddable's implementation does. flush() waits until the bus is idle.
// Several instances may share a port (same clock/out/in pins), each with its own select.
import { describe } from '../errors.js';
import {
  IoClosed,
  IoRangeError,
  ResourceInUse,
  bytesOf,
  claim,
  formatOption,
  intOption,
  ioState,
  numberOption,
  optionsOf,
  release,
  type Options,
} from './common.js';
import type { GpioBinding } from './digitalbank.js';
import { DigitalMode } from './digitalbank.js';

export interface SpiPins {
  readonly port: number;
  readonly clock: number;
  readonly out: number | undefined;
  readonly in: number | undefined;
}

/** What a chip binding provides for its SPI controllers. */
export interface SpiBinding {
  readonly ports: number;
  readonly maxHz: number;
  /** Port and pins (RangeError when the pins cannot serve that port). */
  resolve(port: number | undefined, clock: number, out: number | undefined, input: number | undefined, cls: string): SpiPins;
  open(pins: SpiPins): void;
  close(pins: SpiPins): void;
  /** Programs rate and mode (RangeError when hz cannot be made). Returns the rate made. */
  configure(port: number, hz: number, mode: number, cls: string): number;
  /** Full-duplex exchange: sends `tx` (zeros when undefined), stores what comes back in `rx` (discarded when undefined). */
  exchange(port: number, tx: Uint8Array | undefined, rx: Uint8Array | undefined, length: number): void;
  /** Waits until the controller is idle. */
  flush(port: number): void;
}

export interface Bus extends SpiPins {
  users: number;
  /** The instance whose configuration and select hold the bus. */
  active: object | undefined;
}

const busClaims = (b: SpiPins) => [`SPI${b.port}`, `GPIO${b.clock}`, ...[b.out, b.in].filter((p) => p !== undefined).map((p) => `GPIO${p}`)];

export interface SpiInstance {
  target: unknown;
  format: 'buffer';
  read(countOrBuffer: number | ArrayBufferLike | ArrayBufferView): ArrayBuffer | undefined;
  write(buffer: ArrayBufferLike | ArrayBufferView): void;
  transfer(buffer: ArrayBufferLike | ArrayBufferView): void;
  flush(deselect?: boolean): void;
  close(): void;
}

/** The SPI class of a chip (`gpio` drives the select pin). */
export function defineSPI(spi: SpiBinding, gpio: GpioBinding, className = 'SPI') {
  return class SPI implements SpiInstance {
    target: unknown;
    readonly #bus: Bus;
    readonly #hz: number;
    readonly #mode: number;
    readonly #select: number | undefined;
    readonly #activeLevel: 0 | 1;
    readonly #claims: readonly string[];
    #closed = false;

    constructor(options: Record<string, unknown>) {
      const o: Options = optionsOf(options, className);
      const clock = intOption(o, 'clock', className, 0, 255, true)!;
      const out = intOption(o, 'out', className, 0, 255, false);
      const input = intOption(o, 'in', className, 0, 255, false);
      if (out === undefined && input === undefined) throw new IoRangeError(`${className}: options.out or options.in (or both) is required`);
      const select = intOption(o, 'select', className, 0, gpio.banks.length * 32 - 1, false);
      if (select !== undefined && (gpio.banks[select >> 5]! & (1 << (select & 31))) === 0)
        throw new IoRangeError(`${className}: options.select ${select} is not a GPIO`);
      const active = o.active ?? 0;
      if (active !== 0 && active !== 1) throw new IoRangeError(`${className}: options.active must be 0 or 1, got ${describe(active)}`);
      const hz = numberOption(o, 'hz', className, 1, spi.maxHz, true)!;
      const mode = intOption(o, 'mode', className, 0, 3, false) ?? 0;
      const port = intOption(o, 'port', className, 0, spi.ports - 1, false);
      formatOption(o.format, ['buffer'], 'buffer', className);
      const r = spi.resolve(port, clock, out, input, className);
      const tables = ioState().tables;
      const key = `${className} bus ${r.port}`;
      let bus = tables.get(key) as Bus | undefined;
      if (bus !== undefined && (bus.clock !== r.clock || bus.out !== r.out || bus.in !== r.in)) throw new ResourceInUse(`SPI${r.port} (open on other pins)`);
      this.#claims = select === undefined ? [] : [`GPIO${select}`];
      claim(this, this.#claims);
      if (bus === undefined) {
        const b: Bus = { ...r, users: 0, active: undefined };
        try {
          claim(b, busClaims(b));
          spi.open(b);
        } catch (e) {
          release(b, busClaims(b));
          release(this, this.#claims);
          throw e;
        }
        tables.set(key, (bus = b));
      }
      bus.users++;
      this.#bus = bus;
      this.#hz = hz;
      this.#mode = mode;
      this.#select = select;
      this.#activeLevel = active;
      this.target = o.target;
      if (select !== undefined) this.#selectLevel(false, true);
    }

    get format(): 'buffer' {
      return 'buffer';
    }
    set format(f: 'buffer') {
      formatOption(f, ['buffer'], 'buffer', className);
    }

    #selectLevel(selected: boolean, configure = false): void {
      const s = this.#select!;
      const mask = (1 << (s & 31)) >>> 0;
      const level = selected ? this.#activeLevel : 1 - this.#activeLevel;
      if (configure) gpio.configure(s >> 5, mask, DigitalMode.Output, level ? mask : 0);
      else gpio.write(s >> 5, mask, level ? mask : 0, false);
    }

    /** Makes this instance's configuration the bus's and asserts its select. */
    #activate(method: string): void {
      if (this.#closed) throw new IoClosed(className, method);
      const bus = this.#bus;
      if (bus.active === this) return;
      if (bus.active !== undefined) (bus.active as SPI).#deselect();
      spi.configure(bus.port, this.#hz, this.#mode, className);
      if (this.#select !== undefined) this.#selectLevel(true);
      bus.active = this;
    }

    /** Releases the select (called by another instance taking the bus, by flush(true) and close). */
    #deselect(): void {
      spi.flush(this.#bus.port);
      if (this.#select !== undefined) this.#selectLevel(false);
      if (this.#bus.active === this) this.#bus.active = undefined;
    }

    read(countOrBuffer: number | ArrayBufferLike | ArrayBufferView): ArrayBuffer | undefined {
      let rx: Uint8Array;
      if (typeof countOrBuffer === 'number') {
        if (!Number.isInteger(countOrBuffer) || countOrBuffer < 1 || countOrBuffer > 65535)
          throw new IoRangeError(`${className}.read(count): count must be an integer 1..65535, got ${describe(countOrBuffer)}`);
        rx = new Uint8Array(countOrBuffer);
      } else rx = checkLength(bytesOf(countOrBuffer, `${className}.read(buffer)`), className);
      this.#activate('read');
      spi.exchange(this.#bus.port, undefined, rx, rx.length);
      return typeof countOrBuffer === 'number' ? (rx.buffer as ArrayBuffer) : undefined;
    }

    write(buffer: ArrayBufferLike | ArrayBufferView): void {
      const tx = checkLength(bytesOf(buffer, `${className}.write(buffer)`), className);
      this.#activate('write');
      spi.exchange(this.#bus.port, tx, undefined, tx.length);
    }

    transfer(buffer: ArrayBufferLike | ArrayBufferView): void {
      const b = checkLength(bytesOf(buffer, `${className}.transfer(buffer)`), className);
      this.#activate('transfer');
      spi.exchange(this.#bus.port, b, b, b.length);
    }

    flush(deselect?: boolean): void {
      if (this.#closed) throw new IoClosed(className, 'flush');
      spi.flush(this.#bus.port);
      if (deselect === true && this.#bus.active === this) this.#deselect();
    }

    close(): void {
      if (this.#closed) return;
      if (this.#bus.active === this) this.#deselect();
      this.#closed = true;
      if (this.#select !== undefined) gpio.reset(this.#select >> 5, (1 << (this.#select & 31)) >>> 0);
      release(this, this.#claims);
      const bus = this.#bus;
      if (--bus.users === 0) {
        ioState().tables.delete(`${className} bus ${bus.port}`);
        spi.close(bus);
        release(bus, busClaims(bus));
      }
    }
  };
}

function checkLength(b: Uint8Array, cls: string): Uint8Array {
  if (b.length < 1 || b.length > 65535) throw new IoRangeError(`${cls}: a buffer of ${b.length} bytes (1..65535 allowed)`);
  return b;
}
