// Waveforms: measurements and matchers on a PWM pin, the VCD read back through GTKWave's own
// tools (vcd2fst, fst2vcd), the UART line decoded from the VCD, the SVG timing diagram parsed.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import { describe, expect, it, vi } from 'vitest';
import { createBoard, simulate, I2cEeprom, type SimBoard } from '../../host-sim/index.js';
import { I2C } from '../../src/io/rp2040.js';
import '../../host-sim/vitest.js';
import blink from '../../examples/blink/index.js';
import { main } from '../../tools/cli.js';

/** PWM slice 0 A on GPIO16: 125 MHz / 125 = 1 MHz counter, TOP 999: 1 kHz; CC 250: 25 %. */
function pwm1kHz(b: SimBoard): number {
  const h = b.hal;
  h.store32(0x40014000 + 4 + 8 * 16, 4); // FUNCSEL PWM
  h.store32(0x40050004, 125 << 4);
  h.store32(0x40050010, 999);
  h.store32(0x4005000c, 250);
  const t0 = b.now;
  h.store32(0x40050000, 1);
  return t0;
}

/** A VCD's changes per signal name: [time, 0|1][]. */
function parseVcd(text: string): Map<string, [number, number][]> {
  const ids = new Map<string, string>();
  for (const m of text.matchAll(/\$var\s+wire\s+1\s+(\S+)\s+(\S+)\s+\$end/g)) ids.set(m[1]!, m[2]!);
  const out = new Map<string, [number, number][]>([...ids.values()].map((n) => [n, []]));
  let t = 0;
  for (const line of text.slice(text.indexOf('$enddefinitions')).split('\n')) {
    const l = line.trim();
    if (l.startsWith('#')) t = Number(l.slice(1));
    else if (/^[01]\S+$/.test(l) && ids.has(l.slice(1))) out.get(ids.get(l.slice(1))!)!.push([t, Number(l[0])]);
  }
  return out;
}

/** Bytes on a UART line sampled mid-bit, 8N1 at `bitNs`. */
function decodeUart(changes: [number, number][], bitNs: number): number[] {
  const at = (t: number) => {
    let v = 1;
    for (const [ct, cv] of changes) if (ct <= t) v = cv;
    return v;
  };
  const bytes: number[] = [];
  let frameEnd = -Infinity;
  for (const [t, v] of changes) {
    if (v !== 0 || at(t - 1) !== 1 || t < frameEnd) continue; // a start bit: a falling edge of the idle line
    let b = 0;
    for (let k = 0; k < 8; k++) b |= at(t + (1.5 + k) * bitNs) << k;
    bytes.push(b);
    frameEnd = t + 9.5 * bitNs;
  }
  return bytes;
}

const BIT_NS = (16 * (67 + 52 / 64) * 1e9) / 125e6;

describe('measurements', () => {
  it('a 1 kHz, 25 % PWM output measures as such; the matchers pass and fail with a reason', () => {
    const b = createBoard('rpi-pico');
    const t0 = pwm1kHz(b);
    b.runFor('10ms');
    const pin = b.gpio(16);
    expect(pin.frequency()).toBeCloseTo(1000, 6);
    expect(pin.dutyCycle()).toBeCloseTo(0.25, 6);
    expect(pin).toHaveFrequency(1000, { tolerance: 0.001 });
    expect(pin).toHaveDutyCycle(0.25);
    expect(pin).toHaveEdgeAt(t0, { rising: true });
    expect(pin).toHaveEdgeAt(t0 + 250_000, { rising: false, within: 1 });
    expect(() => expect(pin).toHaveFrequency(2000)).toThrow(/frequency of 2000 Hz .* measured 1000\.00 Hz over 10 periods/);
    expect(() => expect(b.gpio(3)).toHaveFrequency(1)).toThrow(/no complete period/);
    expect(pin.edges({ from: t0 + 1e6, to: t0 + 2e6 }).map((e) => [e.t - t0, e.rising])).toEqual([
      [1e6, true],
      [1.25e6, false],
      [2e6, true],
    ]);
  });
});

describe('VCD', () => {
  it('blink on rpi-pico: LED, UART TX line and the timer IRQ, read back by GTKWave (vcd2fst, fst2vcd)', async () => {
    const b = await simulate('rpi-pico', blink);
    b.runFor('1s');
    const vcd = b.trace.toVCD({ pins: [25] });
    expect(vcd).toMatch(/^\$date .*\$end\n\$version vllsi host-sim \$end\n\$timescale 1ns \$end/);
    const ours = parseVcd(vcd);
    expect([...ours.keys()].sort()).toEqual(['gpio25', 'irq0', 'uart0_tx']);
    expect(ours.get('gpio25')!.map(([t, v]) => [Math.round(t / 1e6), v])).toEqual([
      [0, 0],
      [250, 1],
      [500, 0],
      [750, 1],
      [1000, 0],
    ]);
    expect(ours.get('irq0')!.filter(([, v]) => v === 1).length).toBe(4); // the alarm's level, cleared by each handler
    const text = String.fromCharCode(...decodeUart(ours.get('uart0_tx')!, BIT_NS));
    expect(text).toContain('blink ready on rpi-pico: LED on GPIO25, toggling every 250 ms\r\ntick 1: led on\r\n');

    const vcd2fst = spawnSync('vcd2fst', ['--help']);
    if (vcd2fst.error) {
      console.warn("SKIP: GTKWave's vcd2fst is not installed (apt-get install gtkwave): the VCD was not read back by GTKWave");
      return;
    }
    const dir = mkdtempSync(path.join(tmpdir(), 'vllsi-vcd-'));
    writeFileSync(path.join(dir, 'blink.vcd'), vcd);
    const conv = spawnSync('vcd2fst', [path.join(dir, 'blink.vcd'), path.join(dir, 'blink.fst')], { encoding: 'utf8' });
    expect(conv.status, conv.stderr).toBe(0);
    const back = spawnSync('fst2vcd', [path.join(dir, 'blink.fst')], { encoding: 'utf8', maxBuffer: 64 << 20 });
    expect(back.status, back.stderr).toBe(0);
    const theirs = parseVcd(back.stdout);
    for (const name of ours.keys()) expect(theirs.get(name), name).toEqual(ours.get(name));
  });

  it('esp32-devkitc: the same app gives the LED on GPIO2 and the UART0 frames at 115200 baud', async () => {
    const b = await simulate('esp32-devkitc', blink);
    b.runFor('600ms');
    const w = parseVcd(b.trace.toVCD({ pins: [2] }));
    expect(w.get('gpio2')!.map(([t, v]) => [Math.round(t / 1e6), v])).toEqual([
      [0, 0],
      [250, 1],
      [500, 0],
    ]);
    const bit = (Math.round(80e6 / 115200) * 1e9) / 80e6; // CLKDIV 694 at 80 MHz
    expect(String.fromCharCode(...decodeUart(w.get('uart0_tx')!, bit))).toContain('blink ready on esp32-devkitc');
  });

  it('refuses a pin the board lacks', () => {
    expect(() => createBoard('rpi-pico').trace.toVCD({ pins: [40] })).toThrow(/not a GPIO/);
  });
});

describe('timing diagram (SVG)', () => {
  const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '', isArray: (name) => ['g', 'text', 'rect', 'line', 'path'].includes(name) });

  it('has a row per signal, a time axis with round ticks, and the UART bytes decoded', async () => {
    const b = await simulate('rpi-pico', blink);
    b.runFor('1s');
    const svg = parser.parse(b.plot({ pins: [25], to: 6e6 })).svg;
    expect(Number(svg.width)).toBe(1130);
    const rows = svg.g.filter((g: any) => g.class === 'row');
    expect(rows.map((g: any) => g['data-signal'])).toEqual(['gpio25', 'uart0_tx', 'irq0']);
    const ticks = svg.g.find((g: any) => g.class === 'ticks').text.map((t: any) => String(t['#text']));
    expect(ticks).toEqual(['0', '1 ms', '2 ms', '3 ms', '4 ms', '5 ms', '6 ms']);
    const uart = rows[1];
    const labels = uart.text.filter((t: any) => t.class === 'byte').map((t: any) => String(t['#text']));
    expect(labels.join('')).toBe('blink ready on rpi-pico: LED on GPIO25, toggling every 250 ms\\r\\n'.replace(/ /g, '·'));
    expect(uart.rect.length).toBe(63); // one box per byte
    // The whole second: the LED row toggles at 250, 500, 750 ms (+144 ns): pixel columns 250, 500, 750 after the 110 px of labels.
    const whole = parser.parse(b.plot({ pins: [25], to: 1e9 })).svg;
    const d: string = whole.g.find((g: any) => g['data-signal'] === 'gpio25').path[0].d;
    expect(d.match(/H(\d+\.5)/g)).toEqual(['H360.5', 'H610.5', 'H860.5']);
  });

  it('draws an I2C read: SCL clocks, and on SDA the START, address, bytes with ACK/NACK and STOP', async () => {
    const b = await simulate('rpi-pico');
    b.attach(new I2cEeprom({ bus: 0, data: [0xde, 0xad, 0xbe, 0xef] }));
    const i2c = new I2C({ data: 4, clock: 5, hz: 400_000, address: 0x50 });
    const t0 = b.now;
    i2c.write(Uint8Array.of(0, 0), false);
    expect([...new Uint8Array(i2c.read(4)!)]).toEqual([0xde, 0xad, 0xbe, 0xef]);
    b.runFor('20us');
    const svg = parser.parse(b.plot({ pins: [], from: t0, width: 1400 })).svg;
    const rows = svg.g.filter((g: any) => g.class === 'row');
    expect(rows.map((g: any) => g['data-signal'])).toEqual(['i2c0_scl', 'i2c0_sda']);
    expect(rows[1].text.filter((t: any) => t.class === 'byte').map((t: any) => t['#text'])).toEqual([
      'S',
      '0x50 W A',
      '0x00 A',
      '0x00 A',
      'Sr',
      '0x50 R A',
      '0xde A',
      '0xad A',
      '0xbe A',
      '0xef N',
      'P',
    ]);
    // SCL: 9 clocks for each of the 8 bytes, plus the repeated START's and the STOP's rising edges.
    const scl = parseVcd(b.trace.toVCD({ pins: [] })).get('i2c0_scl')!;
    expect(scl.filter(([t, v]) => t > 0 && v === 1).length).toBe(8 * 9 + 2);
  });

  it('refuses an empty window', () => {
    expect(() => createBoard('rpi-pico').plot()).toThrow(/must end after it starts/);
  });
});

describe('vllsi sim --vcd --plot --pins', () => {
  it('writes both files for the run', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'vllsi-sim-'));
    const out: string[] = [];
    const spy = vi.spyOn(console, 'log').mockImplementation((...a) => void out.push(a.join(' ')));
    const code = await main(['sim', '--duration', '600ms', '--vcd', path.join(dir, 'o.vcd'), '--plot', path.join(dir, 'o.svg'), '--pins', '0,25']);
    spy.mockRestore();
    expect(code).toBe(0);
    expect(out.join('\n')).toMatch(/waveforms written to .*o\.vcd \(VCD\)/);
    const w = parseVcd(readFileSync(path.join(dir, 'o.vcd'), 'utf8'));
    expect([...w.keys()].sort()).toEqual(['gpio0', 'gpio25', 'irq0', 'uart0_tx']);
    expect(readFileSync(path.join(dir, 'o.svg'), 'utf8')).toMatch(/^<svg /);
    expect(await main(['sim', '--pins', '0,99'])).toBe(2);
  });
});
