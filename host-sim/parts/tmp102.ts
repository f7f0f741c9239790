// TI TMP102 digital temperature sensor (datasheet SBOS397): I2C address 0x48..0x4b (ADD0
// pin), a pointer register selecting one of four 16-bit registers, MSB first.
//   0 Temperature (read-only): 12-bit two's complement, 0.0625 °C/LSB, left-justified
//     (13-bit when CONFIG.EM = 1)
//   1 Configuration: OS R1 R0 F1 F0 POL TM SD | CR1 CR0 AL EM 0 0 0 0, reset 0x60a0;
//     R1/R0 (resolution) and AL read-only
//   2 T_LOW, 3 T_HIGH: thermostat limits, reset 75 °C and 80 °C
// A write is [pointer, MSB, LSB]; a read returns the pointed register, MSB then LSB,
// repeating. A pointer byte with P7..P2 set is NACKed (the datasheet requires them 0).
// Not modelled: the ALERT pin, the comparator/interrupt thermostat, one-shot timing,
// shutdown's effect on conversions (reads return the last temperature set).
import { InvalidArgument } from '../../src/errors.js';
import type { I2cPart } from './i2c.js';

const CONFIG_RESET = 0x60a0;
const CONFIG_READ_ONLY = 0x6000 | 0x0020; // R1 R0, AL
const CONFIG_EM = 0x0010;

export class Tmp102 implements I2cPart {
  /** The four registers as the chip holds them (0: temperature, 1: config, 2: T_LOW, 3: T_HIGH). */
  readonly registers = Uint16Array.of(0, CONFIG_RESET, 0x4b00, 0x5000);
  private pointer = 0;
  /** Bytes written since the START: 0 = the next is the pointer, 1 = MSB, 2 = LSB. */
  private phase = 0;
  private msb = 0;
  /** Read position in the pointed register: 0 = MSB next. */
  private half = 0;
  private celsius = 25;

  constructor(temperature = 25) {
    this.temperature = temperature;
  }

  /** The temperature the sensor measures, °C (-55..150 in 12-bit mode, -55..150 in 13-bit mode); rounded to 0.0625 °C. */
  get temperature(): number {
    return this.celsius;
  }
  set temperature(c: number) {
    if (typeof c !== 'number' || !(c >= -55 && c <= 150)) throw new InvalidArgument('TMP102 temperature', c, 'must be a number of °C in -55..150');
    this.celsius = c;
    this.convert();
  }

  start(): boolean {
    this.phase = 0;
    this.half = 0;
    return true;
  }

  write(byte: number): boolean {
    if (this.phase === 0) {
      if (byte > 3) return false;
      this.pointer = byte;
      this.phase = 1;
      this.half = 0;
      return true;
    }
    if (this.phase === 1) {
      this.msb = byte;
      this.phase = 2;
      return true;
    }
    // the LSB completes a register write; the temperature register is read-only (ACKed, ignored)
    const v = (this.msb << 8) | byte;
    if (this.pointer === 1) {
      this.registers[1] = (v & ~CONFIG_READ_ONLY) | (this.registers[1]! & CONFIG_READ_ONLY);
      this.convert();
    } else if (this.pointer >= 2) {
      this.registers[this.pointer] = v;
    }
    this.phase = 1;
    return true;
  }

  read(): number {
    const v = this.registers[this.pointer]!;
    const b = this.half === 0 ? v >> 8 : v & 0xff;
    this.half ^= 1;
    return b;
  }

  stop(): void {
    this.phase = 0;
  }

  /** Extended mode (CONFIG.EM): 13-bit temperatures, bit 0 = 1 marks the format. */
  private convert(): void {
    const extended = (this.registers[1]! & CONFIG_EM) !== 0;
    const counts = Math.round(this.celsius / 0.0625);
    this.registers[0] = extended ? ((counts & 0x1fff) << 3) | 1 : (Math.max(-2048, Math.min(2047, counts)) & 0xfff) << 4;
  }
}
