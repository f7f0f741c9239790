// ESP32 binding of the ECMA-419 classes: Digital and DigitalBank on the GPIO matrix (pins
// 0..31: OUT/ENABLE with their W1TS/W1TC aliases, IN, FUNCn_OUT_SEL_CFG = 0x100 for a GPIO
// output) with edge interrupts through PINn.INT_TYPE and the GPIO interrupt source. Pulls
// need the IO_MUX, whose definitions vllsi does not have yet: the pull modes are refused.
// Not yet: Serial, PWM (LEDC), pins 32..39 (OUT1/ENABLE1).
import { volatileLoad, volatileStore } from '../mmio.js';
import { disableIrq, enableIrq, setInterruptHandler } from '../interrupt.js';
import { GPIO } from '../registers/esp32.js';
import { IoRangeError, edgeWatchers, notifyEdges } from './common.js';
import { DigitalMode, defineDigitalBank, type DigitalModeValue, type GpioBinding } from './digitalbank.js';
import { defineDigital } from './digital.js';

const g = GPIO.registers;
const at = (r: { addressOffset: number }) => GPIO.baseAddress + r.addressOffset;
const OUT_W1TS = at(g.OUT_W1TS),
  OUT_W1TC = at(g.OUT_W1TC),
  ENABLE_W1TS = at(g.ENABLE_W1TS),
  ENABLE_W1TC = at(g.ENABLE_W1TC);
const IN = at(g.IN),
  STATUS_W1TC = at(g.STATUS_W1TC),
  PCPU_INT = at(g.PCPU_INT),
  PIN0 = at(g.PIN0),
  OUT_SEL0 = at(g.FUNC_OUT_SEL_CFG),
  OUT_SEL_STRIDE = g.FUNC_OUT_SEL_CFG.dimIncrement;
const pinCfg = g.PIN0.fields;
/** FUNCn_OUT_SEL_CFG.OUT_SEL = 0x100: the pad is driven by GPIO_OUT bit n. */
const SIMPLE_OUTPUT = 0x100;
/** INT_ENA bit for the PRO CPU interrupt (core 0, which runs the app's handlers). */
const INT_ENA_PRO = 1 << (pinCfg.INT_ENA.bitOffset + 2);
const GPIO_IRQ = GPIO.interrupts.GPIO;
/** GPIO0..5, 12..19, 21..23, 25..27: 6..11 carry the SPI flash, 20 and 24 do not exist, 28..31 neither. */
export const ESP32_PINS = 0x0eeff03f;

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
      throw new IoRangeError(`Digital: mode ${mode} needs the ESP32's IO_MUX (pulls, open drain), which vllsi does not define yet: use Input or Output`);
    if (mode === DigitalMode.Output) {
      if (initial !== 0) volatileStore(OUT_W1TS, initial);
      if ((mask & ~initial) !== 0) volatileStore(OUT_W1TC, (mask & ~initial) >>> 0);
      for (let p = 0; p < 32; p++) if ((mask >>> p) & 1) volatileStore(OUT_SEL0 + OUT_SEL_STRIDE * p, SIMPLE_OUTPUT);
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
      volatileStore(PIN0 + 4 * p, type === 0 ? 0 : (type << pinCfg.INT_TYPE.bitOffset) | INT_ENA_PRO);
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

// --- The classes, bound to the ESP32 ---------------------------------------------------

export const Digital = /* @__PURE__ */ defineDigital(esp32Gpio);
export const DigitalBank = /* @__PURE__ */ defineDigitalBank(esp32Gpio);
