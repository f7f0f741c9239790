// ECMA-419 conformance of the RP2040 classes (src/io/rp2040.ts) on the simulated rpi-pico,
// written from the standard: constructor validation (TypeError / RangeError), exclusive use
// and reuse after close, close twice, formats, callbacks and the hardware behind them.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createBoard, Mcp3008, Tmp102, type SimBoard } from '../../host-sim/index.js';
import { Analog, Digital, DigitalBank, I2C, PWM, SMBus, SPI, Serial } from '../../src/io/rp2040.js';
import { IoClosed, IoError, IoRangeError, IoTypeError, IoUnsupported, ResourceInUse } from '../../src/io/common.js';
import { runs } from '../support/env.js';
import { serialBasics } from './serial-conformance.js';
import { PermissionDenied, sandbox } from '../../src/permissions.js';
import { SIO as SIO_REGS } from '../../src/registers/rp2040/sio.js';

function board(): SimBoard {
  const b = createBoard('rpi-pico');
  b.bind();
  return b;
}

describe('Digital', () => {
  it('validates its options: TypeError for a missing or mistyped property, RangeError out of range', () => {
    board();
    expect(() => new Digital(undefined as never)).toThrow(IoTypeError);
    expect(() => new Digital({ mode: Digital.Output } as never)).toThrow(IoTypeError);
    expect(() => new Digital({ pin: '25', mode: Digital.Output } as never)).toThrow(IoTypeError);
    expect(() => new Digital({ pin: 30, mode: Digital.Output })).toThrow(IoRangeError);
    expect(() => new Digital({ pin: 2.5, mode: Digital.Output } as never)).toThrow(IoRangeError);
    expect(() => new Digital({ pin: 25 } as never)).toThrow(IoTypeError);
    expect(() => new Digital({ pin: 25, mode: 7 } as never)).toThrow(IoRangeError);
    expect(() => new Digital({ pin: 4, mode: Digital.Input, onReadable() {} })).toThrow(IoTypeError); // edge required
    expect(() => new Digital({ pin: 4, mode: Digital.Input, edge: 4, onReadable() {} })).toThrow(IoRangeError);
    expect(() => new Digital({ pin: 4, mode: Digital.Input, onReadable: 1 } as never)).toThrow(IoTypeError);
    expect(() => new Digital({ pin: 25, mode: Digital.Output, edge: 1, onReadable() {} })).toThrow(IoRangeError);
    expect(() => new Digital({ pin: 25, mode: Digital.Output, format: 'buffer' } as never)).toThrow(IoRangeError);
    // a refused constructor claims nothing
    new Digital({ pin: 25, mode: Digital.Output }).close();
    new Digital({ pin: 4, mode: Digital.Input }).close();
  });

  it('an output drives the pin; read() is not an output operation; write takes 0 or 1 only', () => {
    const b = board();
    const led = new Digital({ pin: 25, mode: Digital.Output });
    expect(b.gpio(25).isOutput).toBe(true);
    led.write(1);
    expect(b.gpio(25).level).toBe(true);
    led.write(0);
    expect(b.gpio(25).level).toBe(false);
    expect(() => led.write(2 as never)).toThrow(IoRangeError);
    expect(() => led.write(true as never)).toThrow(IoRangeError);
    expect(b.gpio(25).level).toBe(false);
    expect(() => led.read()).toThrow(IoUnsupported);
    expect(led.format).toBe('number');
    expect(() => (led.format = 'buffer' as never)).toThrow(IoRangeError);
  });

  it("initialValue is the output's level from the start; open drain floats for 1", () => {
    const b = board();
    new Digital({ pin: 25, mode: Digital.Output, initialValue: 1 });
    expect(b.gpio(25).level).toBe(true);
    const od = new Digital({ pin: 6, mode: Digital.OutputOpenDrain });
    expect(b.gpio(6).isOutput).toBe(true);
    expect(b.gpio(6).level).toBe(false);
    od.write(1);
    expect(b.gpio(6).isOutput).toBe(false);
  });

  it('inputs read the pin with the pull the mode asks for', () => {
    const b = board();
    const up = new Digital({ pin: 4, mode: Digital.InputPullUp });
    const down = new Digital({ pin: 5, mode: Digital.InputPullDown });
    expect([up.read(), down.read()]).toEqual([1, 0]);
    b.gpio(4).drive(false);
    b.gpio(5).drive(true);
    expect([up.read(), down.read()]).toEqual([0, 1]);
    expect(() => up.write(1)).toThrow(IoUnsupported);
  });

  it('law: onReadable is called once per edge the edge option selects', () => {
    const b = board();
    fc.assert(
      fc.property(fc.array(fc.boolean(), { maxLength: 20 }), fc.integer({ min: 1, max: 3 }), (levels, edge) => {
        b.gpio(4).drive(false);
        b.runFor('10us');
        let calls = 0;
        const reads: number[] = [];
        const d = new Digital({
          pin: 4,
          mode: Digital.InputPullDown,
          edge,
          onReadable() {
            calls++;
            reads.push(this.read());
          },
        });
        let level = false,
          expected = 0;
        for (const l of levels) {
          if (l !== level) expected += (l && edge & Digital.Rising) || (!l && edge & Digital.Falling) ? 1 : 0;
          level = l;
          b.gpio(4).drive(l);
          b.runFor('10us');
        }
        expect(calls).toBe(expected);
        if (edge === Digital.Rising) expect(reads.every((r) => r === 1)).toBe(true);
        d.close();
      }),
      runs(30, 100),
    );
  });

  it('a pin in use throws; after close it can be used again; close twice is harmless; a closed instance refuses', () => {
    const b = board();
    let calls = 0;
    const a = new Digital({ pin: 4, mode: Digital.Input, edge: Digital.Rising, onReadable: () => calls++ });
    expect(() => new Digital({ pin: 4, mode: Digital.Output })).toThrow(ResourceInUse);
    expect(() => new DigitalBank({ pins: 1 << 4, mode: Digital.Input })).toThrow(ResourceInUse);
    a.close();
    a.close();
    expect(() => a.read()).toThrow(IoClosed);
    b.gpio(4).drive(true);
    b.runFor('10us');
    expect(calls).toBe(0); // no callback after close
    const again = new Digital({ pin: 4, mode: Digital.Output });
    again.write(1);
    expect(b.gpio(4).isOutput).toBe(true);
  });

  it('write and read take the direct HAL path only outside a sandbox: a policy without SIO refuses them, touching nothing', () => {
    const b = board();
    const led = new Digital({ pin: 25, mode: Digital.Output });
    const sio = { scope: 'register' as const, from: SIO_REGS.baseAddress, to: SIO_REGS.baseAddress + 0x1000 };
    sandbox({ allow: [sio] }, () => led.write(1));
    expect(b.gpio(25).level).toBe(true);
    expect(() => sandbox({ deny: [sio] }, () => led.write(0))).toThrow(PermissionDenied);
    expect(b.gpio(25).level).toBe(true);
    const button = new Digital({ pin: 4, mode: Digital.InputPullUp });
    expect(() => sandbox({ deny: [sio] }, () => button.read())).toThrow(PermissionDenied);
    expect(button.read()).toBe(1);
  });

  it('target is the options.target value', () => {
    board();
    const t = { any: 1 };
    expect(new Digital({ pin: 7, mode: Digital.Input, target: t }).target).toBe(t);
  });
});

describe('DigitalBank', () => {
  it('validates pins, rises/falls and onReadable', () => {
    board();
    expect(() => new DigitalBank({ mode: Digital.Input } as never)).toThrow(IoTypeError);
    expect(() => new DigitalBank({ pins: 0, mode: Digital.Input })).toThrow(IoRangeError);
    expect(() => new DigitalBank({ pins: 1 << 30, mode: Digital.Input })).toThrow(IoRangeError); // GPIO30 does not exist
    expect(() => new DigitalBank({ pins: 0b11, mode: Digital.Input, rises: 0b100 })).toThrow(IoRangeError);
    expect(() => new DigitalBank({ pins: 0b11, mode: Digital.Input, onReadable() {} })).toThrow(IoRangeError);
    expect(() => new DigitalBank({ pins: 0b11, mode: Digital.Input, bank: 1 })).toThrow(IoRangeError);
  });

  it('read masks other pins out; write drives only its pins', () => {
    const b = board();
    const out = new DigitalBank({ pins: 0b1111 << 10, mode: DigitalBank.Output });
    const other = new Digital({ pin: 14, mode: Digital.Output, initialValue: 1 });
    out.write(0xffffffff);
    expect([10, 11, 12, 13].map((p) => b.gpio(p).level)).toEqual([true, true, true, true]);
    out.write(0b0101 << 10);
    expect([10, 11, 12, 13, 14].map((p) => b.gpio(p).level)).toEqual([true, false, true, false, true]);
    other.close();
    const inp = new DigitalBank({ pins: (1 << 2) | (1 << 3), mode: DigitalBank.InputPullUp });
    b.gpio(3).drive(false);
    b.gpio(20).drive(true); // not in the bank
    expect(inp.read()).toBe(1 << 2);
  });

  it('onReadable(triggers) names the pins whose selected edge fired', () => {
    const b = board();
    const seen: number[] = [];
    new DigitalBank({ pins: (1 << 1) | (1 << 15), mode: DigitalBank.Input, rises: 1 << 1, falls: 1 << 15, onReadable: (t) => seen.push(t) });
    b.gpio(15).drive(true);
    b.runFor('10us');
    b.gpio(1).drive(true);
    b.runFor('10us');
    b.gpio(15).drive(false);
    b.runFor('10us');
    b.gpio(1).drive(false);
    b.runFor('10us');
    expect(seen).toEqual([1 << 1, 1 << 15]);
  });

  it('two banks on disjoint pins watch independently; closing one leaves the other', () => {
    const b = board();
    let a = 0,
      c = 0;
    const A = new DigitalBank({ pins: 1 << 8, mode: DigitalBank.Input, rises: 1 << 8, onReadable: () => a++ });
    new DigitalBank({ pins: 1 << 9, mode: DigitalBank.Input, rises: 1 << 9, onReadable: () => c++ });
    A.close();
    b.gpio(8).drive(true);
    b.gpio(9).drive(true);
    b.runFor('10us');
    expect([a, c]).toEqual([0, 1]);
  });
});

describe('Serial', () => {
  serialBasics('rpi-pico', Serial, { transmit: 4, receive: 5 }, 1);

  it('validates baud, port, pins, parity, stopBits, flowControl and format', () => {
    board();
    expect(() => new Serial({ port: 1 })).toThrow(IoTypeError);
    expect(() => new Serial({ baud: 0, port: 1 })).toThrow(IoRangeError);
    expect(() => new Serial({ baud: 115200, port: 2 })).toThrow(IoRangeError);
    expect(() => new Serial({ baud: 115200, transmit: 2 })).toThrow(IoRangeError); // GPIO2 is no UART TX
    expect(() => new Serial({ baud: 115200, port: 0, transmit: 4 })).toThrow(IoRangeError); // GPIO4 is UART1's
    expect(() => new Serial({ baud: 115200, port: 1, parity: 'mark' })).toThrow(IoRangeError);
    expect(() => new Serial({ baud: 115200, port: 1, stopBits: 3 })).toThrow(IoRangeError);
    expect(() => new Serial({ baud: 115200, port: 1, flowControl: 'hardware' })).toThrow(IoRangeError);
    expect(() => new Serial({ baud: 115200, port: 1, format: 'string' })).toThrow(IoRangeError);
    expect(() => new Serial({ baud: 1, port: 1 })).toThrow(IoRangeError); // below the divider's range
    new Serial({ baud: 115200, port: 1 }).close();
  });

  it('write takes a byte in "number" format (RangeError otherwise) and refuses what does not fit, writing nothing', () => {
    const b = board();
    const s = new Serial({ baud: 115200, port: 1 });
    expect(() => s.write(256)).toThrow(IoRangeError);
    expect(() => s.write(Uint8Array.of(1) as never)).toThrow(IoTypeError);
    s.write(65);
    s.format = 'buffer';
    expect(() => s.write(new Uint8Array(33))).toThrow(IoError);
    b.runFor('1ms');
    expect(b.uart(1).output).toBe('A');
  });

  it('onWritable is called after construction with the FIFO space', () => {
    board();
    const seen: number[] = [];
    new Serial({ baud: 115200, port: 1, onWritable: (n: number) => seen.push(n) });
    expect(seen).toEqual([32]);
  });

  it('the UART and its pins are in use until close; close twice is harmless', () => {
    board();
    const s = new Serial({ baud: 115200, port: 1 });
    expect(() => new Serial({ baud: 9600, port: 1 })).toThrow(ResourceInUse);
    expect(() => new Digital({ pin: 4, mode: Digital.Output })).toThrow(ResourceInUse);
    s.close();
    s.close();
    expect(() => s.write(1)).toThrow(IoClosed);
    new Serial({ baud: 9600, port: 1 }).close();
  });
});

describe('I2C and SMBus', () => {
  const setup = () => {
    const b = board();
    const tmp = new Tmp102(21.5);
    b.i2c(0).attach(0x48, tmp);
    return { b, tmp };
  };

  it('validates hz, address, pins and port', () => {
    board();
    expect(() => new I2C({ data: 4, clock: 5, address: 0x48 })).toThrow(IoTypeError);
    expect(() => new I2C({ data: 4, clock: 5, hz: 100000 })).toThrow(IoTypeError);
    expect(() => new I2C({ data: 4, clock: 5, hz: 100000, address: 0x80 })).toThrow(IoRangeError);
    expect(() => new I2C({ data: 4, clock: 5, hz: 5e6, address: 0x48 })).toThrow(IoRangeError);
    expect(() => new I2C({ data: 4, clock: 7, hz: 100000, address: 0x48 })).toThrow(IoRangeError); // GPIO7 is I2C1 SCL
    expect(() => new I2C({ data: 3, clock: 5, hz: 100000, address: 0x48 })).toThrow(IoRangeError);
  });

  it('reads the TMP102 with a repeated START, as SMBus register reads do; the bus takes real time', () => {
    const { b, tmp } = setup();
    const s = new SMBus({ data: 4, clock: 5, hz: 400_000, address: 0x48 });
    const t0 = b.now;
    expect(s.readUint16(0, true) >> 4).toBe(21.5 * 16);
    // START, address, pointer, repeated START, address, 2 bytes, STOP: 47 SCL periods at 400 kHz
    expect(b.now - t0).toBeGreaterThan(47 * 2500);
    expect(s.readUint16(1, true)).toBe(0x60a0);
    s.writeUint16(3, 0x1234, true);
    expect(tmp.registers[3]).toBe(0x1234);
    expect(s.readUint8(3)).toBe(0x12);
    tmp.temperature = -10;
    expect(new Uint8Array(s.readBuffer(0, 2)!)).toEqual(Uint8Array.of(0xf6, 0x00));
  });

  it('a wrong address is NACKed (IoError) and the bus works afterwards; a NACKed byte too', () => {
    setup();
    const wrong = new I2C({ data: 4, clock: 5, hz: 100_000, address: 0x49 });
    expect(() => wrong.write(Uint8Array.of(0))).toThrow(/no acknowledge from address 0x49/);
    expect(() => wrong.read(2)).toThrow(IoError);
    const right = new I2C({ data: 4, clock: 5, hz: 100_000, address: 0x48 });
    expect(() => right.write(Uint8Array.of(9))).toThrow(/did not acknowledge a byte/); // pointer > 3
    right.write(Uint8Array.of(1), false);
    expect(new Uint8Array(right.read(2)!)).toEqual(Uint8Array.of(0x60, 0xa0));
    const buf = new Uint8Array(2);
    right.write(Uint8Array.of(0), false);
    expect(right.read(buf)).toBeUndefined();
    expect(buf[0]).toBe(21);
  });

  it('instances share the bus at one hz on the same pins; another hz or another address claim is refused', () => {
    setup();
    const a = new I2C({ data: 4, clock: 5, hz: 100_000, address: 0x48 });
    expect(() => new I2C({ data: 4, clock: 5, hz: 400_000, address: 0x50 })).toThrow(ResourceInUse);
    expect(() => new I2C({ data: 4, clock: 5, hz: 100_000, address: 0x48 })).toThrow(ResourceInUse);
    const c = new I2C({ data: 4, clock: 5, hz: 100_000, address: 0x50 });
    expect(() => new Digital({ pin: 4, mode: Digital.Output })).toThrow(ResourceInUse);
    a.close();
    expect(() => new Digital({ pin: 4, mode: Digital.Output })).toThrow(ResourceInUse);
    c.close();
    c.close();
    new Digital({ pin: 4, mode: Digital.Output }).close();
    expect(() => c.read(1)).toThrow(IoClosed);
    expect(() => new I2C({ data: 4, clock: 5, hz: 100_000, address: 0x48 }).write(new Uint8Array(0))).toThrow(IoRangeError);
  });
});

describe('SPI', () => {
  const setup = () => {
    const b = board();
    const adc = new Mcp3008(3.3);
    b.spi(0).attach(17, adc);
    return { b, adc };
  };
  const options = { clock: 18, out: 19, in: 16, select: 17, hz: 1_000_000 };

  it('validates clock, hz, mode, active, pins', () => {
    board();
    expect(() => new SPI({ out: 19, hz: 1e6 })).toThrow(IoTypeError);
    expect(() => new SPI({ clock: 18, hz: 1e6 })).toThrow(IoRangeError); // neither out nor in
    expect(() => new SPI({ clock: 18, out: 19 })).toThrow(IoTypeError);
    expect(() => new SPI({ ...options, mode: 4 })).toThrow(IoRangeError);
    expect(() => new SPI({ ...options, active: 2 })).toThrow(IoRangeError);
    expect(() => new SPI({ ...options, hz: 100e6 })).toThrow(IoRangeError);
    expect(() => new SPI({ ...options, clock: 17 })).toThrow(IoRangeError);
    expect(() => new SPI({ ...options, out: 16, in: 19 })).toThrow(IoRangeError);
  });

  it('law: transfer reads the MCP3008 in modes 0 and 3; select toggles with flush(true)', () => {
    const { b, adc } = setup();
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 7 }), fc.double({ min: 0, max: 3.3, noNaN: true }), fc.constantFrom(0, 3), (ch, v, mode) => {
        adc.setVoltage(ch, v);
        const spi = new SPI({ ...options, mode });
        expect(b.gpio(17).level).toBe(true);
        const buf = Uint8Array.of(1, 0x80 | (ch << 4), 0);
        spi.transfer(buf);
        expect(b.gpio(17).level).toBe(false);
        spi.flush(true);
        expect(b.gpio(17).level).toBe(true);
        expect(((buf[1]! & 3) << 8) | buf[2]!).toBe(Math.min(1023, Math.floor((1024 * v) / 3.3)));
        spi.close();
      }),
      runs(20, 60),
    );
  });

  it('modes 1 and 2 do not reach a part that samples in modes 0 and 3 (MISO reads ones)', () => {
    setup();
    for (const mode of [1, 2]) {
      const spi = new SPI({ ...options, mode });
      const buf = Uint8Array.of(1, 0x80, 0);
      spi.transfer(buf);
      spi.flush(true);
      expect([...buf]).toEqual([255, 255, 255]);
      spi.close();
    }
  });

  it('read(count) and write(buffer); the select and the bus are in use until close', () => {
    const { b } = setup();
    const spi = new SPI(options);
    spi.write(Uint8Array.of(1, 0x80));
    expect(new Uint8Array(spi.read(1)!)[0]).toBe(0);
    expect(() => new SPI(options)).toThrow(ResourceInUse);
    expect(() => new SPI({ ...options, select: 20, clock: 2, out: 3, in: 4 })).toThrow(ResourceInUse); // SPI0 on other pins
    spi.close();
    spi.close();
    expect(b.gpio(17).isOutput).toBe(false);
    expect(() => spi.write(Uint8Array.of(1))).toThrow(IoClosed);
    new SPI(options).close();
  });
});

describe('PWM', () => {
  /** High time / period over whole periods, from the pin's edges. */
  const duty = (b: SimBoard, pin: number, span: string) => {
    const edges: [boolean, number][] = [];
    const off = b.gpio(pin).onChange((l, t) => edges.push([l, t]));
    b.runFor(span);
    off();
    const rises = edges.filter(([l]) => l).map(([, t]) => t);
    const falls = edges.filter(([l]) => !l).map(([, t]) => t);
    const period = rises[2]! - rises[1]!;
    const high = falls.find((t) => t > rises[1]!)! - rises[1]!;
    return { period, duty: high / period };
  };

  it('validates pin, hz and resolution; hz and resolution are read-only properties', () => {
    board();
    expect(() => new PWM({} as never)).toThrow(IoTypeError);
    expect(() => new PWM({ pin: 30 })).toThrow(IoRangeError);
    expect(() => new PWM({ pin: 25, resolution: 17 })).toThrow(IoRangeError);
    expect(() => new PWM({ pin: 25, hz: 1 })).toThrow(IoRangeError); // below the divider's range
    expect(() => new PWM({ pin: 25, hz: 10e6, resolution: 16 })).toThrow(IoRangeError);
    const p = new PWM({ pin: 25 });
    expect([p.hz, p.resolution]).toEqual([10240, 10]);
    expect(() => p.write(1024)).toThrow(IoRangeError);
  });

  it('law: the output has the hz asked and the duty written, 0 always low and the maximum always high', () => {
    const b0 = board();
    fc.assert(
      fc.property(fc.integer({ min: 500, max: 20000 }), fc.integer({ min: 1, max: 1022 }), (hz, value) => {
        const b = b0;
        const p = new PWM({ pin: 25, hz, resolution: 10 });
        p.write(value);
        b.runFor('1ms');
        const m = duty(b, 25, `${Math.ceil(4e6 / hz)}us`);
        expect(Math.abs(m.period - 1e9 / hz) / (1e9 / hz)).toBeLessThan(0.01);
        expect(Math.abs(m.duty - value / 1023)).toBeLessThan(0.01);
        p.close();
      }),
      runs(10, 30),
    );
    const b = board();
    const p = new PWM({ pin: 25, hz: 1000 });
    b.runFor('3ms');
    expect(b.gpio(25).level).toBe(false);
    p.write(1023);
    b.runFor('3ms');
    let changes = 0;
    const off = b.gpio(25).onChange(() => changes++);
    b.runFor('3ms');
    off();
    expect([b.gpio(25).level, changes]).toEqual([true, 0]);
  });

  it('the two channels of a slice share hz: another hz is refused until the slice is free', () => {
    board();
    const a = new PWM({ pin: 24, hz: 1000 }); // slice 4 A
    expect(() => new PWM({ pin: 25, hz: 2000 })).toThrow(ResourceInUse);
    const b2 = new PWM({ pin: 25, hz: 1000 });
    expect(() => new PWM({ pin: 24, hz: 1000 })).toThrow(ResourceInUse);
    a.close();
    b2.close();
    b2.close();
    new PWM({ pin: 25, hz: 2000 }).close();
  });
});

describe('Analog', () => {
  it('validates pin and resolution; reads the channel of the pin; 12-bit resolution', () => {
    const b = board();
    expect(() => new Analog({} as never)).toThrow(IoTypeError);
    expect(() => new Analog({ pin: 25 })).toThrow(IoRangeError);
    expect(() => new Analog({ pin: 26, resolution: 10 })).toThrow(IoRangeError);
    const a = new Analog({ pin: 28 });
    expect(a.resolution).toBe(12);
    b.setAnalog(2, 3000);
    expect(a.read()).toBe(3000);
    b.setAnalog(2, 17);
    expect(a.read()).toBe(17);
    expect(() => new Analog({ pin: 28 })).toThrow(ResourceInUse);
    a.close();
    a.close();
    expect(() => a.read()).toThrow(IoClosed);
    new Analog({ pin: 28 }).close();
  });
});
