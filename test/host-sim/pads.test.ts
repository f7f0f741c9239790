// docs/simulator.md's claim about pad input enable on the simulated RP2040: the pads reset as on
// silicon (0x56, IE set, the definitions' reset value), and a driven input reaches GPIO_IN only
// while IE is set.
import { describe, expect, it } from 'vitest';
import { simulate } from '../../host-sim/index.js';
import { peripheral } from '../../src/index.js';
import { PADS_BANK0, RESETS, SIO } from '../../src/registers/rp2040.js';

describe('rpi-pico pads: input enable', () => {
  it("starts as silicon's 0x56 (IE set); GPIO_IN follows a driven pin only while IE is set", async () => {
    const board = await simulate('rpi-pico');
    const resets = peripheral(RESETS);
    resets.RESET.atomicClear({ IO_BANK0: 1, PADS_BANK0: 1 });
    const pads = peripheral(PADS_BANK0);
    const sio = peripheral(SIO);
    expect(pads.GPIO[4].read()).toBe(0x56);
    expect(PADS_BANK0.registers.GPIO.resetValue).toBe(0x56); // the datasheet's value, in the definitions
    board.gpio(4).drive(true);
    expect((sio.GPIO_IN.read() >>> 4) & 1).toBe(1);
    board.gpio(4).drive(false);
    expect((sio.GPIO_IN.read() >>> 4) & 1).toBe(0);
    pads.GPIO[4].modify({ IE: 0 });
    board.gpio(4).drive(true);
    expect((sio.GPIO_IN.read() >>> 4) & 1).toBe(0);
  });
});
