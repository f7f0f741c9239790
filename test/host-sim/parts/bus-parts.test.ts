// Bus parts against their datasheets: the 24xx256 EEPROM (page writes, write cycle, acknowledge
// polling, sequential reads) and the W25Q32 NOR flash (JEDEC ID, read, page program, erase,
// BUSY), at the bus protocol level and end to end through the RP2040's I2C and SPI controllers.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createBoard, simulate, I2cEeprom, SpiFlash, type SimBoard } from '../../../host-sim/index.js';
import { I2C, SPI } from '../../../src/io/rp2040.js';
import { InvalidArgument } from '../../../src/errors.js';
import { runs } from '../../support/env.js';

/** An EEPROM on a board's bus 0, driven by the bus protocol (what a controller does on the wire). */
function eepromOn(b: SimBoard, o: Partial<ConstructorParameters<typeof I2cEeprom>[0]> = {}) {
  const e = b.attach(new I2cEeprom({ bus: 0, ...o }));
  const bus = b.i2c(0);
  const addr = e.address;
  return {
    e,
    write(at: number, data: number[]): boolean {
      if (!bus.connect(addr, false, false)) return false;
      for (const x of [at >> 8, at & 0xff, ...data]) bus.writeByte(x);
      bus.stop();
      return true;
    },
    read(at: number, n: number): number[] | undefined {
      if (!bus.connect(addr, false, false)) return undefined;
      bus.writeByte(at >> 8);
      bus.writeByte(at & 0xff);
      bus.connect(addr, true, true);
      const out = Array.from({ length: n }, (_, i) => bus.readByte(i < n - 1));
      bus.stop();
      return out;
    },
  };
}

describe('I2C EEPROM (24xx256)', () => {
  it('a page write lands at its address, then the chip NACKs for tWR (acknowledge polling)', () => {
    const b = createBoard('rpi-pico');
    const { e, write, read } = eepromOn(b);
    expect(write(0x0100, [1, 2, 3])).toBe(true);
    expect(e.busy).toBe(true);
    expect(read(0x0100, 3)).toBeUndefined(); // NACK during the write cycle
    b.runFor('4.9ms');
    expect(b.i2c(0).connect(0x50, false, false)).toBe(false);
    b.i2c(0).stop();
    b.runFor('0.2ms');
    expect(read(0x0100, 3)).toEqual([1, 2, 3]);
    expect(e.memory[0x00ff]).toBe(0xff);
  });

  it('bytes past the end of a 64-byte page wrap to its start', () => {
    const b = createBoard('rpi-pico');
    const { write, read } = eepromOn(b);
    write(62, [0xa, 0xb, 0xc, 0xd]);
    b.runFor('6ms');
    expect(read(62, 2)).toEqual([0xa, 0xb]);
    expect(read(0, 2)).toEqual([0xc, 0xd]); // wrapped inside page 0, not into page 1
    expect(read(64, 1)).toEqual([0xff]);
  });

  it('law: a page write equals writing its bytes one at a time at (start + i) mod page inside its page', () => {
    const b = createBoard('rpi-pico');
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 32767 }), fc.array(fc.integer({ min: 0, max: 255 }), { minLength: 1, maxLength: 150 }), (at, data) => {
        const { e, write } = eepromOn(b, { writeNs: 0 });
        write(at, data);
        const model = new Uint8Array(32768).fill(0xff);
        const base = at & ~63;
        data.forEach((x, i) => (model[base + ((at - base + i) % 64)] = x));
        b.detach(e);
        expect(Buffer.from(e.memory).equals(Buffer.from(model))).toBe(true);
      }),
      runs(100, 300),
    );
  });

  it('a sequential read rolls over from the last byte to 0; a wrong address NACKs', () => {
    const b = createBoard('rpi-pico');
    const { e, read } = eepromOn(b, { data: [9] });
    e.memory[32767] = 7;
    expect(read(32767, 2)).toEqual([7, 9]);
    expect(b.i2c(0).connect(0x51, false, false)).toBe(false);
  });

  it('refuses bad options', () => {
    expect(() => new I2cEeprom({ bus: 0, size: 1000 })).toThrow(InvalidArgument);
    expect(() => new I2cEeprom({ bus: 0, pageSize: 48 })).toThrow(InvalidArgument);
    expect(() => new I2cEeprom({ bus: 0, size: 256, data: new Uint8Array(300) })).toThrow(InvalidArgument);
  });

  it('end to end: the ECMA-419 I2C class on rpi-pico writes a page, polls, and reads it back', async () => {
    const b = await simulate('rpi-pico');
    b.attach(new I2cEeprom({ bus: 0 }));
    const i2c = new I2C({ data: 4, clock: 5, hz: 400_000, address: 0x50 });
    i2c.write(Uint8Array.of(0x12, 0x34, 0xde, 0xad, 0xbe, 0xef));
    let polls = 0;
    for (;;) {
      try {
        i2c.write(Uint8Array.of(0x12, 0x34), false); // NACKed while the EEPROM programs
        break;
      } catch {
        polls++;
      }
    }
    const got = new Uint8Array(i2c.read(4)!);
    i2c.close();
    expect([...got]).toEqual([0xde, 0xad, 0xbe, 0xef]);
    expect(polls).toBeGreaterThan(0);
  });
});

/** One SPI transaction on the flash, by the protocol: select, bytes, deselect. */
function spiOn(b: SimBoard, flash: SpiFlash) {
  const bus = b.spi(0),
    cs = b.gpio(flash.cs);
  return (bytes: number[], read = 0): number[] => {
    cs.drive(false);
    const out = [...bytes, ...new Array(read).fill(0)].map((x) => bus.exchange(x, 8, 0));
    cs.drive(true);
    return out.slice(bytes.length);
  };
}

describe('SPI NOR flash (W25Q32)', () => {
  it('answers JEDEC ID EF 40 16 and reads erased 0xff', () => {
    const b = createBoard('rpi-pico');
    const f = b.attach(new SpiFlash({ bus: 0, cs: 17 }));
    const tx = spiOn(b, f);
    expect(tx([0x9f], 3)).toEqual([0xef, 0x40, 0x16]);
    expect(tx([0x03, 0, 0, 0], 4)).toEqual([0xff, 0xff, 0xff, 0xff]);
  });

  it('programs a page only after write enable, is BUSY for tPP, and programming only clears bits', () => {
    const b = createBoard('rpi-pico');
    const f = b.attach(new SpiFlash({ bus: 0, cs: 17 }));
    const tx = spiOn(b, f);
    tx([0x02, 0, 0x10, 0, 0x12]); // no WEL: ignored
    expect(tx([0x03, 0, 0x10, 0], 1)).toEqual([0xff]);
    tx([0x06]);
    expect(tx([0x05], 1)).toEqual([0x02]); // WEL
    tx([0x02, 0, 0x10, 0xfe, 0xf0, 0x0f, 0x3c]); // 3 bytes at 0x10fe: the third wraps to 0x1000
    expect(tx([0x05], 2)).toEqual([0x03, 0x03]); // BUSY | WEL, repeated while selected
    expect(tx([0x03, 0, 0x10, 0xfe], 2)).toEqual([0xff, 0xff]); // ignored while busy
    b.runFor('0.5ms');
    expect(tx([0x05], 1)).toEqual([0x00]);
    expect(tx([0x03, 0, 0x10, 0xfe], 2)).toEqual([0xf0, 0x0f]);
    expect(tx([0x03, 0, 0x10, 0x00], 1)).toEqual([0x3c]);
    tx([0x06]);
    tx([0x02, 0, 0x10, 0xfe, 0xff]); // 0xff over 0xf0: stays 0xf0
    b.runFor('1ms');
    expect(tx([0x0b, 0, 0x10, 0xfe, 0], 1)).toEqual([0xf0]);
  });

  it('a sector erase sets its 4 KB back to 0xff and takes tSE; other sectors keep their data', () => {
    const b = createBoard('rpi-pico');
    const f = b.attach(new SpiFlash({ bus: 0, cs: 17 }));
    f.memory.fill(0, 0, 8192);
    const tx = spiOn(b, f);
    tx([0x06]);
    tx([0x20, 0, 0x10, 0x80]); // sector 1
    b.runFor('44ms');
    expect(tx([0x05], 1)).toEqual([0x03]);
    b.runFor('2ms');
    expect(tx([0x05], 1)).toEqual([0x00]);
    expect(f.memory.subarray(4096, 8192).every((x) => x === 0xff)).toBe(true);
    expect(f.memory.subarray(0, 4096).every((x) => x === 0)).toBe(true);
  });

  it('end to end: the ECMA-419 SPI class on rpi-pico reads the JEDEC ID and programs a page', async () => {
    const b = await simulate('rpi-pico');
    const f = b.attach(new SpiFlash({ bus: 0, cs: 17 }));
    const spi = new SPI({ clock: 18, out: 19, in: 16, select: 17, hz: 1_000_000, mode: 0 });
    const x = (bytes: number[]) => {
      const buf = Uint8Array.from(bytes);
      spi.transfer(buf);
      spi.flush(true);
      return [...buf];
    };
    expect(x([0x9f, 0, 0, 0]).slice(1)).toEqual([0xef, 0x40, 0x16]);
    x([0x06]);
    x([0x02, 0, 0, 0x20, 1, 2, 3]);
    while (x([0x05, 0])[1]! & 1); // wait while BUSY
    expect(x([0x03, 0, 0, 0x20, 0, 0, 0]).slice(4)).toEqual([1, 2, 3]);
    expect([...f.memory.subarray(0x20, 0x23)]).toEqual([1, 2, 3]);
    spi.close();
  });
});
