// Fault injection scripted from tests: a bus error at an address, UART framing/parity/break
// errors and line noise, a stuck pin. A driver's error paths run against them.
import { describe, expect, it } from 'vitest';
import { createBoard, simulate, type SimBoard } from '../../host-sim/index.js';
import { BusFault } from '../../src/hal.js';
import { InvalidArgument } from '../../src/errors.js';

const UART0 = 0x40034000,
  UARTDR = UART0,
  UARTRSR = UART0 + 4,
  UARTFR = UART0 + 0x18,
  UARTRIS = UART0 + 0x3c,
  UARTIMSC = UART0 + 0x38,
  UARTICR = UART0 + 0x44;

function picoUart(b: SimBoard): void {
  const h = b.hal;
  h.store32(0x4000c000 + 0x3000, 1 << 22); // release UART0
  h.store32(UART0 + 0x24, 67);
  h.store32(UART0 + 0x2c, 0x70);
  h.store32(UART0 + 0x30, 0x301);
  h.store32(0x40014004, 2);
  h.store32(0x4001400c, 2);
}

describe('bus errors', () => {
  it('an access to the address faults with reason "injected", count times, then the bus works again', () => {
    const b = createBoard('rpi-pico');
    const f = b.faults.busError(0x20000100, { access: 'write', count: 2 });
    expect(b.hal.load32(0x20000100)).toBe(0); // reads pass
    const fault = (() => {
      try {
        b.hal.store32(0x20000100, 1);
      } catch (e) {
        return e;
      }
    })() as BusFault;
    expect(fault).toBeInstanceOf(BusFault);
    expect([fault.reason, fault.address, fault.access]).toEqual(['injected', 0x20000100, 'write']);
    expect(() => b.hal.store8(0x20000102, 1)).toThrow(BusFault); // inside the 4 bytes
    expect(f.hits).toBe(2);
    b.hal.store32(0x20000100, 7);
    expect(b.hal.load32(0x20000100)).toBe(7);
    const faults = b.trace.entries().filter((e) => e.op === 'fault');
    expect(faults).toHaveLength(2);
  });

  it('a driver sees it where it reads: main catches the fault of a peripheral register and goes on', async () => {
    let caught = '';
    const b = createBoard('rpi-pico');
    b.faults.busError(0x40054028); // TIMERAWL
    b.boot((hal) => {
      try {
        hal.load32(0x40054028);
      } catch (e) {
        caught = (e as BusFault).reason;
      }
      hal.store32(0x20000000, 1);
    });
    expect(caught).toBe('injected');
    expect(b.hal.load32(0x20000000)).toBe(1);
  });

  it('remove() ends it; bad options are refused', () => {
    const b = createBoard('esp32-devkitc');
    const f = b.faults.busError(0x3ffae000, { length: 8 });
    expect(() => b.hal.load32(0x3ffae004)).toThrow(BusFault);
    f.remove();
    expect(b.hal.load32(0x3ffae004)).toBe(0);
    expect(() => b.faults.busError(-4)).toThrow(InvalidArgument);
    expect(() => b.faults.busError(0, { count: 0 })).toThrow(InvalidArgument);
    expect(() => b.faults.busError(0, { access: 'fetch' as never })).toThrow(InvalidArgument);
  });
});

describe('UART line errors', () => {
  it('rpi-pico: a framing error sets DR.FE, UARTRSR.FE and FEIS (the UART IRQ); ECR and ICR clear them', async () => {
    const b = await simulate('rpi-pico');
    picoUart(b);
    const h = b.hal;
    h.store32(UARTIMSC, 1 << 7); // FEIM
    b.uart(0).writeWithErrors('x', { framing: true });
    expect(b.machine.irq.levelOf(20)).toBe(true);
    expect(h.load32(UARTRIS) & (1 << 7)).toBe(1 << 7);
    expect(h.load32(UARTDR)).toBe(0x100 | 0x78); // FE with the data
    expect(h.load32(UARTRSR)).toBe(1);
    h.store32(UARTRSR, 0); // ECR
    expect(h.load32(UARTRSR)).toBe(0);
    h.store32(UARTICR, 1 << 7);
    expect(h.load32(UARTRIS) & (1 << 7)).toBe(0);
    expect(b.machine.irq.levelOf(20)).toBe(false);
    b.uart(0).writeWithErrors([0x55], { break: true, parity: true });
    expect(h.load32(UARTDR)).toBe(0x600); // BE and PE, a 0 byte
  });

  it('esp32: parity, framing and break raise PARITY_ERR, FRM_ERR, BRK_DET', () => {
    const b = createBoard('esp32-devkitc');
    b.uart(0).writeWithErrors('a', { parity: true });
    b.uart(0).writeWithErrors('b', { framing: true });
    b.uart(0).writeWithErrors('c', { break: true });
    expect(b.hal.load32(0x3ff40004) & 0x8c).toBe(0x8c); // INT_RAW
    expect([b.hal.load32(0x3ff40000), b.hal.load32(0x3ff40000), b.hal.load32(0x3ff40000)]).toEqual([0x61, 0x62, 0]);
  });

  it('noise corrupts some bytes, the same ones for the same seed; rate 0 and noise() leave the line clean', () => {
    const received = (rate: number, seed: number) => {
      const b = createBoard('rpi-pico');
      picoUart(b);
      b.uart(0).noise({ rate, seed });
      const got: number[] = [];
      for (let i = 0; i < 4; i++) {
        b.uart(0).write('abcdefgh');
        while (!(b.hal.load32(UARTFR) & (1 << 4))) got.push(b.hal.load32(UARTDR));
      }
      return got;
    };
    const clean = received(0, 1);
    expect(String.fromCharCode(...clean)).toBe('abcdefgh'.repeat(4));
    const noisy = received(0.5, 42);
    expect(noisy).toEqual(received(0.5, 42));
    const bad = noisy.filter((v, i) => v !== clean[i]);
    expect(bad.length).toBeGreaterThan(4);
    expect(bad.length).toBeLessThan(28);
    expect(noisy.some((v) => v & 0x100)).toBe(true); // some framing errors
    expect(() => createBoard('rpi-pico').uart(0).noise({ rate: 2 })).toThrow(InvalidArgument);
    expect(() => createBoard('rpi-pico').uart(0).writeWithErrors('x', {})).toThrow(InvalidArgument);
  });
});

describe('stuck pins', () => {
  it('rpi-pico: a pin shorted to ground reads low even while the chip drives it high, until unstuck', () => {
    const b = createBoard('rpi-pico');
    const h = b.hal;
    h.store32(0x40014000 + 4 + 8 * 15, 5);
    h.store32(0xd0000024, 1 << 15);
    h.store32(0xd0000014, 1 << 15);
    expect(b.gpio(15).level).toBe(true);
    b.gpio(15).stuckAt(false);
    expect(b.gpio(15).level).toBe(false);
    expect((h.load32(0xd0000004) >>> 15) & 1).toBe(0); // GPIO_IN sees the short
    b.gpio(15).unstick();
    expect((h.load32(0xd0000004) >>> 15) & 1).toBe(1);
  });

  it('esp32: a stuck input ignores what the test drives', () => {
    const b = createBoard('esp32-devkitc');
    const pin = b.gpio(4);
    pin.stuckAt(true);
    pin.drive(false);
    expect((b.hal.load32(0x3ff4403c) >>> 4) & 1).toBe(1);
    pin.unstick();
    pin.drive(false);
    expect((b.hal.load32(0x3ff4403c) >>> 4) & 1).toBe(0);
    expect(() => pin.stuckAt(1 as never)).toThrow(InvalidArgument);
  });
});
