// An I2C bus of the simulated board and the interface of a part on it. The chip's
// controller model (rp2040js's DW_apb_i2c) calls the bus at each bus event; the bus
// routes it to the part attached at the addressed 7-bit address. No part at the
// address: nobody pulls SDA low in the ACK slot, so the controller sees a NACK.
import { InvalidArgument } from '../../src/errors.js';

/** A target (slave) on an I2C bus. Every method runs at the bus event, in simulated time. */
export interface I2cPart {
  /**
   * A START (or repeated START) with this part's address: `read` is the R/W bit. Return false
   * to NACK the address (a busy EEPROM does). Absent: always ACK.
   */
  start?(read: boolean, repeated: boolean): boolean;
  /** A byte the controller wrote; return false to NACK it. */
  write(byte: number): boolean;
  /** The byte the part sends for a controller read; `ack`: the controller ACKs it (more reads follow). */
  read(ack: boolean): number;
  /** A STOP condition (or the controller gave up after a NACK). */
  stop?(): void;
}

/** One I2C bus: parts by 7-bit address. */
export class I2cBus {
  private readonly parts = new Map<number, I2cPart>();
  private current: I2cPart | undefined;

  constructor(readonly index: number) {}

  /** Attaches `part` at a 7-bit `address`; returns a function that detaches it. */
  attach(address: number, part: I2cPart): () => void {
    if (!Number.isInteger(address) || address < 0 || address > 0x7f) throw new InvalidArgument('I2C address', address, 'must be a 7-bit integer 0..0x7f');
    if (this.parts.has(address)) throw new InvalidArgument('I2C address', address, `already has a part on I2C${this.index}`);
    if (typeof part?.write !== 'function' || typeof part?.read !== 'function')
      throw new InvalidArgument('I2C part', part, 'must have write(byte) and read(ack)');
    this.parts.set(address, part);
    return () => this.detach(address);
  }

  detach(address: number): void {
    const p = this.parts.get(address);
    if (p !== undefined && p === this.current) this.current = undefined;
    this.parts.delete(address);
  }

  /** The part at `address`, if any. */
  at(address: number): I2cPart | undefined {
    return this.parts.get(address);
  }

  // --- called by the controller model ------------------------------------------------
  /** Address phase: true when a part ACKs. */
  connect(address: number, read: boolean, repeated: boolean): boolean {
    const p = this.parts.get(address & 0x7f);
    this.current = p !== undefined && address <= 0x7f && (p.start?.(read, repeated) ?? true) ? p : undefined;
    return this.current !== undefined;
  }
  writeByte(byte: number): boolean {
    return this.current?.write(byte & 0xff) ?? false;
  }
  /** Nobody drives SDA: the pull-up reads 0xff. */
  readByte(ack: boolean): number {
    return this.current === undefined ? 0xff : this.current.read(ack) & 0xff;
  }
  stop(): void {
    const p = this.current;
    this.current = undefined;
    p?.stop?.();
  }
}
