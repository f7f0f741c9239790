// The ESP32 I2C and SPI controller models (host-sim/esp32-i2c.ts, esp32-spi.ts) driven by their
// registers, as a driver does, with the same part classes as on rpi-pico: the TMP102 and the
// 24xx256 EEPROM on I2C0, the W25Q32 NOR flash on SPI3 (VSPI) with the hardware chip select
// routed through the GPIO matrix or a GPIO as chip select.
import { describe, expect, it } from 'vitest';
import { createBoard, simulate, I2cEeprom, SpiFlash, Tmp102, type SimBoard } from '../../host-sim/index.js';
import { I2C } from '../../src/io/rp2040.js';
import type { Hal } from '../../src/hal.js';

// --- a small ESP32 I2C master driver, by registers (TRM ch. 11) ---------------------------
const I2C0 = 0x3ff53000;
const SCL_LOW = 0x00,
  CTR = 0x04,
  SR = 0x08,
  FIFO_CONF = 0x18,
  DATA = 0x1c,
  INT_RAW = 0x20,
  INT_CLR = 0x24,
  INT_ENA = 0x28,
  SCL_HIGH = 0x38,
  COMD0 = 0x58;
const MS_MODE = 1 << 4,
  TRANS_START = 1 << 5,
  CLK_EN = 1 << 8;
const END_DETECT = 1 << 3,
  TRANS_COMPLETE = 1 << 7,
  ACK_ERR = 1 << 10;
const RSTART = 0,
  WRITE = 1,
  READ = 2,
  STOP = 3,
  END = 4;
/** COMDn: op_code [13:11], ack_value 10, ack_exp 9, ack_check_en 8, byte_num [7:0]. */
/** Polls until `done()`; a model that never finishes fails the test instead of hanging it. */
function until(done: () => boolean, what: string): void {
  for (let i = 0; i < 200_000; i++) if (done()) return;
  throw new Error(`still waiting for ${what}`);
}
const cmd = (op: number, n = 0, o: { check?: boolean; nack?: boolean } = {}) => (op << 11) | (o.nack ? 1 << 10 : 0) | (o.check ? 1 << 8 : 0) | n;

class Esp32I2cDriver {
  constructor(
    private readonly h: Hal,
    hz = 100_000,
    private readonly base = I2C0,
  ) {
    const half = Math.round(80e6 / hz / 2);
    h.store32(base + CTR, 0x3 | MS_MODE | CLK_EN);
    h.store32(base + SCL_LOW, half);
    h.store32(base + SCL_HIGH, half);
  }
  private reg(o: number, v?: number): number {
    if (v === undefined) return this.h.load32(this.base + o);
    this.h.store32(this.base + o, v >>> 0);
    return v;
  }
  /** Runs a command list with the TX bytes; returns the RX FIFO, or 'nack' on an ACK error. */
  /** Loads the TX bytes and the command list and starts it. */
  start(commands: number[], tx: number[]): void {
    this.reg(FIFO_CONF, 0x0155408b | (3 << 12)); // reset both FIFOs
    this.reg(FIFO_CONF, 0x0155408b);
    this.reg(INT_CLR, 0x1fff);
    for (const b of tx) this.reg(DATA, b);
    commands.forEach((c, i) => this.reg(COMD0 + 4 * i, c));
    this.reg(CTR, this.reg(CTR) | TRANS_START);
  }
  run(commands: number[], tx: number[]): number[] | 'nack' {
    this.start(commands, tx);
    until(() => (this.reg(INT_RAW) & (TRANS_COMPLETE | ACK_ERR)) !== 0, 'TRANS_COMPLETE or ACK_ERR');
    if (this.reg(INT_RAW) & ACK_ERR) return 'nack';
    const n = (this.reg(SR) >> 8) & 0x3f;
    return Array.from({ length: n }, () => this.reg(DATA));
  }
  write(address: number, bytes: number[]): boolean {
    return this.run([cmd(RSTART), cmd(WRITE, 1 + bytes.length, { check: true }), cmd(STOP)], [address << 1, ...bytes]) !== 'nack';
  }
  /** Write `bytes`, repeated START, read `n` (the last one NACKed), STOP. */
  writeRead(address: number, bytes: number[], n: number): number[] | 'nack' {
    const reads = n > 1 ? [cmd(READ, n - 1), cmd(READ, 1, { nack: true })] : [cmd(READ, 1, { nack: true })];
    return this.run(
      [cmd(RSTART), cmd(WRITE, 1 + bytes.length, { check: true }), cmd(RSTART), cmd(WRITE, 1, { check: true }), ...reads, cmd(STOP)],
      [address << 1, ...bytes, (address << 1) | 1],
    );
  }
}

describe('ESP32 I2C controller', () => {
  it('reads a TMP102 as the rpi-pico does: the same bytes from the same part class (datasheet: 25 °C = 0x1900, CONFIG 0x60a0)', async () => {
    const pico = await simulate('rpi-pico');
    const sensor = new Tmp102(25);
    pico.i2c(0).attach(0x48, sensor);
    const i2c = new I2C({ data: 4, clock: 5, hz: 100_000, address: 0x48 });
    i2c.write(Uint8Array.of(0), false);
    const onPico = [...new Uint8Array(i2c.read(2)!)];
    i2c.write(Uint8Array.of(1), false);
    const configPico = [...new Uint8Array(i2c.read(2)!)];
    i2c.close();

    const esp = createBoard('esp32-devkitc');
    esp.i2c(0).attach(0x48, new Tmp102(25));
    const d = new Esp32I2cDriver(esp.hal);
    expect(d.writeRead(0x48, [0], 2)).toEqual(onPico);
    expect(d.writeRead(0x48, [1], 2)).toEqual(configPico);
    expect(onPico).toEqual([0x19, 0x00]);
    expect(configPico).toEqual([0x60, 0xa0]);
  });

  it('a byte takes 9 SCL periods of (SCL_LOW_PERIOD + SCL_HIGH_PERIOD) APB cycles; START and STOP show in the waveform', () => {
    const b = createBoard('esp32-devkitc');
    b.i2c(0).attach(0x48, new Tmp102(-10));
    const d = new Esp32I2cDriver(b.hal, 100_000); // 400 + 400 cycles at 80 MHz: 10 µs
    expect(d.writeRead(0x48, [0], 2)).toEqual([0xf6, 0x00]); // -10 °C = -160 counts, left-justified
    const ev = b.machine.waves.i2cEvents.filter((e) => e.bus === 0);
    expect(ev.map((e) => e.label)).toEqual(['S', '0x48 W A', '0x00 A', 'Sr', '0x48 R A', '0xf6 A', '0x00 N', 'P']);
    for (const e of ev.filter((x) => x.label.length > 2)) expect(e.end - e.start).toBe(90_000);
    expect(ev[0]!.end - ev[0]!.start).toBe(10_000);
  });

  it('a wrong address NACKs: ACK_ERR, a STOP on the bus, nothing in the RX FIFO', () => {
    const b = createBoard('esp32-devkitc');
    b.i2c(0).attach(0x48, new Tmp102());
    const d = new Esp32I2cDriver(b.hal);
    expect(d.writeRead(0x49, [0], 2)).toBe('nack');
    expect(b.hal.load32(I2C0 + SR) & 1).toBe(1); // ACK_REC: the last ACK bit was high
    expect(b.hal.load32(I2C0 + SR) & (1 << 4)).toBe(0); // the STOP freed the bus
    expect(b.machine.waves.i2cEvents.map((e) => e.label)).toEqual(['S', '0x49 W N', 'P']);
  });

  it('END pauses with the bus held (END_DETECT); the next TRANS_START runs the new list from COMD0', () => {
    const b = createBoard('esp32-devkitc');
    const t = new Tmp102(30);
    b.i2c(0).attach(0x48, t);
    const h = b.hal;
    new Esp32I2cDriver(h);
    h.store32(I2C0 + DATA, 0x48 << 1);
    h.store32(I2C0 + DATA, 0);
    h.store32(I2C0 + COMD0, cmd(RSTART));
    h.store32(I2C0 + COMD0 + 4, cmd(WRITE, 2, { check: true }));
    h.store32(I2C0 + COMD0 + 8, cmd(END));
    h.store32(I2C0 + CTR, h.load32(I2C0 + CTR) | TRANS_START);
    until(() => (h.load32(I2C0 + INT_RAW) & END_DETECT) !== 0, 'END_DETECT');
    expect(h.load32(I2C0 + SR) & (1 << 4)).not.toBe(0); // BUS_BUSY: no STOP yet
    expect(h.load32(I2C0 + COMD0 + 8) >>> 31).toBe(1); // END done
    h.store32(I2C0 + DATA, (0x48 << 1) | 1);
    h.store32(I2C0 + COMD0, cmd(RSTART));
    h.store32(I2C0 + COMD0 + 4, cmd(WRITE, 1, { check: true }));
    h.store32(I2C0 + COMD0 + 8, cmd(READ, 2, { nack: true }));
    h.store32(I2C0 + COMD0 + 12, cmd(STOP));
    h.store32(I2C0 + CTR, h.load32(I2C0 + CTR) | TRANS_START);
    until(() => (h.load32(I2C0 + INT_RAW) & TRANS_COMPLETE) !== 0, 'TRANS_COMPLETE');
    expect([h.load32(I2C0 + DATA), h.load32(I2C0 + DATA)]).toEqual([0x1e, 0x00]);
    expect(b.machine.waves.i2cEvents.map((e) => e.label)).toContain('Sr'); // the bus was held: a repeated START
  });

  it('TRANS_COMPLETE with INT_ENA raises I2C_EXT0 (49); INT_CLR lowers it', () => {
    const b = createBoard('esp32-devkitc');
    b.i2c(0).attach(0x48, new Tmp102());
    const h = b.hal;
    const seen: number[] = [];
    h.irqSetHandler(49, () => {
      seen.push(h.load32(I2C0 + 0x2c)); // INT_STATUS
      h.store32(I2C0 + INT_CLR, TRANS_COMPLETE);
    });
    h.irqSetEnabled(49, true);
    h.store32(I2C0 + INT_ENA, TRANS_COMPLETE);
    new Esp32I2cDriver(h).start([cmd(RSTART), cmd(WRITE, 4, { check: true }), cmd(STOP)], [0x48 << 1, 2, 0x10, 0x00]);
    b.runFor('379us'); // START + 4 bytes + STOP at 100 kHz: 380 µs
    expect(seen).toEqual([]);
    b.runFor('2us');
    expect(seen).toEqual([TRANS_COMPLETE]);
    expect(b.irq(49).pending).toBe(false);
  });

  it('an I2C EEPROM: page write, acknowledge polling through ACK_ERR, read back (one part class on both boards)', () => {
    const b = createBoard('esp32-devkitc');
    const e = b.attach(new I2cEeprom({ bus: 0 }));
    const d = new Esp32I2cDriver(b.hal, 400_000);
    expect(d.write(0x50, [0x12, 0x34, 0xde, 0xad, 0xbe, 0xef])).toBe(true);
    const t0 = b.now;
    let polls = 0;
    while (!d.write(0x50, [0x12, 0x34]) && polls < 1000) polls++;
    expect(polls).toBeGreaterThan(0);
    expect(b.now - t0).toBeGreaterThanOrEqual(5e6 - 200_000); // tWR 5 ms from the STOP
    expect(d.writeRead(0x50, [0x12, 0x34], 4)).toEqual([0xde, 0xad, 0xbe, 0xef]);
    expect([...e.memory.subarray(0x1234, 0x1238)]).toEqual([0xde, 0xad, 0xbe, 0xef]);
  });
});

// --- a small ESP32 SPI master driver, by registers (TRM ch. 7) ----------------------------
const SPI3 = 0x3ff65000;
const CMD = 0x00,
  ADDR = 0x04,
  CLOCK = 0x18,
  USER = 0x1c,
  USER1 = 0x20,
  USER2 = 0x24,
  MOSI_DLEN = 0x28,
  MISO_DLEN = 0x2c,
  PIN = 0x34,
  SLAVE = 0x38,
  W0 = 0x80;
const USR = 1 << 18,
  DOUTDIN = 1,
  CK_OUT_EDGE = 1 << 7,
  USR_MOSI = 1 << 27,
  USR_MISO = 1 << 28,
  USR_DUMMY = 1 << 29,
  USR_ADDR = 1 << 30,
  USR_COMMAND = 2 ** 31;
const GPIO = 0x3ff44000,
  ENABLE_W1TS = 0x24,
  OUT_W1TS = 0x08,
  OUT_W1TC = 0x0c,
  FUNC0_OUT_SEL = 0x530;
const VSPICS0 = 68;

class Esp32SpiDriver {
  /** `cs`: a GPIO routed to VSPICS0 (hardware CS), or driven by GPIO_OUT around each transaction (`softwareCs`). */
  constructor(
    private readonly h: Hal,
    private readonly cs: number,
    private readonly o: {
      hz?: number;
      mode?: 0 | 1 | 2 | 3;
      softwareCs?: boolean;
    } = {},
  ) {
    // APB / (CLKDIV_PRE + 1) / (CLKCNT_N + 1); CLKCNT_H = half the cycle, CLKCNT_L = N.
    const div = Math.round(80e6 / (o.hz ?? 1e6)),
      pre = Math.ceil(div / 64) - 1,
      n = div / (pre + 1) - 1;
    h.store32(SPI3 + CLOCK, (pre << 18) | (n << 12) | (((n + 1) >> 1) << 6) | n);
    const mode = o.mode ?? 0,
      cpol = mode >> 1,
      cpha = mode & 1;
    h.store32(SPI3 + PIN, cpol << 29); // CS0 enabled, active low
    this.user = (cpha ^ cpol ? CK_OUT_EDGE : 0) | (1 << 6) | (1 << 5) | (1 << 4);
    h.store32(GPIO + FUNC0_OUT_SEL + 4 * cs, o.softwareCs ? 0x100 : VSPICS0);
    h.store32(GPIO + OUT_W1TS, 1 << cs);
    h.store32(GPIO + ENABLE_W1TS, 1 << cs);
  }
  private readonly user: number;
  private go(user: number): void {
    const h = this.h;
    if (this.o.softwareCs) h.store32(GPIO + OUT_W1TC, 1 << this.cs);
    h.store32(SPI3 + USER, (this.user | user) >>> 0);
    h.store32(SPI3 + CMD, USR);
    until(() => (h.load32(SPI3 + CMD) & USR) === 0, 'CMD.USR to clear');
    if (this.o.softwareCs) h.store32(GPIO + OUT_W1TS, 1 << this.cs);
  }
  private load(bytes: number[]): void {
    for (let i = 0; i < 16; i++)
      this.h.store32(
        SPI3 + W0 + 4 * i,
        (((bytes[4 * i + 3] ?? 0) << 24) | ((bytes[4 * i + 2] ?? 0) << 16) | ((bytes[4 * i + 1] ?? 0) << 8) | (bytes[4 * i] ?? 0)) >>> 0,
      );
  }
  private unload(n: number): number[] {
    return Array.from({ length: n }, (_, i) => (this.h.load32(SPI3 + W0 + 4 * (i >> 2)) >>> (8 * (i & 3))) & 0xff);
  }
  /** Full duplex: `bytes` out, what came back in the same buffer. */
  transfer(bytes: number[]): number[] {
    this.load(bytes);
    this.h.store32(SPI3 + MOSI_DLEN, bytes.length * 8 - 1);
    this.h.store32(SPI3 + MISO_DLEN, bytes.length * 8 - 1);
    this.go(DOUTDIN | USR_MOSI | USR_MISO);
    return this.unload(bytes.length);
  }
  /** Half duplex: command, 24-bit address, `dummy` clocks, then `n` bytes read. */
  readAt(command: number, address: number, n: number, dummy = 0): number[] {
    const h = this.h;
    h.store32(SPI3 + USER2, (7 << 28) | command);
    h.store32(SPI3 + USER1, (23 << 26) | Math.max(0, dummy - 1));
    h.store32(SPI3 + ADDR, (address << 8) >>> 0);
    h.store32(SPI3 + MISO_DLEN, n * 8 - 1);
    this.go(USR_COMMAND | USR_ADDR | USR_MISO | (dummy ? USR_DUMMY : 0));
    return this.unload(n);
  }
}

describe('ESP32 SPI controller', () => {
  const flashOn = (b: SimBoard) => b.attach(new SpiFlash({ bus: 3, cs: 5 }));

  it('full duplex through W0: the W25Q32 answers JEDEC ID EF 40 16, with the hardware CS0 on GPIO5 through the matrix', () => {
    const b = createBoard('esp32-devkitc');
    flashOn(b);
    const d = new Esp32SpiDriver(b.hal, 5);
    expect(b.gpio(5).level).toBe(true); // VSPICS0 idles high
    expect(d.transfer([0x9f, 0, 0, 0]).slice(1)).toEqual([0xef, 0x40, 0x16]);
    const cs = b
      .gpio(5)
      .edges()
      .map((e) => e.rising);
    expect(cs).toEqual([true, false, true]);
  });

  it('a transaction takes its bits at the SPI clock: CMD.USR stays set and CS stays low for 32 bits at 1 MHz', () => {
    const b = createBoard('esp32-devkitc');
    flashOn(b);
    new Esp32SpiDriver(b.hal, 5, { hz: 1e6 }).transfer([0x9f, 0, 0, 0]);
    const [fall, rise] = b.gpio(5).edges().slice(1);
    expect(rise!.t - fall!.t).toBeGreaterThanOrEqual(32_000);
    expect(rise!.t - fall!.t).toBeLessThan(32_000 + 100); // plus the driver's polling grain
  });

  it('half duplex phases: command + address + MISO reads, dummy clocks for fast read; page program with BUSY polling', () => {
    const b = createBoard('esp32-devkitc');
    const f = flashOn(b);
    const d = new Esp32SpiDriver(b.hal, 5, { hz: 10e6 });
    d.transfer([0x06]); // write enable
    expect(d.transfer([0x05, 0])[1]).toBe(0x02); // WEL
    d.transfer([0x02, 0x00, 0x01, 0x00, 1, 2, 3, 4, 5]); // page program 0x000100
    let polls = 0;
    while (d.transfer([0x05, 0])[1]! & 1 && polls < 1000) polls++;
    expect(polls).toBeGreaterThan(0);
    expect([...f.memory.subarray(0x100, 0x105)]).toEqual([1, 2, 3, 4, 5]);
    expect(d.readAt(0x03, 0x000101, 4)).toEqual([2, 3, 4, 5]);
    expect(d.readAt(0x0b, 0x000100, 3, 8)).toEqual([1, 2, 3]); // fast read: 8 dummy clocks
  });

  it('a GPIO as chip select works as well (software CS); mode 1 misses a mode-0/3 part (MISO reads all ones)', () => {
    const b = createBoard('esp32-devkitc');
    b.attach(new SpiFlash({ bus: 3, cs: 4 }));
    expect(new Esp32SpiDriver(b.hal, 4, { softwareCs: true, mode: 3 }).transfer([0x9f, 0, 0, 0])).toEqual([0xff, 0xef, 0x40, 0x16]);
    expect(new Esp32SpiDriver(b.hal, 4, { softwareCs: true, mode: 1 }).transfer([0x9f, 0, 0, 0])).toEqual([0xff, 0xff, 0xff, 0xff]);
  });

  it('TRANS_DONE with SLAVE.TRANS_INTEN raises SPI3 (31); clearing TRANS_DONE lowers it', () => {
    const b = createBoard('esp32-devkitc');
    flashOn(b);
    const h = b.hal;
    let hits = 0;
    h.irqSetHandler(31, () => {
      hits++;
      h.store32(SPI3 + SLAVE, h.load32(SPI3 + SLAVE) & ~(1 << 4));
    });
    h.irqSetEnabled(31, true);
    h.store32(SPI3 + SLAVE, 1 << 9);
    new Esp32SpiDriver(h, 5).transfer([0x9f, 0, 0, 0]);
    b.runFor('1us');
    expect(hits).toBe(1);
  });

  it('refuses what it does not model: DMA registers fault', () => {
    const b = createBoard('esp32-devkitc');
    expect(() => b.hal.load32(SPI3 + 0x100)).toThrow(/not a readable register/);
  });
});
