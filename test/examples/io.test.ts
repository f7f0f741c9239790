// Our Moddable-style examples (examples/io/*: manifest.json + main.js using device, timer,
// trace, embedded:io/*) run unmodified in `vllsi sim`, with their output checked: LED
// timeline, UART bytes, trace lines, I2C reads from a TMP102 part.
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createBoard, Tmp102, type SimBoard } from '../../host-sim/index.js';
import { ModdableHost } from '../../host-sim/moddable.js';
import { runModdableApp } from '../../tools/moddable-app.js';
import { AppBundleError } from '../../tools/device-app.js';
import { main } from '../../tools/cli.js';
import '../../host-sim/vitest.js';

const root = path.resolve(import.meta.dirname, '../..');
const app = (name: string) => path.join(root, 'examples/io', name);

async function start(name: string, setup?: (b: SimBoard) => void) {
  const board = createBoard('rpi-pico');
  const traced: string[] = [];
  board.onDebug((t) => traced.push(...t.split('\n').filter((l) => l !== '')));
  setup?.(board);
  const host = new ModdableHost(board);
  await runModdableApp(app(name), host);
  return { board, host, traced };
}

describe('examples/io on rpi-pico', () => {
  it('blink toggles the LED every 250 ms of simulated time', async () => {
    const { board, host, traced } = await start('blink');
    const edges: number[] = [];
    board.led.onChange((_l, t) => edges.push(t));
    host.runFor('1100ms');
    expect(edges.map((t) => Math.round(t / 1e6))).toEqual([250, 500, 750, 1000]);
    expect(traced).toEqual(['led 1', 'led 0', 'led 1', 'led 0']);
  });

  it('button: the LED follows a press on GPIO15 (pull-up: released reads 1)', async () => {
    const { board, host, traced } = await start('button');
    host.runFor('1ms');
    expect(board.led.level).toBe(false);
    board.gpio(15).drive(false);
    host.runFor('1ms');
    expect(board.led.level).toBe(true);
    board.gpio(15).release();
    host.runFor('1ms');
    expect(board.led.level).toBe(false);
    expect(traced).toEqual(['button on GPIO15', 'button down', 'button up']);
  });

  it('pwm-led fades: the LED duty follows the level', async () => {
    const { board, host, traced } = await start('pwm-led');
    expect(traced[0]).toBe('pwm 1000 Hz, 10 bits');
    host.runFor('55ms'); // level 5: half
    let high = 0,
      last = board.now,
      lvl = board.led.level;
    const off = board.led.onChange((l, t) => {
      if (lvl) high += t - last;
      lvl = l;
      last = t;
    });
    host.runFor('4ms');
    off();
    expect(high / 4e6).toBeCloseTo(0.5, 1);
  });

  it('serial-echo greets and echoes on UART0', async () => {
    const { board, host } = await start('serial-echo');
    host.runFor('1ms');
    board.uart(0).write('ping\n');
    host.runFor('5ms');
    expect(board.uart(0).output).toBe('echo ready\r\nping\n');
  });

  it('analog traces the ADC reading as a fraction', async () => {
    const { board, host, traced } = await start('analog', (b) => b.setAnalog(0, 1024));
    host.runFor('250ms');
    board.setAnalog(0, 4095);
    host.runFor('100ms');
    expect(traced).toEqual(['analog 0.250', 'analog 0.250', 'analog 1.000']);
  });

  it('i2c-tmp102 reads the sensor part; a NACK (no part) stops the app with the I2C error', async () => {
    const tmp = new Tmp102(23.5);
    const { host, traced } = await start('i2c-tmp102', (b) => b.i2c(0).attach(0x48, tmp));
    host.runFor('600ms');
    tmp.temperature = -4.25;
    host.runFor('500ms');
    expect(traced).toEqual(['TMP102 configuration 0x60a0', 'temperature 23.50 C', 'temperature -4.25 C']);
    await expect(start('i2c-tmp102')).rejects.toThrow(/no acknowledge from address 0x48/);
  });

  it('an import vllsi sim does not provide is an AppBundleError naming it', async () => {
    const board = createBoard('rpi-pico');
    await expect(runModdableApp(path.join(root, 'test/fixtures/moddable-missing'), new ModdableHost(board))).rejects.toThrow(AppBundleError);
  });
});

describe('examples/io on esp32-devkitc', () => {
  it('blink runs unmodified on the ESP32 binding: LED GPIO2 every 250 ms', async () => {
    const board = createBoard('esp32-devkitc');
    const host = new ModdableHost(board);
    await runModdableApp(app('blink'), host);
    const edges: number[] = [];
    board.led.onChange((_l, t) => edges.push(Math.round(t / 1e6)));
    host.runFor('800ms');
    expect(edges).toEqual([250, 500, 750]);
  });

  it('pwm-led fades the LED (GPIO2) through LEDC and the GPIO matrix, unmodified', async () => {
    const board = createBoard('esp32-devkitc');
    const traced: string[] = [];
    board.onDebug((t) => traced.push(...t.split('\n').filter((l) => l !== '')));
    const host = new ModdableHost(board);
    await runModdableApp(app('pwm-led'), host);
    expect(traced[0]).toBe('pwm 1000 Hz, 10 bits');
    host.runFor('52ms'); // level 5 from 50 ms (a new duty waits for the period's end)
    const from = board.now;
    host.runFor('7ms');
    expect(board.led).toHaveFrequency(1000, { from, tolerance: 0.002 });
    expect(board.led).toHaveDutyCycle(Math.round((5 * 1023) / 10) / 1024, { from, tolerance: 1e-6 });
  });

  it('serial-echo greets and echoes on UART0 (device.Serial.default: GPIO1/3)', async () => {
    const board = createBoard('esp32-devkitc');
    const host = new ModdableHost(board);
    await runModdableApp(app('serial-echo'), host);
    host.runFor('2ms');
    board.uart(0).write('ping\n');
    host.runFor('5ms');
    expect(board.uart(0).output).toBe('echo ready\r\nping\n');
  });
});

describe('vllsi sim APP_DIR with a Moddable app', () => {
  afterEach(() => vi.restoreAllMocks());
  it('prints the trace lines and LED changes with simulated timestamps', async () => {
    const out: string[] = [];
    vi.spyOn(console, 'log').mockImplementation((...a) => void out.push(a.join(' ')));
    const code = await main(['sim', '--duration', '600ms', app('blink')]);
    expect(code).toBe(0);
    expect(out).toContain('[0.250000040 s] LED GPIO25 -> on'); // the timer fires at 250 ms; the SIO store lands 5 HAL calls later
    expect(out).toContain('[0.500000048 s] debug: led 0');
  });

  it("the app's own exception is the app's (AppError, exit 1), not an internal error of vllsi", async () => {
    const err: string[] = [];
    vi.spyOn(console, 'log').mockImplementation(() => {});
    vi.spyOn(console, 'error').mockImplementation((...a) => void err.push(a.join(' ')));
    expect(await main(['sim', '--duration', '10ms', path.join(root, 'test/fixtures/moddable-throws')])).toBe(1);
    expect(err.join('\n')).toMatch(/^vllsi sim: AppError: .*moddable-throws threw Error: no button pin provided by device$/);
    err.length = 0;
    expect(await main(['sim', '--board', 'esp32-devkitc', '--duration', '10ms', path.join(root, 'test/fixtures/moddable-throws')])).toBe(0); // the DevKitC names its BOOT button
  });
});
