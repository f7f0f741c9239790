// RP2040 binding of the ECMA-419 classes: GPIO on SIO/IO_BANK0/PADS_BANK0 with edge
// interrupts on IO_IRQ_BANK0, and the peripherals the other classes drive. Every
// address, field position and pin function comes from the register definitions
// generated from RP2040.svd (src/registers/rp2040/); which pins can take which function
// is read from each GPIOn_CTRL.FUNCSEL's enumerated values.
import { volatileLoad, volatileStore } from '../mmio.js';
import { disableIrq, enableIrq, setInterruptHandler } from '../interrupt.js';
import { IO_BANK0 } from '../registers/rp2040/io_bank0.js';
import { PADS_BANK0 } from '../registers/rp2040/pads_bank0.js';
import { RESETS } from '../registers/rp2040/resets.js';
import { SIO } from '../registers/rp2040/sio.js';
import { UART0, UART1 } from '../registers/rp2040/uart0.js';
import { IoRangeError, IoTypeError, edgeWatchers, fieldMask, notifyEdges, routeIrq } from './common.js';
import { defineSerial, type UartBinding } from './serial.js';
import { defineI2C, type I2cBinding } from './i2c.js';
import { defineSMBus } from './smbus.js';
import { I2C0, I2C1 } from '../registers/rp2040/i2c0.js';
import { SPI0, SPI1 } from '../registers/rp2040/spi0.js';
import { defineSPI, type SpiBinding } from './spi.js';
import { PWM as PWM_REGS } from '../registers/rp2040/pwm.js';
import { ADC } from '../registers/rp2040/adc.js';
import { definePWM, type PwmBinding } from './pwm.js';
import { defineAnalog, type AdcBinding } from './analog.js';
import { DigitalMode, defineDigitalBank, type DigitalModeValue, type GpioBinding } from './digitalbank.js';
import { defineDigital } from './digital.js';

/** GPIOs of bank 0: GPIO0..29. */
export const GPIO_COUNT = 30;
const ALL_PINS = (1 << GPIO_COUNT) - 1;
/** RP2040 atomic register aliases (datasheet 2.1.2). */
const SET = 0x2000,
  CLR = 0x3000;

const at = (p: { baseAddress: number }, r: { addressOffset: number }) => p.baseAddress + r.addressOffset;
export { fieldMask };

const io = IO_BANK0.registers,
  pads = PADS_BANK0.registers,
  sio = SIO.registers;
const GPIO_IN = at(SIO, sio.GPIO_IN),
  OUT_SET = at(SIO, sio.GPIO_OUT_SET),
  OUT_CLR = at(SIO, sio.GPIO_OUT_CLR);
const OE_SET = at(SIO, sio.GPIO_OE_SET),
  OE_CLR = at(SIO, sio.GPIO_OE_CLR);
const CTRL0 = at(IO_BANK0, io.GPIO_CTRL),
  CTRL_STRIDE = io.GPIO_CTRL.dimIncrement;
const PAD0 = at(PADS_BANK0, pads.GPIO),
  PAD_STRIDE = pads.GPIO.dimIncrement;
const PAD_RESET = pads.GPIO.resetValue;
const pad = pads.GPIO.fields;
const INTR0 = at(IO_BANK0, io.INTR0),
  INTE0 = at(IO_BANK0, io.PROC_INTE0),
  INTS0 = at(IO_BANK0, io.PROC_INTS0); // core 0's (element 0)
const IO_IRQ = IO_BANK0.interrupts.IO_IRQ_BANK0;
const FUNCSEL = io.GPIO_CTRL.fields.FUNCSEL;
const FUNC_SIO = FUNCSEL.elementEnumeratedValues[0].sio_0,
  FUNC_NULL = FUNCSEL.elementEnumeratedValues[0].null;
// Per pin, 4 bits in INTRn/PROC0_INTEn/PROC0_INTSn (n = pin / 8): LEVEL_LOW, LEVEL_HIGH, EDGE_LOW, EDGE_HIGH.
const EDGE_LOW = 1 << io.INTR0.fields.GPIO0_EDGE_LOW.bitOffset,
  EDGE_HIGH = 1 << io.INTR0.fields.GPIO0_EDGE_HIGH.bitOffset;

/** Takes the peripherals of RESETS.RESET named in `names` out of reset and waits for RESET_DONE. */
export function unreset(...names: (keyof typeof RESETS.registers.RESET.fields)[]): void {
  let bits = 0;
  for (const n of names) bits |= fieldMask(RESETS.registers.RESET.fields[n]);
  const reset = at(RESETS, RESETS.registers.RESET);
  if ((volatileLoad(reset) & bits) === 0) return;
  volatileStore(reset + CLR, bits >>> 0);
  const done = at(RESETS, RESETS.registers.RESET_DONE);
  while ((volatileLoad(done) & bits) !== bits);
}

/** The FUNCSEL value of `fn` (e.g. 'i2c0_sda', 'spi1_tx', 'pwm_a_3') on GPIO `pin`, or undefined where the pin lacks it. */
export function pinFunction(pin: number, fn: string): number | undefined {
  return funcsOf(pin)?.[fn];
}

function funcsOf(pin: number): Readonly<Record<string, number>> | undefined {
  return Number.isInteger(pin) ? (FUNCSEL.elementEnumeratedValues as readonly Readonly<Record<string, number>>[])[pin] : undefined;
}

/** The function names GPIO `pin` offers (its FUNCSEL enumeration). */
export function pinFunctions(pin: number): string[] {
  return Object.keys(funcsOf(pin) ?? {});
}

/** Routes GPIO `pin` to function `funcsel` with its pad set for it (input enabled, output not disabled, pulls as given). */
export function muxPin(pin: number, funcsel: number, pullUp = false, pullDown = false): void {
  volatileStore(
    PAD0 + PAD_STRIDE * pin,
    (PAD_RESET & ~(fieldMask(pad.OD) | fieldMask(pad.PUE) | fieldMask(pad.PDE))) |
      fieldMask(pad.IE) |
      (pullUp ? fieldMask(pad.PUE) : 0) |
      (pullDown ? fieldMask(pad.PDE) : 0),
  );
  volatileStore(CTRL0 + CTRL_STRIDE * pin, funcsel);
}

/** Puts GPIO `pin` back to its reset state: no function, reset pad. */
export function unmuxPin(pin: number): void {
  volatileStore(CTRL0 + CTRL_STRIDE * pin, FUNC_NULL);
  volatileStore(PAD0 + PAD_STRIDE * pin, PAD_RESET);
}

/** Sets the pad of GPIO `pin` for an analog input: input and output buffers off, no pulls (datasheet 4.9.1). */
export function analogPad(pin: number): void {
  volatileStore(CTRL0 + CTRL_STRIDE * pin, FUNC_NULL);
  volatileStore(PAD0 + PAD_STRIDE * pin, (PAD_RESET & ~(fieldMask(pad.IE) | fieldMask(pad.PUE) | fieldMask(pad.PDE))) | fieldMask(pad.OD));
}

/** IO_IRQ_BANK0: acknowledges the edges latched for core 0 and tells each watcher about its pins. */
function gpioIrq(): void {
  let rose = 0,
    fell = 0;
  for (let r = 0; r < 4; r++) {
    const s = volatileLoad(INTS0 + 4 * r);
    if (s === 0) continue;
    const edges = s & 0xcccccccc;
    if (edges !== 0) volatileStore(INTR0 + 4 * r, edges >>> 0);
    for (let i = 0; i < 8; i++) {
      const b = s >>> (4 * i);
      if (b & EDGE_HIGH) rose |= 1 << (8 * r + i);
      if (b & EDGE_LOW) fell |= 1 << (8 * r + i);
    }
  }
  notifyEdges('rp2040.gpio', rose, fell);
}

/** Sets (or clears) the edge enables of `pins` in PROC0_INTEn. */
function setEdgeEnables(pins: number, rises: number, falls: number): void {
  for (let r = 0; r < 4; r++) {
    let clear = 0,
      set = 0;
    for (let i = 0; i < 8; i++) {
      const p = 8 * r + i;
      if (!((pins >>> p) & 1)) continue;
      const sh = 4 * i;
      clear |= (EDGE_LOW | EDGE_HIGH) << sh;
      if ((rises >>> p) & 1) set |= EDGE_HIGH << sh;
      if ((falls >>> p) & 1) set |= EDGE_LOW << sh;
    }
    if (clear === 0) continue;
    volatileStore(INTR0 + 4 * r, clear >>> 0); // drop edges latched before
    volatileStore(INTE0 + 4 * r + CLR, clear >>> 0);
    if (set !== 0) volatileStore(INTE0 + 4 * r + SET, set >>> 0);
  }
}

export const rp2040Gpio: GpioBinding = {
  banks: [ALL_PINS],
  configure(_bank: number, mask: number, mode: DigitalModeValue, initial: number): void {
    unreset('IO_BANK0', 'PADS_BANK0');
    const pullUp = mode === DigitalMode.InputPullUp || mode === DigitalMode.InputPullUpDown;
    const pullDown = mode === DigitalMode.InputPullDown || mode === DigitalMode.InputPullUpDown;
    if (mode === DigitalMode.OutputOpenDrain) {
      volatileStore(OUT_CLR, mask);
      if (initial !== 0) volatileStore(OE_CLR, initial);
      if ((mask & ~initial) !== 0) volatileStore(OE_SET, (mask & ~initial) >>> 0);
    } else if (mode === DigitalMode.Output) {
      if (initial !== 0) volatileStore(OUT_SET, initial);
      if ((mask & ~initial) !== 0) volatileStore(OUT_CLR, (mask & ~initial) >>> 0);
      volatileStore(OE_SET, mask);
    } else {
      volatileStore(OE_CLR, mask);
    }
    for (let p = 0; p < GPIO_COUNT; p++) if ((mask >>> p) & 1) muxPin(p, FUNC_SIO, pullUp, pullDown);
  },
  reset(_bank: number, mask: number): void {
    volatileStore(OE_CLR, mask);
    volatileStore(OUT_CLR, mask);
    for (let p = 0; p < GPIO_COUNT; p++) if ((mask >>> p) & 1) unmuxPin(p);
  },
  read(): number {
    return volatileLoad(GPIO_IN);
  },
  write(_bank: number, mask: number, value: number, openDrain: boolean): void {
    const hi = (value & mask) >>> 0,
      lo = (~value & mask) >>> 0;
    if (openDrain) {
      if (hi !== 0) volatileStore(OE_CLR, hi);
      if (lo !== 0) volatileStore(OE_SET, lo);
    } else {
      if (hi !== 0) volatileStore(OUT_SET, hi);
      if (lo !== 0) volatileStore(OUT_CLR, lo);
    }
  },
  direct() {
    return { set: OUT_SET, clear: OUT_CLR, input: GPIO_IN };
  },
  watch(_bank: number, pins: number, rises: number, falls: number, notify: ((triggers: number) => void) | undefined): void {
    const list = edgeWatchers('rp2040.gpio');
    const had = list.length;
    for (let i = list.length - 1; i >= 0; i--) if ((list[i]!.pins & pins) !== 0) list.splice(i, 1);
    setEdgeEnables(pins, notify === undefined ? 0 : rises, notify === undefined ? 0 : falls);
    if (notify !== undefined) list.push({ pins, rises, falls, notify });
    if (had === 0 && list.length > 0) {
      setInterruptHandler(IO_IRQ, gpioIrq);
      enableIrq(IO_IRQ);
    } else if (had > 0 && list.length === 0) {
      disableIrq(IO_IRQ);
      setInterruptHandler(IO_IRQ, undefined);
    }
  },
};

// --- UART (PL011) -----------------------------------------------------------------------

/** clk_peri as pico-sdk sets it up (and rp2040js models): the UART and SPI baud generators run from it. */
export const CLK_PERI_HZ = 125_000_000;
const UARTS = [UART0, UART1] as const;
const uart = UART0.registers;
const DR = uart.UARTDR.addressOffset,
  FR = uart.UARTFR.addressOffset,
  IBRD = uart.UARTIBRD.addressOffset,
  FBRD = uart.UARTFBRD.addressOffset;
const LCR_H = uart.UARTLCR_H.addressOffset,
  CR = uart.UARTCR.addressOffset,
  IMSC = uart.UARTIMSC.addressOffset,
  ICR = uart.UARTICR.addressOffset,
  RIS = uart.UARTRIS.addressOffset;
const fr = uart.UARTFR.fields,
  lcr = uart.UARTLCR_H.fields,
  cr = uart.UARTCR.fields,
  imsc = uart.UARTIMSC.fields;
const FIFO_DEPTH = 32;

/** The lowest GPIO offering function `fn`, or undefined. */
function firstPinWith(fn: string): number | undefined {
  for (let p = 0; p < GPIO_COUNT; p++) if (pinFunction(p, fn) !== undefined) return p;
  return undefined;
}

function checkPinFunction(pin: number | undefined, fn: string, what: string, cls: string): void {
  if (pin !== undefined && pinFunction(pin, fn) === undefined) throw new IoRangeError(`${cls}: GPIO${pin} cannot be ${what} (${fn})`);
}

export const rp2040Uart: UartBinding = {
  ports: UARTS.length,
  resolve(port, transmit, receive, cls) {
    if (port === undefined) {
      const pin = transmit ?? receive;
      if (pin === undefined) throw new IoTypeError(`${cls}: options.port, options.transmit or options.receive is required`);
      for (let p = 0; p < UARTS.length && port === undefined; p++)
        if (pinFunction(pin, `uart${p}_${transmit !== undefined ? 'tx' : 'rx'}`) !== undefined) port = p;
      if (port === undefined) throw new IoRangeError(`${cls}: GPIO${pin} is no UART pin`);
    }
    if (transmit === undefined && receive === undefined) {
      transmit = firstPinWith(`uart${port}_tx`);
      receive = firstPinWith(`uart${port}_rx`);
    }
    checkPinFunction(transmit, `uart${port}_tx`, `UART${port} transmit`, cls);
    checkPinFunction(receive, `uart${port}_rx`, `UART${port} receive`, cls);
    return { port, transmit, receive };
  },
  open(port, c, cls) {
    // pico-sdk's uart_set_baudrate: 64ths of the divisor, rounded; IBRD 1..65535.
    const div = Math.floor((8 * CLK_PERI_HZ) / c.baud);
    const ibrd = div >> 7,
      fbrd = ((div & 0x7f) + 1) >> 1;
    if (ibrd === 0 || ibrd > 0xffff)
      throw new IoRangeError(
        `${cls}: baud ${c.baud} is out of the UART's range (${Math.ceil(CLK_PERI_HZ / 16 / 0xffff)}..${CLK_PERI_HZ / 16} from a ${CLK_PERI_HZ / 1e6} MHz clk_peri)`,
      );
    unreset(port === 0 ? 'UART0' : 'UART1', 'IO_BANK0', 'PADS_BANK0');
    const base = UARTS[port]!.baseAddress;
    volatileStore(base + CR, 0);
    volatileStore(base + IBRD, ibrd);
    volatileStore(base + FBRD, fbrd);
    // LCR_H latches the divisors (PL011), so it is written after them.
    let lcrH = fieldMask(lcr.FEN) | ((c.dataBits - 5) << lcr.WLEN.bitOffset);
    if (c.parity !== 'none') lcrH |= fieldMask(lcr.PEN) | (c.parity === 'even' ? fieldMask(lcr.EPS) : 0);
    if (c.stopBits === 2) lcrH |= fieldMask(lcr.STP2);
    volatileStore(base + LCR_H, lcrH);
    volatileStore(base + CR, fieldMask(cr.UARTEN) | fieldMask(cr.TXE) | fieldMask(cr.RXE));
    if (c.transmit !== undefined) muxPin(c.transmit, pinFunction(c.transmit, `uart${port}_tx`)!);
    if (c.receive !== undefined) muxPin(c.receive, pinFunction(c.receive, `uart${port}_rx`)!, true);
  },
  close(port, c) {
    const base = UARTS[port]!.baseAddress;
    volatileStore(base + CR, 0);
    if (c.transmit !== undefined) unmuxPin(c.transmit);
    if (c.receive !== undefined) unmuxPin(c.receive);
  },
  readable(port) {
    return (volatileLoad(UARTS[port]!.baseAddress + FR) & fieldMask(fr.RXFE)) === 0;
  },
  readByte(port) {
    return volatileLoad(UARTS[port]!.baseAddress + DR) & 0xfff;
  },
  writable(port) {
    const base = UARTS[port]!.baseAddress;
    const f = volatileLoad(base + FR);
    if (f & fieldMask(fr.TXFE)) return FIFO_DEPTH;
    if (f & fieldMask(fr.TXFF)) return 0;
    // TXRIS: the FIFO is at or below its trigger level (UARTIFLS reset: half).
    return volatileLoad(base + RIS) & fieldMask(uart.UARTRIS.fields.TXRIS) ? FIFO_DEPTH / 2 : 1;
  },
  writeByte(port, byte) {
    volatileStore(UARTS[port]!.baseAddress + DR, byte);
  },
  interrupt(port, rx, tx, handler) {
    const u = UARTS[port]!;
    const irq = port === 0 ? UART0.interrupts.UART0_IRQ : UART1.interrupts.UART1_IRQ;
    const rxBits = fieldMask(imsc.RXIM) | fieldMask(imsc.RTIM) | fieldMask(imsc.OEIM) | fieldMask(imsc.FEIM) | fieldMask(imsc.PEIM) | fieldMask(imsc.BEIM);
    const mask = (rx ? rxBits : 0) | (tx ? fieldMask(imsc.TXIM) : 0);
    volatileStore(u.baseAddress + IMSC, mask);
    routeIrq(
      irq,
      mask,
      handler &&
        (() => {
          // Error and timeout sources are cleared here; RX and TX clear as the FIFOs move.
          volatileStore(
            u.baseAddress + ICR,
            fieldMask(uart.UARTICR.fields.OEIC) |
              fieldMask(uart.UARTICR.fields.FEIC) |
              fieldMask(uart.UARTICR.fields.PEIC) |
              fieldMask(uart.UARTICR.fields.BEIC) |
              fieldMask(uart.UARTICR.fields.RTIC),
          );
          handler();
        }),
    );
  },
};

// --- I2C (DW_apb_i2c, controller mode) ----------------------------------------------------

/** clk_sys as pico-sdk sets it up (and rp2040js models): the I2C SCL counts run from it. */
export const CLK_SYS_HZ = 125_000_000;
const I2CS = [I2C0, I2C1] as const;
const ic = I2C0.registers;
const icCon = ic.IC_CON.fields,
  dataCmd = ic.IC_DATA_CMD.fields,
  raw = ic.IC_RAW_INTR_STAT.fields;
const CMD_READ = fieldMask(dataCmd.CMD),
  CMD_STOP = fieldMask(dataCmd.STOP),
  CMD_RESTART = fieldMask(dataCmd.RESTART);
const TX_ABRT = fieldMask(raw.TX_ABRT),
  STOP_DET = fieldMask(raw.STOP_DET),
  TX_EMPTY = fieldMask(raw.TX_EMPTY);
const abrt = ic.IC_TX_ABRT_SOURCE.fields;
const ADDR_NACK = fieldMask(abrt.ABRT_7B_ADDR_NOACK),
  DATA_NACK = fieldMask(abrt.ABRT_TXDATA_NOACK),
  ARB_LOST = fieldMask(abrt.ARB_LOST);
const IC_FIFO_DEPTH = 16;

export const rp2040I2c: I2cBinding = {
  ports: I2CS.length,
  maxHz: 1_000_000,
  resolve(port, data, clock, cls) {
    if (port === undefined) {
      const pin = data ?? clock;
      if (pin === undefined) throw new IoTypeError(`${cls}: options.data and options.clock, or options.port, are required`);
      for (let p = 0; p < I2CS.length && port === undefined; p++) if (pinFunction(pin, `i2c${p}_${data !== undefined ? 'sda' : 'scl'}`) !== undefined) port = p;
      if (port === undefined) throw new IoRangeError(`${cls}: GPIO${pin} is no I2C pin`);
    }
    data ??= firstPinWith(`i2c${port}_sda`)!;
    clock ??= firstPinWith(`i2c${port}_scl`)!;
    checkPinFunction(data, `i2c${port}_sda`, `I2C${port} data (SDA)`, cls);
    checkPinFunction(clock, `i2c${port}_scl`, `I2C${port} clock (SCL)`, cls);
    return { port, data, clock };
  },
  open({ port, data, clock, hz }) {
    unreset(port === 0 ? 'I2C0' : 'I2C1', 'IO_BANK0', 'PADS_BANK0');
    const base = I2CS[port]!.baseAddress;
    volatileStore(base + ic.IC_ENABLE.addressOffset, 0);
    volatileStore(
      base + ic.IC_CON.addressOffset,
      (icCon.SPEED.enumeratedValues.FAST << icCon.SPEED.bitOffset) |
        fieldMask(icCon.MASTER_MODE) |
        fieldMask(icCon.IC_SLAVE_DISABLE) |
        fieldMask(icCon.IC_RESTART_EN) |
        fieldMask(icCon.TX_EMPTY_CTRL),
    );
    volatileStore(base + ic.IC_TX_TL.addressOffset, 0);
    volatileStore(base + ic.IC_RX_TL.addressOffset, 0);
    // pico-sdk's i2c_set_baudrate: 3/5 of the period low, 2/5 high, in clk_sys cycles.
    const period = Math.floor((CLK_SYS_HZ + hz / 2) / hz);
    const lcnt = Math.floor((period * 3) / 5),
      hcnt = period - lcnt;
    volatileStore(base + ic.IC_FS_SCL_HCNT.addressOffset, Math.min(hcnt, 0xffff));
    volatileStore(base + ic.IC_FS_SCL_LCNT.addressOffset, Math.min(lcnt, 0xffff));
    volatileStore(base + ic.IC_FS_SPKLEN.addressOffset, lcnt < 16 ? 1 : Math.min(Math.floor(lcnt / 16), 0xff));
    volatileStore(base + ic.IC_ENABLE.addressOffset, 1);
    muxPin(data, pinFunction(data, `i2c${port}_sda`)!, true);
    muxPin(clock, pinFunction(clock, `i2c${port}_scl`)!, true);
  },
  close({ port, data, clock }) {
    volatileStore(I2CS[port]!.baseAddress + ic.IC_ENABLE.addressOffset, 0);
    unmuxPin(data);
    unmuxPin(clock);
  },
  transfer(port, address, bytes, read, restart, stop) {
    const base = I2CS[port]!.baseAddress;
    const rawStat = base + ic.IC_RAW_INTR_STAT.addressOffset,
      cmd = base + ic.IC_DATA_CMD.addressOffset;
    // The target address changes only while the controller is disabled (datasheet 4.3.10.2).
    if (volatileLoad(base + ic.IC_TAR.addressOffset) !== address) {
      volatileStore(base + ic.IC_ENABLE.addressOffset, 0);
      volatileStore(base + ic.IC_TAR.addressOffset, address);
      volatileStore(base + ic.IC_ENABLE.addressOffset, 1);
    }
    let aborted = 0,
      sent = 0,
      received = 0;
    const n = bytes.length;
    while (received < (read ? n : 0) || sent < n) {
      // Keep the TX FIFO (commands) fed, without overrunning the RX FIFO on reads.
      while (sent < n && volatileLoad(base + ic.IC_TXFLR.addressOffset) < IC_FIFO_DEPTH && (!read || sent - received < IC_FIFO_DEPTH)) {
        const first = sent === 0,
          last = sent === n - 1;
        volatileStore(cmd, (read ? CMD_READ : bytes[sent]!) | (first && restart ? CMD_RESTART : 0) | (last && stop ? CMD_STOP : 0));
        sent++;
      }
      if (read) while (received < sent && volatileLoad(base + ic.IC_RXFLR.addressOffset) > 0) bytes[received++] = volatileLoad(cmd) & 0xff;
      else while ((volatileLoad(rawStat) & (TX_EMPTY | TX_ABRT)) === 0);
      if (volatileLoad(rawStat) & TX_ABRT) {
        aborted = volatileLoad(base + ic.IC_TX_ABRT_SOURCE.addressOffset);
        volatileLoad(base + ic.IC_CLR_TX_ABRT.addressOffset);
        break;
      }
    }
    // After a STOP (asked for, or sent by the controller on an abort) wait for it on the bus:
    // a NACK of the last byte is known only then.
    if (stop || aborted !== 0) {
      while ((volatileLoad(rawStat) & STOP_DET) === 0);
      volatileLoad(base + ic.IC_CLR_STOP_DET.addressOffset);
    }
    if (aborted === 0 && volatileLoad(rawStat) & TX_ABRT) {
      aborted = volatileLoad(base + ic.IC_TX_ABRT_SOURCE.addressOffset);
      volatileLoad(base + ic.IC_CLR_TX_ABRT.addressOffset);
    }
    if (aborted & ADDR_NACK) return 'address-nack';
    if (aborted & DATA_NACK) return 'data-nack';
    if (aborted & ARB_LOST) return 'arbitration-lost';
    return aborted === 0 ? 'ok' : 'data-nack';
  },
};

// --- SPI (PL022, controller mode, 8-bit frames) -----------------------------------------

const SPIS = [SPI0, SPI1] as const;
const ssp = SPI0.registers;
const cr0 = ssp.SSPCR0.fields,
  sr = ssp.SSPSR.fields;
const SSP_FIFO_DEPTH = 8;

export const rp2040Spi: SpiBinding = {
  ports: SPIS.length,
  maxHz: CLK_PERI_HZ / 2,
  resolve(port, clock, out, input, cls) {
    if (port === undefined) {
      for (let p = 0; p < SPIS.length && port === undefined; p++) if (pinFunction(clock, `spi${p}_sclk`) !== undefined) port = p;
      if (port === undefined) throw new IoRangeError(`${cls}: GPIO${clock} is no SPI clock pin`);
    }
    checkPinFunction(clock, `spi${port}_sclk`, `SPI${port} clock`, cls);
    checkPinFunction(out, `spi${port}_tx`, `SPI${port} out (MOSI)`, cls);
    checkPinFunction(input, `spi${port}_rx`, `SPI${port} in (MISO)`, cls);
    return { port, clock, out, in: input };
  },
  open({ port, clock, out, in: input }) {
    unreset(port === 0 ? 'SPI0' : 'SPI1', 'IO_BANK0', 'PADS_BANK0');
    const base = SPIS[port]!.baseAddress;
    volatileStore(base + ssp.SSPCR1.addressOffset, 0);
    muxPin(clock, pinFunction(clock, `spi${port}_sclk`)!);
    if (out !== undefined) muxPin(out, pinFunction(out, `spi${port}_tx`)!);
    if (input !== undefined) muxPin(input, pinFunction(input, `spi${port}_rx`)!);
  },
  close({ port, clock, out, in: input }) {
    volatileStore(SPIS[port]!.baseAddress + ssp.SSPCR1.addressOffset, 0);
    for (const p of [clock, out, input]) if (p !== undefined) unmuxPin(p);
  },
  configure(port, hz, mode, cls) {
    // pico-sdk's spi_set_baudrate: the smallest even prescale that lets SCR reach hz, then SCR.
    let prescale = 2;
    while (prescale <= 254 && CLK_PERI_HZ >= (prescale + 2) * 256 * hz) prescale += 2;
    if (prescale > 254) throw new IoRangeError(`${cls}: hz ${hz} is below what the SPI clock divider makes from ${CLK_PERI_HZ / 1e6} MHz`);
    let postdiv = 256;
    while (postdiv > 1 && CLK_PERI_HZ / (prescale * (postdiv - 1)) <= hz) postdiv--;
    const base = SPIS[port]!.baseAddress;
    const sse = fieldMask(ssp.SSPCR1.fields.SSE);
    volatileStore(base + ssp.SSPCR1.addressOffset + CLR, sse); // CR0/CPSR change with the port disabled
    volatileStore(base + ssp.SSPCPSR.addressOffset, prescale);
    volatileStore(
      base + ssp.SSPCR0.addressOffset,
      ((postdiv - 1) << cr0.SCR.bitOffset) | ((mode >> 1) << cr0.SPO.bitOffset) | ((mode & 1) << cr0.SPH.bitOffset) | (7 << cr0.DSS.bitOffset),
    );
    volatileStore(base + ssp.SSPCR1.addressOffset, sse);
    return CLK_PERI_HZ / (prescale * postdiv);
  },
  exchange(port, tx, rx, length) {
    const base = SPIS[port]!.baseAddress;
    const srA = base + ssp.SSPSR.addressOffset,
      dr = base + ssp.SSPDR.addressOffset;
    const TNF = fieldMask(sr.TNF),
      RNE = fieldMask(sr.RNE);
    let sent = 0,
      received = 0;
    // pico-sdk's spi_write_read_blocking: never more than a FIFO's worth in flight, so RX cannot overrun.
    while (sent < length || received < length) {
      const s = volatileLoad(srA);
      if (sent < length && s & TNF && sent - received < SSP_FIFO_DEPTH) {
        volatileStore(dr, tx === undefined ? 0 : tx[sent]!);
        sent++;
      }
      if (received < length && s & RNE) {
        const v = volatileLoad(dr) & 0xff;
        if (rx !== undefined) rx[received] = v;
        received++;
      }
    }
  },
  flush(port) {
    const srA = SPIS[port]!.baseAddress + ssp.SSPSR.addressOffset;
    while (volatileLoad(srA) & fieldMask(sr.BSY));
  },
};

// --- PWM (8 slices of 2 channels) -----------------------------------------------------

const pwmRegs = PWM_REGS.registers;
const SLICE_STRIDE = pwmRegs.CH_CSR.dimIncrement;
const sliceAddr = (slice: number, r: { addressOffset: number }) => PWM_REGS.baseAddress + r.addressOffset + SLICE_STRIDE * slice;
const pwmFn = (pin: number) => `pwm_${pin & 1 ? 'b' : 'a'}_${(pin >> 1) & 7}`;
const ccField = (pin: number) => (pin & 1 ? pwmRegs.CH_CC.fields.B : pwmRegs.CH_CC.fields.A);

export const rp2040Pwm: PwmBinding = {
  pinCount: GPIO_COUNT,
  maxResolution: 16,
  counterOf(pin, cls) {
    if (pinFunction(pin, pwmFn(pin)) === undefined) throw new IoRangeError(`${cls}: GPIO${pin} has no PWM output`);
    return `PWM slice ${(pin >> 1) & 7}`;
  },
  open(pin, hz, resolution, first, cls) {
    const slice = (pin >> 1) & 7;
    if (first) {
      // Fractional divider (16ths, 1..255 15/16) as small as lets TOP (the period - 1) fit 16 bits.
      const div16 = Math.max(16, Math.ceil((CLK_SYS_HZ * 16) / (hz * 65536)));
      const top = Math.round((CLK_SYS_HZ * 16) / (div16 * hz)) - 1;
      if (div16 > 0xfff || top < 1)
        throw new IoRangeError(
          `${cls}: hz ${hz} is out of the PWM's range (${Math.ceil(CLK_SYS_HZ / (256 * 65536))}..${CLK_SYS_HZ / 2} Hz at ${CLK_SYS_HZ / 1e6} MHz)`,
        );
      if (top + 1 < 2 ** resolution - 1)
        throw new IoRangeError(`${cls}: ${resolution} bits of resolution need a period of ${2 ** resolution - 1} clocks; at ${hz} Hz it has ${top + 1}`);
      unreset('PWM', 'IO_BANK0', 'PADS_BANK0');
      volatileStore(sliceAddr(slice, pwmRegs.CH_CSR), 0);
      volatileStore(sliceAddr(slice, pwmRegs.CH_DIV), div16);
      volatileStore(sliceAddr(slice, pwmRegs.CH0_TOP), top);
      volatileStore(sliceAddr(slice, pwmRegs.CH_CC), 0);
      volatileStore(sliceAddr(slice, pwmRegs.CH_CSR), fieldMask(pwmRegs.CH_CSR.fields.EN));
    } else {
      const f = ccField(pin);
      const cc = sliceAddr(slice, pwmRegs.CH_CC);
      volatileStore(cc, (volatileLoad(cc) & ~fieldMask(f)) >>> 0);
    }
    muxPin(pin, pinFunction(pin, pwmFn(pin))!);
  },
  write(pin, value, resolution) {
    const slice = (pin >> 1) & 7,
      f = ccField(pin);
    const period = (volatileLoad(sliceAddr(slice, pwmRegs.CH0_TOP)) & 0xffff) + 1;
    const max = 2 ** resolution - 1;
    // value = max is 100 %: CC = TOP + 1 keeps the output high all the period.
    const level = value === max ? period : Math.round((value * period) / max);
    const cc = sliceAddr(slice, pwmRegs.CH_CC);
    volatileStore(cc, ((volatileLoad(cc) & ~fieldMask(f)) | (Math.min(level, 0xffff) << f.bitOffset)) >>> 0);
  },
  close(pin, last) {
    const slice = (pin >> 1) & 7;
    unmuxPin(pin);
    if (last) volatileStore(sliceAddr(slice, pwmRegs.CH_CSR), 0);
  },
};

// --- ADC (12 bits; channels 0..3 on GPIO26..29) ----------------------------------------

const adcRegs = ADC.registers,
  cs = adcRegs.CS.fields;
const ADC_FIRST_PIN = 26;

export const rp2040Adc: AdcBinding = {
  pinCount: GPIO_COUNT,
  resolution: 12,
  channelOf(pin, cls) {
    if (pin < ADC_FIRST_PIN || pin > ADC_FIRST_PIN + 3) throw new IoRangeError(`${cls}: GPIO${pin} is no ADC input (GPIO26..29)`);
    return pin - ADC_FIRST_PIN;
  },
  open(pin) {
    unreset('ADC', 'IO_BANK0', 'PADS_BANK0');
    analogPad(pin);
    const csA = at(ADC, adcRegs.CS);
    if ((volatileLoad(csA) & fieldMask(cs.EN)) === 0) {
      volatileStore(csA, fieldMask(cs.EN));
      while ((volatileLoad(csA) & fieldMask(cs.READY)) === 0);
    }
  },
  read(channel) {
    const csA = at(ADC, adcRegs.CS);
    while ((volatileLoad(csA) & fieldMask(cs.READY)) === 0);
    volatileStore(csA, fieldMask(cs.EN) | (channel << cs.AINSEL.bitOffset) | fieldMask(cs.START_ONCE));
    while ((volatileLoad(csA) & fieldMask(cs.READY)) === 0);
    return volatileLoad(at(ADC, adcRegs.RESULT)) & 0xfff;
  },
  close(pin) {
    unmuxPin(pin);
  },
};

// --- The classes, bound to the RP2040 --------------------------------------------------

export const Digital = /* @__PURE__ */ defineDigital(rp2040Gpio);
export const DigitalBank = /* @__PURE__ */ defineDigitalBank(rp2040Gpio);
export const Serial = /* @__PURE__ */ defineSerial(rp2040Uart);
export const I2C = /* @__PURE__ */ defineI2C(rp2040I2c);
export const SMBus = /* @__PURE__ */ defineSMBus(I2C);
export const SPI = /* @__PURE__ */ defineSPI(rp2040Spi, rp2040Gpio);
export const PWM = /* @__PURE__ */ definePWM(rp2040Pwm);
export const Analog = /* @__PURE__ */ defineAnalog(rp2040Adc);
