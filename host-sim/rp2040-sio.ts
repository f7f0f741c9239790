// RP2040 SIO in front of rp2040js's (GPIO, spinlocks, divider, interpolators): what it
// lacks for two cores is here. CPUID answers the calling core; the inter-core FIFOs
// (datasheet 2.3.1.4) are two 8-word mailboxes, core 0 -> core 1 and core 1 -> core 0,
// with sticky WOF/ROE flags, and SIO_IRQ_PROCn is the OR of core n's VLD, WOF and ROE.
import type { RP2040 } from 'rp2040js';
import type { AccessSize } from '../src/hal.js';
import type { Machine } from './machine.js';
import { Rp2040Window, type FaultingLogger } from './rp2040-window.js';

const CPUID = 0x000,
  FIFO_ST = 0x050,
  FIFO_WR = 0x054,
  FIFO_RD = 0x058;
const VLD = 1,
  RDY = 2,
  WOF = 4,
  ROE = 8;
const FIFO_DEPTH = 8;

export class Rp2040Sio extends Rp2040Window {
  /** fifo[n]: the mailbox core n reads (written by the other core). */
  private readonly fifo: number[][] = [[], []];
  /** Sticky WOF/ROE per core. */
  private readonly flags = [0, 0];

  constructor(
    chip: RP2040,
    log: FaultingLogger,
    base: number,
    private readonly m: Machine,
    /** SIO_IRQ_PROC0, SIO_IRQ_PROC1 (each wired to its own core's NVIC). */
    private readonly irqs: readonly number[],
  ) {
    super(chip, log, base);
    irqs.forEach((irq, core) => m.irq.route(irq, core));
  }

  private status(core: number): number {
    return (this.fifo[core]!.length > 0 ? VLD : 0) | (this.fifo[1 - core]!.length < FIFO_DEPTH ? RDY : 0) | this.flags[core]!;
  }

  private update(): void {
    this.irqs.forEach((irq, core) => this.m.irq.setLevel(irq, (this.status(core) & (VLD | WOF | ROE)) !== 0));
  }

  override read(offset: number, size: AccessSize): number {
    const core = this.m.activeCore;
    switch (offset) {
      case CPUID:
        return core;
      case FIFO_ST:
        return this.status(core);
      case FIFO_RD: {
        const rx = this.fifo[core]!;
        if (rx.length === 0) this.flags[core]! |= ROE; // the read is ignored
        const v = rx.shift() ?? 0;
        this.update();
        return v >>> 0;
      }
    }
    return super.read(offset, size);
  }

  override write(offset: number, size: AccessSize, value: number): void {
    const core = this.m.activeCore;
    switch (offset) {
      case FIFO_ST:
        this.flags[core]! &= ~(value & (WOF | ROE)); // write 1 to clear
        this.update();
        return;
      case FIFO_WR: {
        const tx = this.fifo[1 - core]!;
        if (tx.length < FIFO_DEPTH) tx.push(value >>> 0);
        else this.flags[core]! |= WOF; // the write is ignored
        this.update();
        return;
      }
      case FIFO_RD:
      case CPUID:
        return; // read-only
    }
    super.write(offset, size, value);
  }
}
