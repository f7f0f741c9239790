// ECMA-419 Serial (2nd edition, "Serial"): a UART. Options: baud (required), port,
// transmit/receive pins (the chip binding picks the port from them, or the pins from
// the port), dataBits (5..8, default 8), parity ("none" | "even" | "odd"), stopBits (1 | 2),
// flowControl ("none"), onReadable(count), onWritable(count), onError(error), format
// ("number" default, or "buffer"), target.
//
// Reading: the receive interrupt moves the hardware FIFO into a 64-byte ring of the
// instance, so onReadable gets the exact count available; a full ring stops taking bytes
// (the hardware FIFO then fills and overruns, reported to onError). read() in "number"
// format gives one byte or undefined; in "buffer" format read() gives every byte
// available, read(n) at most n, read(buffer) fills the buffer with what is there and
// returns the count: never waiting, undefined when nothing is available.
// Writing: write(byte) or write(buffer) puts all bytes in the output FIFO or, when they do
// not all fit, none (IoError). onWritable(count) is called right after construction and
// each time the FIFO drains below its threshold, with the number of bytes that fit.
import { describe } from '../errors.js';
import {
  IoClosed,
  IoError,
  IoRangeError,
  IoTypeError,
  bytesOf,
  callbackOption,
  claim,
  formatOption,
  intOption,
  numberOption,
  optionsOf,
  release,
  type Options,
} from './common.js';

export type Parity = 'none' | 'even' | 'odd';

export interface UartConfig {
  readonly baud: number;
  readonly dataBits: 5 | 6 | 7 | 8;
  readonly parity: Parity;
  readonly stopBits: 1 | 2;
  readonly transmit: number | undefined;
  readonly receive: number | undefined;
}

/** What a chip binding provides for its UARTs. */
export interface UartBinding {
  readonly ports: number;
  /** The port and pins to use: `port` as given, or the one both pins belong to (RangeError when none). */
  resolve(
    port: number | undefined,
    transmit: number | undefined,
    receive: number | undefined,
    cls: string,
  ): { port: number; transmit: number | undefined; receive: number | undefined };
  /** Configures and enables the UART (RangeError when the baud rate cannot be made). */
  open(port: number, config: UartConfig, cls: string): void;
  close(port: number, config: UartConfig): void;
  /** True while the receive FIFO holds a byte. */
  readable(port: number): boolean;
  /** Pops a byte of the receive FIFO; bits 8..11 flag its errors as PL011's DR does: framing, parity, break, overrun. */
  readByte(port: number): number;
  /** How many bytes the transmit FIFO takes now, at least. */
  writable(port: number): number;
  writeByte(port: number, byte: number): void;
  /** Routes the UART's interrupt to `handler` with the receive (`rx`) and transmit (`tx`) sources enabled; no sources: released. */
  interrupt(port: number, rx: boolean, tx: boolean, handler: (() => void) | undefined): void;
}

const RING = 64;
type Callback = (...args: never[]) => unknown;

export interface SerialInstance {
  target: unknown;
  format: 'number' | 'buffer';
  read(arg?: number | ArrayBufferLike | ArrayBufferView): number | ArrayBuffer | undefined;
  write(data: number | ArrayBufferLike | ArrayBufferView): void;
  flush(): void;
  close(): void;
}

/** The Serial class of a chip. */
export function defineSerial(uart: UartBinding, className = 'Serial') {
  return class Serial implements SerialInstance {
    target: unknown;
    #fmt: 'number' | 'buffer';
    readonly #port: number;
    readonly #config: UartConfig;
    readonly #claims: readonly string[];
    readonly #ring = new Uint8Array(RING);
    #head = 0;
    #count = 0;
    readonly #onReadable: Callback | undefined;
    readonly #onWritable: Callback | undefined;
    readonly #onError: Callback | undefined;
    #closed = false;

    constructor(options: Record<string, unknown>) {
      const o: Options = optionsOf(options, className);
      const baud = numberOption(o, 'baud', className, 1, 10_000_000, true)!;
      const port = intOption(o, 'port', className, 0, uart.ports - 1, false);
      const transmit = intOption(o, 'transmit', className, 0, 255, false);
      const receive = intOption(o, 'receive', className, 0, 255, false);
      const dataBits = (intOption(o, 'dataBits', className, 5, 8, false) ?? 8) as 5 | 6 | 7 | 8;
      const parity = o.parity ?? 'none';
      if (parity !== 'none' && parity !== 'even' && parity !== 'odd')
        throw new IoRangeError(`${className}: options.parity must be "none", "even" or "odd", got ${describe(parity)}`);
      const stopBits = o.stopBits ?? 1;
      if (stopBits !== 1 && stopBits !== 2) throw new IoRangeError(`${className}: options.stopBits must be 1 or 2, got ${describe(stopBits)}`);
      const flow = o.flowControl ?? 'none';
      if (flow !== 'none') throw new IoRangeError(`${className}: options.flowControl ${describe(flow)} is not supported (only "none")`);
      this.#onReadable = callbackOption(o, 'onReadable', className);
      this.#onWritable = callbackOption(o, 'onWritable', className);
      this.#onError = callbackOption(o, 'onError', className);
      this.#fmt = formatOption(o.format, ['number', 'buffer'], 'number', className);
      const r = uart.resolve(port, transmit, receive, className);
      this.#port = r.port;
      this.#config = { baud, dataBits, parity: parity as Parity, stopBits: stopBits as 1 | 2, transmit: r.transmit, receive: r.receive };
      this.#claims = [`UART${r.port}`, ...[r.transmit, r.receive].filter((p) => p !== undefined).map((p) => `GPIO${p}`)];
      claim(this, this.#claims);
      try {
        uart.open(r.port, this.#config, className);
      } catch (e) {
        release(this, this.#claims);
        throw e;
      }
      this.target = o.target;
      if (this.#onReadable !== undefined || this.#onWritable !== undefined || this.#onError !== undefined) {
        uart.interrupt(r.port, true, false, () => this.#serve());
      }
      if (this.#onWritable !== undefined) this.#onWritable.call(this as never, uart.writable(r.port) as never);
    }

    get format(): 'number' | 'buffer' {
      return this.#fmt;
    }
    set format(f: 'number' | 'buffer') {
      this.#fmt = formatOption(f, ['number', 'buffer'], this.#fmt, className);
    }

    /** The interrupt: FIFO into the ring, then the callbacks. */
    #serve(): void {
      if (this.#closed) return;
      const error = this.#drain();
      if (error !== 0 && this.#onError !== undefined)
        this.#onError.call(this as never, new IoError(`${className}: receive error on UART${this.#port} (${errorText(error)})`) as never);
      if (this.#count > 0 && this.#onReadable !== undefined) this.#onReadable.call(this as never, this.#count as never);
      if (this.#closed) return;
      // The transmit source is on only after a write; it fires when the FIFO has drained below its threshold.
      if (this.#txArmed && uart.writable(this.#port) > 0) {
        this.#txArmed = false;
        uart.interrupt(this.#port, this.#count < RING, false, () => this.#serve());
        if (this.#onWritable !== undefined) this.#onWritable.call(this as never, uart.writable(this.#port) as never);
      } else if (this.#count >= RING) {
        uart.interrupt(this.#port, false, this.#txArmed, () => this.#serve()); // ring full: let the FIFO hold the rest
      }
    }
    #txArmed = false;

    /** Moves received bytes into the ring while it has room; returns the error bits seen. */
    #drain(): number {
      let errors = 0;
      while (this.#count < RING && uart.readable(this.#port)) {
        const v = uart.readByte(this.#port);
        errors |= v >> 8;
        this.#ring[(this.#head + this.#count++) % RING] = v & 0xff;
      }
      return errors;
    }

    #take(): number {
      const b = this.#ring[this.#head]!;
      this.#head = (this.#head + 1) % RING;
      this.#count--;
      return b;
    }

    read(arg?: number | ArrayBufferLike | ArrayBufferView): number | ArrayBuffer | undefined {
      if (this.#closed) throw new IoClosed(className, 'read');
      this.#drain();
      const wasFull = this.#count >= RING;
      let result: number | ArrayBuffer | undefined;
      if (this.#fmt === 'number') {
        if (arg !== undefined) throw new IoTypeError(`${className}.read() takes no argument in "number" format`);
        result = this.#count > 0 ? this.#take() : undefined;
      } else if (arg === undefined || typeof arg === 'number') {
        if (arg !== undefined && (!Number.isInteger(arg) || arg < 1))
          throw new IoRangeError(`${className}.read(count): count must be a positive integer, got ${describe(arg)}`);
        const n = Math.min(arg ?? this.#count, this.#count);
        if (n > 0) {
          const out = new Uint8Array(n);
          for (let i = 0; i < n; i++) out[i] = this.#take();
          result = out.buffer;
        }
      } else {
        const dst = bytesOf(arg, `${className}.read(buffer)`);
        const n = Math.min(dst.length, this.#count);
        for (let i = 0; i < n; i++) dst[i] = this.#take();
        result = n > 0 ? n : undefined;
      }
      if (wasFull && this.#count < RING && this.#onReadable !== undefined) uart.interrupt(this.#port, true, this.#txArmed, () => this.#serve());
      return result;
    }

    write(data: number | ArrayBufferLike | ArrayBufferView): void {
      if (this.#closed) throw new IoClosed(className, 'write');
      let bytes: Uint8Array;
      if (this.#fmt === 'number') {
        if (typeof data !== 'number') throw new IoTypeError(`${className}.write() takes a byte in "number" format, got ${describe(data)}`);
        if (!Number.isInteger(data) || data < 0 || data > 255)
          throw new IoRangeError(`${className}.write(): a byte is an integer 0..255, got ${describe(data)}`);
        bytes = Uint8Array.of(data);
      } else {
        bytes = bytesOf(data, `${className}.write(buffer)`);
      }
      const room = uart.writable(this.#port);
      if (bytes.length > room) throw new IoError(`${className}.write(): ${bytes.length} bytes do not fit the output FIFO (${room} free); nothing was written`);
      for (const b of bytes) uart.writeByte(this.#port, b);
      if (this.#onWritable !== undefined && !this.#txArmed) {
        this.#txArmed = true;
        uart.interrupt(this.#port, this.#count < RING, true, () => this.#serve());
      }
    }

    /** Discards the bytes received and not yet read. */
    flush(): void {
      if (this.#closed) throw new IoClosed(className, 'flush');
      this.#drain();
      this.#head = this.#count = 0;
    }

    close(): void {
      if (this.#closed) return;
      this.#closed = true;
      uart.interrupt(this.#port, false, false, undefined);
      uart.close(this.#port, this.#config);
      release(this, this.#claims);
    }
  };
}

function errorText(bits: number): string {
  const names = ['framing', 'parity', 'break', 'overrun'].filter((_, i) => (bits >> i) & 1);
  return names.join(', ');
}
