// Base of the register models written here (ESP32 peripherals): a 32-bit register
// file at a base address. An offset the model does not implement faults instead of
// reading as zero.
import type { AccessSize } from '../src/hal.js';
import type { Device } from './bus.js';
import { BusFault } from '../src/hal.js';
import type { Machine } from './machine.js';

/**
 * The registers and fields a model implements, as the TRM gives them: offset from the base, and
 * per field [bit offset, bit width]. Tests compare these with the vendor SVD (test/host-sim/esp32-layout.test.ts).
 */
export type TrmLayout = Readonly<Record<string, { readonly offset: number; readonly fields?: Readonly<Record<string, readonly [number, number]>> }>>;

export abstract class RegisterModel implements Device {
  constructor(
    protected readonly m: Machine,
    readonly name: string,
    readonly base: number,
  ) {}

  /** Plain registers: offset -> value; they read back what was written (after the model's own registers). */
  protected readonly plain = new Map<number, number>();

  /** Registers of `layout` that only hold what is written (configuration the model reads when it acts), with their reset values. */
  protected plainRegisters(layout: TrmLayout, resets: Readonly<Record<string, number>>): void {
    for (const [name, reset] of Object.entries(resets)) this.plain.set(layout[name]!.offset, reset);
  }

  abstract readRegister(offset: number): number | undefined;
  /** Returns false when the offset is not a writable register of the model. */
  abstract writeRegister(offset: number, value: number): boolean;

  read(offset: number, size: AccessSize): number {
    const v = this.readRegister(offset) ?? this.plain.get(offset);
    if (v === undefined)
      throw new BusFault(this.base + offset, size, 'read', 'unmodelled', `${this.name}+0x${offset.toString(16)} is not a readable register of the model`);
    return v >>> 0;
  }

  write(offset: number, size: AccessSize, value: number): void {
    if (this.writeRegister(offset, value >>> 0)) return;
    if (this.plain.has(offset)) this.plain.set(offset, value >>> 0);
    else {
      throw new BusFault(this.base + offset, size, 'write', 'unmodelled', `${this.name}+0x${offset.toString(16)} is not a writable register of the model`);
    }
  }
}
