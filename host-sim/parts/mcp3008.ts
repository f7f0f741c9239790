// Microchip MCP3008: 8-channel 10-bit ADC on SPI (datasheet DS21295), modes 0 and 3.
// After chip select falls the part waits for the start bit (the first 1 on DIN), takes
// SGL/DIFF and D2 D1 D0, samples for one clock (DOUT high-Z), sends a null bit (0) and the
// result B9..B0 MSB first, then B1..B9 LSB first while clocks continue, then zeros.
// With 8-bit frames the usual exchange is [0x01, 0x80 | ch << 4, 0] -> the result in the
// low 2 bits of the second byte and the third byte. DOUT high-Z reads as 1 here.
// Differential pairs (SGL/DIFF = 0): D2..D0 = 0: CH0-CH1, 1: CH1-CH0, 2: CH2-CH3, ...;
// a negative difference converts to 0.
import { InvalidArgument } from '../../src/errors.js';
import type { SpiMode, SpiPart } from './spi.js';

export class Mcp3008 implements SpiPart {
  readonly modes: readonly SpiMode[] = [0, 3];
  /** Input voltages of CH0..CH7, volts. */
  private readonly volts = new Float64Array(8);
  /** Clocks since the start bit (0: waiting for it). */
  private clock = 0;
  private config = 0;
  private result = 0;

  /** `vref`: the reference voltage (full scale), volts. */
  constructor(readonly vref = 3.3) {
    if (!(vref > 0)) throw new InvalidArgument('MCP3008 vref', vref, 'must be a positive voltage');
  }

  /** Sets the voltage on channel `ch` (0..7), 0..vref volts. */
  setVoltage(ch: number, volts: number): void {
    if (!Number.isInteger(ch) || ch < 0 || ch > 7) throw new InvalidArgument('MCP3008 channel', ch, 'must be an integer 0..7');
    if (typeof volts !== 'number' || !(volts >= 0 && volts <= this.vref)) throw new InvalidArgument('MCP3008 voltage', volts, `must be in 0..${this.vref} V`);
    this.volts[ch] = volts;
  }

  select(): void {
    this.clock = 0;
  }
  deselect(): void {
    this.clock = 0;
  }

  transfer(out: number, bits: number): number {
    let miso = 0;
    for (let i = bits - 1; i >= 0; i--) miso = (miso << 1) | this.bit((out >>> i) & 1);
    return miso >>> 0;
  }

  /** One clock: takes DIN, returns DOUT. */
  private bit(din: number): number {
    if (this.clock === 0) {
      if (din === 1) this.clock = 1;
      return 1;
    }
    const k = this.clock++;
    if (k <= 4) {
      this.config = (this.config << 1) | din;
      if (k === 4) this.result = this.convert(this.config & 0xf);
      return 1; // high-Z
    }
    if (k === 5) return 1; // sample: high-Z
    if (k === 6) return 0; // null bit
    if (k <= 16) return (this.result >> (16 - k)) & 1; // B9..B0
    if (k <= 25) return (this.result >> (k - 16)) & 1; // B1..B9, LSB first
    return 0;
  }

  private convert(cfg: number): number {
    const single = (cfg & 8) !== 0;
    const ch = cfg & 7;
    const v = single ? this.volts[ch]! : this.volts[ch]! - this.volts[ch ^ 1]!;
    return Math.max(0, Math.min(1023, Math.floor((1024 * v) / this.vref)));
  }
}
