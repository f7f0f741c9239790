// ECMA-419 Digital and DigitalBank on the simulated esp32-devkitc (src/io/esp32.ts): the GPIO
// matrix's W1TS/W1TC outputs, IN, and edges through PINn.INT_TYPE and the GPIO interrupt.
import { describe, expect, it } from 'vitest';
import { createBoard, type SimBoard } from '../../host-sim/index.js';
import { Digital, DigitalBank } from '../../src/io/esp32.js';
import { IoClosed, IoRangeError, IoTypeError, ResourceInUse } from '../../src/io/common.js';

function board(): SimBoard {
  const b = createBoard('esp32-devkitc');
  b.bind();
  return b;
}

describe('Digital on esp32-devkitc', () => {
  it('validates options; flash and missing pins are RangeErrors; pull modes are refused without claiming', () => {
    board();
    expect(() => new Digital({ mode: Digital.Output } as never)).toThrow(IoTypeError);
    expect(() => new Digital({ pin: 6, mode: Digital.Output })).toThrow(IoRangeError); // SPI flash
    expect(() => new Digital({ pin: 20, mode: Digital.Output })).toThrow(IoRangeError);
    expect(() => new Digital({ pin: 0, mode: Digital.InputPullUp })).toThrow(IoRangeError);
    new Digital({ pin: 0, mode: Digital.Input }).close();
  });

  it('drives the LED, reads a driven input, and counts edges through the GPIO interrupt', () => {
    const b = board();
    const led = new Digital({ pin: 2, mode: Digital.Output });
    led.write(1);
    expect(b.led.level).toBe(true);
    led.write(0);
    expect(b.led.level).toBe(false);
    const seen: number[] = [];
    const btn = new Digital({
      pin: 0,
      mode: Digital.Input,
      edge: Digital.Rising | Digital.Falling,
      onReadable() {
        seen.push(this.read());
      },
    });
    for (const l of [true, false, true]) {
      b.gpio(0).drive(l);
      b.runFor('10us');
    }
    expect(seen).toEqual([1, 0, 1]);
    expect(() => new Digital({ pin: 0, mode: Digital.Output })).toThrow(ResourceInUse);
    btn.close();
    btn.close();
    expect(() => btn.read()).toThrow(IoClosed);
    b.gpio(0).drive(false);
    b.runFor('10us');
    expect(seen).toHaveLength(3);
  });

  it('DigitalBank: rises and falls per pin, triggers name the pins, read masks other pins', () => {
    const b = board();
    const seen: number[] = [];
    const bank = new DigitalBank({ pins: (1 << 4) | (1 << 5), mode: DigitalBank.Input, rises: 1 << 4, falls: 1 << 5, onReadable: (t) => seen.push(t) });
    b.gpio(5).drive(true);
    b.runFor('10us');
    b.gpio(4).drive(true);
    b.runFor('10us');
    b.gpio(5).drive(false);
    b.runFor('10us');
    b.gpio(13).drive(true);
    expect(seen).toEqual([1 << 4, 1 << 5]);
    expect(bank.read()).toBe(1 << 4);
  });
});
