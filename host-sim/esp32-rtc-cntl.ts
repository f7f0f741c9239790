// ESP32 RTC_CNTL (TRM ch. 31, base 0x3FF48000; layout checked against esp32.svd): only
// RESET_STATE, where software reads what reset each CPU (ESP-IDF's rtc_get_reset_reason,
// esp_reset_reason): RESET_CAUSE_PROCPU [5:0] and RESET_CAUSE_APPCPU [11:6], codes of ROM's
// rtc.h: 1 POWERON_RESET, 15 RTCWDT_BROWN_OUT_RESET for the PRO CPU; the APP CPU reads 14
// EXT_CPU_RESET, as the PRO CPU's startup releases it. Other registers fault as unmodelled.
import type { Machine } from './machine.js';
import { RegisterModel, type TrmLayout } from './model.js';

export const ESP32_RTC_CNTL_LAYOUT = {
  RESET_STATE: {
    offset: 0x34,
    fields: { RESET_CAUSE_PROCPU: [0, 6], RESET_CAUSE_APPCPU: [6, 6], APPCPU_STAT_VECTOR_SEL: [12, 1], PROCPU_STAT_VECTOR_SEL: [13, 1] },
  },
} as const satisfies TrmLayout;

const RESET_STATE = ESP32_RTC_CNTL_LAYOUT.RESET_STATE.offset;
export const POWERON_RESET = 1,
  EXT_CPU_RESET = 14,
  RTCWDT_BROWN_OUT_RESET = 15;
const VECTOR_SEL = 3 << 12;

export class Esp32RtcCntl extends RegisterModel {
  private vectorSel = VECTOR_SEL;

  constructor(m: Machine, name: string, base: number) {
    super(m, name, base);
  }

  readRegister(o: number): number | undefined {
    if (o !== RESET_STATE) return undefined;
    const pro = this.m.resetCause === 'brown-out' ? RTCWDT_BROWN_OUT_RESET : POWERON_RESET;
    return pro | (EXT_CPU_RESET << 6) | this.vectorSel;
  }

  writeRegister(o: number, v: number): boolean {
    if (o !== RESET_STATE) return false;
    this.vectorSel = v & VECTOR_SEL;
    return true;
  }
}
