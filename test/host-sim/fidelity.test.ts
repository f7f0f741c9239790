// rpi-pico faithful to silicon: each case here passed in the simulator while it would have
// failed on the chip (or the reverse) before the models in front of rp2040js existed.
import { describe, expect, it } from 'vitest';
import { createBoard, simulate, SimHalted, SimRunaway, type SimBoard } from '../../host-sim/index.js';
import { BusFault } from '../../src/hal.js';
import { SimHal } from '../../host-sim/hal.js';

const RESETS = 0x4000c000,
  RESET_DONE = RESETS + 8,
  CLR = 0x3000;
const IO_BANK0 = 0x40014000,
  ctrl = (pin: number) => IO_BANK0 + 4 + 8 * pin;
const PADS_BANK0 = 0x4001c000,
  pad = (pin: number) => PADS_BANK0 + 4 + 4 * pin;
const UART0 = 0x40034000,
  UARTDR = UART0,
  UARTFR = UART0 + 0x18,
  UARTIBRD = UART0 + 0x24,
  UARTFBRD = UART0 + 0x28,
  UARTLCR_H = UART0 + 0x2c,
  UARTCR = UART0 + 0x30;
const SIO = 0xd0000000,
  GPIO_IN = SIO + 4,
  GPIO_OUT_SET = SIO + 0x14,
  GPIO_OE_SET = SIO + 0x24,
  FIFO_ST = SIO + 0x50,
  FIFO_WR = SIO + 0x54,
  FIFO_RD = SIO + 0x58;
const TIMER = 0x40054000,
  ALARM0 = TIMER + 0x10,
  TIMERAWL = TIMER + 0x28,
  INTE = TIMER + 0x38;
const PWM = 0x40050000;
const NVIC_ISER = 0xe000e100,
  NVIC_ICER = 0xe000e180,
  NVIC_ISPR = 0xe000e200,
  NVIC_IPR0 = 0xe000e400;
const SYST_CSR = 0xe000e010,
  SYST_RVR = 0xe000e014,
  SYST_CVR = 0xe000e018;
const UART0_BIT = 1 << 22,
  ADC_BIT = 1 << 0;
/** 115200 baud from 125 MHz: divisor 67 + 52/64; one bit 8.68 us, a 10-bit frame 86.8 us. */
const FRAME_NS = (10 * 16 * (67 + 52 / 64) * 1e9) / 125e6;

function uartOn(b: SimBoard, o: { release?: boolean; pins?: boolean; baud?: boolean } = {}): void {
  const h = b.hal;
  if (o.release !== false) h.store32(RESETS + CLR, UART0_BIT);
  if (o.baud !== false) {
    h.store32(UARTIBRD, 67);
    h.store32(UARTFBRD, 52);
  }
  h.store32(UARTLCR_H, 0x70); // 8 bits, FIFOs on
  h.store32(UARTCR, 0x301); // UARTEN, TXE, RXE
  if (o.pins !== false) {
    h.store32(ctrl(0), 2); // GPIO0 = UART0 TX
    h.store32(ctrl(1), 2); // GPIO1 = UART0 RX
  }
}

describe('RESETS', () => {
  it('main starts where pico-sdk leaves the chip: ADC, RTC, SPI, UART and USB held in reset, the rest released', () => {
    const b = createBoard('rpi-pico');
    expect(b.hal.load32(RESETS)).toBe(0x01c38001);
    expect(b.hal.load32(RESET_DONE)).toBe(~0x01c38001 & 0x01ffffff);
  });

  it('a block held in reset ignores writes and reads 0 until RESETS releases it', () => {
    const b = createBoard('rpi-pico');
    const h = b.hal;
    h.store32(UARTIBRD, 67);
    expect(h.load32(UARTIBRD)).toBe(0);
    h.store32(0x4004c000, 1); // ADC CS.EN
    expect(h.load32(0x4004c000)).toBe(0);
    h.store32(RESETS + CLR, UART0_BIT | ADC_BIT);
    expect(h.load32(RESET_DONE) & (UART0_BIT | ADC_BIT)).toBe(UART0_BIT | ADC_BIT);
    h.store32(UARTIBRD, 67);
    expect(h.load32(UARTIBRD)).toBe(67);
  });

  it('putting the UART back into reset drops what its TX FIFO held', () => {
    const b = createBoard('rpi-pico');
    uartOn(b);
    for (const c of 'abc') b.hal.store32(UARTDR, c.charCodeAt(0));
    b.hal.store32(RESETS + 0x2000, UART0_BIT); // SET alias: back into reset
    b.hal.store32(RESETS + CLR, UART0_BIT);
    uartOn(b);
    b.runFor('1ms');
    expect(b.uart(0).output).toBe('');
  });
});

describe('UART0 on rpi-pico', () => {
  it('sends each byte one frame time after the previous at the programmed baud rate', () => {
    const b = createBoard('rpi-pico');
    uartOn(b);
    const times: number[] = [];
    b.uart(0).onByte((_b, t) => times.push(t));
    const t0 = b.now;
    for (const c of 'hi!') b.hal.store32(UARTDR, c.charCodeAt(0));
    expect(b.uart(0).output).toBe(''); // nothing has left the shifter yet
    expect(b.hal.load32(UARTFR) & (1 << 3)).toBe(1 << 3); // BUSY
    b.runFor('1ms');
    expect(b.uart(0).output).toBe('hi!');
    expect(times).toHaveLength(3);
    times.forEach((t, i) => expect(Math.abs(t - t0 - (i + 1) * FRAME_NS)).toBeLessThan(20));
    expect(b.hal.load32(UARTFR) & 0xa8).toBe(0x80); // TXFE, not BUSY, not TXFF
  });

  it('a full TX FIFO sets TXFF and drops a further byte', () => {
    const b = createBoard('rpi-pico');
    uartOn(b, { baud: false }); // no divisor: nothing shifts out
    for (let i = 0; i < 32; i++) b.hal.store32(UARTDR, 0x41 + (i % 26));
    expect(b.hal.load32(UARTFR) & (1 << 5)).toBe(1 << 5);
    b.hal.store32(UARTDR, 0x7a);
    b.hal.store32(UARTIBRD, 67);
    b.hal.store32(UARTFBRD, 52);
    b.hal.store32(UARTLCR_H, 0x70);
    b.runFor('5ms');
    expect(b.uart(0).output).toHaveLength(32);
    expect(b.uart(0).output).not.toContain('z');
  });

  it.each([
    ['held in reset', { release: false }],
    ['without FUNCSEL = UART on a TX pin', { pins: false }],
    ['without a baud rate', { baud: false }],
  ])('sends nothing %s', (_what, o) => {
    const b = createBoard('rpi-pico');
    uartOn(b, o);
    b.hal.store32(UARTDR, 0x41);
    b.runFor('2ms');
    expect(b.uart(0).output).toBe('');
  });

  it('receives only through an RX pin with FUNCSEL = UART', () => {
    const b = createBoard('rpi-pico');
    uartOn(b, { pins: false });
    b.uart(0).write('x');
    expect(b.hal.load32(UARTFR) & (1 << 4)).toBe(1 << 4); // RXFE: the byte never arrived
    b.hal.store32(ctrl(1), 2);
    b.uart(0).write('y');
    expect(b.hal.load32(UARTDR) & 0xff).toBe(0x79);
  });
});

describe('GPIO and pads', () => {
  it('PADS_BANK0.GPIOn reset to 0x56 (input enabled, 4 mA, pull-down, Schmitt)', () => {
    const b = createBoard('rpi-pico');
    for (let pin = 0; pin < 30; pin++) expect(b.hal.load32(pad(pin))).toBe(0x56);
  });

  it('SIO.GPIO_IN reads a pin the chip drives as an output', () => {
    const b = createBoard('rpi-pico');
    const h = b.hal;
    h.store32(ctrl(15), 5);
    h.store32(GPIO_OE_SET, 1 << 15);
    h.store32(GPIO_OUT_SET, 1 << 15);
    expect(b.gpio(15).level).toBe(true);
    expect((h.load32(GPIO_IN) >>> 15) & 1).toBe(1);
    h.store32(pad(15), 0x16); // IE off: the input path sees nothing
    expect((h.load32(GPIO_IN) >>> 15) & 1).toBe(0);
  });

  it('a floating pin reads its pad pull; the outside overrides it until released', () => {
    const b = createBoard('rpi-pico');
    const h = b.hal;
    expect((h.load32(GPIO_IN) >>> 7) & 1).toBe(0); // pull-down at reset
    h.store32(pad(7), 0x4a); // IE, pull-up
    expect((h.load32(GPIO_IN) >>> 7) & 1).toBe(1);
    expect(b.gpio(7).level).toBe(true);
    b.gpio(7).drive(false);
    expect((h.load32(GPIO_IN) >>> 7) & 1).toBe(0);
    b.gpio(7).release();
    expect((h.load32(GPIO_IN) >>> 7) & 1).toBe(1);
  });
});

describe('PWM', () => {
  it('the first period is like every other: high from enable until the counter reaches CC', () => {
    const b = createBoard('rpi-pico');
    const h = b.hal;
    const edges: [boolean, number][] = [];
    b.gpio(16).onChange((l, t) => edges.push([l, t]));
    h.store32(ctrl(16), 4); // GPIO16 = PWM slice 0 A
    h.store32(PWM + 0x04, 1 << 4); // DIV 1.0
    h.store32(PWM + 0x10, 999); // TOP: 1000 cycles = 8 us
    h.store32(PWM + 0x0c, 250); // CC A: high for 250 cycles = 2 us
    const t0 = b.now;
    h.store32(PWM + 0x00, 1); // CSR.EN
    b.runFor('20us');
    const rel = edges.map(([l, t]) => [l, Math.round((t - t0) / 1000)]);
    expect(rel.slice(0, 5)).toEqual([
      [true, 0],
      [false, 2],
      [true, 8],
      [false, 10],
      [true, 16],
    ]);
  });
});

describe('interrupts without handlers, and handlers that never clear their source', () => {
  it('a pending enabled IRQ with no handler stops the core in the default handler', () => {
    const b = createBoard('rpi-pico');
    b.hal.irqSetEnabled(7, true);
    b.irq(7).raise();
    let e: unknown;
    try {
      b.runFor('1us');
    } catch (x) {
      e = x;
    }
    expect(e).toBeInstanceOf(SimHalted);
    expect((e as Error).message).toMatch(/IRQ 7 \(PIO0_IRQ_0\).*no handler.*default handler/);
    expect(() => b.runFor('1us')).toThrow(SimHalted);
    expect(() => b.hal.load32(0x20000000)).toThrow(/halted/);
  });

  it('a handler that never clears its interrupt source is reported as an interrupt storm, fast', async () => {
    const t = performance.now();
    let e: unknown;
    try {
      await simulate('rpi-pico', (hal) => {
        hal.irqSetHandler(0, () => void hal.load32(TIMERAWL)); // forgets TIMER.INTR
        hal.store32(INTE, 1);
        hal.irqSetEnabled(0, true);
        hal.store32(ALARM0, hal.load32(TIMERAWL) + 10);
      }).then((b) => b.runFor('1ms'));
    } catch (x) {
      e = x;
    }
    expect(e).toBeInstanceOf(SimRunaway);
    const m = (e as Error).message;
    expect(m).toMatch(/interrupt storm.*IRQ 0 \(TIMER_IRQ_0\).*clear the interrupt source/);
    expect(m).toMatch(/read TIMER\.TIMERAWL/);
    expect(m).not.toMatch(/loop through interrupts/);
    expect(performance.now() - t).toBeLessThan(4000);
  });
});

describe('inter-core FIFOs', () => {
  it('carry words both ways, 8 deep, with VLD/RDY and sticky WOF/ROE, and raise SIO_IRQ_PROCn', () => {
    const b = createBoard('rpi-pico');
    const c0 = b.hal,
      c1 = new SimHal(b.machine, 1);
    expect(c0.load32(FIFO_ST)).toBe(0b0010); // RDY
    for (let i = 0; i < 9; i++) c0.store32(FIFO_WR, 100 + i);
    expect(c0.load32(FIFO_ST)).toBe(0b0100); // TX full (no RDY), WOF
    expect(b.machine.irq.levelOf(15)).toBe(true); // core 0's IRQ: WOF
    expect(c1.load32(FIFO_ST) & 1).toBe(1); // core 1: VLD
    expect(b.irq('SIO_IRQ_PROC1').pending).toBe(true);
    expect(b.machine.irq.routeOf(16)).toBe(1);
    const got = Array.from({ length: 8 }, () => c1.load32(FIFO_RD));
    expect(got).toEqual([100, 101, 102, 103, 104, 105, 106, 107]); // the 9th write was ignored
    expect(c1.load32(FIFO_RD)).toBe(0);
    expect(c1.load32(FIFO_ST)).toBe(0b1010); // RDY, ROE
    c1.store32(FIFO_ST, 0xff);
    c0.store32(FIFO_ST, 0xff);
    expect(c1.load32(FIFO_ST)).toBe(0b0010);
    expect(b.machine.irq.levelOf(15) || b.machine.irq.levelOf(16)).toBe(false);
    c1.store32(FIFO_WR, 7);
    expect(c0.load32(FIFO_RD)).toBe(7);
  });
});

describe('PPB: NVIC and SysTick by register', () => {
  it('ISER/ICER enable and disable a line, ISPR pends it, IPR keeps 2 priority bits', () => {
    const b = createBoard('rpi-pico');
    const h = b.hal;
    let hits = 0;
    h.irqSetHandler(5, () => hits++);
    h.store32(NVIC_ISER, 1 << 5);
    expect(b.irq(5).enabled).toBe(true);
    expect(h.load32(NVIC_ISER)).toBe(1 << 5);
    h.store32(NVIC_ISPR, 1 << 5);
    expect(hits).toBe(1);
    h.store32(NVIC_ICER, 1 << 5);
    expect(b.irq(5).enabled).toBe(false);
    h.store32(NVIC_ISPR, 1 << 5);
    expect(hits).toBe(1);
    expect(h.load32(NVIC_ISPR)).toBe(1 << 5);
    h.store32(NVIC_IPR0 + 4, 0xffffffff); // IRQs 4..7
    expect(h.load32(NVIC_IPR0 + 4)).toBe(0xc0c0c0c0);
    expect(b.irq(5).priority).toBe(0xc0);
  });

  it('a timer alarm configured through the NVIC registers reaches its handler', async () => {
    let at = -1;
    const b = await simulate('rpi-pico', (hal) => {
      hal.irqSetHandler(0, () => {
        hal.store32(TIMER + 0x34, 1); // INTR: clear
        at = hal.load32(TIMERAWL);
      });
      hal.store32(INTE, 1);
      hal.store32(NVIC_ISER, 1);
      hal.store32(ALARM0, 500);
    });
    b.runFor('1ms');
    expect(at).toBe(500);
  });

  it('SysTick counts processor cycles down from RVR, reloads, and sets COUNTFLAG (cleared by reading)', () => {
    const b = createBoard('rpi-pico');
    const h = b.hal;
    h.store32(SYST_RVR, 999);
    h.store32(SYST_CVR, 0);
    h.store32(SYST_CSR, 5); // ENABLE, processor clock
    const first = h.load32(SYST_CVR);
    expect(first).toBeGreaterThan(990);
    b.runFor('4us'); // 500 cycles
    const v = h.load32(SYST_CVR);
    expect(first - v).toBeGreaterThanOrEqual(500);
    expect(first - v).toBeLessThan(510);
    expect(h.load32(SYST_CSR) >>> 16).toBe(0);
    b.runFor('8us');
    expect(h.load32(SYST_CSR) >>> 16).toBe(1);
    expect(h.load32(SYST_CSR) >>> 16).toBe(0);
    expect(() => h.store32(SYST_CSR, 7)).toThrow(BusFault); // TICKINT: no exception vector
    expect(h.load32(SYST_CSR) & 7).toBe(5);
  });
});
