// ECMA-419 SMBus (2nd edition, "SMBus"): the I2C class with the System Management Bus
// transactions on top. Register (command) reads are a write of the command byte without
// STOP, then a read after a repeated START, as SMBus specifies.
//   readUint8(reg), readUint16(reg, bigEndian = false), readBuffer(reg, countOrBuffer),
//   writeUint8(reg, value), writeUint16(reg, value, bigEndian = false), writeBuffer(reg, buffer),
//   sendByte(command), receiveByte().
import { describe } from '../errors.js';
import { IoRangeError, bytesOf } from './common.js';
import type { I2cInstance } from './i2c.js';

type I2cClass = new (options: Record<string, unknown>) => I2cInstance;

function byte(v: unknown, what: string): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > 0xff)
    throw new IoRangeError(`SMBus: ${what} must be an integer 0..255, got ${describe(v)}`);
  return v;
}

/** The SMBus class over a chip's I2C class. */
export function defineSMBus(I2C: I2cClass) {
  return class SMBus extends I2C {
    readUint8(register: number): number {
      this.write(Uint8Array.of(byte(register, 'register')), false);
      return new Uint8Array(this.read(1)!)[0]!;
    }
    readUint16(register: number, bigEndian = false): number {
      this.write(Uint8Array.of(byte(register, 'register')), false);
      const b = new Uint8Array(this.read(2)!);
      return bigEndian ? (b[0]! << 8) | b[1]! : b[0]! | (b[1]! << 8);
    }
    readBuffer(register: number, countOrBuffer: number | ArrayBufferLike | ArrayBufferView): ArrayBuffer | undefined {
      this.write(Uint8Array.of(byte(register, 'register')), false);
      return this.read(countOrBuffer);
    }
    writeUint8(register: number, value: number): void {
      this.write(Uint8Array.of(byte(register, 'register'), byte(value, 'value')));
    }
    writeUint16(register: number, value: number, bigEndian = false): void {
      if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > 0xffff)
        throw new IoRangeError(`SMBus.writeUint16(): value must be an integer 0..65535, got ${describe(value)}`);
      const r = byte(register, 'register');
      this.write(bigEndian ? Uint8Array.of(r, value >> 8, value & 0xff) : Uint8Array.of(r, value & 0xff, value >> 8));
    }
    writeBuffer(register: number, buffer: ArrayBufferLike | ArrayBufferView): void {
      const src = bytesOf(buffer, 'SMBus.writeBuffer(buffer)');
      const out = new Uint8Array(src.length + 1);
      out[0] = byte(register, 'register');
      out.set(src, 1);
      this.write(out);
    }
    sendByte(command: number): void {
      this.write(Uint8Array.of(byte(command, 'command')));
    }
    receiveByte(): number {
      return new Uint8Array(this.read(1)!)[0]!;
    }
  };
}
