// ESP32 general-purpose SPI controller in master mode, driven by the CPU through its data
// buffer (TRM ch. 7; SPI2 "HSPI" base 0x3FF64000, SPI3 "VSPI" 0x3FF65000; layout checked
// against esp32.svd by test/host-sim/esp32-layout.test.ts). Setting CMD.USR runs one
// transaction of the phases USER enables, in order:
//   command  USER2.USR_COMMAND_VALUE, USR_COMMAND_BITLEN + 1 bits
//   address  ADDR from bit 31 down (then SLV_WR_STATUS beyond 32 bits), USR_ADDR_BITLEN + 1
//   dummy    USR_DUMMY_CYCLELEN + 1 clocks
//   MOSI     MOSI_DLEN + 1 bits from W0 (W8 with USR_MOSI_HIGHPART)
//   MISO     MISO_DLEN + 1 bits into W0 (W8 with USR_MISO_HIGHPART)
// With USER.DOUTDIN (full duplex) the MOSI and MISO phases are one: what comes back lands
// in the MISO buffer. The buffer and command go out byte by byte from the register's low
// byte, each byte MSB first (CTRL.WR_BIT_ORDER / RD_BIT_ORDER: LSB first). The transaction
// takes its bits at the SPI clock (CLOCK: APB, or APB / (CLKDIV_PRE + 1) / (CLKCNT_N + 1));
// then CMD.USR clears and SLAVE.TRANS_DONE sets (the SPIn interrupt with SLAVE.TRANS_INTEN).
// SPI mode, as ESP-IDF's spi_ll sets it: CPOL = PIN.CK_IDLE_EDGE, CPHA = USER.CK_OUT_EDGE
// xor CPOL. The hardware chip selects CS0..2 (active low unless PIN.MASTER_CS_POL, off with
// PIN.CSn_DIS) reach pins through the GPIO matrix (HSPICS0 = signal 11, VSPICS0 = 68, ...);
// a driver may as well select its part with a plain GPIO. The bus (parts/spi.ts) sees the
// transaction as 8-bit frames (a shorter last one) when it ends.
// Not modelled: slave mode, DMA, dual/quad modes, CS setup/hold and delay timing.
import type { Machine } from './machine.js';
import { RegisterModel, type TrmLayout } from './model.js';
import type { GpioPort } from './ports.js';
import { SpiBus, type SpiMode } from './parts/spi.js';

export const ESP32_SPI_LAYOUT: TrmLayout = {
  CMD: { offset: 0x00, fields: { USR: [18, 1] } },
  ADDR: { offset: 0x04 },
  CTRL: {
    offset: 0x08,
    fields: { RD_BIT_ORDER: [25, 1], WR_BIT_ORDER: [26, 1] },
  },
  CTRL1: { offset: 0x0c },
  RD_STATUS: { offset: 0x10 },
  CTRL2: { offset: 0x14 },
  CLOCK: {
    offset: 0x18,
    fields: {
      CLKCNT_L: [0, 6],
      CLKCNT_H: [6, 6],
      CLKCNT_N: [12, 6],
      CLKDIV_PRE: [18, 13],
      CLK_EQU_SYSCLK: [31, 1],
    },
  },
  USER: {
    offset: 0x1c,
    fields: {
      DOUTDIN: [0, 1],
      CK_OUT_EDGE: [7, 1],
      USR_MISO_HIGHPART: [24, 1],
      USR_MOSI_HIGHPART: [25, 1],
      USR_MOSI: [27, 1],
      USR_MISO: [28, 1],
      USR_DUMMY: [29, 1],
      USR_ADDR: [30, 1],
      USR_COMMAND: [31, 1],
    },
  },
  USER1: {
    offset: 0x20,
    fields: { USR_DUMMY_CYCLELEN: [0, 8], USR_ADDR_BITLEN: [26, 6] },
  },
  USER2: {
    offset: 0x24,
    fields: { USR_COMMAND_VALUE: [0, 16], USR_COMMAND_BITLEN: [28, 4] },
  },
  MOSI_DLEN: { offset: 0x28, fields: { USR_MOSI_DBITLEN: [0, 24] } },
  MISO_DLEN: { offset: 0x2c, fields: { USR_MISO_DBITLEN: [0, 24] } },
  SLV_WR_STATUS: { offset: 0x30 },
  PIN: {
    offset: 0x34,
    fields: {
      CS0_DIS: [0, 1],
      CS1_DIS: [1, 1],
      CS2_DIS: [2, 1],
      MASTER_CS_POL: [6, 3],
      CK_IDLE_EDGE: [29, 1],
      CS_KEEP_ACTIVE: [30, 1],
    },
  },
  SLAVE: {
    offset: 0x38,
    fields: { TRANS_DONE: [4, 1], INT_EN: [5, 5], MODE: [30, 1] },
  },
  SLAVE1: { offset: 0x3c },
  SLAVE2: { offset: 0x40 },
  SLAVE3: { offset: 0x44 },
  W0: { offset: 0x80 },
  W15: { offset: 0xbc },
  DATE: { offset: 0x3fc },
};

const L = ESP32_SPI_LAYOUT;
const USR = 1 << 18;
const RD_BIT_ORDER = 1 << 25,
  WR_BIT_ORDER = 1 << 26;
const DOUTDIN = 1 << 0,
  CK_OUT_EDGE = 1 << 7,
  MISO_HIGHPART = 1 << 24,
  MOSI_HIGHPART = 1 << 25;
const USR_MOSI = 1 << 27,
  USR_MISO = 1 << 28,
  USR_DUMMY = 1 << 29,
  USR_ADDR = 1 << 30,
  USR_COMMAND = 2 ** 31;
const CK_IDLE_EDGE = 1 << 29,
  CS_KEEP_ACTIVE = 1 << 30;
const TRANS_DONE = 1 << 4,
  TRANS_INTEN = 1 << 9,
  SLAVE_MODE = 1 << 30;
const APB_HZ = 80e6;
/** Read-write registers with their reset values (TRM / SVD). */
const PLAIN = {
  ADDR: 0,
  CTRL: 0x0020a400,
  CTRL1: 0x5fff0000,
  RD_STATUS: 0,
  CTRL2: 0x11,
  CLOCK: 0x80003043,
  USER: 0x80000040,
  USER1: 0x5c000007,
  USER2: 0x70000000,
  MOSI_DLEN: 0,
  MISO_DLEN: 0,
  SLV_WR_STATUS: 0,
  PIN: 0x6,
  SLAVE1: 0x02000000,
  SLAVE2: 0,
  SLAVE3: 0,
};

export class Esp32Spi extends RegisterModel {
  readonly bus: SpiBus;
  private slave = 0x20;
  private readonly w = new Uint32Array(16);
  private busy = false;
  private readonly alarm;

  /** Levels of the chip-select outputs CS0..CS2 (GPIO matrix signals `csSignals`). */
  private readonly cs = [true, true, true];
  /** Told when a chip select changes (the GPIO matrix re-evaluates its pins). */
  onOutputChange: () => void = () => {};

  /** `gpio` gives the pins the bus's parts watch for their chip select; `csSignals` are CS0..CS2's matrix signal numbers. */
  constructor(
    m: Machine,
    name: string,
    base: number,
    readonly index: number,
    private readonly irq: number,
    gpio: (pin: number) => GpioPort,
    readonly csSignals: readonly number[],
    bus?: SpiBus,
  ) {
    super(m, name, base);
    this.plainRegisters(L, PLAIN);
    this.bus = bus ?? new SpiBus(index, gpio);
    this.alarm = m.clock.createAlarm(() => this.finish());
  }

  /** The level of chip-select output `i` (CS0..CS2). */
  chipSelect(i: number): boolean {
    return this.cs[i]!;
  }

  private reg(o: number): number {
    return this.plain.get(o)!;
  }

  /** SPI clock, Hz. */
  get clockHz(): number {
    const c = this.reg(L.CLOCK!.offset);
    if (c & (2 ** 31)) return APB_HZ;
    return APB_HZ / ((((c >>> 18) & 0x1fff) + 1) * (((c >>> 12) & 0x3f) + 1));
  }

  readRegister(o: number): number | undefined {
    if (o === L.CMD!.offset) return this.busy ? USR : 0;
    if (o === L.SLAVE!.offset) return this.slave;
    if (o === L.DATE!.offset) return 0x01604270;
    if (o >= L.W0!.offset && o <= L.W15!.offset) return this.w[(o - L.W0!.offset) >> 2];
    return undefined;
  }

  writeRegister(o: number, v: number): boolean {
    if (o === L.CMD!.offset) {
      if (v & USR && !this.busy && !(this.slave & SLAVE_MODE)) this.start();
    } else if (o === L.SLAVE!.offset) {
      this.slave = v >>> 0;
      this.m.irq.setLevel(this.irq, (this.slave & TRANS_DONE) !== 0 && (this.slave & TRANS_INTEN) !== 0);
    } else if (o >= L.W0!.offset && o <= L.W15!.offset) {
      this.w[(o - L.W0!.offset) >> 2] = v;
    } else if (o === L.PIN!.offset) {
      this.plain.set(o, v);
      if (!this.busy) this.chipSelects(false);
    } else return o === L.DATE!.offset; // DATE ignores writes; plain registers take the rest
    return true;
  }

  /** The phases as bits: what goes out on MOSI, and which of them clock a bit into the MISO buffer. */
  private bits(): { out: number[]; capture: boolean[] } {
    const user = this.reg(L.USER!.offset);
    const out: number[] = [];
    const capture: boolean[] = [];
    const push = (bit: number, cap = false) => {
      out.push(bit);
      capture.push(cap);
    };
    const lsbOut = (this.reg(L.CTRL!.offset) & WR_BIT_ORDER) !== 0;
    /** `n` bits of little-endian bytes from `word(i)`, each byte MSB first (LSB first with WR_BIT_ORDER). */
    const bytesOut = (n: number, byteAt: (i: number) => number, cap: boolean) => {
      for (let k = 0; k < n; k++) {
        const b = byteAt(k >> 3),
          j = k & 7;
        push((b >> (lsbOut ? j : 7 - j)) & 1, cap);
      }
    };
    if (user & USR_COMMAND) {
      const u2 = this.reg(L.USER2!.offset);
      bytesOut(((u2 >>> 28) & 0xf) + 1, (i) => (u2 >> (8 * i)) & 0xff, false);
    }
    if (user & USR_ADDR) {
      const n = ((this.reg(L.USER1!.offset) >>> 26) & 0x3f) + 1;
      const hi = this.reg(L.ADDR!.offset),
        lo = this.reg(L.SLV_WR_STATUS!.offset);
      for (let k = 0; k < n; k++) push(k < 32 ? (hi >>> (31 - k)) & 1 : (lo >>> (63 - k)) & 1);
    }
    if (user & USR_DUMMY) for (let k = 0; k <= (this.reg(L.USER1!.offset) & 0xff); k++) push(1);
    const buffer = (highpart: boolean) => (i: number) => (this.w[(highpart ? 8 : 0) + (i >> 2)]! >>> (8 * (i & 3))) & 0xff;
    const mosiBits = (this.reg(L.MOSI_DLEN!.offset) & 0xffffff) + 1,
      misoBits = (this.reg(L.MISO_DLEN!.offset) & 0xffffff) + 1;
    if (user & DOUTDIN && user & (USR_MOSI | USR_MISO)) {
      const n = user & USR_MOSI ? mosiBits : misoBits;
      if (user & USR_MOSI) bytesOut(n, buffer((user & MOSI_HIGHPART) !== 0), (user & USR_MISO) !== 0);
      else for (let k = 0; k < n; k++) push(1, true);
    } else {
      if (user & USR_MOSI) bytesOut(mosiBits, buffer((user & MOSI_HIGHPART) !== 0), false);
      if (user & USR_MISO) for (let k = 0; k < misoBits; k++) push(1, true);
    }
    return { out, capture };
  }

  private start(): void {
    this.busy = true;
    this.chipSelects(true);
    this.alarm.schedule((this.bits().out.length * 1e9) / this.clockHz);
  }

  /** The transaction ends: the parts get its frames now, the MISO bits land in the buffer. */
  private finish(): void {
    const { out, capture } = this.bits();
    const user = this.reg(L.USER!.offset),
      pin = this.reg(L.PIN!.offset);
    const cpol = (pin & CK_IDLE_EDGE) !== 0 ? 1 : 0;
    const mode = ((cpol << 1) | (((user & CK_OUT_EDGE) !== 0 ? 1 : 0) ^ cpol)) as SpiMode;
    const lsbIn = (this.reg(L.CTRL!.offset) & RD_BIT_ORDER) !== 0;
    const misoBase = (user & MISO_HIGHPART ? 8 : 0) * 32;
    let captured = 0;
    for (let at = 0; at < out.length; at += 8) {
      const n = Math.min(8, out.length - at);
      let frame = 0;
      for (let k = 0; k < n; k++) frame = (frame << 1) | out[at + k]!;
      const back = this.bus.exchange(frame, n, mode);
      for (let k = 0; k < n; k++) {
        if (!capture[at + k]) continue;
        const bit = (back >> (n - 1 - k)) & 1;
        const pos = misoBase + (captured & ~7) + (lsbIn ? captured & 7 : 7 - (captured & 7));
        const word = pos >> 5,
          mask = 1 << (pos & 31);
        if (word < 16) this.w[word] = bit ? this.w[word]! | mask : this.w[word]! & ~mask;
        captured++;
      }
    }
    this.busy = false;
    if (!(pin & CS_KEEP_ACTIVE)) this.chipSelects(false);
    this.slave |= TRANS_DONE;
    this.m.irq.setLevel(this.irq, (this.slave & TRANS_INTEN) !== 0);
  }

  /** Drives CS0..CS2 (those not disabled) active or inactive: active low unless MASTER_CS_POL. */
  private chipSelects(active: boolean): void {
    const pin = this.reg(L.PIN!.offset);
    for (let i = 0; i < this.cs.length; i++) {
      const on = active && (pin & (1 << i)) === 0;
      this.cs[i] = on === (((pin >> (6 + i)) & 1) === 1);
    }
    this.onOutputChange();
  }
}
