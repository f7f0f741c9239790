// The board's attach API on rpi-pico: wire(a, b) jumpers, release() and the pads' pulls,
// I2C/SPI buses reached through the chip's controllers (driven here by registers from the test).
import { describe, expect, it } from 'vitest';
import { createBoard } from '../../../host-sim/index.js';
import { InvalidArgumentOf } from './support.js';

const SIO_OUT_SET = 0xd0000014,
  SIO_OUT_CLR = 0xd0000018,
  SIO_OE_SET = 0xd0000024,
  SIO_IN = 0xd0000004;
const ctrl = (pin: number) => 0x40014004 + 8 * pin;
const pad = (pin: number) => 0x4001c004 + 4 * pin;

describe('board.wire and GpioPort.release on rpi-pico', () => {
  it('an output drives the pin wired to it; unwiring lets it float to its pull', () => {
    const b = createBoard('rpi-pico');
    const hal = b.hal;
    hal.store32(pad(14), 0x56);
    hal.store32(pad(15), (0x56 & ~0x04) | 0x08); // input enabled, pull-up
    hal.store32(ctrl(14), 5);
    hal.store32(ctrl(15), 5);
    hal.store32(SIO_OE_SET, 1 << 14);
    const unwire = b.wire(14, 15);
    hal.store32(SIO_OUT_CLR, 1 << 14);
    expect((hal.load32(SIO_IN) >> 15) & 1).toBe(0);
    hal.store32(SIO_OUT_SET, 1 << 14);
    expect((hal.load32(SIO_IN) >> 15) & 1).toBe(1);
    hal.store32(SIO_OUT_CLR, 1 << 14);
    unwire();
    expect((hal.load32(SIO_IN) >> 15) & 1).toBe(1); // floats: the pull-up
    expect(() => b.wire(3, 3)).toThrow(InvalidArgumentOf('wire'));
  });

  it('a released pin reads its pull-down, a driven one what is driven; pulls follow pad writes', () => {
    const b = createBoard('rpi-pico');
    const hal = b.hal;
    hal.store32(pad(7), (0x56 & ~0x08) | 0x04); // pull-down
    hal.store32(ctrl(7), 5);
    expect((hal.load32(SIO_IN) >> 7) & 1).toBe(0);
    b.gpio(7).drive(true);
    expect((hal.load32(SIO_IN) >> 7) & 1).toBe(1);
    b.gpio(7).release();
    expect((hal.load32(SIO_IN) >> 7) & 1).toBe(0);
    hal.store32(pad(7), (0x56 & ~0x04) | 0x08); // now a pull-up
    expect((hal.load32(SIO_IN) >> 7) & 1).toBe(1);
  });

  it('buses: board.i2c/spi refuse a controller the chip lacks', () => {
    const b = createBoard('rpi-pico');
    expect(() => b.i2c(2)).toThrow(InvalidArgumentOf('I2C bus number'));
    expect(() => b.spi(-1)).toThrow(InvalidArgumentOf('SPI bus number'));
    const e = createBoard('esp32-devkitc');
    expect(() => e.i2c(2)).toThrow(InvalidArgumentOf('I2C bus number'));
    expect(() => e.spi(0)).toThrow(InvalidArgumentOf('SPI bus number')); // SPI0/1 serve the flash: SPI2 and SPI3 are the buses
    expect(e.spi(3).index).toBe(3);
  });
});
