// A serial NOR flash on SPI, Winbond W25Q32-style by default (datasheet W25Q32JV): 4 MB,
// 256-byte pages, 4 KB sectors, 64 KB blocks, modes 0 and 3, 24-bit addresses MSB first.
//   9F  JEDEC ID: EF 40 16        05  status 1: BUSY (bit 0), WEL (bit 1)
//   06  write enable (WEL)        04  write disable
//   03  read (address, then data; the address counter wraps at the end)
//   0B  fast read (address, one dummy byte, data)
//   02  page program (address, 1..256 bytes: past the page end they wrap to its start; a
//       program can only clear bits), 20 sector erase (4 KB), D8 block erase (64 KB),
//       C7/60 chip erase: each needs WEL, starts when chip select rises after a whole
//       command, sets BUSY for its time (typical: tPP 0.4 ms, tSE 45 ms, tBE 150 ms, tCE 10 s),
//       then clears BUSY and WEL. While BUSY every command but 05 is ignored.
import { InvalidArgument } from '../../src/errors.js';
import type { SpiPart } from './spi.js';
import { TimedPart, type Part, type PartHost } from './part.js';

export interface SpiFlashOptions {
  bus: number;
  /** Chip-select GPIO (active low). */
  cs: number;
  size?: number;
  jedecId?: readonly [number, number, number];
  /** Operation times, ns (defaults: the datasheet's typical values). */
  timing?: { pageProgram?: number; sectorErase?: number; blockErase?: number; chipErase?: number };
}

const PAGE = 256,
  SECTOR = 4096,
  BLOCK = 65536;
const BUSY = 1,
  WEL = 2;

export class SpiFlash extends TimedPart implements Part, SpiPart {
  readonly kind = 'spi-flash';
  readonly modes = [0, 3] as const;
  readonly bus: number;
  readonly cs: number;
  readonly memory: Uint8Array;
  readonly jedecId: readonly [number, number, number];
  private readonly timing: Required<NonNullable<SpiFlashOptions['timing']>>;
  /** Bytes of the current transaction (chip select low). */
  private cmd: number[] = [];
  private data: number[] = [];
  private wel = false;

  constructor(o: SpiFlashOptions) {
    super();
    const size = o?.size ?? 4 * 1024 * 1024;
    if (!Number.isInteger(o?.bus) || o.bus < 0) throw new InvalidArgument('flash bus', o?.bus, 'must be an SPI bus number');
    if (!Number.isInteger(o.cs) || o.cs < 0) throw new InvalidArgument('flash cs', o.cs, 'must be a GPIO number');
    if (!Number.isInteger(size) || size < BLOCK || size > 16 * 1024 * 1024 || (size & (size - 1)) !== 0)
      throw new InvalidArgument('flash size', size, 'must be a power of two from 64 KB to 16 MB (24-bit addresses)');
    this.bus = o.bus;
    this.cs = o.cs;
    this.memory = new Uint8Array(size).fill(0xff);
    this.jedecId = o.jedecId ?? [0xef, 0x40, 0x16];
    this.timing = { pageProgram: 0.4e6, sectorErase: 45e6, blockErase: 150e6, chipErase: 10e9, ...o.timing };
  }

  attach(host: PartHost): () => void {
    return this.connect(host, host.spi(this.bus).attach(this.cs, this));
  }

  get status(): number {
    return this.busy ? BUSY | WEL : this.wel ? WEL : 0; // WEL stays set until the operation ends
  }

  select(): void {
    this.cmd = [];
    this.data = [];
  }

  transfer(out: number, bits: number): number {
    if (bits !== 8) return 0xff; // the flash clocks bytes
    const n = this.cmd.length;
    this.cmd.push(out);
    const op = this.cmd[0]!;
    if (op === 0x05) return n === 0 ? 0xff : this.status; // status repeats while selected
    if (this.busy) return 0xff;
    const addr = () => ((this.cmd[1]! << 16) | (this.cmd[2]! << 8) | this.cmd[3]!) & (this.memory.length - 1);
    switch (op) {
      case 0x9f:
        return n >= 1 && n <= 3 ? this.jedecId[n - 1]! : 0xff;
      case 0x03:
        return n >= 4 ? this.memory[(addr() + n - 4) % this.memory.length]! : 0xff;
      case 0x0b:
        return n >= 5 ? this.memory[(addr() + n - 5) % this.memory.length]! : 0xff;
      case 0x02:
        if (n >= 4) this.data.push(out);
        return 0xff;
    }
    return 0xff;
  }

  deselect(): void {
    const c = this.cmd;
    if (c.length === 0 || this.busy) return;
    const op = c[0]!;
    if (c.length === 1 && op === 0x06) this.wel = true;
    else if (c.length === 1 && op === 0x04) this.wel = false;
    else if (this.wel && op === 0x02 && c.length >= 5) this.program(((c[1]! << 16) | (c[2]! << 8) | c[3]!) & (this.memory.length - 1));
    else if (this.wel && op === 0x20 && c.length === 4) this.erase(c, SECTOR, this.timing.sectorErase);
    else if (this.wel && op === 0xd8 && c.length === 4) this.erase(c, BLOCK, this.timing.blockErase);
    else if (this.wel && (op === 0xc7 || op === 0x60) && c.length === 1) this.operate(this.timing.chipErase, () => this.memory.fill(0xff));
  }

  private program(address: number): void {
    const base = address & ~(PAGE - 1);
    const bytes = this.data.slice(-PAGE); // more than a page: the last 256 bytes are programmed
    let at = (address - base + this.data.length - bytes.length) % PAGE;
    this.operate(this.timing.pageProgram, () => {
      for (const b of bytes) {
        this.memory[base + at] = this.memory[base + at]! & b; // programming only clears bits
        at = (at + 1) % PAGE;
      }
    });
  }

  private erase(c: number[], unit: number, ns: number): void {
    const base = ((c[1]! << 16) | (c[2]! << 8) | c[3]!) & (this.memory.length - 1) & ~(unit - 1);
    this.operate(ns, () => this.memory.fill(0xff, base, base + unit));
  }

  /** The array changes at once (every access but status is refused while busy); BUSY and WEL clear after `ns`. */
  private operate(ns: number, change: () => void): void {
    change();
    this.busyFor(ns);
    this.wel = false;
  }
}
