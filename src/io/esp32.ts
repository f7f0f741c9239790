// ESP32 binding of the ECMA-419 classes, on the register definitions generated from esp32.svd
// (src/registers/esp32/, corrected by tools/svd/patches/esp32.json):
// - Digital and DigitalBank on the GPIO matrix (pins 0..31: OUT/ENABLE with their W1TS/W1TC
//   aliases, IN, FUNCn_OUT_SEL_CFG = 0x100 for a GPIO output) with edge interrupts through
//   PINn.INT_TYPE and the GPIO interrupt source. Pulls need the IO_MUX, which the simulator does
//   not model: the pull modes are refused.
// - PWM on LEDC: each output takes a channel (high speed 0..7, then low speed 0..7) and a timer
//   of the channel's group running at its hz and resolution (outputs at the same hz and
//   resolution share a timer), routed to the pin through the GPIO matrix (LEDC_HS_SIG_OUT0 = 71,
//   LEDC_LS_SIG_OUT0 = 79).
// - Serial on UART0..2, pins routed through the GPIO matrix (U0TXD/U0RXD = 14, U1 = 17, U2 = 198),
//   the receive FIFO's threshold interrupt feeding onReadable.
// Not yet: pins 32..39 (OUT1/ENABLE1), I2C, SPI, Analog.
import { volatileLoad, volatileStore } from '../mmio.js';
import { disableIrq, enableIrq, setInterruptHandler } from '../interrupt.js';
import { GPIO } from '../registers/esp32/gpio.js';
import { LEDC } from '../registers/esp32/ledc.js';
import { UART0, UART1, UART2 } from '../registers/esp32/uart0.js';
import { IoRangeError, IoTypeError, ResourceInUse, edgeWatchers, fieldMask, ioState, notifyEdges, routeIrq } from './common.js';
import { DigitalMode, defineDigitalBank, type DigitalModeValue, type GpioBinding } from './digitalbank.js';
import { defineDigital } from './digital.js';
import { definePWM, type PwmBinding } from './pwm.js';
import { defineSerial, type UartBinding } from './serial.js';

/** The address of element `i` of a register (array) of peripheral `p`. */
const at = (p: { baseAddress: number }, r: { addressOffset: number; dimIncrement?: number }, i = 0) =>
  p.baseAddress + r.addressOffset + (r.dimIncrement ?? 0) * i;

const g = GPIO.registers;
const OUT_W1TS = at(GPIO, g.OUT_W1TS),
  OUT_W1TC = at(GPIO, g.OUT_W1TC),
  ENABLE_W1TS = at(GPIO, g.ENABLE_W1TS),
  ENABLE_W1TC = at(GPIO, g.ENABLE_W1TC);
const IN = at(GPIO, g.IN),
  STATUS_W1TC = at(GPIO, g.STATUS_W1TC),
  PCPU_INT = at(GPIO, g.PCPU_INT);
const pinCfg = g.PIN.fields;
/** FUNCn_OUT_SEL_CFG.OUT_SEL = 0x100: the pad is driven by GPIO_OUT bit n. */
const SIMPLE_OUTPUT = 0x100;
/** INT_ENA bit for the PRO CPU interrupt (core 0, which runs the app's handlers). */
const INT_ENA_PRO = 1 << (pinCfg.INT_ENA.bitOffset + 2);
const GPIO_IRQ = GPIO.interrupts.GPIO;
/** GPIO0..5, 12..19, 21..23, 25..27: 6..11 carry the SPI flash, 20 and 24 do not exist, 28..31 neither. */
export const ESP32_PINS = 0x0eeff03f;
const isPin = (pin: number) => pin >= 0 && pin < 32 && ((ESP32_PINS >>> pin) & 1) === 1;
const PIN_LIST = '0-5, 12-19, 21-23, 25-27';

/** Routes peripheral output `signal` (or GPIO_OUT: SIMPLE_OUTPUT) to `pin` and enables its driver. */
function routeOut(pin: number, signal: number): void {
  volatileStore(at(GPIO, g.FUNC_OUT_SEL_CFG, pin), signal);
  volatileStore(ENABLE_W1TS, 1 << pin);
}
/** Gives `pin` back to GPIO_OUT, as an input. */
function unrouteOut(pin: number): void {
  volatileStore(ENABLE_W1TC, 1 << pin);
  volatileStore(at(GPIO, g.FUNC_OUT_SEL_CFG, pin), SIMPLE_OUTPUT);
}

/** The GPIO interrupt: acknowledges the pins that fired, and tells each watcher whether its pin rose or fell (the level now). */
function gpioIrq(): void {
  const fired = volatileLoad(PCPU_INT);
  if (fired === 0) return;
  volatileStore(STATUS_W1TC, fired);
  const level = volatileLoad(IN);
  const rose = (fired & level) >>> 0,
    fell = (fired & ~level) >>> 0;
  notifyEdges('esp32.gpio', rose, fell);
}

export const esp32Gpio: GpioBinding = {
  banks: [ESP32_PINS],
  configure(_bank: number, mask: number, mode: DigitalModeValue, initial: number): void {
    if (mode !== DigitalMode.Input && mode !== DigitalMode.Output)
      throw new IoRangeError(`Digital: mode ${mode} needs the ESP32's IO_MUX (pulls, open drain), which the simulator does not model: use Input or Output`);
    if (mode === DigitalMode.Output) {
      if (initial !== 0) volatileStore(OUT_W1TS, initial);
      if ((mask & ~initial) !== 0) volatileStore(OUT_W1TC, (mask & ~initial) >>> 0);
      for (let p = 0; p < 32; p++) if ((mask >>> p) & 1) volatileStore(at(GPIO, g.FUNC_OUT_SEL_CFG, p), SIMPLE_OUTPUT);
      volatileStore(ENABLE_W1TS, mask);
    } else {
      volatileStore(ENABLE_W1TC, mask);
    }
  },
  reset(_bank: number, mask: number): void {
    volatileStore(ENABLE_W1TC, mask);
    volatileStore(OUT_W1TC, mask);
  },
  read(): number {
    return volatileLoad(IN);
  },
  write(_bank: number, mask: number, value: number): void {
    const hi = (value & mask) >>> 0,
      lo = (~value & mask) >>> 0;
    if (hi !== 0) volatileStore(OUT_W1TS, hi);
    if (lo !== 0) volatileStore(OUT_W1TC, lo);
  },
  direct() {
    return { set: OUT_W1TS, clear: OUT_W1TC, input: IN };
  },
  watch(_bank: number, pins: number, rises: number, falls: number, notify: ((triggers: number) => void) | undefined): void {
    const list = edgeWatchers('esp32.gpio');
    const had = list.length;
    for (let i = list.length - 1; i >= 0; i--) if ((list[i]!.pins & pins) !== 0) list.splice(i, 1);
    for (let p = 0; p < 32; p++) {
      if (!((pins >>> p) & 1)) continue;
      const r = notify !== undefined && (rises >>> p) & 1,
        f = notify !== undefined && (falls >>> p) & 1;
      const type = r && f ? 3 : r ? 1 : f ? 2 : 0;
      volatileStore(at(GPIO, g.PIN, p), type === 0 ? 0 : (type << pinCfg.INT_TYPE.bitOffset) | INT_ENA_PRO);
    }
    volatileStore(STATUS_W1TC, pins); // drop edges latched before
    if (notify !== undefined) list.push({ pins, rises, falls, notify });
    if (had === 0 && list.length > 0) {
      setInterruptHandler(GPIO_IRQ, gpioIrq);
      enableIrq(GPIO_IRQ);
    } else if (had > 0 && list.length === 0) {
      disableIrq(GPIO_IRQ);
      setInterruptHandler(GPIO_IRQ, undefined);
    }
  },
};

// --- PWM on LEDC (TRM ch. 14) ------------------------------------------------------------

const l = LEDC.registers;
const timerConf = l.HSTIMER_CONF.fields,
  chConf0 = l.HSCH_CONF0.fields,
  chConf1 = l.HSCH_CONF1.fields;
const LEDC_HS_SIG_OUT0 = 71,
  LEDC_LS_SIG_OUT0 = 79;
/** The LEDC timers count APB (80 MHz; the low-speed ones through SLOW_CLK with LEDC_CONF.APB_CLK_SEL) or REF_TICK (1 MHz). */
const APB_HZ = 80e6,
  REF_TICK_HZ = 1e6;
const DIV_MAX = 2 ** timerConf.DIV_NUM.bitWidth - 1;
/** HSCH_CONF1 for a plain duty update: DUTY_START, one step (DUTY_NUM 1, DUTY_CYCLE 1, DUTY_SCALE 0), as ESP-IDF writes it. */
const DUTY_UPDATE =
  (fieldMask(chConf1.DUTY_START) | fieldMask(chConf1.DUTY_INC) | (1 << chConf1.DUTY_NUM.bitOffset) | (1 << chConf1.DUTY_CYCLE.bitOffset)) >>> 0;

/** Per HAL: which pin each LEDC channel drives, and what each timer runs at (0..3 high speed, 4..7 low speed). */
interface LedcState {
  readonly channelPin: (number | undefined)[];
  readonly timers: ({ hz: number; resolution: number; users: number } | undefined)[];
}
function ledcState(): LedcState {
  const t = ioState().tables;
  let s = t.get('esp32.ledc') as LedcState | undefined;
  if (s === undefined) t.set('esp32.ledc', (s = { channelPin: new Array(16).fill(undefined), timers: new Array(8).fill(undefined) }));
  return s;
}

/** Channel `ch` (0..7 high speed, 8..15 low speed): the address of its register `hs` (or its low-speed twin). */
function chAddr(ch: number, hs: { addressOffset: number; dimIncrement: number }): number {
  const ls = l.LSCH_CONF0.addressOffset - l.HSCH_CONF0.addressOffset;
  return at(LEDC, hs, ch & 7) + (ch >= 8 ? ls : 0);
}
function timerAddr(t: number): number {
  return at(LEDC, t >= 4 ? l.LSTIMER_CONF : l.HSTIMER_CONF, t & 3);
}
/** CONF0 of channel `ch`: its timer, output on or off (low level), latched at once on a low-speed channel (PARA_UP). */
function channelOn(ch: number, timer: number, on: boolean): void {
  const v = ((timer & 3) << chConf0.TIMER_SEL.bitOffset) | (on ? fieldMask(chConf0.SIG_OUT_EN) : 0) | (ch >= 8 ? fieldMask(l.LSCH_CONF0.fields.PARA_UP) : 0);
  volatileStore(chAddr(ch, l.HSCH_CONF0), v);
}

export const esp32Pwm: PwmBinding = {
  pinCount: 32,
  maxResolution: 20,
  counterOf(pin, cls) {
    if (!isPin(pin)) throw new IoRangeError(`${cls}: GPIO${pin} cannot be a PWM output (ESP32 pins ${PIN_LIST})`);
    return `LEDC channel of GPIO${pin}`; // timers are shared by hz and resolution in open()
  },
  open(pin, hz, resolution, _first, cls) {
    const s = ledcState();
    const freeChannel = (t: number) => s.channelPin.findIndex((p, ch) => p === undefined && ch >= 8 === t >= 4);
    let timer = s.timers.findIndex((x, t) => x !== undefined && x.hz === hz && x.resolution === resolution && freeChannel(t) >= 0);
    const fresh = timer < 0;
    if (fresh) timer = s.timers.findIndex((x, t) => x === undefined && freeChannel(t) >= 0);
    if (timer < 0)
      throw new ResourceInUse(s.channelPin.includes(undefined) ? 'LEDC timers (all 8 run at other frequencies or resolutions)' : 'LEDC (all 16 channels)');
    if (fresh) {
      // DIV_NUM: the divider in 256ths, from APB when it fits (18 bits), else from REF_TICK.
      const steps = hz * 2 ** resolution;
      const fast = Math.round((APB_HZ * 256) / steps) <= DIV_MAX;
      const div = Math.round(((fast ? APB_HZ : REF_TICK_HZ) * 256) / steps);
      if (div < 256 || div > DIV_MAX)
        throw new IoRangeError(
          `${cls}: hz ${hz} at ${resolution} bits is out of LEDC's range (${Math.ceil((REF_TICK_HZ * 256) / (DIV_MAX * 2 ** resolution))}..${APB_HZ / 2 ** resolution} Hz)`,
        );
      const conf = (resolution << timerConf.DUTY_RES.bitOffset) | (div << timerConf.DIV_NUM.bitOffset) | (fast ? fieldMask(timerConf.TICK_SEL) : 0);
      const paraUp = timer >= 4 ? fieldMask(l.LSTIMER_CONF.fields.PARA_UP) : 0;
      if (timer >= 4) volatileStore(at(LEDC, l.CONF), fieldMask(l.CONF.fields.APB_CLK_SEL)); // SLOW_CLK = APB
      volatileStore(timerAddr(timer), (conf | fieldMask(timerConf.RST) | paraUp) >>> 0); // counter reset while configured
      volatileStore(timerAddr(timer), (conf | paraUp) >>> 0);
      s.timers[timer] = { hz, resolution, users: 0 };
    }
    const ch = freeChannel(timer);
    s.timers[timer]!.users++;
    s.channelPin[ch] = pin;
    volatileStore(chAddr(ch, l.HSCH_HPOINT), 0);
    volatileStore(chAddr(ch, l.HSCH_DUTY), 0);
    volatileStore(chAddr(ch, l.HSCH_CONF1), DUTY_UPDATE);
    channelOn(ch, timer, true);
    routeOut(pin, (ch >= 8 ? LEDC_LS_SIG_OUT0 : LEDC_HS_SIG_OUT0) + (ch & 7));
  },
  write(pin, value, resolution) {
    const s = ledcState();
    const ch = s.channelPin.indexOf(pin);
    // value = 2^res - 1 is 100 %: a duty of the whole period (2^res counts) keeps the output high.
    const counts = value === 2 ** resolution - 1 ? 2 ** resolution : value;
    volatileStore(chAddr(ch, l.HSCH_DUTY), counts << 4); // DUTY bits 3..0 are a fraction
    volatileStore(chAddr(ch, l.HSCH_CONF1), DUTY_UPDATE);
    if (ch >= 8) volatileStore(chAddr(ch, l.HSCH_CONF0), (volatileLoad(chAddr(ch, l.HSCH_CONF0)) | fieldMask(l.LSCH_CONF0.fields.PARA_UP)) >>> 0);
  },
  close(pin) {
    const s = ledcState();
    const ch = s.channelPin.indexOf(pin);
    const timer = (ch >= 8 ? 4 : 0) + ((volatileLoad(chAddr(ch, l.HSCH_CONF0)) >>> chConf0.TIMER_SEL.bitOffset) & 3);
    channelOn(ch, timer, false);
    unrouteOut(pin);
    s.channelPin[ch] = undefined;
    if (--s.timers[timer]!.users === 0) {
      s.timers[timer] = undefined;
      volatileStore(timerAddr(timer), fieldMask(timerConf.RST)); // held at 0 until used again
    }
  },
};

// --- Serial on UART0..2 (TRM ch. 13) -------------------------------------------------------

const UARTS = [UART0, UART1, UART2] as const;
const UART_IRQS = [UART0.interrupts.UART0, UART1.interrupts.UART1, UART2.interrupts.UART2] as const;
const u = UART0.registers;
/** GPIO matrix signals U0TXD/U0RXD, U1TXD/U1RXD, U2TXD/U2RXD (TRM ch. 4, signal list): the same number out and in. */
const UART_SIGNALS = [14, 17, 198] as const;
/** The pins each UART has through the IO_MUX; UART1's (GPIO10, GPIO9) carry the flash. */
const IO_MUX_PINS = [{ transmit: 1, receive: 3 }, undefined, { transmit: 17, receive: 16 }] as const;
const UART_FIFO = 128;
const RX_FULL = fieldMask(u.INT_ENA.fields.RXFIFO_FULL_INT_ENA),
  TX_EMPTY = fieldMask(u.INT_ENA.fields.TXFIFO_EMPTY_INT_ENA);
const FRM = fieldMask(u.INT_RAW.fields.FRM_ERR_INT_RAW),
  PAR = fieldMask(u.INT_RAW.fields.PARITY_ERR_INT_RAW),
  BRK = fieldMask(u.INT_RAW.fields.BRK_DET_INT_RAW),
  OVF = fieldMask(u.INT_RAW.fields.RXFIFO_OVF_INT_RAW);
const LINE_ERRORS = FRM | PAR | BRK | OVF;
const conf0 = u.CONF0.fields,
  conf1 = u.CONF1.fields,
  status = u.STATUS.fields;
const CLKDIV_MAX = 2 ** u.CLKDIV.fields.CLKDIV.bitWidth - 1;
const uartAt = (port: number, r: { addressOffset: number }) => UARTS[port]!.baseAddress + r.addressOffset;

/** Line errors seen by the interrupt before their byte was read, per port (bits of INT_RAW). */
function pendingErrors(): number[] {
  const t = ioState().tables;
  let e = t.get('esp32.uart.errors') as number[] | undefined;
  if (e === undefined) t.set('esp32.uart.errors', (e = [0, 0, 0]));
  return e;
}

export const esp32Uart: UartBinding = {
  ports: UARTS.length,
  resolve(port, transmit, receive, cls) {
    if (port === undefined) {
      if (transmit === undefined && receive === undefined) throw new IoTypeError(`${cls}: options.port, options.transmit or options.receive is required`);
      port = IO_MUX_PINS.findIndex((d) => d !== undefined && (transmit ?? d.transmit) === d.transmit && (receive ?? d.receive) === d.receive);
      if (port < 0)
        throw new IoTypeError(`${cls}: options.port is required (the GPIO matrix routes any pin to any UART; GPIO1/3 default to UART0, GPIO17/16 to UART2)`);
    }
    if (transmit === undefined && receive === undefined) {
      const d = IO_MUX_PINS[port];
      if (d === undefined) throw new IoTypeError(`${cls}: UART${port}'s own pins (GPIO10, GPIO9) carry the flash: give options.transmit or options.receive`);
      ({ transmit, receive } = d);
    }
    for (const p of [transmit, receive])
      if (p !== undefined && !isPin(p)) throw new IoRangeError(`${cls}: GPIO${p} cannot be a UART pin (ESP32 pins ${PIN_LIST})`);
    return { port, transmit, receive };
  },
  open(port, c, cls) {
    // Baud = APB / (CLKDIV + FRAG / 16); at most 5 Mbit/s (CLKDIV >= 16), CLKDIV 20 bits.
    const div16 = Math.round((APB_HZ * 16) / c.baud);
    if (div16 < 16 * 16 || div16 >> 4 > CLKDIV_MAX)
      throw new IoRangeError(`${cls}: baud ${c.baud} is out of the UART's range (${Math.ceil(APB_HZ / CLKDIV_MAX)}..${APB_HZ / 16})`);
    const base = (r: { addressOffset: number }) => uartAt(port, r);
    volatileStore(base(u.INT_ENA), 0);
    volatileStore(base(u.CLKDIV), ((div16 >> 4) << u.CLKDIV.fields.CLKDIV.bitOffset) | ((div16 & 15) << u.CLKDIV.fields.FRAG.bitOffset));
    const format =
      ((c.dataBits - 5) << conf0.BIT_NUM.bitOffset) |
      ((c.stopBits === 2 ? 3 : 1) << conf0.STOP_BIT_NUM.bitOffset) |
      (c.parity !== 'none' ? fieldMask(conf0.PARITY_EN) : 0) |
      (c.parity === 'odd' ? fieldMask(conf0.PARITY) : 0);
    const keep = ~(fieldMask(conf0.BIT_NUM) | fieldMask(conf0.STOP_BIT_NUM) | fieldMask(conf0.PARITY_EN) | fieldMask(conf0.PARITY));
    volatileStore(base(u.CONF0), ((u.CONF0.resetValue & keep) | format) >>> 0);
    // Receive interrupt at every byte; transmit interrupt once the FIFO is below half.
    const thresholds = ~(fieldMask(conf1.RXFIFO_FULL_THRHD) | fieldMask(conf1.TXFIFO_EMPTY_THRHD));
    volatileStore(
      base(u.CONF1),
      ((u.CONF1.resetValue & thresholds) | (1 << conf1.RXFIFO_FULL_THRHD.bitOffset) | ((UART_FIFO / 2) << conf1.TXFIFO_EMPTY_THRHD.bitOffset)) >>> 0,
    );
    // The ESP32's RXFIFO_RST does not empty the receive FIFO (ESP-IDF reads it out instead): so do we.
    while (volatileLoad(base(u.STATUS)) & fieldMask(status.RXFIFO_CNT)) volatileLoad(base(u.FIFO));
    volatileStore(base(u.INT_CLR), 0x7ffff);
    pendingErrors()[port] = 0;
    if (c.transmit !== undefined) routeOut(c.transmit, UART_SIGNALS[port]!);
    if (c.receive !== undefined) {
      volatileStore(ENABLE_W1TC, 1 << c.receive);
      volatileStore(at(GPIO, g.FUNC_IN_SEL_CFG, UART_SIGNALS[port]), c.receive | fieldMask(g.FUNC_IN_SEL_CFG.fields.SEL));
    }
  },
  close(port, c) {
    volatileStore(uartAt(port, u.INT_ENA), 0);
    if (c.transmit !== undefined) unrouteOut(c.transmit);
    if (c.receive !== undefined) volatileStore(at(GPIO, g.FUNC_IN_SEL_CFG, UART_SIGNALS[port]), 0);
  },
  readable(port) {
    return (volatileLoad(uartAt(port, u.STATUS)) & fieldMask(status.RXFIFO_CNT)) !== 0;
  },
  readByte(port) {
    // The ESP32 flags line errors per UART, not per byte: they go with the next byte read, in the
    // bits serial.ts reads (8 framing, 9 parity, 10 break, 11 overrun).
    const raw = volatileLoad(uartAt(port, u.INT_RAW)) & LINE_ERRORS;
    if (raw !== 0) volatileStore(uartAt(port, u.INT_CLR), raw);
    const pending = pendingErrors();
    const e = pending[port]! | raw;
    pending[port] = 0;
    const flags = (e & FRM ? 1 : 0) | (e & PAR ? 2 : 0) | (e & BRK ? 4 : 0) | (e & OVF ? 8 : 0);
    return (volatileLoad(uartAt(port, u.FIFO)) & 0xff) | (flags << 8);
  },
  writable(port) {
    return UART_FIFO - ((volatileLoad(uartAt(port, u.STATUS)) & fieldMask(status.TXFIFO_CNT)) >>> status.TXFIFO_CNT.bitOffset);
  },
  writeByte(port, byte) {
    volatileStore(uartAt(port, u.FIFO), byte);
  },
  interrupt(port, rx, tx, handler) {
    const mask = (rx ? RX_FULL | LINE_ERRORS : 0) | (tx ? TX_EMPTY : 0);
    // A threshold flag latched before (the FIFO was below its threshold then) is stale: the sources
    // go off, the flags are cleared, then the sources asked for go on (a flag whose condition still
    // holds asserts again at once). No spurious edge reaches the interrupt controller meanwhile.
    volatileStore(uartAt(port, u.INT_ENA), mask & ~(RX_FULL | TX_EMPTY));
    volatileStore(uartAt(port, u.INT_CLR), RX_FULL | TX_EMPTY);
    volatileStore(uartAt(port, u.INT_ENA), mask);
    routeIrq(
      UART_IRQS[port]!,
      mask,
      handler &&
        (() => {
          // Line errors wait for their byte; the FIFO thresholds are cleared once the handler has
          // moved the FIFOs (they assert again while their condition holds).
          const e = volatileLoad(uartAt(port, u.INT_RAW)) & LINE_ERRORS;
          if (e !== 0) {
            const pending = pendingErrors();
            pending[port] = pending[port]! | e;
            volatileStore(uartAt(port, u.INT_CLR), e);
          }
          handler();
          volatileStore(uartAt(port, u.INT_CLR), RX_FULL | TX_EMPTY);
        }),
    );
  },
};

// --- The classes, bound to the ESP32 ---------------------------------------------------

export const Digital = /* @__PURE__ */ defineDigital(esp32Gpio);
export const DigitalBank = /* @__PURE__ */ defineDigitalBank(esp32Gpio);
export const PWM = /* @__PURE__ */ definePWM(esp32Pwm);
export const Serial = /* @__PURE__ */ defineSerial(esp32Uart);
