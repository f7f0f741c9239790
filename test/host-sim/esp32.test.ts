// ESP32 peripheral models with the TRM register layout: GPIO, UART0, TIMG0.
import { describe, expect, it } from 'vitest';
import { createBoard } from '../../host-sim/index.js';
import { BusFault } from '../../src/hal.js';

const GPIO = 0x3ff44000,
  UART0 = 0x3ff40000,
  TIMG0 = 0x3ff5f000;

describe('ESP32 GPIO', () => {
  it('OUT and ENABLE follow their W1TS/W1TC aliases; the pin drives only when enabled', () => {
    const b = createBoard('esp32-devkitc');
    const h = b.hal;
    const changes: [boolean, number][] = [];
    b.gpio(2).onChange((l, t) => changes.push([l, t]));
    h.store32(GPIO + 0x08, 1 << 2); // OUT_W1TS
    expect(h.load32(GPIO + 0x04)).toBe(4);
    expect(b.gpio(2).isOutput).toBe(false);
    expect(b.gpio(2).level).toBe(false);
    h.store32(GPIO + 0x24, (1 << 2) | (1 << 5)); // ENABLE_W1TS
    expect(h.load32(GPIO + 0x20)).toBe(0x24);
    expect(b.gpio(2).level).toBe(true);
    h.store32(GPIO + 0x0c, 1 << 2); // OUT_W1TC
    expect(b.gpio(2).level).toBe(false);
    h.store32(GPIO + 0x28, 1 << 5); // ENABLE_W1TC
    expect(h.load32(GPIO + 0x20)).toBe(4);
    h.store32(GPIO + 0x14, 1 << 1); // OUT1_W1TS: pin 33
    expect(h.load32(GPIO + 0x10)).toBe(2);
    expect(changes.map((c) => c[0])).toEqual([true, false]);
  });

  it('a pin routed to another signal (FUNCn_OUT_SEL_CFG) is not driven by GPIO_OUT', () => {
    const b = createBoard('esp32-devkitc');
    b.hal.store32(GPIO + 0x530 + 4 * 4, 14); // FUNC4_OUT_SEL_CFG: some peripheral signal
    b.hal.store32(GPIO + 0x24, 1 << 4);
    b.hal.store32(GPIO + 0x08, 1 << 4);
    expect(b.gpio(4).isOutput).toBe(false);
    b.hal.store32(GPIO + 0x530 + 4 * 4, 0x100);
    expect(b.gpio(4).level).toBe(true);
  });

  it('inputs show in IN; a rising edge with PINn interrupt enabled raises the GPIO IRQ', () => {
    const b = createBoard('esp32-devkitc');
    const hits: number[] = [];
    b.hal.irqSetHandler(22, () => {
      hits.push(b.hal.load32(GPIO + 0x44)); // STATUS
      b.hal.store32(GPIO + 0x4c, 1 << 4); // STATUS_W1TC
    });
    b.hal.irqSetEnabled(22, true);
    b.hal.store32(GPIO + 0x88 + 4 * 4, (1 << 7) | (1 << 15)); // PIN4: rising edge, PRO CPU
    b.gpio(4).drive(true);
    expect(b.hal.load32(GPIO + 0x3c)).toBe(1 << 4);
    b.gpio(4).drive(false);
    b.runFor('1us');
    expect(hits).toEqual([1 << 4]);
  });

  it('faults on registers it does not model', () => {
    const b = createBoard('esp32-devkitc');
    expect(() => b.hal.load32(GPIO + 0x700)).toThrow(BusFault);
  });
});

describe('ESP32 UART0', () => {
  it('TX FIFO drains one frame time per byte at the CLKDIV baud rate, counted in STATUS', () => {
    const b = createBoard('esp32-devkitc');
    const h = b.hal;
    h.store32(UART0 + 0x14, 694); // CLKDIV: 80 MHz / 694 = 115274 baud
    const times: number[] = [];
    b.uart(0).onByte((_b, t) => times.push(t));
    for (const c of 'hi!') h.store32(UART0, c.charCodeAt(0));
    expect((h.load32(UART0 + 0x1c) >>> 16) & 0xff).toBe(3);
    b.runFor('1ms');
    expect(b.uart(0).output).toBe('hi!');
    expect((h.load32(UART0 + 0x1c) >>> 16) & 0xff).toBe(0);
    const frame = Math.round((10 * 1e9 * 694) / 80e6);
    expect(times[1]! - times[0]!).toBe(frame);
    expect(times[2]! - times[1]!).toBe(frame);
  });

  it('RX bytes fill the FIFO; RXFIFO_FULL at the threshold raises the UART0 IRQ; reading pops', () => {
    const b = createBoard('esp32-devkitc');
    const h = b.hal;
    const got: number[] = [];
    h.irqSetHandler(34, () => {
      while (h.load32(UART0 + 0x1c) & 0xff) got.push(h.load32(UART0));
      h.store32(UART0 + 0x10, 1); // INT_CLR RXFIFO_FULL
    });
    h.irqSetEnabled(34, true);
    h.store32(UART0 + 0x24, (0x60 << 8) | 4); // CONF1: RXFIFO_FULL_THRHD = 4
    h.store32(UART0 + 0x0c, 1); // INT_ENA RXFIFO_FULL
    b.uart(0).write('abc');
    b.runFor('1us');
    expect(got).toEqual([]);
    expect(h.load32(UART0 + 0x04) & 1).toBe(0);
    b.uart(0).write('d');
    b.runFor('1us');
    expect(String.fromCharCode(...got)).toBe('abcd');
  });
});

describe('ESP32 TIMG0', () => {
  const T0CONFIG = TIMG0,
    T0UPDATE = TIMG0 + 0x0c,
    T0LO = TIMG0 + 0x04,
    T0HI = TIMG0 + 0x08;
  const EN = 2 ** 31,
    INCREASE = 2 ** 30,
    AUTORELOAD = 2 ** 29,
    LEVEL_INT_EN = 1 << 11,
    ALARM_EN = 1 << 10;

  it('counts APB/divider ticks in 64 bits, read through the UPDATE latch', () => {
    const b = createBoard('esp32-devkitc');
    const h = b.hal;
    h.store32(TIMG0 + 0x18, 0xfffffff0); // LOADLO
    h.store32(TIMG0 + 0x1c, 1); // LOADHI
    h.store32(TIMG0 + 0x20, 1); // LOAD
    h.store32(T0CONFIG, EN + INCREASE + (2 << 13)); // divider 2: 40 MHz, 25 ns per tick
    b.runFor('1us');
    h.store32(T0UPDATE, 1);
    const v = h.load32(T0HI) * 2 ** 32 + h.load32(T0LO);
    expect(v).toBeGreaterThan(0x1fffffff0 + 39);
    expect(v).toBeLessThan(0x1fffffff0 + 45);
    expect(h.load32(T0HI)).toBe(2); // carried into the high word
  });

  it('an alarm raises TG0_T0_LEVEL at the alarm count, clears ALARM_EN, and auto-reloads', () => {
    const b = createBoard('esp32-devkitc');
    const h = b.hal;
    const at: number[] = [];
    h.irqSetHandler(14, () => {
      at.push(b.now);
      h.store32(TIMG0 + 0xa4, 1); // INT_CLR_TIMERS
    });
    h.irqSetEnabled(14, true);
    h.store32(TIMG0 + 0x98, 1); // INT_ENA_TIMERS T0
    h.store32(TIMG0 + 0x10, 100); // ALARMLO = 100 ticks
    const start = b.now;
    h.store32(T0CONFIG, (EN + INCREASE + AUTORELOAD + LEVEL_INT_EN + ALARM_EN + (80 << 13)) >>> 0); // 1 us ticks
    b.runFor('150us');
    expect(at).toHaveLength(1);
    expect(at[0]! - start).toBeGreaterThanOrEqual(100_000);
    expect(at[0]! - start).toBeLessThan(100_000 + 2 * b.spec.irqEntryNs);
    expect(h.load32(T0CONFIG) & ALARM_EN).toBe(0);
    h.store32(T0UPDATE, 1);
    expect(h.load32(T0LO)).toBeLessThan(60); // reloaded to 0 at the alarm
  });
});
