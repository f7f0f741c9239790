// ECMA-419 I2C (2nd edition, "I²C"): a controller talking to one target address.
// Options: data and clock pins, hz (required), address (required, 7-bit), port, format
// ("buffer" only), target. read(count) returns an ArrayBuffer of count bytes, read(buffer)
// fills the buffer; write(buffer) sends the bytes. Each takes an optional `stop` (default
// true): false leaves the transaction open, and the next operation begins with a repeated
// START. A target that does not acknowledge its address or a byte is an IoError (the
// transfer is aborted with a STOP). Several instances may share a bus (same pins, same
// hz) with different addresses.
import { describe } from '../errors.js';
import {
  IoClosed,
  IoError,
  IoRangeError,
  bytesOf,
  claim,
  formatOption,
  intOption,
  ioState,
  numberOption,
  optionsOf,
  release,
  ResourceInUse,
  type Options,
} from './common.js';

export type I2cResult = 'ok' | 'address-nack' | 'data-nack' | 'arbitration-lost';

export interface I2cBusConfig {
  readonly port: number;
  readonly data: number;
  readonly clock: number;
  readonly hz: number;
}

/** What a chip binding provides for its I2C controllers. */
export interface I2cBinding {
  readonly ports: number;
  /** Port and pins: the port the pins belong to, or the port's default pins (RangeError when they do not fit). */
  resolve(port: number | undefined, data: number | undefined, clock: number | undefined, cls: string): { port: number; data: number; clock: number };
  /** Largest hz the controller makes. */
  readonly maxHz: number;
  open(config: I2cBusConfig): void;
  close(config: I2cBusConfig): void;
  /**
   * One transfer with `address`: writes `bytes`, or reads into them; begins with a START (a repeated
   * START when `restart`), ends with a STOP when `stop`. Returns how it ended; after a NACK the
   * controller has sent a STOP.
   */
  transfer(port: number, address: number, bytes: Uint8Array, read: boolean, restart: boolean, stop: boolean): I2cResult;
}

export interface Shared extends I2cBusConfig {
  users: number;
}

const busClaims = (b: I2cBusConfig) => [`I2C${b.port}`, `GPIO${b.data}`, `GPIO${b.clock}`];

export interface I2cInstance {
  readonly address: number;
  target: unknown;
  format: 'buffer';
  read(countOrBuffer: number | ArrayBufferLike | ArrayBufferView, stop?: boolean): ArrayBuffer | undefined;
  write(buffer: ArrayBufferLike | ArrayBufferView, stop?: boolean): void;
  close(): void;
}

/** The I2C class of a chip. */
export function defineI2C(i2c: I2cBinding, className = 'I2C') {
  return class I2C implements I2cInstance {
    readonly address: number;
    target: unknown;
    readonly #bus: Shared;
    readonly #claims: readonly string[];
    /** The last operation left the transaction open (stop = false): the next starts with a repeated START. */
    #open = false;
    #closed = false;

    constructor(options: Record<string, unknown>) {
      const o: Options = optionsOf(options, className);
      const hz = numberOption(o, 'hz', className, 1, i2c.maxHz, true)!;
      const address = intOption(o, 'address', className, 0, 0x7f, true)!;
      const port = intOption(o, 'port', className, 0, i2c.ports - 1, false);
      const data = intOption(o, 'data', className, 0, 255, false);
      const clock = intOption(o, 'clock', className, 0, 255, false);
      formatOption(o.format, ['buffer'], 'buffer', className);
      const r = i2c.resolve(port, data, clock, className);
      const buses = ioState().tables;
      const key = `${className} bus ${r.port}`;
      let bus = buses.get(key) as Shared | undefined;
      if (bus !== undefined && (bus.data !== r.data || bus.clock !== r.clock || bus.hz !== hz)) {
        throw new ResourceInUse(`I2C${r.port} (open on GPIO${bus.data}/GPIO${bus.clock} at ${bus.hz} Hz)`);
      }
      this.#claims = [`I2C${r.port} address 0x${address.toString(16)}`];
      claim(this, this.#claims);
      if (bus === undefined) {
        // The bus (pins and controller) belongs to the first instance's bus record, shared by the others.
        const b: Shared = { port: r.port, data: r.data, clock: r.clock, hz, users: 0 };
        try {
          claim(b, busClaims(b));
          i2c.open(b);
        } catch (e) {
          release(b, busClaims(b));
          release(this, this.#claims);
          throw e;
        }
        buses.set(key, (bus = b));
      }
      bus.users++;
      this.#bus = bus;
      this.address = address;
      this.target = o.target;
    }

    get format(): 'buffer' {
      return 'buffer';
    }
    set format(f: 'buffer') {
      formatOption(f, ['buffer'], 'buffer', className);
    }

    read(countOrBuffer: number | ArrayBufferLike | ArrayBufferView, stop: boolean = true): ArrayBuffer | undefined {
      if (this.#closed) throw new IoClosed(className, 'read');
      let bytes: Uint8Array;
      if (typeof countOrBuffer === 'number') {
        if (!Number.isInteger(countOrBuffer) || countOrBuffer < 1 || countOrBuffer > 0xffff)
          throw new IoRangeError(`${className}.read(count): count must be an integer 1..65535, got ${describe(countOrBuffer)}`);
        bytes = new Uint8Array(countOrBuffer);
      } else {
        bytes = bytesOf(countOrBuffer, `${className}.read(buffer)`);
        if (bytes.length === 0) throw new IoRangeError(`${className}.read(buffer): the buffer is empty`);
      }
      this.#transfer(bytes, true, stop);
      return typeof countOrBuffer === 'number' ? (bytes.buffer as ArrayBuffer) : undefined;
    }

    write(buffer: ArrayBufferLike | ArrayBufferView, stop: boolean = true): void {
      if (this.#closed) throw new IoClosed(className, 'write');
      const bytes = bytesOf(buffer, `${className}.write(buffer)`);
      if (bytes.length === 0) throw new IoRangeError(`${className}.write(buffer): the buffer is empty`);
      this.#transfer(bytes, false, stop);
    }

    #transfer(bytes: Uint8Array, read: boolean, stop: boolean): void {
      if (typeof stop !== 'boolean') throw new IoRangeError(`${className}: stop must be true or false, got ${describe(stop)}`);
      const restart = this.#open;
      const r = i2c.transfer(this.#bus.port, this.address, bytes, read, restart, stop);
      this.#open = r === 'ok' && !stop;
      if (r === 'address-nack') throw new IoError(`${className}: no acknowledge from address 0x${this.address.toString(16)} on I2C${this.#bus.port}`);
      if (r === 'data-nack')
        throw new IoError(`${className}: address 0x${this.address.toString(16)} did not acknowledge a byte written on I2C${this.#bus.port}`);
      if (r === 'arbitration-lost') throw new IoError(`${className}: arbitration lost on I2C${this.#bus.port}`);
    }

    close(): void {
      if (this.#closed) return;
      this.#closed = true;
      const bus = this.#bus;
      release(this, this.#claims);
      if (--bus.users === 0) {
        ioState().tables.delete(`${className} bus ${bus.port}`);
        i2c.close(bus);
        release(bus, busClaims(bus));
      }
    }
  };
}
