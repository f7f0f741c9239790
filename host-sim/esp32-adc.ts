// ESP32 SAR ADC1 as software drives it through SENS (TRM ch. 29, SENS base 0x3FF48800; layout
// checked against esp32.svd): SAR_MEAS_START1 with MEAS1_START_FORCE and SAR1_EN_PAD_FORCE
// set puts the RTC controller under software control; SAR1_EN_PAD selects the channel (one
// bit per channel), a rising MEAS1_START_SAR starts a conversion, MEAS1_DONE_SAR rises when
// MEAS1_DATA_SAR holds the 12-bit result. The conversion time is a model figure (CONVERSION_NS),
// not a datasheet one. Only this register is modelled: others fault.
import type { Machine } from './machine.js';
import { RegisterModel, type TrmLayout } from './model.js';

export const ESP32_ADC_LAYOUT = {
  SAR_MEAS_START1: {
    offset: 0x54,
    fields: {
      MEAS1_DATA_SAR: [0, 16],
      MEAS1_DONE_SAR: [16, 1],
      MEAS1_START_SAR: [17, 1],
      MEAS1_START_FORCE: [18, 1],
      SAR1_EN_PAD: [19, 12],
      SAR1_EN_PAD_FORCE: [31, 1],
    },
  },
} as const satisfies TrmLayout;

const { offset: SAR_MEAS_START1, fields: F } = ESP32_ADC_LAYOUT.SAR_MEAS_START1;
const DONE = 1 << F.MEAS1_DONE_SAR[0],
  START = 1 << F.MEAS1_START_SAR[0],
  START_FORCE = 1 << F.MEAS1_START_FORCE[0];
const EN_PAD_SHIFT = F.SAR1_EN_PAD[0],
  EN_PAD_FORCE = 2 ** F.SAR1_EN_PAD_FORCE[0];
const CONTROL = START | START_FORCE | (0xfff << EN_PAD_SHIFT) | EN_PAD_FORCE;
export const ADC1_CHANNELS = 8;
const CONVERSION_NS = 10_000;

export class Esp32Adc extends RegisterModel {
  /** What each ADC1 channel converts (raw counts 0..4095). */
  readonly channelValues = new Uint16Array(ADC1_CHANNELS);
  private control = 0;
  private data = 0;
  private done = false;
  private readonly conversion;

  constructor(m: Machine, name: string, base: number) {
    super(m, name, base);
    this.conversion = m.clock.createAlarm(() => this.finish());
  }

  readRegister(o: number): number | undefined {
    return o === SAR_MEAS_START1 ? (this.control | (this.done ? DONE : 0) | this.data) >>> 0 : undefined;
  }

  writeRegister(o: number, v: number): boolean {
    if (o !== SAR_MEAS_START1) return false;
    const rising = (v & START) !== 0 && (this.control & START) === 0;
    this.control = v & CONTROL;
    if (rising && v & START_FORCE && v & EN_PAD_FORCE) {
      this.done = false;
      this.conversion.schedule(CONVERSION_NS);
    }
    return true;
  }

  private finish(): void {
    const pads = (this.control >>> EN_PAD_SHIFT) & 0xfff;
    const channel = pads === 0 ? -1 : 31 - Math.clz32(pads & -pads); // the lowest enabled pad
    this.data = channel >= 0 && channel < ADC1_CHANNELS ? this.channelValues[channel]! : 0;
    this.done = true;
  }
}
