// A window of rp2040js's address space on our bus, and the RESETS gate every RP2040
// block sits behind. rp2040js answers an unimplemented register with 0xffffffff and a
// log line: the window turns that into a BusFault (unmodelled).
import type { Logger, RP2040 } from 'rp2040js';
import { BusFault, type AccessSize } from '../src/hal.js';
import type { Device } from './bus.js';

/** The atomic aliases sit at +0x1000 (XOR), +0x2000 (SET), +0x3000 (CLR). */
export const ALIAS_MASK = 0xfff;

/** rp2040js reports unimplemented registers through its logger; we turn those into faults. */
export class FaultingLogger implements Logger {
  unimplemented: string | undefined;
  debug(): void {}
  info(): void {}
  warn(component: string, message: string): void {
    if (message.startsWith('Unimplemented')) this.unimplemented = `${component}: ${message}`;
  }
  error(component: string, message: string): void {
    this.unimplemented = `${component}: ${message}`;
  }
}

/** Whether a block is held in reset (RESETS.RESET bit set); blocks without a reset bit never are. */
export type ResetGate = () => boolean;
export const NEVER_RESET: ResetGate = () => false;

/**
 * A window of rp2040js's address space (32-bit accesses; atomic SET/CLR/XOR aliases included).
 * While RESETS holds the block in reset, writes do nothing and reads give 0.
 */
export class Rp2040Window implements Device {
  constructor(
    protected readonly chip: RP2040,
    private readonly log: FaultingLogger,
    protected readonly base: number,
    protected readonly inReset: ResetGate = NEVER_RESET,
  ) {}
  read(offset: number, size: AccessSize): number {
    if (this.inReset()) return 0;
    this.log.unimplemented = undefined;
    const v = this.chip.readUint32(this.base + offset);
    this.check(offset, size, 'read');
    return v;
  }
  write(offset: number, size: AccessSize, value: number): void {
    if (this.inReset()) return;
    this.log.unimplemented = undefined;
    this.chip.writeUint32(this.base + offset, value);
    this.check(offset, size, 'write');
  }
  private check(offset: number, size: AccessSize, access: 'read' | 'write'): void {
    const u = this.log.unimplemented;
    if (u !== undefined) throw new BusFault(this.base + offset, size, access, 'unmodelled', `rp2040js does not model this register (${u})`);
  }
}

/** Applies an RP2040 atomic-alias write (+0x1000 XOR, +0x2000 SET, +0x3000 CLR) to a register value. */
export function applyAlias(offset: number, old: number, value: number): number {
  switch (offset >>> 12) {
    case 1:
      return (old ^ value) >>> 0;
    case 2:
      return (old | value) >>> 0;
    case 3:
      return (old & ~value) >>> 0;
    default:
      return value >>> 0;
  }
}
