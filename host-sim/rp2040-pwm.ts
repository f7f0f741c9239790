// RP2040 PWM in front of rp2040js's. rp2040js drives a channel's outputs high only at a
// counter wrap, so the first period after enabling a slice stayed low. On the chip an
// output is high while the counter is below its compare value from the first count: when a
// write enables a slice (CHn_CSR.EN or the EN register), its outputs are set from the
// counter and compare values at once. (Phase-correct mode is rp2040js's as it is.)
import type { RP2040 } from 'rp2040js';
import type { AccessSize } from '../src/hal.js';
import { Rp2040Window, type FaultingLogger, type ResetGate } from './rp2040-window.js';

const CSR_EN = 1,
  CSR_PH_CORRECT = 2,
  DIVMODE_FREE = 0;

export class Rp2040Pwm extends Rp2040Window {
  constructor(chip: RP2040, log: FaultingLogger, base: number, inReset: ResetGate) {
    super(chip, log, base, inReset);
  }
  override write(offset: number, size: AccessSize, value: number): void {
    const channels = this.chip.pwm.channels;
    const was = channels.map((c) => c.csr & CSR_EN);
    super.write(offset, size, value);
    channels.forEach((c, i) => {
      if (was[i] || !(c.csr & CSR_EN) || c.csr & CSR_PH_CORRECT) return;
      const ctr = c.timer.counter;
      c.setA(ctr < c.alarmA.target);
      if (c.divMode === DIVMODE_FREE) c.setB(ctr < c.alarmB.target);
    });
  }
}
