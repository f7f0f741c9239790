// Base of the register models written here (ESP32 peripherals): a 32-bit register
// file at a base address. An offset the model does not implement faults instead of
// reading as zero.
import type { AccessSize } from '../src/hal.js';
import type { Device } from './bus.js';
import { BusFault } from '../src/hal.js';
import type { Machine } from './machine.js';

export abstract class RegisterModel implements Device {
  constructor(
    protected readonly m: Machine,
    readonly name: string,
    readonly base: number,
  ) {}

  abstract readRegister(offset: number): number | undefined;
  /** Returns false when the offset is not a writable register of the model. */
  abstract writeRegister(offset: number, value: number): boolean;

  read(offset: number, size: AccessSize): number {
    const v = this.readRegister(offset);
    if (v === undefined)
      throw new BusFault(this.base + offset, size, 'read', 'unmodelled', `${this.name}+0x${offset.toString(16)} is not a readable register of the model`);
    return v >>> 0;
  }

  write(offset: number, size: AccessSize, value: number): void {
    if (!this.writeRegister(offset, value >>> 0)) {
      throw new BusFault(this.base + offset, size, 'write', 'unmodelled', `${this.name}+0x${offset.toString(16)} is not a writable register of the model`);
    }
  }
}
