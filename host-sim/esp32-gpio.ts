// ESP32 GPIO matrix (TRM ch. 4, GPIO base 0x3FF44000): OUT/ENABLE with their
// W1TS/W1TC aliases for pins 0-31 and 32-39, IN, interrupt STATUS with W1TS/W1TC,
// PINn (interrupt type/enable), FUNCn_OUT_SEL_CFG (256 = driven by GPIO_OUT; the number of a
// connected peripheral output signal, e.g. LEDC's 71..86, = driven by that peripheral, inverted
// by INV_SEL, enabled by GPIO_ENABLE when OEN_SEL is set or else by the peripheral, inverted by
// OEN_INV_SEL) and FUNCm_IN_SEL_CFG (which pad feeds input signal m: stored, read back).
import type { Machine } from './machine.js';
import { RegisterModel } from './model.js';
import type { GpioPort } from './ports.js';

const OUT = 0x04,
  OUT_W1TS = 0x08,
  OUT_W1TC = 0x0c;
const OUT1 = 0x10,
  OUT1_W1TS = 0x14,
  OUT1_W1TC = 0x18;
const ENABLE = 0x20,
  ENABLE_W1TS = 0x24,
  ENABLE_W1TC = 0x28;
const ENABLE1 = 0x2c,
  ENABLE1_W1TS = 0x30,
  ENABLE1_W1TC = 0x34;
const IN = 0x3c,
  IN1 = 0x40;
const STATUS = 0x44,
  STATUS_W1TS = 0x48,
  STATUS_W1TC = 0x4c;
const STATUS1 = 0x50,
  STATUS1_W1TS = 0x54,
  STATUS1_W1TC = 0x58;
const PCPU_INT = 0x68,
  PCPU_INT1 = 0x7c;
const PIN0 = 0x88,
  FUNC0_IN_SEL_CFG = 0x130,
  FUNC0_OUT_SEL_CFG = 0x530;
const IN_SIGNALS = 256;
const INV_SEL = 1 << 9,
  OEN_SEL = 1 << 10,
  OEN_INV_SEL = 1 << 11;
const PINS = 40;
const SIMPLE_OUTPUT = 0x100;
/** PINn INT_ENA bit for the PRO CPU interrupt (bit 2 of the field at 13). */
const PIN_INT_ENA_PRO = 1 << 15;
const PIN_INT_ENA_APP = 1 << 13;

export class Esp32Gpio extends RegisterModel {
  // 40 pins as two words: [0] = pins 0-31, [1] = pins 32-39.
  private readonly out = [0, 0];
  private readonly enable = [0, 0];
  private readonly input = [0, 0];
  private readonly status = [0, 0];
  private readonly pinCfg = new Uint32Array(PINS);
  private readonly outSel = new Uint32Array(PINS).fill(SIMPLE_OUTPUT);
  private readonly inSel = new Uint32Array(IN_SIGNALS);
  /** Peripheral output signals connected to the matrix: signal number -> its level now. */
  private readonly signals = new Map<number, () => boolean>();
  private readonly listeners: Set<(level: boolean, tNs: number) => void>[] = Array.from({ length: PINS }, () => new Set());
  private readonly last: boolean[] = new Array(PINS).fill(false);

  constructor(
    m: Machine,
    base: number,
    private readonly irq: number,
  ) {
    super(m, 'GPIO', base);
  }

  readRegister(o: number): number | undefined {
    switch (o) {
      case OUT:
        return this.out[0];
      case OUT1:
        return this.out[1];
      case ENABLE:
        return this.enable[0];
      case ENABLE1:
        return this.enable[1];
      case IN:
        return this.input[0];
      case IN1:
        return this.input[1];
      case STATUS:
        return this.status[0];
      case STATUS1:
        return this.status[1];
      case PCPU_INT:
        return this.cpuInt(0);
      case PCPU_INT1:
        return this.cpuInt(1);
      case OUT_W1TS:
      case OUT_W1TC:
      case OUT1_W1TS:
      case OUT1_W1TC:
      case ENABLE_W1TS:
      case ENABLE_W1TC:
      case ENABLE1_W1TS:
      case ENABLE1_W1TC:
      case STATUS_W1TS:
      case STATUS_W1TC:
      case STATUS1_W1TS:
      case STATUS1_W1TC:
        return 0;
    }
    if (o >= PIN0 && o < PIN0 + 4 * PINS) return this.pinCfg[(o - PIN0) >> 2];
    if (o >= FUNC0_OUT_SEL_CFG && o < FUNC0_OUT_SEL_CFG + 4 * PINS) return this.outSel[(o - FUNC0_OUT_SEL_CFG) >> 2];
    if (o >= FUNC0_IN_SEL_CFG && o < FUNC0_IN_SEL_CFG + 4 * IN_SIGNALS) return this.inSel[(o - FUNC0_IN_SEL_CFG) >> 2];
    return undefined;
  }

  writeRegister(o: number, v: number): boolean {
    switch (o) {
      case OUT:
        this.out[0] = v;
        break;
      case OUT_W1TS:
        this.out[0] = (this.out[0]! | v) >>> 0;
        break;
      case OUT_W1TC:
        this.out[0] = (this.out[0]! & ~v) >>> 0;
        break;
      case OUT1:
        this.out[1] = v & 0xff;
        break;
      case OUT1_W1TS:
        this.out[1] = (this.out[1]! | v) & 0xff;
        break;
      case OUT1_W1TC:
        this.out[1] = this.out[1]! & ~v & 0xff;
        break;
      case ENABLE:
        this.enable[0] = v;
        break;
      case ENABLE_W1TS:
        this.enable[0] = (this.enable[0]! | v) >>> 0;
        break;
      case ENABLE_W1TC:
        this.enable[0] = (this.enable[0]! & ~v) >>> 0;
        break;
      case ENABLE1:
        this.enable[1] = v & 0xff;
        break;
      case ENABLE1_W1TS:
        this.enable[1] = (this.enable[1]! | v) & 0xff;
        break;
      case ENABLE1_W1TC:
        this.enable[1] = this.enable[1]! & ~v & 0xff;
        break;
      case STATUS:
        this.status[0] = v;
        break;
      case STATUS_W1TS:
        this.status[0] = (this.status[0]! | v) >>> 0;
        break;
      case STATUS_W1TC:
        this.status[0] = (this.status[0]! & ~v) >>> 0;
        break;
      case STATUS1:
        this.status[1] = v & 0xff;
        break;
      case STATUS1_W1TS:
        this.status[1] = (this.status[1]! | v) & 0xff;
        break;
      case STATUS1_W1TC:
        this.status[1] = this.status[1]! & ~v & 0xff;
        break;
      default:
        if (o >= PIN0 && o < PIN0 + 4 * PINS) this.pinCfg[(o - PIN0) >> 2] = v;
        else if (o >= FUNC0_OUT_SEL_CFG && o < FUNC0_OUT_SEL_CFG + 4 * PINS) this.outSel[(o - FUNC0_OUT_SEL_CFG) >> 2] = v & 0xfff;
        else if (o >= FUNC0_IN_SEL_CFG && o < FUNC0_IN_SEL_CFG + 4 * IN_SIGNALS) this.inSel[(o - FUNC0_IN_SEL_CFG) >> 2] = v & 0xff;
        else return false;
    }
    this.refresh();
    return true;
  }

  private bit(words: number[], pin: number): boolean {
    return ((words[pin >> 5]! >>> (pin & 31)) & 1) === 1;
  }

  /** Interrupt status bits of pins whose PINn enables the PRO or APP CPU interrupt. */
  private cpuInt(word: number): number {
    let en = 0;
    for (let p = word * 32; p < Math.min(PINS, word * 32 + 32); p++) {
      if (this.pinCfg[p]! & (PIN_INT_ENA_PRO | PIN_INT_ENA_APP)) en |= 1 << (p & 31);
    }
    return (this.status[word]! & en) >>> 0;
  }

  /**
   * Connects peripheral output `signal` (TRM ch. 4's signal list) to the matrix: a pin whose
   * FUNCn_OUT_SEL_CFG selects it follows `level`. The peripheral calls refresh() when it changes.
   */
  connectOutput(signal: number, level: () => boolean): void {
    this.signals.set(signal, level);
  }

  isOutput(pin: number): boolean {
    const cfg = this.outSel[pin]!,
      sel = cfg & 0x1ff;
    if (sel === SIMPLE_OUTPUT) return this.bit(this.enable, pin);
    if (!this.signals.has(sel)) return false; // a signal the simulator does not model drives nothing
    return (cfg & OEN_SEL ? this.bit(this.enable, pin) : true) !== ((cfg & OEN_INV_SEL) !== 0);
  }

  level(pin: number): boolean {
    if (!this.isOutput(pin)) return this.bit(this.input, pin);
    const cfg = this.outSel[pin]!,
      sel = cfg & 0x1ff;
    const v = sel === SIMPLE_OUTPUT ? this.bit(this.out, pin) : this.signals.get(sel)!();
    return v !== ((cfg & INV_SEL) !== 0);
  }

  /** Re-evaluates pin levels (notifying listeners) and the interrupt line: after a register write, or a connected signal's change. */
  refresh(): void {
    const t = this.m.now;
    for (let p = 0; p < PINS; p++) {
      const l = this.level(p);
      if (l !== this.last[p]) {
        this.last[p] = l;
        for (const cb of this.listeners[p]!) cb(l, t);
      }
    }
    this.m.irq.setLevel(this.irq, (this.cpuInt(0) | this.cpuInt(1)) !== 0);
  }

  /** The outside drives a pin: IN follows, and PINn's INT_TYPE may latch STATUS. */
  drive(pin: number, high: boolean): void {
    const was = this.bit(this.input, pin);
    const w = pin >> 5,
      b = 1 << (pin & 31);
    this.input[w] = high ? (this.input[w]! | b) >>> 0 : (this.input[w]! & ~b) >>> 0;
    // INT_TYPE (bits 7-9): 1 rising, 2 falling, 3 any edge, 4 low level, 5 high level.
    const type = (this.pinCfg[pin]! >> 7) & 7;
    const fire = (type === 1 && !was && high) || (type === 2 && was && !high) || (type === 3 && was !== high) || (type === 4 && !high) || (type === 5 && high);
    if (fire) this.status[w] = (this.status[w]! | b) >>> 0;
    this.refresh();
  }

  port(pin: number): GpioPort {
    const self = this;
    return {
      pin,
      get isOutput() {
        return self.isOutput(pin);
      },
      get level() {
        return self.level(pin);
      },
      drive: (level: boolean) => self.drive(pin, level),
      // IO_MUX (the pads' pulls) is not modelled: a released pin keeps its last level.
      release: () => {},
      onChange(listener) {
        self.listeners[pin]!.add(listener);
        return () => self.listeners[pin]!.delete(listener);
      },
    };
  }
}
