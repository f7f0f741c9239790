// RP2040 RESETS (datasheet 2.14): RESET holds blocks in reset, RESET_DONE reports the
// blocks out of reset. rp2040js keeps RESET as a plain register and every block working
// whatever it says; here the bit gates its block (rp2040-window.ts: a block held in
// reset ignores writes and reads 0) until software releases it.
import { BusFault, type AccessSize } from '../src/hal.js';
import type { Device } from './bus.js';
import { applyAlias, ALIAS_MASK } from './rp2040-window.js';

const RESET = 0x0,
  WDSEL = 0x4,
  RESET_DONE = 0x8;
const ALL = 0x01ffffff;
/**
 * Blocks still held in reset when `main` starts: where pico-sdk's runtime_init leaves the chip
 * (it releases every block but ADC, RTC, SPI0, SPI1, UART0, UART1 and USBCTRL), which is where
 * C and Moddable firmware starts too.
 */
export const HELD_AT_MAIN = (1 << 0) | (1 << 15) | (1 << 16) | (1 << 17) | (1 << 22) | (1 << 23) | (1 << 24);

export class Rp2040Resets implements Device {
  private reset = HELD_AT_MAIN;
  private wdsel = 0;
  private readonly watchers: { bit: number; fn: () => void }[] = [];

  constructor(private readonly base: number) {}

  /** Calls `fn` each time the block of reset bit `bit` goes into reset (its state is lost there). */
  watch(bit: number, fn: () => void): void {
    this.watchers.push({ bit, fn });
  }

  /** True while RESETS holds the block of reset bit `bit` in reset. */
  held(bit: number): boolean {
    return ((this.reset >>> bit) & 1) === 1;
  }

  read(offset: number, size: AccessSize): number {
    switch (offset & ALIAS_MASK) {
      case RESET:
        return this.reset;
      case WDSEL:
        return this.wdsel;
      case RESET_DONE:
        return ~this.reset & ALL; // a released block is ready at once
    }
    throw new BusFault(this.base + offset, size, 'read', 'unmodelled', `RESETS+0x${offset.toString(16)} is not a register`);
  }

  write(offset: number, size: AccessSize, value: number): void {
    switch (offset & ALIAS_MASK) {
      case RESET: {
        const next = applyAlias(offset, this.reset, value) & ALL;
        const entered = next & ~this.reset;
        this.reset = next;
        for (const w of this.watchers) if ((entered >>> w.bit) & 1) w.fn();
        return;
      }
      case WDSEL:
        this.wdsel = applyAlias(offset, this.wdsel, value) & ALL;
        return;
      case RESET_DONE:
        return; // read-only: writes are ignored, as on the chip
    }
    throw new BusFault(this.base + offset, size, 'write', 'unmodelled', `RESETS+0x${offset.toString(16)} is not a register`);
  }
}
