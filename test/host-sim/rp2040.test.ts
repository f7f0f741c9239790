// rpi-pico: rp2040js peripherals on our bus, time and IRQs; SIO CPUID and spinlocks.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createBoard } from '../../host-sim/index.js';
import { SimHal } from '../../host-sim/hal.js';
import { runs } from '../support/env.js';

const TIMER = 0x40054000;
const TIMELR = TIMER + 0x0c;
const ALARM0 = TIMER + 0x10;
const INTR = TIMER + 0x34;

describe('rpi-pico wiring', () => {
  it('the TIMER counts simulated microseconds', () => {
    const b = createBoard('rpi-pico');
    b.runFor('1500us');
    const us = b.hal.load32(0x40054028); // TIMERAWL
    expect(us).toBe(1500);
  });

  // The bus (not the HAL) reads and writes here, so that no access moves the clock.
  it('law: a TIMER alarm fires when the microsecond counter reaches its target, not a nanosecond before', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10 ** 10 }), fc.integer({ min: 1, max: 10 ** 6 }), fc.integer({ min: 0, max: 3 }), (startNs, delay, n) => {
        const b = createBoard('rpi-pico');
        const { bus, clock } = b.machine;
        clock.advanceTo(startNs);
        const counter = bus.load32(TIMELR);
        expect(counter).toBe(Math.floor(startNs / 1000) >>> 0);
        const target = (counter + delay) >>> 0;
        bus.store32(ALARM0 + 4 * n, target);
        const due = (Math.floor(startNs / 1000) + delay) * 1000;
        clock.advanceTo(due - 1);
        expect(bus.load32(INTR) & (1 << n)).toBe(0);
        expect(bus.load32(TIMELR)).toBe((target - 1) >>> 0);
        clock.advanceTo(due);
        expect(bus.load32(INTR) & (1 << n)).toBe(1 << n);
        expect(bus.load32(TIMELR)).toBe(target);
      }),
      runs(50, 200),
    );
  });

  it('SIO CPUID answers the calling core', () => {
    const b = createBoard('rpi-pico');
    const core1 = new SimHal(b.machine, 1);
    expect(b.hal.coreId()).toBe(0);
    expect(core1.coreId()).toBe(1);
    expect(b.hal.load32(0xd0000000)).toBe(0);
  });

  it('SIO spinlocks are shared between the cores: one claim wins until released', () => {
    const b = createBoard('rpi-pico');
    const core1 = new SimHal(b.machine, 1);
    expect(b.hal.spinlockTryClaim(31)).toBe(true);
    expect(core1.spinlockTryClaim(31)).toBe(false);
    expect(b.hal.load32(0xd000005c) >>> 31).toBe(1); // SPINLOCK_ST
    b.hal.spinlockRelease(31);
    expect(core1.spinlockTryClaim(31)).toBe(true);
    expect(b.hal.spinlockTryClaim(30)).toBe(true);
  });

  it('a GPIO shows SIO output once IO_BANK0 selects SIO; atomic SET/CLR aliases work', () => {
    const b = createBoard('rpi-pico');
    const h = b.hal;
    h.store32(0xd0000024, 1 << 15); // GPIO_OE_SET
    h.store32(0xd0000014, 1 << 15); // GPIO_OUT_SET
    expect(b.gpio(15).level).toBe(false); // FUNCSEL still null
    h.store32(0x40014000 + 4 + 8 * 15, 5); // GPIO15_CTRL FUNCSEL = SIO
    expect(b.gpio(15).level).toBe(true);
    h.store32(0x40014000 + 0x3000 + 4 + 8 * 15, 0x300); // CLR alias: OUTOVER bits stay 0, FUNCSEL unchanged
    h.store32(0x40014000 + 0x2000 + 4 + 8 * 15, 0x200); // SET alias: OUTOVER = LOW
    expect(b.gpio(15).level).toBe(false);
  });

  it('UART0 transmits written bytes to the port and receives fed bytes into its FIFO', () => {
    const b = createBoard('rpi-pico');
    b.hal.store32(0x4000c000 + 0x3000, 1 << 22); // RESETS (CLR alias): release UART0
    b.hal.store32(0x40034024, 67); // UARTIBRD: 115200 baud
    b.hal.store32(0x40034030, 0x301); // UARTCR
    b.hal.store32(0x40014004, 2); // GPIO0_CTRL: UART0 TX
    b.hal.store32(0x4001400c, 2); // GPIO1_CTRL: UART0 RX
    b.hal.store32(0x40034000, 0x41);
    b.runFor('100us'); // one frame
    expect(b.uart(0).output).toBe('A');
    b.uart(0).write('z');
    expect(b.hal.load32(0x40034018) & (1 << 4)).toBe(0); // RXFE clear
    expect(b.hal.load32(0x40034000) & 0xff).toBe(0x7a);
  });

  it('a driven input reaches SIO GPIO_IN when the pad input is enabled', () => {
    const b = createBoard('rpi-pico');
    b.hal.store32(0x4001c004 + 4 * 4, 0x56); // PADS_BANK0 GPIO4: IE
    b.gpio(4).drive(true);
    expect((b.hal.load32(0xd0000004) >>> 4) & 1).toBe(1);
    expect(b.gpio(4).level).toBe(true);
  });
});
