// Brown-out reset, scripted from tests (board.faults.brownOut): the supply dips, the chip resets
// as silicon does (peripherals back to their reset state, the running code stops, SRAM undefined
// unless kept, the reset cause readable), main starts again when the supply is back, and the world
// outside the chip (parts, outside drives, flash) stays. A driver's recovery path runs against it.
import { describe, expect, it } from 'vitest';
import { createBoard, simulate, I2cEeprom, Button, type SimBoard } from '../../host-sim/index.js';
import { InvalidArgument } from '../../src/errors.js';
import type { BoardSpec } from '../../boards/index.js';
import type { Hal } from '../../src/hal.js';
import blink from '../../examples/blink/index.js';

const MAGIC = 0x600dcafe;
/** Where the app keeps its boot record, and how it reads the chip's reset cause. */
const CHIP = {
  'rpi-pico': { ram: 0x20030000, cause: (h: Hal) => ((h.load32(0x40064008) >> 8) & 1 ? 'power-on or brown-out' : 'other') },
  'esp32-devkitc': { ram: 0x3ffb0000, cause: (h: Hal) => ({ 1: 'power-on', 15: 'brown-out' })[h.load32(0x3ff48034) & 0x3f] ?? 'other' },
} as const;

interface Boot {
  t: number;
  boots: number;
  intact: boolean;
  cause: string;
}

/**
 * An app with a recovery path: a boot record in SRAM (magic, count) survives a reset only if the
 * RAM did, so the app checks it and starts it afresh when it is not intact; it logs the chip's
 * reset cause; then it runs blink (timer interrupt, LED, console).
 */
function recoveringApp(log: Boot[]) {
  return (hal: Hal, board: BoardSpec) => {
    const c = CHIP[board.name as keyof typeof CHIP];
    const intact = hal.load32(c.ram) === MAGIC;
    const boots = intact ? hal.load32(c.ram + 4) + 1 : 1;
    hal.store32(c.ram, MAGIC);
    hal.store32(c.ram + 4, boots);
    log.push({ t: hal.nowNs(), boots, intact, cause: c.cause(hal) });
    blink(hal, board);
  };
}

describe.each(['rpi-pico', 'esp32-devkitc'] as const)('brown-out on %s', (name) => {
  it('the LED stops and floats during the dip, main runs again after it, the cause reads back, RAM is undefined', async () => {
    const log: Boot[] = [];
    const b = await simulate(name, recoveringApp(log));
    b.runFor('600ms');
    expect(b.led.edges().length).toBeGreaterThanOrEqual(2);
    const t0 = b.now;
    b.faults.brownOut({ duration: '5ms' });
    expect(b.led.isOutput).toBe(false); // the GPIO block is back in its reset state
    expect(b.led.level).toBe(false);
    b.runFor('300ms');
    expect(b.led.edges({ from: t0 + 1, to: t0 + 5e6 })).toEqual([]);
    expect(log).toHaveLength(2);
    expect(log[1]!.t - t0).toBeGreaterThanOrEqual(5e6);
    expect(log[1]!.t - t0).toBeLessThan(5.1e6);
    expect(log[1]!.intact).toBe(false); // a dip below the retention voltage: SRAM undefined
    expect(log[1]!.boots).toBe(1);
    expect(log.map((l) => l.cause)).toEqual(name === 'rpi-pico' ? ['power-on or brown-out', 'power-on or brown-out'] : ['power-on', 'brown-out']);
    expect(b.console.lines.filter((l) => l.startsWith('blink ready'))).toHaveLength(2);
    expect(b.led.edges({ from: t0 + 5e6 }).length).toBeGreaterThanOrEqual(1); // blinking again
  });

  it("ram: 'keep' (a dip the cells survived): the boot record is intact and counts on", async () => {
    const log: Boot[] = [];
    const b = await simulate(name, recoveringApp(log));
    b.runFor('10ms');
    b.faults.brownOut({ duration: '1ms', ram: 'keep' });
    b.runFor('2ms');
    expect(log.map((l) => [l.intact, l.boots])).toEqual([
      [false, 1],
      [true, 2],
    ]);
  });

  it('scheduled under running code: main stops at the dip (its later accesses never happen) and starts again', () => {
    const b = createBoard(name);
    const ram = CHIP[name].ram;
    let runs = 0;
    b.faults.brownOut({ at: '50us', duration: '100us', ram: 'keep' });
    b.boot((hal) => {
      runs++;
      hal.store32(ram + 8, runs);
      const t = hal.nowNs();
      while (hal.nowNs() - t < 200_000); // 200 µs of work: the supply dips in the middle of it on the first run
      hal.store32(ram + 12, runs);
    });
    expect(runs).toBe(1);
    expect(b.hal.load32(ram + 12)).toBe(0); // never reached
    b.runFor('1ms');
    expect(runs).toBe(2);
    expect([b.hal.load32(ram + 8), b.hal.load32(ram + 12)]).toEqual([2, 2]);
  });

  it('the outside stays: an EEPROM keeps its contents, a pressed button still drives its pin', async () => {
    const b = await simulate(name);
    const e = b.attach(new I2cEeprom({ bus: 0 }));
    e.memory[5] = 0x42;
    const button = b.attach(new Button({ pin: 4, externalPullUp: true }));
    button.press();
    b.faults.brownOut({ duration: '1ms' });
    b.runFor('2ms');
    expect(e.memory[5]).toBe(0x42);
    expect(b.gpio(4).level).toBe(false);
    expect(b.i2c(0).at(0x50)).toBe(e);
  });

  it('refuses bad options, before any effect', () => {
    const b = createBoard(name);
    b.runFor('1ms');
    expect(() => b.faults.brownOut({ at: '10us' })).toThrow(InvalidArgument);
    expect(() => b.faults.brownOut({ duration: 0 })).toThrow(InvalidArgument);
    expect(() => b.faults.brownOut({ ram: 'lost' as 'keep' })).toThrow(InvalidArgument);
    expect(() => b.faults.brownOut({ duration: '-1ms' })).toThrow(InvalidArgument);
  });
});

describe('brown-out resets peripherals as silicon does', () => {
  /** Registers an app typically changes, per board: after the reset they read what a fresh board reads. */
  const REGS = {
    'rpi-pico': [
      0x40054038 /* TIMER INTE */,
      0x40050010 /* PWM CH0_TOP */,
      0x40014000 + 8 * 25 + 4 /* GPIO25_CTRL */,
      0x4001c000 + 4 * 25 + 4 /* PADS GPIO25 */,
      0xd0000020 /* SIO GPIO_OE */,
      0xe000e100 /* NVIC ISER */,
    ],
    'esp32-devkitc': [
      0x3ff44020 /* GPIO ENABLE */, 0x3ff44004 /* GPIO OUT */, 0x3ff5f000 /* TIMG0 T0CONFIG */, 0x3ff40014 /* UART0 CLKDIV */, 0x3ff53000 /* I2C0 SCL_LOW */,
      0x3ff65034 /* SPI3 PIN */,
    ],
  } as const;

  it.each(['rpi-pico', 'esp32-devkitc'] as const)('%s: registers written by an app read their reset values again', (name) => {
    const fresh = createBoard(name);
    const expected = REGS[name].map((a) => fresh.hal.load32(a));
    const b: SimBoard = createBoard(name);
    for (const a of REGS[name]) b.hal.store32(a, (b.hal.load32(a) ^ 0x5) >>> 0);
    expect(REGS[name].map((a) => b.hal.load32(a))).not.toEqual(expected);
    b.faults.brownOut();
    expect(REGS[name].map((a) => b.hal.load32(a))).toEqual(expected);
  });

  it('rpi-pico: the TIMER counts from 0 again from the reset, and its alarms fire at that count', () => {
    const b = createBoard('rpi-pico');
    const h = b.hal,
      TIMER = 0x40054000;
    b.runFor('5ms');
    b.faults.brownOut({ duration: '1ms' });
    b.runFor('2ms');
    const t = h.load32(TIMER + 0x28); // TIMERAWL
    expect(t).toBeGreaterThanOrEqual(2000);
    expect(t).toBeLessThan(2010);
    expect([h.load32(TIMER + 0x0c), h.load32(TIMER + 0x08)]).toEqual([t, 0]); // TIMELR, then the latched TIMEHR
    let fired = -1;
    h.irqSetHandler(0, () => {
      fired = h.load32(TIMER + 0x28);
      h.store32(TIMER + 0x34, 1); // INTR: clear alarm 0
    });
    h.irqSetEnabled(0, true);
    h.store32(TIMER + 0x38, 1); // INTE
    h.store32(TIMER + 0x10, t + 100); // ALARM0
    expect(h.load32(TIMER + 0x10)).toBe(t + 100);
    b.runFor('99us');
    expect(fired).toBe(-1);
    b.runFor('2us');
    expect(fired).toBe(t + 100);
  });

  it('an interrupt handler set before the dip is gone after it', () => {
    const b = createBoard('rpi-pico');
    b.hal.irqSetHandler(0, () => {});
    b.hal.irqSetEnabled(0, true);
    b.faults.brownOut();
    expect(b.irq(0).enabled).toBe(false);
    expect(b.machine.irq.handlers[0]).toBeUndefined();
  });
});
