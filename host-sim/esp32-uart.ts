// ESP32 UART (TRM ch. 13, UART0 base 0x3FF40000): 128-byte TX and RX FIFOs behind
// the FIFO register, STATUS counts, CLKDIV baud rate (80 MHz APB), and the
// INT_RAW/ST/ENA/CLR interrupt set (RXFIFO_FULL, TXFIFO_EMPTY). TX bytes leave
// one frame time apart into the UartPort: start bit, CONF0.BIT_NUM + 5 data bits, the parity bit
// (PARITY_EN) and STOP_BIT_NUM's 1, 1.5 or 2 stop bits at the programmed baud rate. Received
// bytes keep their BIT_NUM + 5 low bits.
import type { Machine } from './machine.js';
import { RegisterModel } from './model.js';
import { UART_RX_BREAK, UART_RX_FRAMING, UART_RX_PARITY, UartPort } from './ports.js';
import type { SimAlarm } from './time.js';

const FIFO = 0x00,
  INT_RAW = 0x04,
  INT_ST = 0x08,
  INT_ENA = 0x0c,
  INT_CLR = 0x10;
const CLKDIV = 0x14,
  STATUS = 0x1c,
  CONF0 = 0x20,
  CONF1 = 0x24,
  DATE = 0x78,
  ID = 0x7c;
const RXFIFO_FULL = 1 << 0,
  TXFIFO_EMPTY = 1 << 1,
  PARITY_ERR = 1 << 2,
  FRM_ERR = 1 << 3,
  RXFIFO_OVF = 1 << 4,
  BRK_DET = 1 << 7;
const FIFO_SIZE = 128;
const APB_HZ = 80e6;

export class Esp32Uart extends RegisterModel {
  readonly port: UartPort;
  private readonly tx: number[] = [];
  private readonly rx: number[] = [];
  private raw = 0;
  private ena = 0;
  private clkdiv = 0x2b6;
  private conf0 = 0x0800001c;
  private conf1 = 0x00006060;
  private readonly shifter: SimAlarm;

  constructor(
    m: Machine,
    name: string,
    base: number,
    index: number,
    private readonly irq: number,
    port?: UartPort,
  ) {
    super(m, name, base);
    this.port = port ?? new UartPort(index, () => m.now);
    this.port.rxSink = (b, errors) => this.receive(b, errors);
    this.port.rxEmpty = () => this.rx.length === 0;
    this.shifter = m.clock.createAlarm(() => this.shiftOut());
    this.update();
  }

  /** One bit at APB / (CLKDIV + FRAG/16), ns. */
  get bitNs(): number {
    const div = (this.clkdiv & 0xfffff) + ((this.clkdiv >>> 20) & 0xf) / 16;
    return (1e9 * Math.max(div, 1)) / APB_HZ;
  }
  private get dataBits(): number {
    return ((this.conf0 >>> 2) & 3) + 5;
  }
  /** Bits on the wire per frame (STOP_BIT_NUM 1: one stop bit, 2: one and a half, 3: two). */
  get frameBits(): number {
    const stop = [1, 1, 1.5, 2][(this.conf0 >>> 4) & 3]!;
    return 1 + this.dataBits + ((this.conf0 >>> 1) & 1) + stop;
  }
  get frameNs(): number {
    return Math.max(1, Math.round(this.frameBits * this.bitNs));
  }

  readRegister(o: number): number | undefined {
    switch (o) {
      case FIFO: {
        const b = this.rx.shift() ?? 0; // an empty FIFO reads 0 (real silicon: stale data)
        this.update();
        return b;
      }
      case INT_RAW:
        return this.raw;
      case INT_ST:
        return this.raw & this.ena;
      case INT_ENA:
        return this.ena;
      case CLKDIV:
        return this.clkdiv;
      case STATUS:
        return (this.rx.length & 0xff) | ((this.tx.length & 0xff) << 16);
      case CONF0:
        return this.conf0;
      case CONF1:
        return this.conf1;
      case DATE:
        return 0x15122500;
      case ID:
        return 0x00000500;
    }
    return undefined;
  }

  writeRegister(o: number, v: number): boolean {
    switch (o) {
      case FIFO:
        if (this.tx.length < FIFO_SIZE) this.tx.push(v & 0xff); // a full FIFO drops the byte, as on silicon
        if (!this.shifter.scheduled) this.shifter.schedule(this.frameNs);
        break;
      case INT_ENA:
        this.ena = v & 0x7ffff;
        break;
      case INT_CLR:
        this.raw &= ~v;
        break;
      case CLKDIV:
        this.clkdiv = v & 0xffffff;
        break;
      case CONF0:
        this.conf0 = v;
        break;
      case CONF1:
        this.conf1 = v;
        break;
      default:
        return false;
    }
    this.update();
    return true;
  }

  private shiftOut(): void {
    const b = this.tx.shift();
    if (b !== undefined) this.port.transmit(b & ((1 << this.dataBits) - 1), Math.ceil(this.frameBits), this.frameNs / Math.ceil(this.frameBits));
    if (this.tx.length) this.shifter.schedule(this.frameNs);
    this.update();
  }

  /** A received byte; line errors (fault injection) raise PARITY_ERR, FRM_ERR, BRK_DET (a break stores a 0 byte). */
  private receive(b: number, errors: number): void {
    this.raw |= (errors & UART_RX_PARITY ? PARITY_ERR : 0) | (errors & UART_RX_FRAMING ? FRM_ERR : 0) | (errors & UART_RX_BREAK ? BRK_DET : 0);
    if (this.rx.length < FIFO_SIZE) this.rx.push(errors & UART_RX_BREAK ? 0 : b & ((1 << this.dataBits) - 1));
    else this.raw |= RXFIFO_OVF;
    this.update();
  }

  /** Threshold interrupts re-assert while their condition holds (clearing them does not stick). */
  private update(): void {
    if (this.rx.length >= (this.conf1 & 0x7f) && this.rx.length > 0) this.raw |= RXFIFO_FULL;
    if (this.tx.length < ((this.conf1 >> 8) & 0x7f)) this.raw |= TXFIFO_EMPTY;
    this.m.irq.setLevel(this.irq, (this.raw & this.ena) !== 0);
  }
}
