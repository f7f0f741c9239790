// ESP32 I2C controller in master mode (TRM ch. 11; I2C0 base 0x3FF53000, I2C1 0x3FF67000;
// layout checked against esp32.svd by test/host-sim/esp32-layout.test.ts). The CPU fills
// the 32-byte TX FIFO through DATA, writes a command list into COMD0..15 and sets
// CTR.TRANS_START; the controller then runs the commands in order on the bus:
//   COMDn: byte_num [7:0], ack_check_en 8, ack_exp 9, ack_value 10, op_code [13:11], done 31
//   op_code 0 RSTART, 1 WRITE (byte_num bytes from the TX FIFO; the first byte after a START
//   is the address byte), 2 READ (byte_num bytes into the RX FIFO, each answered with
//   ack_value), 3 STOP, 4 END (pause: END_DETECT, the next TRANS_START runs from COMD0 again
//   with the bus held).
// Each byte takes 9 SCL periods of (SCL_LOW_PERIOD + SCL_HIGH_PERIOD) APB cycles, START and
// STOP one period each; a command sets its done bit when it completes. A received NACK where
// ack_check_en expects an ACK raises ACK_ERR and ends the transaction with a STOP.
// Not modelled: slave mode, 10-bit addresses, timeouts, arbitration, the SCL/SDA filters and
// hold/setup times (they lengthen each clock on silicon), the non-FIFO mode.
import type { Machine } from './machine.js';
import { RegisterModel, type TrmLayout } from './model.js';
import { I2cBus } from './parts/i2c.js';

export const ESP32_I2C_LAYOUT: TrmLayout = {
  SCL_LOW_PERIOD: { offset: 0x00, fields: { SCL_LOW_PERIOD: [0, 14] } },
  CTR: {
    offset: 0x04,
    fields: {
      SDA_FORCE_OUT: [0, 1],
      SCL_FORCE_OUT: [1, 1],
      MS_MODE: [4, 1],
      TRANS_START: [5, 1],
      CLK_EN: [8, 1],
    },
  },
  SR: {
    offset: 0x08,
    fields: {
      ACK_REC: [0, 1],
      BUS_BUSY: [4, 1],
      RXFIFO_CNT: [8, 6],
      TXFIFO_CNT: [18, 6],
    },
  },
  TO: { offset: 0x0c, fields: { TIME_OUT: [0, 20] } },
  SLAVE_ADDR: { offset: 0x10 },
  FIFO_CONF: {
    offset: 0x18,
    fields: {
      RXFIFO_FULL_THRHD: [0, 5],
      TXFIFO_EMPTY_THRHD: [5, 5],
      RX_FIFO_RST: [12, 1],
      TX_FIFO_RST: [13, 1],
    },
  },
  DATA: { offset: 0x1c, fields: { FIFO_RDATA: [0, 8] } },
  INT_RAW: {
    offset: 0x20,
    fields: {
      RXFIFO_FULL_INT_RAW: [0, 1],
      TXFIFO_EMPTY_INT_RAW: [1, 1],
      RXFIFO_OVF_INT_RAW: [2, 1],
      END_DETECT_INT_RAW: [3, 1],
      MASTER_TRAN_COMP_INT_RAW: [6, 1],
      TRANS_COMPLETE_INT_RAW: [7, 1],
      TRANS_START_INT_RAW: [9, 1],
      ACK_ERR_INT_RAW: [10, 1],
    },
  },
  INT_CLR: { offset: 0x24 },
  INT_ENA: { offset: 0x28 },
  INT_STATUS: { offset: 0x2c },
  SDA_HOLD: { offset: 0x30 },
  SDA_SAMPLE: { offset: 0x34 },
  SCL_HIGH_PERIOD: { offset: 0x38, fields: { SCL_HIGH_PERIOD: [0, 14] } },
  SCL_START_HOLD: { offset: 0x40 },
  SCL_RSTART_SETUP: { offset: 0x44 },
  SCL_STOP_HOLD: { offset: 0x48 },
  SCL_STOP_SETUP: { offset: 0x4c },
  SCL_FILTER_CFG: { offset: 0x50 },
  SDA_FILTER_CFG: { offset: 0x54 },
  COMD0: { offset: 0x58, fields: { COMMAND: [0, 14], COMMAND_DONE: [31, 1] } },
  COMD15: { offset: 0x94 },
  DATE: { offset: 0xf8 },
};

const L = ESP32_I2C_LAYOUT;
const MS_MODE = 1 << 4,
  TRANS_START = 1 << 5;
const RX_FIFO_RST = 1 << 12,
  TX_FIFO_RST = 1 << 13;
const RXFIFO_FULL = 1 << 0,
  TXFIFO_EMPTY = 1 << 1,
  RXFIFO_OVF = 1 << 2,
  END_DETECT = 1 << 3,
  MASTER_TRAN_COMP = 1 << 6,
  TRANS_COMPLETE = 1 << 7,
  TRANS_START_INT = 1 << 9,
  ACK_ERR = 1 << 10;
const INT_MASK = 0x1fff;
const DONE = 2 ** 31;
const OP_RSTART = 0,
  OP_WRITE = 1,
  OP_READ = 2,
  OP_STOP = 3,
  OP_END = 4;
const FIFO_SIZE = 32;
const APB_HZ = 80e6;
/** Read-write registers with their reset values (TRM / SVD). */
const PLAIN = {
  SCL_LOW_PERIOD: 0,
  TO: 0,
  SLAVE_ADDR: 0,
  SDA_HOLD: 0,
  SDA_SAMPLE: 0,
  SCL_HIGH_PERIOD: 0,
  SCL_START_HOLD: 8,
  SCL_RSTART_SETUP: 8,
  SCL_STOP_HOLD: 0,
  SCL_STOP_SETUP: 0,
  SCL_FILTER_CFG: 8,
  SDA_FILTER_CFG: 8,
};

export class Esp32I2c extends RegisterModel {
  readonly bus: I2cBus;
  private ctr = 0x3;
  private fifoConf = 0x0155408b;
  private raw = 0;
  private ena = 0;
  private readonly comd = new Uint32Array(16);
  private readonly tx: number[] = [];
  private readonly rx: number[] = [];
  /** Command being run, and the byte within it; -1: idle. */
  private pc = -1;
  private byteIndex = 0;
  private busBusy = false;
  /** The next byte written is an address byte (a START went before it). */
  private addressNext = false;
  private repeated = false;
  private ackRec = 0;
  private readonly alarm;
  private pending: () => void = () => {};

  constructor(
    m: Machine,
    name: string,
    base: number,
    readonly index: number,
    private readonly irq: number,
    bus?: I2cBus,
  ) {
    super(m, name, base);
    this.plainRegisters(L, PLAIN);
    this.bus = bus ?? new I2cBus(index);
    this.alarm = m.clock.createAlarm(() => this.pending());
    this.update();
  }

  /** One SCL period, ns: (SCL_LOW_PERIOD + SCL_HIGH_PERIOD) APB cycles. */
  get periodNs(): number {
    const cycles = (this.plain.get(L.SCL_LOW_PERIOD!.offset)! & 0x3fff) + (this.plain.get(L.SCL_HIGH_PERIOD!.offset)! & 0x3fff);
    return (Math.max(2, cycles) * 1e9) / APB_HZ;
  }

  readRegister(o: number): number | undefined {
    switch (o) {
      case L.CTR!.offset:
        return this.ctr;
      case L.SR!.offset:
        return this.ackRec | (this.busBusy ? 1 << 4 : 0) | (this.rx.length << 8) | (this.tx.length << 18);
      case L.FIFO_CONF!.offset:
        return this.fifoConf;
      case L.DATA!.offset: {
        const b = this.rx.shift() ?? 0; // an empty FIFO reads 0 (silicon: stale data)
        this.update();
        return b;
      }
      case L.INT_RAW!.offset:
        return this.raw;
      case L.INT_ENA!.offset:
        return this.ena;
      case L.INT_STATUS!.offset:
        return this.raw & this.ena;
      case L.INT_CLR!.offset:
        return 0;
      case L.DATE!.offset:
        return 0x16042000;
    }
    if (o >= L.COMD0!.offset && o <= L.COMD15!.offset) return this.comd[(o - L.COMD0!.offset) >> 2];
    return undefined;
  }

  writeRegister(o: number, v: number): boolean {
    switch (o) {
      case L.CTR!.offset:
        this.ctr = v & 0xdf; // TRANS_START does not stick: it starts the command list
        if (v & TRANS_START && v & MS_MODE && this.pc < 0) this.run(0);
        break;
      case L.FIFO_CONF!.offset:
        this.fifoConf = v & 0x03ffffff;
        if (v & RX_FIFO_RST) this.rx.length = 0;
        if (v & TX_FIFO_RST) this.tx.length = 0;
        break;
      case L.DATA!.offset:
        if (!(this.fifoConf & TX_FIFO_RST) && this.tx.length < FIFO_SIZE) this.tx.push(v & 0xff);
        break;
      case L.INT_CLR!.offset:
        this.raw &= ~v;
        break;
      case L.INT_ENA!.offset:
        this.ena = v & INT_MASK;
        break;
      default:
        if (o >= L.COMD0!.offset && o <= L.COMD15!.offset) this.comd[(o - L.COMD0!.offset) >> 2] = (v & 0x3fff) | (v & DONE);
        else return false;
    }
    this.update();
    return true;
  }

  private after(ns: number, then: () => void): void {
    this.pending = then;
    this.alarm.schedule(ns);
  }

  /** Runs command `pc` (its byte `byteIndex`), then the next, each at its time on the bus. */
  private run(pc: number): void {
    if (pc >= this.comd.length) return this.idle();
    this.pc = pc;
    const cmd = this.comd[pc]!;
    const op = (cmd >> 11) & 7,
      count = cmd & 0xff;
    const w = this.m.waves,
      p = this.periodNs,
      n = this.index;
    const next = () => {
      this.comd[pc] = (this.comd[pc]! | DONE) >>> 0;
      this.byteIndex = 0;
      this.update();
      this.run(pc + 1);
    };
    switch (op) {
      case OP_RSTART:
        this.repeated = this.busBusy;
        this.busBusy = true;
        this.addressNext = true;
        this.raw |= TRANS_START_INT;
        w.i2cStart(n, this.m.now, p, this.repeated);
        return this.after(p, next);
      case OP_WRITE:
      case OP_READ: {
        if (this.byteIndex >= count) return next();
        const t0 = this.m.now;
        const byte = op === OP_WRITE ? (this.tx.shift() ?? 0) : 0;
        // TXFIFO_EMPTY: the FIFO fell below its threshold as this byte left it (an edge; 0 at reset).
        if (op === OP_WRITE && this.tx.length === ((this.fifoConf >> 5) & 0x1f) - 1) this.raw |= TXFIFO_EMPTY;
        return this.after(9 * p, () => {
          const ok = op === OP_WRITE ? this.sendByte(byte, t0) : this.receiveByte(cmd, t0);
          this.raw |= MASTER_TRAN_COMP;
          this.byteIndex++;
          if (!ok) return this.ackError();
          this.update();
          this.run(pc);
        });
      }
      case OP_STOP:
        this.stop();
        return this.after(p, () => {
          this.comd[pc] = (this.comd[pc]! | DONE) >>> 0;
          this.raw |= TRANS_COMPLETE; // the STOP is on the wire: the controller is idle again
          this.idle();
        });
      case OP_END:
        this.comd[pc] = (this.comd[pc]! | DONE) >>> 0;
        this.raw |= END_DETECT;
        return this.idle();
      default:
        return this.idle(); // not a command: the controller stops
    }
  }

  /** A WRITE byte on the bus; false when the ACK check fails. */
  private sendByte(byte: number, t0: number): boolean {
    const cmd = this.comd[this.pc]!;
    let ack: boolean;
    let label = `0x${byte.toString(16).padStart(2, '0')}`;
    if (this.addressNext) {
      this.addressNext = false;
      ack = this.bus.connect(byte >> 1, (byte & 1) === 1, this.repeated);
      label = `0x${(byte >> 1).toString(16)} ${byte & 1 ? 'R' : 'W'}`;
    } else {
      ack = this.bus.writeByte(byte);
    }
    this.ackRec = ack ? 0 : 1;
    this.m.waves.i2cByte(this.index, t0, this.m.now, byte, ack, label);
    const check = (cmd >> 8) & 1,
      expected = (cmd >> 9) & 1;
    return !(check && this.ackRec !== expected);
  }

  /** A READ byte into the RX FIFO, answered with the command's ack_value. */
  private receiveByte(cmd: number, t0: number): boolean {
    const ack = ((cmd >> 10) & 1) === 0;
    const v = this.bus.readByte(ack);
    if (this.fifoConf & RX_FIFO_RST) {
      // held in reset: the byte is dropped
    } else if (this.rx.length < FIFO_SIZE) {
      this.rx.push(v);
      if (this.rx.length === (this.fifoConf & 0x1f)) this.raw |= RXFIFO_FULL; // reached its threshold
    } else this.raw |= RXFIFO_OVF;
    this.m.waves.i2cByte(this.index, t0, this.m.now, v, ack, `0x${v.toString(16).padStart(2, '0')}`);
    return true;
  }

  /** The ACK check failed: the controller gives up the list and sends a STOP. */
  private ackError(): void {
    this.raw |= ACK_ERR;
    this.stop();
    this.idle();
  }

  private stop(): void {
    this.bus.stop();
    this.m.waves.i2cStop(this.index, this.m.now, this.periodNs);
    this.busBusy = false;
  }

  private idle(): void {
    this.pc = -1;
    this.byteIndex = 0;
    this.update();
  }

  /** The interrupt line: INT_RAW & INT_ENA. */
  private update(): void {
    this.m.irq.setLevel(this.irq, (this.raw & this.ena) !== 0);
  }
}
