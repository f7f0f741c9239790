// The ESP32 LEDC model (host-sim/esp32-ledc.ts): its register layout against esp32.svd, and the
// waveforms it puts on pins through the GPIO matrix: frequency and duty from DIV_NUM/DUTY_RES/
// HPOINT/DUTY, updates at the timer's overflow after DUTY_START/PARA_UP, IDLE_LV, the overflow
// and duty-change interrupts, the VCD. Laws (fast-check) over timer and duty settings.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createBoard, type SimBoard } from '../../host-sim/index.js';
import { LEDC_LAYOUT as L, LEDC_SIGNAL0 } from '../../host-sim/esp32-ledc.js';
import '../../host-sim/vitest.js';
import { importSvd } from '../../tools/svd/import.js';
import { locate } from '../../src/register_map.js';
import { BusFault } from '../../src/hal.js';
import { sharedDir } from '../svd/shared.js';

const LEDC = 0x3ff59000,
  GPIO = 0x3ff44000;
const OUT_SEL = (pin: number) => GPIO + 0x530 + 4 * pin;
const ENABLE_W1TS = GPIO + 0x24;
const hsch = (n: number, reg: number) => LEDC + L.HSCH0 + L.channelStride * n + reg;
const lsch = (n: number, reg: number) => LEDC + L.LSCH0 + L.channelStride * n + reg;
const hstimer = (n: number) => LEDC + L.HSTIMER0_CONF + L.timerStride * n;
const lstimer = (n: number) => LEDC + L.LSTIMER0_CONF + L.timerStride * n;
/** TIMER_CONF: DUTY_RES, DIV_NUM (x256), TICK_SEL = APB (or SLOW_CLK on low speed). */
const timerConf = (res: number, div256: number) => res | (div256 << 5) | (1 << 25);
const DUTY_START = 0x80000000,
  SIG_OUT_EN = 1 << 2,
  IDLE_LV = 1 << 3,
  PARA_UP_CH = 1 << 4,
  PARA_UP_TIMER = 1 << 26;

/** High-speed channel `ch` on timer `t` at `res` bits and DIV_NUM `div256`, `duty` counts from `hpoint`, out on `pin`; returns when the counter started. */
function hsPwm(b: SimBoard, o: { ch: number; t: number; res: number; div256: number; duty: number; hpoint?: number; pin: number }): number {
  const h = b.hal;
  h.store32(hstimer(o.t), timerConf(o.res, o.div256) | (1 << 24)); // held in reset while configured
  const t0 = b.now; // the counter starts at the next store
  h.store32(hstimer(o.t), timerConf(o.res, o.div256));
  h.store32(hsch(o.ch, L.HPOINT), o.hpoint ?? 0);
  h.store32(hsch(o.ch, L.DUTY), o.duty << 4);
  h.store32(hsch(o.ch, L.CONF1), DUTY_START);
  h.store32(hsch(o.ch, L.CONF0), o.t | SIG_OUT_EN);
  h.store32(OUT_SEL(o.pin), LEDC_SIGNAL0 + o.ch);
  h.store32(ENABLE_W1TS, 1 << o.pin);
  return t0;
}

const esp32Svd = path.join(sharedDir, 'svd', 'esp32.svd');
describe.skipIf(!existsSync(esp32Svd))('LEDC model layout (TRM ch. 14) against esp32.svd', () => {
  it('every offset and field the model uses is where the SVD puts it', () => {
    const map = importSvd(readFileSync(esp32Svd));
    const at = (p: string) => locate(map, p);
    expect(map.peripherals.find((p) => p.name === 'LEDC')!.baseAddress).toBe(LEDC);
    const fieldsOf = (reg: string, which: Record<string, readonly [number, number]>, skip: string[] = []) => {
      for (const [f, [offset, width]] of Object.entries(which)) {
        if (skip.includes(f)) continue;
        expect([reg, f, at(`LEDC.${reg}.${f}`).field!.bitOffset, at(`LEDC.${reg}.${f}`).field!.bitWidth]).toEqual([reg, f, offset, width]);
      }
    };
    for (let n = 0; n < 8; n++) {
      for (const [g, base] of [
        ['HS', L.HSCH0],
        ['LS', L.LSCH0],
      ] as const) {
        for (const reg of ['CONF0', 'HPOINT', 'DUTY', 'CONF1', 'DUTY_R'] as const) {
          expect(at(`LEDC.${g}CH${n}_${reg}`).register.addressOffset, `${g}CH${n}_${reg}`).toBe(base + L.channelStride * n + L[reg]);
        }
      }
      fieldsOf(`HSCH${n}_CONF0`, L.fields.CONF0, ['PARA_UP']); // high-speed channels have no PARA_UP
      fieldsOf(`LSCH${n}_CONF0`, L.fields.CONF0);
      fieldsOf(`HSCH${n}_HPOINT`, L.fields.HPOINT);
      fieldsOf(`LSCH${n}_CONF1`, L.fields.CONF1);
      expect(at(`LEDC.HSCH${n}_DUTY.DUTY`).field).toMatchObject({ bitOffset: 0, bitWidth: 25 });
      expect(at(`LEDC.HSCH${n}_CONF1`).register.resetValue).toBe(L.dutyStartResetValue);
    }
    for (let n = 0; n < 4; n++) {
      expect(at(`LEDC.HSTIMER${n}_CONF`).register).toMatchObject({ addressOffset: L.HSTIMER0_CONF + L.timerStride * n, resetValue: L.timerReset });
      expect(at(`LEDC.LSTIMER${n}_CONF`).register).toMatchObject({ addressOffset: L.LSTIMER0_CONF + L.timerStride * n, resetValue: L.timerReset });
      expect(at(`LEDC.HSTIMER${n}_VALUE`).register.addressOffset).toBe(L.HSTIMER0_VALUE + L.timerStride * n);
      expect(at(`LEDC.LSTIMER${n}_VALUE.CNT`).field).toMatchObject({ bitOffset: 0, bitWidth: 20 });
      fieldsOf(`LSTIMER${n}_CONF`, L.fields.TIMER_CONF);
      fieldsOf(`HSTIMER${n}_CONF`, L.fields.TIMER_CONF, ['PARA_UP']); // high-speed timers take their settings at once
    }
    for (const reg of ['INT_RAW', 'INT_ST', 'INT_ENA', 'INT_CLR', 'CONF', 'DATE'] as const) expect(at(`LEDC.${reg}`).register.addressOffset, reg).toBe(L[reg]);
    expect(at('LEDC.DATE').register.resetValue).toBe(L.date);
    expect(at('LEDC.CONF.APB_CLK_SEL').field).toMatchObject({ bitOffset: 0, bitWidth: 1 });
    const raw = at('LEDC.INT_RAW').register.fields;
    for (let n = 0; n < 4; n++) {
      expect(raw.find((f) => f.name === `HSTIMER${n}_OVF_INT_RAW`)!.bitOffset).toBe(L.intTimerOvf0 + n);
      expect(raw.find((f) => f.name === `LSTIMER${n}_OVF_INT_RAW`)!.bitOffset).toBe(L.intTimerOvf0 + 4 + n);
    }
    for (let n = 0; n < 8; n++) {
      expect(raw.find((f) => f.name === `DUTY_CHNG_END_HSCH${n}_INT_RAW`)!.bitOffset).toBe(L.intDutyEnd0 + n);
      expect(raw.find((f) => f.name === `DUTY_CHNG_END_LSCH${n}_INT_RAW`)!.bitOffset).toBe(L.intDutyEnd0 + 8 + n);
    }
  });
});

describe('LEDC model: waveforms on pins through the GPIO matrix', () => {
  it('1 kHz at 10 bits, 25 %: frequency, duty, edges; the first period waits for the overflow', () => {
    const b = createBoard('esp32-devkitc');
    // 80 MHz / (78.125 x 1024) = 1 kHz.
    const t0 = hsPwm(b, { ch: 0, t: 0, res: 10, div256: 20000, duty: 256, pin: 18 });
    b.runFor('10ms');
    const pin = b.gpio(18);
    expect(pin.isOutput).toBe(true);
    expect(pin).toHaveFrequency(1000, { tolerance: 1e-6 });
    expect(pin).toHaveDutyCycle(0.25, { tolerance: 1e-6 });
    // DUTY_START latched the duty: it takes effect at the first overflow, 1 ms after the timer started.
    expect(pin.edges({ to: t0 + 9.5e6 }).map((e) => [Math.round(e.t - t0), e.rising])).toEqual(
      Array.from({ length: 9 }, (_, k) => [
        [1e6 * (k + 1), true],
        [1e6 * (k + 1) + 250_000, false],
      ]).flat(),
    );
    expect(b.hal.load32(hsch(0, L.DUTY_R))).toBe(256 << 4);
  });

  it('HPOINT delays the rising edge; INV_SEL inverts the pin, OEN_SEL takes GPIO_ENABLE; IDLE_LV holds the level while SIG_OUT_EN is clear', () => {
    const b = createBoard('esp32-devkitc');
    const t0 = hsPwm(b, { ch: 3, t: 1, res: 8, div256: 256 * 10, duty: 64, hpoint: 32, pin: 4 }); // 80 MHz / 10 / 256 = 31.25 kHz
    b.runFor('1ms');
    const from = b.now;
    b.runFor('1ms');
    const period = 1e9 / 31250,
      tick = period / 256;
    // Rises 32 counts into each period and falls 64 counts later.
    for (const e of b.gpio(4).edges({ from })) expect((e.t - t0) % period, String(e.t)).toBeCloseTo(e.rising ? 32 * tick : 96 * tick, 3);
    expect(b.gpio(4)).toHaveDutyCycle(0.25, { from, tolerance: 1e-6 });
    b.hal.store32(OUT_SEL(4), LEDC_SIGNAL0 + 3 + (1 << 9));
    const inv = b.now;
    b.runFor('1ms');
    expect(b.gpio(4)).toHaveDutyCycle(0.75, { from: inv + period, tolerance: 1e-6 });
    // OEN_SEL: GPIO_ENABLE decides whether the pad drives (else the peripheral's enable, always on for LEDC).
    b.hal.store32(OUT_SEL(4), LEDC_SIGNAL0 + 3 + (1 << 10));
    b.hal.store32(GPIO + 0x28, 1 << 4); // ENABLE_W1TC
    expect(b.gpio(4).isOutput).toBe(false);
    b.hal.store32(OUT_SEL(4), LEDC_SIGNAL0 + 3);
    expect(b.gpio(4).isOutput).toBe(true);
    b.hal.store32(hsch(3, L.CONF0), 1 | IDLE_LV);
    b.hal.store32(OUT_SEL(4), LEDC_SIGNAL0 + 3);
    const idle = b.now;
    b.runFor('1ms');
    expect(b.gpio(4).level).toBe(true);
    expect(b.gpio(4).edges({ from: idle + 1 })).toEqual([]);
  });

  it('a new duty takes effect at the next overflow, and raises DUTY_CHNG_END; overflows raise TIMER_OVF and the LEDC IRQ', () => {
    const b = createBoard('esp32-devkitc');
    const h = b.hal;
    const t0 = hsPwm(b, { ch: 0, t: 0, res: 10, div256: 20000, duty: 256, pin: 18 });
    b.runFor('2.5ms');
    expect(h.load32(LEDC + L.INT_RAW) & 1).toBe(1); // HSTIMER0_OVF
    expect((h.load32(LEDC + L.INT_RAW) >> L.intDutyEnd0) & 1).toBe(1);
    h.store32(LEDC + L.INT_CLR, 0xffffff);
    expect(h.load32(LEDC + L.INT_RAW)).toBe(0);
    h.store32(hsch(0, L.DUTY), 768 << 4);
    b.runFor('0.4ms'); // 2.9 ms: not applied before the overflow at 3 ms, even without DUTY_START
    h.store32(hsch(0, L.CONF1), DUTY_START);
    expect(h.load32(hsch(0, L.CONF1)) >>> 31).toBe(1);
    const irqs: number[] = [];
    h.irqSetHandler(43, () => {
      irqs.push(h.load32(LEDC + L.INT_ST));
      h.store32(LEDC + L.INT_CLR, 0xffffff);
    });
    h.irqSetEnabled(43, true);
    h.store32(LEDC + L.INT_ENA, 1 << L.intDutyEnd0);
    b.runFor('3ms');
    expect(irqs).toEqual([1 << L.intDutyEnd0]);
    expect(h.load32(hsch(0, L.CONF1)) >>> 31).toBe(0); // DUTY_START clears itself once applied
    // The period from 2 ms still had 25 %; from the overflow at 3 ms, 75 %.
    expect(
      b
        .gpio(18)
        .edges({ from: t0 + 1.9e6, to: t0 + 4.9e6 })
        .map((e) => [Math.round(e.t - t0), e.rising]),
    ).toEqual([
      [2e6, true],
      [2.25e6, false],
      [3e6, true],
      [3.75e6, false],
      [4e6, true],
      [4.75e6, false],
    ]);
  });

  it('a low-speed channel and timer wait for PARA_UP; the slow clock is 8 MHz unless APB_CLK_SEL', () => {
    const b = createBoard('esp32-devkitc');
    const h = b.hal;
    h.store32(lstimer(2), timerConf(8, 256)); // 8 MHz / 256 = 31.25 kHz once latched
    h.store32(lsch(5, L.DUTY), 128 << 4);
    h.store32(lsch(5, L.CONF0), 2 | SIG_OUT_EN | PARA_UP_CH);
    h.store32(OUT_SEL(21), LEDC_SIGNAL0 + 8 + 5);
    h.store32(ENABLE_W1TS, 1 << 21);
    b.runFor('1ms');
    expect(b.gpio(21).edges()).toEqual([]); // the timer's settings were not latched: DUTY_RES 0, DIV_NUM 0
    h.store32(lstimer(2), timerConf(8, 256) | PARA_UP_TIMER);
    expect(h.load32(lstimer(2)) & PARA_UP_TIMER).toBe(0);
    const from = b.now + 1e6;
    b.runFor('3ms');
    expect(b.gpio(21)).toHaveFrequency(31250, { from, tolerance: 1e-6 });
    expect(b.gpio(21)).toHaveDutyCycle(0.5, { from, tolerance: 1e-6 });
    h.store32(LEDC + L.CONF, 1); // SLOW_CLK = APB: 80 MHz / 256 = 312.5 kHz
    const fast = b.now + 1e5;
    b.runFor('1ms');
    expect(b.gpio(21)).toHaveFrequency(312500, { from: fast, tolerance: 1e-6 });
  });

  it('PAUSE stops the counter where it is, RST holds it at 0; HSTIMERn_VALUE reads it', () => {
    const b = createBoard('esp32-devkitc');
    const h = b.hal;
    h.store32(hstimer(2), timerConf(10, 256 * 80)); // 1 MHz counts
    b.runFor('100us');
    expect(h.load32(hstimer(2) + 4)).toBe(100);
    h.store32(hstimer(2), timerConf(10, 256 * 80) | (1 << 23));
    b.runFor('100us');
    expect(h.load32(hstimer(2) + 4)).toBe(100);
    h.store32(hstimer(2), timerConf(10, 256 * 80));
    b.runFor('50us');
    expect(h.load32(hstimer(2) + 4)).toBe(150);
    h.store32(hstimer(2), timerConf(10, 256 * 80) | (1 << 24));
    b.runFor('50us');
    expect(h.load32(hstimer(2) + 4)).toBe(0);
  });

  it('fades (DUTY_SCALE) are not modelled: the write faults instead of doing something else', () => {
    const b = createBoard('esp32-devkitc');
    expect(() => b.hal.store32(hsch(1, L.CONF1), (DUTY_START | 1 | (1 << 10) | (10 << 20)) >>> 0)).toThrow(BusFault);
    expect(() => b.hal.store32(hsch(1, L.CONF1), (DUTY_START | 1 | (1 << 10) | (10 << 20)) >>> 0)).toThrow(/fades .* not modelled/);
    expect(() => b.hal.load32(LEDC + 0x194)).toThrow(BusFault);
  });

  it('the PWM pin is in the VCD, which GTKWave reads back', () => {
    const b = createBoard('esp32-devkitc');
    hsPwm(b, { ch: 0, t: 0, res: 10, div256: 20000, duty: 512, pin: 18 });
    b.runFor('5ms');
    const vcd = b.trace.toVCD({ pins: [18] });
    expect(vcd).toMatch(/\$var wire 1 \S+ gpio18 \$end/);
    const id = /\$var wire 1 (\S+) gpio18 \$end/.exec(vcd)![1]!;
    const changes = [...vcd.matchAll(new RegExp(`^#(\\d+)\\n(?:[01]\\S+\\n)*?([01])${id.replace(/[$^\\]/g, '\\$&')}$`, 'gm'))].length;
    expect(changes).toBeGreaterThanOrEqual(7); // 4 periods of 1 ms after the first overflow: 8 edges
    // GTKWave's own tools read it back (vcd2fst, fst2vcd): the same edges of gpio18.
    if (spawnSync('vcd2fst', ['--help']).error) {
      console.warn("SKIP: GTKWave's vcd2fst is not installed (apt-get install gtkwave): the LEDC VCD was not read back by GTKWave");
      return;
    }
    const dir = mkdtempSync(path.join(tmpdir(), 'vllsi-ledc-vcd-'));
    writeFileSync(path.join(dir, 'pwm.vcd'), vcd);
    expect(spawnSync('vcd2fst', [path.join(dir, 'pwm.vcd'), path.join(dir, 'pwm.fst')]).status).toBe(0);
    const back = spawnSync('fst2vcd', [path.join(dir, 'pwm.fst')], { encoding: 'utf8' }).stdout;
    const edges = (text: string) => {
      const sym = /\$var wire 1 (\S+) gpio18 \$end/.exec(text)![1]!;
      let t = 0;
      const out: [number, string][] = [];
      for (const line of text.slice(text.indexOf('$enddefinitions')).split('\n')) {
        if (line.startsWith('#')) t = Number(line.slice(1));
        else if (line.slice(1) === sym) out.push([t, line[0]!]);
      }
      return out;
    };
    expect(edges(back)).toEqual(edges(vcd));
    expect(edges(back).length).toBeGreaterThanOrEqual(8);
  });

  it('laws: any timer setting and duty gives the frequency and duty the TRM formula says', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 4, max: 12 }),
        fc.integer({ min: 256, max: 256 * 40 }),
        fc.double({ min: 0.05, max: 0.95, noNaN: true }),
        (res, div256, share) => {
          const b = createBoard('esp32-devkitc');
          const period = 2 ** res;
          const duty = Math.max(1, Math.min(period - 1, Math.round(share * period)));
          hsPwm(b, { ch: 2, t: 3, res, div256, duty, pin: 23 });
          const periodNs = (period * div256 * 1e9) / (256 * 80e6);
          b.runFor(Math.ceil(periodNs * 12));
          const from = b.now - periodNs * 10;
          expect(b.gpio(23)).toHaveFrequency(1e9 / periodNs, { from, tolerance: 1e-6 });
          expect(b.gpio(23)).toHaveDutyCycle(duty / period, { from, tolerance: 1e-6 });
        },
      ),
      { numRuns: 25 },
    );
  });
});
