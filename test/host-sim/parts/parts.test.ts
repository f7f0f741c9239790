// The parts of host-sim/parts on their own (bus protocol level): TMP102's register map,
// MCP3008's bit stream, and the I2C/SPI bus routing.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { I2cBus, Mcp3008, SpiBus, Tmp102, InvalidArgumentOf } from './support.js';

describe('I2cBus', () => {
  it('routes a START to the part at the address; other addresses NACK and read 0xff', () => {
    const bus = new I2cBus(0);
    const t = new Tmp102(25);
    bus.attach(0x48, t);
    expect(bus.connect(0x49, false, false)).toBe(false);
    expect(bus.writeByte(0)).toBe(false);
    expect(bus.readByte(false)).toBe(0xff);
    bus.stop();
    expect(bus.connect(0x48, false, false)).toBe(true);
    expect(bus.writeByte(0)).toBe(true);
    expect(bus.connect(0x48, true, true)).toBe(true);
    expect([bus.readByte(true), bus.readByte(false)]).toEqual([0x19, 0x00]); // 25 °C = 0x190 << 4
    bus.stop();
  });
  it('refuses a bad address, a second part at one address and a non-part', () => {
    const bus = new I2cBus(0);
    bus.attach(0x48, new Tmp102());
    expect(() => bus.attach(0x48, new Tmp102())).toThrow(InvalidArgumentOf('I2C address'));
    expect(() => bus.attach(0x80, new Tmp102())).toThrow(InvalidArgumentOf('I2C address'));
    expect(() => bus.attach(1.5, new Tmp102())).toThrow(InvalidArgumentOf('I2C address'));
    expect(() => bus.attach(0x49, {} as never)).toThrow(InvalidArgumentOf('I2C part'));
  });
  it('detach frees the address', () => {
    const bus = new I2cBus(0);
    const off = bus.attach(0x48, new Tmp102());
    off();
    expect(bus.connect(0x48, false, false)).toBe(false);
    bus.attach(0x48, new Tmp102());
  });
});

describe('Tmp102', () => {
  const readReg = (t: Tmp102, ptr: number) => {
    t.start();
    expect(t.write(ptr)).toBe(true);
    t.start();
    return (t.read() << 8) | t.read();
  };
  it('law: the temperature register holds round(T / 0.0625) left-justified in 12 bits', () => {
    fc.assert(
      fc.property(fc.double({ min: -55, max: 127.9, noNaN: true }), (c) => {
        const t = new Tmp102(c);
        const raw = readReg(t, 0);
        const counts = (raw << 16) >> 20; // sign-extend the 12-bit value
        expect(counts).toBe(Math.round(c / 0.0625) + 0); // + 0: -0 reads as 0
        expect(raw & 0xf).toBe(0);
      }),
    );
  });
  it('configuration resets to 0x60a0; R1 R0 and AL are read-only; EM gives 13-bit temperatures', () => {
    const t = new Tmp102(150);
    expect(readReg(t, 1)).toBe(0x60a0);
    expect(readReg(t, 0)).toBe(0x7ff0); // 150 °C clips at 127.9375 in 12-bit mode
    t.start();
    [1, 0x00, 0x10].forEach((b) => expect(t.write(b)).toBe(true)); // EM = 1, tries to clear R1 R0 and AL
    expect(readReg(t, 1)).toBe(0x6030); // CR1 CR0 cleared (writable), AL kept, EM set
    expect(readReg(t, 0)).toBe(((150 / 0.0625) << 3) | 1);
  });
  it('T_LOW/T_HIGH reset to 75/80 °C and take writes; the temperature register ignores them', () => {
    const t = new Tmp102(20);
    expect(readReg(t, 2)).toBe(0x4b00);
    expect(readReg(t, 3)).toBe(0x5000);
    t.start();
    [3, 0x12, 0x34].forEach((b) => t.write(b));
    expect(readReg(t, 3)).toBe(0x1234);
    t.start();
    [0, 0xff, 0xff].forEach((b) => expect(t.write(b)).toBe(true));
    expect(readReg(t, 0)).toBe(20 * 16 * 16);
  });
  it('NACKs a pointer byte with P7..P2 set, and a reading out of the sensor range is refused', () => {
    const t = new Tmp102();
    t.start();
    expect(t.write(4)).toBe(false);
    expect(() => (t.temperature = 200)).toThrow(InvalidArgumentOf('TMP102 temperature'));
    expect(t.temperature).toBe(25);
  });
});

describe('Mcp3008', () => {
  const exchange = (p: Mcp3008, bytes: number[]) => {
    p.select();
    const r = bytes.map((b) => p.transfer(b, 8));
    p.deselect();
    return r;
  };
  it('law: [1, 0x80 | ch << 4, 0] returns floor(1024 V / Vref) in the low 2 + 8 bits', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 7 }), fc.double({ min: 0, max: 3.3, noNaN: true }), (ch, v) => {
        const p = new Mcp3008(3.3);
        p.setVoltage(ch, v);
        const r = exchange(p, [1, 0x80 | (ch << 4), 0]);
        expect(((r[1]! & 3) << 8) | r[2]!).toBe(Math.min(1023, Math.floor((1024 * v) / 3.3)));
        expect(r[1]! & 4).toBe(0); // the null bit
      }),
    );
  });
  it('differential pairs subtract and clip at 0; one 16-bit frame carries the same stream', () => {
    const p = new Mcp3008(2.048);
    p.setVoltage(2, 1.5);
    p.setVoltage(3, 0.5);
    let r = exchange(p, [1, 0x20, 0]); // DIFF, CH2 - CH3
    expect(((r[1]! & 3) << 8) | r[2]!).toBe(500);
    r = exchange(p, [1, 0x30, 0]); // CH3 - CH2: negative
    expect(((r[1]! & 3) << 8) | r[2]!).toBe(0);
    p.select();
    const w = [p.transfer(0x0001, 16), p.transfer(0xa000, 16)];
    p.deselect();
    expect(w[1]! & 0x3ff).toBe(750); // CH2 single-ended: 1.5 / 2.048 * 1024
  });
});

describe('SpiBus', () => {
  it('only a selected part in a mode it works in drives MISO', () => {
    const pins = new Map<number, { level: boolean; cb?: (l: boolean, t: number) => void }>();
    const gpio = (n: number) => {
      const s = pins.get(n) ?? { level: true };
      pins.set(n, s);
      return {
        pin: n,
        isOutput: true,
        get level() {
          return s.level;
        },
        drive() {},
        release() {},
        onChange(cb: (l: boolean, t: number) => void) {
          s.cb = cb;
          return () => {};
        },
      };
    };
    const bus = new SpiBus(0, gpio);
    const p = new Mcp3008(3.3);
    p.setVoltage(0, 3.3);
    bus.attach(5, p);
    expect(bus.exchange(1, 8, 0)).toBe(0xff); // CS high: nobody drives MISO
    const cs = pins.get(5)!;
    cs.level = false;
    cs.cb!(false, 0);
    expect(bus.exchange(1, 8, 1)).toBe(0xff); // mode 1: the part does not sample right
    expect(bus.exchange(1, 8, 0)).toBe(0xff);
    expect(bus.exchange(0x80, 8, 0) & 3).toBe(3);
    expect(bus.exchange(0, 8, 0)).toBe(0xff);
    expect(() => bus.attach(5, p)).toThrow(InvalidArgumentOf('SPI chip-select pin'));
  });
});
