// An SPI bus of the simulated board and the interface of a part on it. Each part has
// its own chip-select GPIO (active low, as nearly every SPI part): the bus watches the
// pin and exchanges each frame the controller shifts with the parts selected then.
import { InvalidArgument } from '../../src/errors.js';

export type SpiMode = 0 | 1 | 2 | 3;

/** A target on an SPI bus. Every method runs at the bus event, in simulated time. */
export interface SpiPart {
  /** SPI modes (CPOL << 1 | CPHA) the part samples correctly in. Absent: [0, 3]. */
  readonly modes?: readonly SpiMode[];
  /** Chip select went low: a transaction starts. */
  select?(): void;
  /** One frame of `bits` bits (MSB first): takes what the controller sent (MOSI) and returns what the part sends back (MISO). */
  transfer(out: number, bits: number): number;
  /** Chip select went high: the transaction ends. */
  deselect?(): void;
}

/** What the bus needs of a chip-select pin (a board's GpioPort is one). */
interface ChipSelect {
  readonly level: boolean;
  onChange(listener: (level: boolean, tNs: number) => void): () => void;
}

interface Attached {
  readonly part: SpiPart;
  readonly cs: ChipSelect;
  readonly off: () => void;
}

/** One SPI bus: parts by chip-select pin. */
export class SpiBus {
  private readonly parts = new Map<number, Attached>();

  constructor(
    readonly index: number,
    private readonly gpio: (pin: number) => ChipSelect,
  ) {}

  /** Attaches `part` with its chip select on GPIO `csPin` (active low); returns a function that detaches it. */
  attach(csPin: number, part: SpiPart): () => void {
    const cs = this.gpio(csPin);
    if (this.parts.has(csPin)) throw new InvalidArgument('SPI chip-select pin', csPin, `already selects a part on SPI${this.index}`);
    if (typeof part?.transfer !== 'function') throw new InvalidArgument('SPI part', part, 'must have transfer(out, bits)');
    const off = cs.onChange((level) => (level ? part.deselect?.() : part.select?.()));
    this.parts.set(csPin, { part, cs, off });
    return () => this.detach(csPin);
  }

  detach(csPin: number): void {
    this.parts.get(csPin)?.off();
    this.parts.delete(csPin);
  }

  /**
   * One frame from the controller in `mode`: every part whose chip select is low takes it.
   * MISO reads all ones when no part drives it (none selected, or the part does not work
   * in the controller's mode: it samples on the wrong edge and sends nothing valid);
   * two parts driving it at once give the AND of their bits (contention).
   */
  exchange(out: number, bits: number, mode: SpiMode): number {
    const all = bits >= 32 ? 0xffffffff : (1 << bits) - 1;
    let miso = all;
    for (const { part, cs } of this.parts.values()) {
      if (cs.level) continue;
      if (!(part.modes ?? [0, 3]).includes(mode)) continue;
      miso &= part.transfer(out & all, bits);
    }
    return miso & all;
  }
}
