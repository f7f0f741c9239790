// RP2040 UART (PL011, datasheet 4.2) in front of rp2040js's RPUART. rp2040js hands a
// byte written to UARTDR to the outside at once, whatever the UART's state. Here, as on
// the chip: a byte enters the TX FIFO (32 deep with FEN, else 1), the shifter sends one
// frame (start, 5-8 data bits, parity, 1-2 stop bits) per frame time at the programmed
// baud rate, and only while the UART is enabled (UARTEN, TXE) with a baud divisor set.
// A frame reaches the UartPort only when a GPIO has FUNCSEL = UART for this UART's TX;
// bytes from the port reach the RX FIFO only through a pin with FUNCSEL = UART for its
// RX, with the UART enabled for receive. UARTFR reports TXFF, TXFE and BUSY from this FIFO.
import type { RP2040 } from 'rp2040js';
import type { AccessSize } from '../src/hal.js';
import { UART_RX_BREAK, UART_RX_FRAMING, UART_RX_PARITY, type UartPort } from './ports.js';
import { ALIAS_MASK, Rp2040Window, type FaultingLogger, type ResetGate } from './rp2040-window.js';
import type { SimAlarm, SimClock } from './time.js';

const UARTDR = 0x00,
  UARTRSR = 0x04,
  UARTFR = 0x18,
  UARTRIS = 0x3c,
  UARTMIS = 0x40,
  UARTICR = 0x44,
  UARTIMSC = 0x38,
  UARTLCR_H = 0x2c,
  UARTCR = 0x30;
const FR_BUSY = 1 << 3,
  FR_RXFE = 1 << 4,
  FR_TXFF = 1 << 5,
  FR_TXFE = 1 << 7;
const LCR_PEN = 1 << 1,
  LCR_STP2 = 1 << 3,
  LCR_FEN = 1 << 4;
const CR_UARTEN = 1 << 0,
  CR_TXE = 1 << 8,
  CR_RXE = 1 << 9;
const FIFO_DEPTH = 32;
const GPIO_FUNC_UART = 2;

/** Which UART and role (0 TX, 1 RX, 2 CTS, 3 RTS) a pin has under FUNCSEL 2 (datasheet 2.19.2). */
export function uartPinRole(pin: number): { uart: number; role: number } {
  return { uart: ((pin + 4) >> 3) & 1, role: pin & 3 };
}

export class Rp2040Uart extends Rp2040Window {
  private readonly fifo: number[] = [];
  private readonly shifter: SimAlarm;
  /** The byte in the shifter, or -1. */
  private shifting = -1;
  private readonly u: RP2040['uart'][number];
  /** Receive status of the last byte read (UARTRSR: FE, PE, BE, OE) and the error interrupts (FEIS, PEIS, BEIS) rp2040js lacks. */
  private rsr = 0;
  private errorIrqs = 0;

  constructor(
    chip: RP2040,
    log: FaultingLogger,
    base: number,
    inReset: ResetGate,
    readonly index: number,
    private readonly clock: SimClock,
    readonly port: UartPort,
  ) {
    super(chip, log, base, inReset);
    this.u = chip.uart[index]!;
    this.u.onByte = undefined; // transmission is ours (the FIFO and shifter below)
    this.shifter = clock.createAlarm(() => this.frameDone());
    port.rxSink = (b, errors) => this.receive(b, errors);
    port.rxEmpty = () => (this.u.flags & FR_RXFE) !== 0;
  }

  /** An error interrupt is raised and unmasked: the UART's line stays high (wireRp2040 ORs this in). */
  get errorIrqPending(): boolean {
    return (this.errorIrqs & this.chip.readUint32(this.base + UARTIMSC)) !== 0;
  }

  /** Line control and enables, read from rp2040js's registers. */
  private get lcr(): number {
    return this.chip.readUint32(this.base + UARTLCR_H);
  }
  private get cr(): number {
    return this.chip.readUint32(this.base + UARTCR);
  }
  private get txOn(): boolean {
    const cr = this.cr;
    return !this.inReset() && (cr & CR_UARTEN) !== 0 && (cr & CR_TXE) !== 0 && this.u.baudDivider > 0;
  }
  /** Bits on the wire per frame. */
  get frameBits(): number {
    const lcr = this.lcr;
    return 1 + (this.u.wordLength ?? 8) + (lcr & LCR_PEN ? 1 : 0) + (lcr & LCR_STP2 ? 2 : 1);
  }
  /** One bit at the programmed baud rate, ns (0 while no divisor is set). */
  get bitNs(): number {
    const div = this.u.baudDivider;
    return div > 0 ? (16 * div * 1e9) / this.chip.clkPeri : 0;
  }
  private get depth(): number {
    return this.lcr & LCR_FEN ? FIFO_DEPTH : 1;
  }

  private pinWith(role: number): boolean {
    for (const p of this.chip.gpio) {
      if (p.functionSelect !== GPIO_FUNC_UART) continue;
      const r = uartPinRole(p.index);
      if (r.uart === this.index && r.role === role) return true;
    }
    return false;
  }

  override read(offset: number, size: AccessSize): number {
    if (this.inReset()) return 0;
    const reg = offset & ALIAS_MASK;
    if (reg === UARTRSR) return this.rsr;
    const v = super.read(offset, size);
    if (reg === UARTDR) this.rsr = (v >>> 8) & 0xf; // the errors of the byte just read (its DR bits 8-11)
    if (reg === UARTRIS) return (v | this.errorIrqs) >>> 0;
    if (reg === UARTMIS) return (v | (this.errorIrqs & super.read(UARTIMSC, 4))) >>> 0;
    if (reg !== UARTFR) return v;
    const tx =
      (this.fifo.length === 0 ? FR_TXFE : 0) | (this.fifo.length >= this.depth ? FR_TXFF : 0) | (this.shifting >= 0 || this.fifo.length > 0 ? FR_BUSY : 0);
    return ((v & ~(FR_TXFE | FR_TXFF | FR_BUSY)) | tx) >>> 0;
  }

  override write(offset: number, size: AccessSize, value: number): void {
    const reg = offset & ALIAS_MASK;
    if (reg === UARTRSR) {
      if (!this.inReset()) this.rsr = 0; // UARTECR: any write clears the error flags
      return;
    }
    if (reg === UARTICR && !this.inReset()) this.errorIrqs &= ~value; // rp2040js then re-evaluates the line
    if (offset !== UARTDR) {
      super.write(offset, size, value);
      this.kick(); // enabling the UART or setting the baud rate starts a waiting FIFO
      return;
    }
    if (this.inReset()) return;
    if (this.fifo.length < this.depth) this.fifo.push(value & 0xff); // a full FIFO drops the byte, as on the chip
    this.kick();
  }

  /** Starts the next frame if the shifter is idle and the UART may transmit. */
  private kick(): void {
    if (this.shifting >= 0 || this.fifo.length === 0 || !this.txOn) return;
    this.shifting = this.fifo.shift()!;
    this.shifter.schedule(Math.round(this.frameBits * this.bitNs));
  }

  private frameDone(): void {
    const b = this.shifting;
    this.shifting = -1;
    if (this.pinWith(0)) this.port.transmit(b, this.frameBits, this.bitNs);
    this.kick();
  }

  /**
   * A byte from the other end: into the RX FIFO only through an RX pin of an enabled receiver.
   * Line errors (fault injection) ride in the FIFO entry's bits 8-10 (FE, PE, BE, as UARTDR
   * reads them) and raise FEIS/PEIS/BEIS; a break reads as a 0 byte.
   */
  private receive(b: number, errors: number): void {
    const cr = this.cr;
    if (this.inReset() || (cr & CR_UARTEN) === 0 || (cr & CR_RXE) === 0 || !this.pinWith(1)) return;
    const data = errors & UART_RX_BREAK ? 0 : b;
    this.u.feedByte(data | ((errors & 7) << 8));
    if (errors) {
      this.errorIrqs |= (errors & UART_RX_FRAMING ? 1 << 7 : 0) | (errors & UART_RX_PARITY ? 1 << 8 : 0) | (errors & UART_RX_BREAK ? 1 << 9 : 0);
      this.u.checkInterrupts();
    }
  }

  /** The block went into reset: FIFO, shifter and error state are cleared. */
  resetState(): void {
    this.rsr = 0;
    this.errorIrqs = 0;
    this.fifo.length = 0;
    this.shifting = -1;
    this.shifter.cancel();
  }
}
