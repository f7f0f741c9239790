// RP2040 VREG_AND_CHIP_RESET (datasheet 2.10, base 0x40064000; rp2040js leaves it unimplemented):
// the core regulator (VREG), the brown-out detector (BOD) and CHIP_RESET, which tells software
// what reset the chip last: HAD_POR after a power-on or a brown-out (the two are one cause on
// this chip), HAD_RUN after the RUN pin, HAD_PSM_RESTART after a debugger's restart. VREG and
// BOD are stored: the simulator's supply does not follow VSEL, and a brown-out resets the chip
// whatever BOD says (board.faults.brownOut is a dip below any threshold).
import { BusFault, type AccessSize } from '../src/hal.js';
import type { Device } from './bus.js';
import { applyAlias, ALIAS_MASK } from './rp2040-window.js';

const VREG = 0x0,
  BOD = 0x4,
  CHIP_RESET = 0x8;
const VREG_ROK = 1 << 12,
  HAD_POR = 1 << 8;

export class Rp2040Vreg implements Device {
  private vreg = 0xb1; // VSEL 1.10 V, EN (reset values)
  private bod = 0x91; // VSEL 0.86 V, EN

  constructor(private readonly base: number) {}

  read(offset: number, size: AccessSize): number {
    switch (offset & ALIAS_MASK) {
      case VREG:
        return this.vreg | VREG_ROK; // the regulator is in regulation
      case BOD:
        return this.bod;
      case CHIP_RESET:
        return HAD_POR; // power-on and brown-out both set it; PSM_RESTART_FLAG (write 1 to clear) is never set here
    }
    throw new BusFault(this.base + offset, size, 'read', 'unmodelled', `VREG_AND_CHIP_RESET+0x${offset.toString(16)} is not a register`);
  }

  write(offset: number, size: AccessSize, value: number): void {
    const reg = offset & ALIAS_MASK;
    if (reg === VREG) this.vreg = applyAlias(offset, this.vreg, value) & 0xf3;
    else if (reg === BOD) this.bod = applyAlias(offset, this.bod, value) & 0xf1;
    else if (reg !== CHIP_RESET)
      throw new BusFault(this.base + offset, size, 'write', 'unmodelled', `VREG_AND_CHIP_RESET+0x${offset.toString(16)} is not a register`);
  }
}
