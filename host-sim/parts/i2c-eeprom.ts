// A serial EEPROM on I2C, Microchip 24xx256-style by default (datasheet DS21203): 32 KB
// behind a 2-byte word address (1 byte for arrays of 256 bytes or less), 64-byte pages.
//   write:  S addr+W  hi lo  d0 d1 ... P   — a page write: bytes past the page end wrap to
//           its start; the internal write cycle (tWR, 5 ms) starts at the STOP, and during
//           it the device ignores its address (NACK: "acknowledge polling").
//   read:   S addr+W hi lo Sr addr+R d0 d1 ... P (random read), or S addr+R ... (current
//           address); the address counter rolls over at the end of the array.
import { InvalidArgument } from '../../src/errors.js';
import type { I2cPart } from './i2c.js';
import { TimedPart, type Part, type PartHost } from './part.js';

export interface I2cEepromOptions {
  bus: number;
  /** 7-bit address (0x50 with A2..A0 low). */
  address?: number;
  size?: number;
  pageSize?: number;
  /** Write cycle time, ns (tWR; 5 ms). */
  writeNs?: number;
  /** Initial contents (erased: 0xff). */
  data?: Uint8Array | readonly number[];
}

export class I2cEeprom extends TimedPart implements Part, I2cPart {
  readonly kind = 'i2c-eeprom';
  readonly bus: number;
  readonly address: number;
  readonly pageSize: number;
  readonly writeNs: number;
  /** The array, as the chip holds it. */
  readonly memory: Uint8Array;
  private readonly addressBytes: number;
  private pointer = 0;
  /** Bytes received since the START of a write: the address bytes first. */
  private received = 0;
  private page: number[] = [];

  constructor(o: I2cEepromOptions) {
    super();
    const size = o?.size ?? 32768,
      pageSize = o?.pageSize ?? 64;
    if (!Number.isInteger(o?.bus) || o.bus < 0) throw new InvalidArgument('EEPROM bus', o?.bus, 'must be an I2C bus number');
    if (!Number.isInteger(size) || size < 16 || size > 65536 || (size & (size - 1)) !== 0)
      throw new InvalidArgument('EEPROM size', size, 'must be a power of two in 16..65536 bytes');
    if (!Number.isInteger(pageSize) || pageSize < 1 || size % pageSize !== 0 || (pageSize & (pageSize - 1)) !== 0)
      throw new InvalidArgument('EEPROM pageSize', pageSize, `must be a power of two dividing ${size}`);
    const writeNs = o.writeNs ?? 5e6;
    if (!Number.isFinite(writeNs) || writeNs < 0) throw new InvalidArgument('EEPROM writeNs', writeNs, 'must be a non-negative number of ns');
    this.bus = o.bus;
    this.address = o.address ?? 0x50;
    this.pageSize = pageSize;
    this.writeNs = writeNs;
    this.addressBytes = size > 256 ? 2 : 1;
    this.memory = new Uint8Array(size).fill(0xff);
    if (o.data !== undefined) {
      if (o.data.length > size) throw new InvalidArgument('EEPROM data', o.data.length, `is longer than its ${size} bytes`);
      this.memory.set(o.data);
    }
  }

  attach(host: PartHost): () => void {
    return this.connect(host, host.i2c(this.bus).attach(this.address, this));
  }

  start(read: boolean): boolean {
    if (this.busy) return false;
    this.page = []; // a repeated START ends a write without programming it: the chip programs only at a STOP
    if (!read) this.received = 0;
    return true;
  }

  write(byte: number): boolean {
    if (this.received < this.addressBytes) {
      const shift = 8 * (this.addressBytes - 1 - this.received);
      this.pointer = this.received === 0 ? (byte << shift) & (this.memory.length - 1) : (this.pointer | (byte << shift)) & (this.memory.length - 1);
      this.received++;
      return true;
    }
    this.page.push(byte);
    if (this.page.length > this.pageSize) this.page.shift(); // more than a page: the last pageSize bytes win, as the wrap overwrites
    this.received++;
    return true;
  }

  read(): number {
    const v = this.memory[this.pointer]!;
    this.pointer = (this.pointer + 1) % this.memory.length;
    return v;
  }

  stop(): void {
    if (this.page.length === 0) return;
    // The page write: from the pointer, wrapping inside its page; then tWR of internal cycle.
    const base = this.pointer & ~(this.pageSize - 1);
    const skipped = this.received - this.addressBytes - this.page.length; // bytes overwritten by the wrap
    let at = (this.pointer - base + skipped) % this.pageSize;
    for (const b of this.page) {
      this.memory[base + at] = b;
      at = (at + 1) % this.pageSize;
    }
    this.pointer = base + at;
    this.page = [];
    this.busyFor(this.writeNs); // the write cycle: it NACKs its address meanwhile
  }
}
