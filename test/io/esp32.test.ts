// ECMA-419 conformance of the ESP32 classes (src/io/esp32.ts) on the simulated esp32-devkitc,
// written from the standard as test/io/rp2040.test.ts is: Digital and DigitalBank (the GPIO
// matrix's W1TS/W1TC outputs, IN, edges through PINn.INT_TYPE and the GPIO interrupt), Serial on
// UART0..2 (pins through the GPIO matrix, FIFO-driven callbacks, formats, line errors) and PWM on
// LEDC (hz and duty measured on the pin, timers shared by hz and resolution, channel limits).
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createBoard, type SimBoard } from '../../host-sim/index.js';
import { Digital, DigitalBank, PWM, Serial } from '../../src/io/esp32.js';
import { IoClosed, IoError, IoRangeError, IoTypeError, ResourceInUse } from '../../src/io/common.js';
import { runs } from '../support/env.js';
import { serialBasics } from './serial-conformance.js';
import '../../host-sim/vitest.js';

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

const GPIO_BASE = 0x3ff44000;
const outSel = (b: SimBoard, pin: number) => b.hal.load32(GPIO_BASE + 0x530 + 4 * pin) & 0x1ff;
const inSel = (b: SimBoard, signal: number) => b.hal.load32(GPIO_BASE + 0x130 + 4 * signal);

describe('Serial on esp32-devkitc', () => {
  serialBasics('esp32-devkitc', Serial, { port: 2 }, 2);

  it('validates baud, port, pins, parity, stopBits, flowControl and format; a refused constructor claims nothing', () => {
    board();
    expect(() => new Serial({ port: 2 })).toThrow(IoTypeError);
    expect(() => new Serial({ baud: '9600', port: 2 } as never)).toThrow(IoTypeError);
    expect(() => new Serial({ baud: 0, port: 2 })).toThrow(IoRangeError);
    expect(() => new Serial({ baud: 115200, port: 3 })).toThrow(IoRangeError);
    expect(() => new Serial({ baud: 115200 })).toThrow(IoTypeError);
    expect(() => new Serial({ baud: 115200, transmit: 4, receive: 5 })).toThrow(/options\.port is required/); // any pin goes to any UART
    expect(() => new Serial({ baud: 115200, port: 1 })).toThrow(/carry the flash/);
    expect(() => new Serial({ baud: 115200, port: 2, transmit: 6 })).toThrow(IoRangeError); // SPI flash
    expect(() => new Serial({ baud: 115200, port: 2, receive: 24 })).toThrow(IoRangeError); // no GPIO24
    expect(() => new Serial({ baud: 115200, port: 2, parity: 'mark' })).toThrow(IoRangeError);
    expect(() => new Serial({ baud: 115200, port: 2, stopBits: 1.5 })).toThrow(IoRangeError);
    expect(() => new Serial({ baud: 115200, port: 2, dataBits: 9 })).toThrow(IoRangeError);
    expect(() => new Serial({ baud: 115200, port: 2, flowControl: 'hardware' })).toThrow(IoRangeError);
    expect(() => new Serial({ baud: 115200, port: 2, format: 'string' })).toThrow(IoRangeError);
    expect(() => new Serial({ baud: 115200, port: 2, onReadable: 1 } as never)).toThrow(IoTypeError);
    expect(() => new Serial({ baud: 50, port: 2 })).toThrow(/out of the UART's range \(77\.\.5000000\)/); // CLKDIV is 20 bits
    expect(() => new Serial({ baud: 6e6, port: 2 })).toThrow(IoRangeError); // above 5 Mbit/s
    new Serial({ baud: 115200, port: 2 }).close();
    new Digital({ pin: 17, mode: Digital.Output }).close();
  });

  it('the port follows from IO_MUX pins; the pins are routed through the GPIO matrix and given back at close', () => {
    const b = board();
    const s = new Serial({ baud: 115200, transmit: 17, receive: 16 }); // UART2's own pins
    expect([outSel(b, 17), inSel(b, 198)]).toEqual([198, 16 | 0x80]); // U2TXD out on GPIO17, U2RXD in from GPIO16
    s.write(0x41);
    b.runFor('1ms');
    expect(b.uart(2).output).toBe('A');
    s.close();
    expect([outSel(b, 17), inSel(b, 198), b.gpio(17).isOutput]).toEqual([0x100, 0, false]);
    const t = new Serial({ baud: 115200, port: 1, transmit: 4, receive: 5 });
    expect([outSel(b, 4), inSel(b, 17)]).toEqual([17, 5 | 0x80]);
    t.close();
  });

  it('write takes a byte in "number" format and refuses what does not fit the 128-byte FIFO, writing nothing', () => {
    const b = board();
    const s = new Serial({ baud: 115200, port: 2 });
    expect(() => s.write(256)).toThrow(IoRangeError);
    expect(() => s.write(Uint8Array.of(1) as never)).toThrow(IoTypeError);
    s.write(65);
    s.format = 'buffer';
    expect(() => s.write(new Uint8Array(128))).toThrow(IoError); // 127 free: the shifter has not taken the first byte yet
    b.runFor('1ms');
    expect(b.uart(2).output).toBe('A');
    s.write(new Uint8Array(128).fill(66));
    b.runFor('20ms');
    expect(b.uart(2).output).toBe('A' + 'B'.repeat(128));
  });

  it('onWritable: the FIFO space after construction, then each time the FIFO drains below half', () => {
    const b = board();
    const seen: number[] = [];
    let left = 300;
    const s = new Serial({
      baud: 921600,
      port: 2,
      format: 'buffer',
      onWritable(this: InstanceType<typeof Serial>, n: number) {
        seen.push(n);
        const k = Math.min(n, left);
        if (k > 0) this.write(new Uint8Array(k).fill(0x55));
        left -= k;
      },
    });
    expect(seen[0]).toBe(128);
    b.runFor('10ms');
    expect(b.uart(2).output).toHaveLength(300); // a continuous writer: the FIFO refilled from its interrupt
    expect(seen.length).toBeGreaterThanOrEqual(3);
    expect(
      seen.slice(1).every((n) => n > 64),
      String(seen),
    ).toBe(true);
    s.close();
  });

  it('law: the frame the options ask for (data bits, parity, stop bits) at the baud rate asked', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(9600, 57600, 115200, 250000),
        fc.constantFrom(5, 6, 7, 8),
        fc.constantFrom('none', 'even', 'odd'),
        fc.constantFrom(1, 2),
        (baud, dataBits, parity, stopBits) => {
          const b = board();
          const s = new Serial({ baud, port: 2, dataBits, parity, stopBits, format: 'buffer' });
          const times: number[] = [];
          b.uart(2).onByte((_, t) => times.push(t));
          s.write(Uint8Array.of(0xff, 0x80, 0xff));
          b.runFor(Math.ceil((4 * 13 * 1e9) / baud));
          const bits = 1 + dataBits + (parity === 'none' ? 0 : 1) + stopBits;
          expect(times).toHaveLength(3);
          const frame = times[2]! - times[1]!;
          expect(Math.abs(frame - (bits * 1e9) / baud) / frame).toBeLessThan(0.002);
          s.close();
        },
      ),
      runs(10, 25),
    );
  });

  it('received bytes keep the data bits of the frame; line errors reach onError, the data still arrives', () => {
    const b = board();
    const errors: string[] = [];
    const got: number[] = [];
    new Serial({
      baud: 115200,
      port: 2,
      dataBits: 7,
      onReadable(this: InstanceType<typeof Serial>) {
        for (let v = this.read(); v !== undefined; v = this.read()) got.push(v as number);
      },
      onError(e: Error) {
        errors.push(e.message);
      },
    });
    b.uart(2).write(Uint8Array.of(0xc1));
    b.runFor('1ms');
    b.uart(2).writeWithErrors('Z', { framing: true });
    b.runFor('1ms');
    b.uart(2).writeWithErrors('P', { parity: true });
    b.runFor('1ms');
    expect(got).toEqual([0x41, 0x5a, 0x50]);
    expect(errors).toEqual(['Serial: receive error on UART2 (framing)', 'Serial: receive error on UART2 (parity)']);
  });

  it('the UART and its pins are in use until close; close twice is harmless; a closed instance refuses', () => {
    const b = board();
    const s = new Serial({ baud: 115200, port: 2 });
    expect(() => new Serial({ baud: 9600, port: 2, transmit: 4 })).toThrow(ResourceInUse);
    expect(() => new Digital({ pin: 17, mode: Digital.Output })).toThrow(ResourceInUse);
    expect(() => new PWM({ pin: 16 })).toThrow(ResourceInUse);
    s.close();
    s.close();
    expect(() => s.write(1)).toThrow(IoClosed);
    expect(() => s.read()).toThrow(IoClosed);
    b.uart(2).write('late');
    b.runFor('1ms'); // no callback after close (none was set), nothing breaks
    new Serial({ baud: 9600, port: 2 }).close();
  });

  it('the host provider has Serial and PWM; device.Serial.default is UART0 on GPIO1/3', () => {
    const b = board();
    const target = { name: 'console' };
    const s = new Serial({ baud: 115200, port: 0, transmit: 1, receive: 3, target });
    expect(s.target).toBe(target);
    s.write(0x3e);
    b.runFor('1ms');
    expect(b.uart(0).output).toBe('>');
    s.close();
  });
});

describe('PWM on esp32-devkitc (LEDC)', () => {
  it('validates pin, hz and resolution; hz and resolution are read-only properties; defaults 10240 Hz, 10 bits', () => {
    board();
    expect(() => new PWM({} as never)).toThrow(IoTypeError);
    expect(() => new PWM({ pin: '2' } as never)).toThrow(IoTypeError);
    expect(() => new PWM({ pin: 6 })).toThrow(IoRangeError); // SPI flash
    expect(() => new PWM({ pin: 34 })).toThrow(IoRangeError);
    expect(() => new PWM({ pin: 2, resolution: 21 })).toThrow(IoRangeError);
    expect(() => new PWM({ pin: 2, resolution: 0 })).toThrow(IoRangeError);
    expect(() => new PWM({ pin: 2, hz: 100_000, resolution: 10 })).toThrow(/out of LEDC's range \(1\.\.78125 Hz\)/);
    expect(() => new PWM({ pin: 2, hz: 0.5, resolution: 10 })).toThrow(IoRangeError);
    expect(() => new PWM({ pin: 2, format: 'buffer' } as never)).toThrow(IoRangeError);
    const p = new PWM({ pin: 2 });
    expect([p.hz, p.resolution, p.format]).toEqual([10240, 10, 'number']);
    expect(() => p.write(1024)).toThrow(IoRangeError);
    expect(() => p.write(-1)).toThrow(IoRangeError);
    expect(() => ((p as { hz: number }).hz = 5)).toThrow(TypeError);
    p.close();
  });

  it('law: the output has the hz asked and the duty written', () => {
    const b0 = board();
    fc.assert(
      fc.property(
        fc.integer({ min: 100, max: 19000 }),
        fc.integer({ min: 8, max: 12 }),
        fc.double({ min: 0.02, max: 0.98, noNaN: true }),
        (hz, resolution, share) => {
          const b = b0;
          const max = 2 ** resolution - 1;
          const value = Math.round(share * max);
          const p = new PWM({ pin: 18, hz, resolution });
          p.write(value);
          b.runFor(Math.ceil(2e9 / hz));
          const from = b.now;
          b.runFor(Math.ceil(6e9 / hz));
          expect(b.gpio(18)).toHaveFrequency(hz, { from, tolerance: 0.002 }); // DIV_NUM is in 256ths
          expect(b.gpio(18)).toHaveDutyCycle(value / 2 ** resolution, { from, tolerance: 1e-6 });
          p.close();
        },
      ),
      runs(10, 30),
    );
  });

  it('the output is low until the first write; 0 is always low, the maximum always high', () => {
    const b = board();
    const p = new PWM({ pin: 18, hz: 1000 });
    expect(b.gpio(18).isOutput).toBe(true);
    b.runFor('3ms');
    expect(b.gpio(18).level).toBe(false);
    expect(b.gpio(18).edges()).toEqual([]);
    p.write(1023);
    b.runFor('2ms');
    const from = b.now;
    b.runFor('3ms');
    expect([b.gpio(18).level, b.gpio(18).edges({ from })]).toEqual([true, []]);
    p.write(0);
    b.runFor('2ms');
    const low = b.now;
    b.runFor('3ms');
    expect([b.gpio(18).level, b.gpio(18).edges({ from: low })]).toEqual([false, []]);
  });

  it('outputs at one hz and resolution share a timer; 8 timers, 16 channels (high speed, then low speed)', () => {
    const b = board();
    const pins = [0, 2, 4, 5, 12, 13, 14, 15, 16, 17, 18, 19, 21, 22, 23, 25];
    const hzOf = (i: number) => 1000 * (1 + (i % 8));
    const all = pins.map((pin, i) => new PWM({ pin, hz: hzOf(i) }));
    expect(() => new PWM({ pin: 26, hz: 1000 })).toThrow(/LEDC \(all 16 channels\)/);
    all[15]!.close();
    expect(() => new PWM({ pin: 26, hz: 9000 })).toThrow(/all 8 run at other frequencies/);
    const again = new PWM({ pin: 26, hz: hzOf(15) });
    for (const p of all.slice(0, 15)) p.write(256);
    again.write(768);
    b.runFor('5ms');
    const from = b.now;
    b.runFor('10ms');
    for (const [i, pin] of pins.slice(0, 15).entries()) {
      expect(b.gpio(pin)).toHaveFrequency(hzOf(i), { from, tolerance: 0.002 });
      expect(b.gpio(pin)).toHaveDutyCycle(0.25, { from, tolerance: 1e-6 });
    }
    expect(b.gpio(26)).toHaveFrequency(hzOf(15), { from, tolerance: 0.002 });
    expect(b.gpio(26)).toHaveDutyCycle(0.75, { from, tolerance: 1e-6 });
  });

  it('a pin in use throws; close gives the pin back (input); close twice is harmless; a closed instance refuses', () => {
    const b = board();
    const p = new PWM({ pin: 2, hz: 1000 });
    expect(() => new PWM({ pin: 2, hz: 1000 })).toThrow(ResourceInUse);
    expect(() => new Digital({ pin: 2, mode: Digital.Output })).toThrow(ResourceInUse);
    p.write(512);
    b.runFor('3ms');
    p.close();
    p.close();
    expect(() => p.write(1)).toThrow(IoClosed);
    expect([outSel(b, 2), b.gpio(2).isOutput]).toEqual([0x100, false]);
    const led = new Digital({ pin: 2, mode: Digital.Output });
    led.write(1);
    expect(b.led.level).toBe(true);
    led.close();
    new PWM({ pin: 2, hz: 2000 }).close();
  });
});
