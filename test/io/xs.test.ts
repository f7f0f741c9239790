// The ECMA-419 classes in real XS (xsnap) on the simulated rpi-pico and esp32-devkitc, bundled
// as `vllsi build` bundles a device app (vllsi/io/rp2040, vllsi/io/esp32): test/fixtures/io-xs
// checks option errors, a wired pin pair, claims, a bank's mask, the TMP102 over I2C with a
// NACK, PWM and the ADC inside XS; test/fixtures/io-xs-esp32 the ESP32's Digital, DigitalBank,
// PWM (measured on the pin) and Serial; the edge and serial callbacks arrive through the XS
// IRQ dispatcher.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Tmp102 } from '../../host-sim/index.js';
import '../../host-sim/vitest.js';
import { packageRoot } from '../../tools/moddable.js';
import { XsDevice } from '../../tools/xs-device.js';

/** Boots fixture `app` in XS on `board` (after `setup` attached parts), runs 1 ms, and checks every "ok"/"FAIL" line it traced. */
async function boot(board: string, app: string, setup: (d: XsDevice) => void, oks: string[]): Promise<{ device: XsDevice; traced: string[] }> {
  const device = await XsDevice.start(board, { appDir: path.join(packageRoot, 'test/fixtures', app) });
  const traced: string[] = [];
  device.board.onDebug((t) => traced.push(...t.split('\n').filter((l) => l !== '')));
  try {
    setup(device);
    await device.boot().catch((e) => {
      throw new Error(`${(e as Error).message}; traced: ${traced.join(' / ')}`);
    });
    await device.runFor('1ms');
    expect(traced.filter((l) => l.startsWith('FAIL'))).toEqual([]);
    expect(traced.filter((l) => l.startsWith('ok '))).toEqual(oks.map((n) => `ok ${n}`));
    expect(traced).toContain('done');
  } catch (e) {
    await device.close();
    throw e;
  }
  return { device, traced };
}

describe('ECMA-419 classes in XS on rpi-pico', () => {
  it('pass the conformance checks of the fixture app, with interrupts delivered into XS', async () => {
    const { device, traced } = await boot(
      'rpi-pico',
      'io-xs',
      (d) => {
        d.board.wire(14, 15);
        d.board.i2c(0).attach(0x48, new Tmp102(21.5));
        d.board.setAnalog(0, 1234);
      },
      ['options', 'wire', 'in use, close, reuse', 'bank mask', 'smbus tmp102', 'pwm', 'analog'],
    );
    try {
      // The wire test made a rising and a falling edge while main ran: both latched before the
      // IRQ reached XS (Moddable's message loop runs after main), so one onReadable, reading 0.
      expect(traced.filter((l) => l.startsWith('edge'))).toEqual(['edge 1 0']);
      device.board.uart(1).write('hi');
      await device.runFor('1ms');
      expect(traced.filter((l) => l.startsWith('serial')).join('')).toMatch(/^serial \d h?/);
      expect(device.board.spec.name).toBe('rpi-pico');
    } finally {
      await device.close();
    }
  }, 120_000);
});

describe('ECMA-419 classes in XS on esp32-devkitc', () => {
  it('pass the conformance checks of the fixture app: PWM on LEDC and Serial on UART2 with callbacks in XS', async () => {
    const { device, traced } = await boot(
      'esp32-devkitc',
      'io-xs-esp32',
      (d) => {
        d.board.wire(4, 5);
        d.board.gpio(13).drive(true);
        d.board.gpio(14).drive(true);
      },
      ['options', 'wire', 'in use, close, reuse', 'bank mask', 'pwm', 'serial in use'],
    );
    try {
      expect(traced).toContain('writable 128');
      expect(traced.filter((l) => l.startsWith('edge'))).toEqual(['edge 1 0']);
      // The PWM that main left running: 1 kHz, 256/1024 = 25 %, on GPIO18 through the GPIO matrix.
      await device.runFor('5ms');
      const from = device.board.now;
      await device.runFor('10ms');
      expect(device.board.gpio(18)).toHaveFrequency(1000, { from, tolerance: 0.002 });
      expect(device.board.gpio(18)).toHaveDutyCycle(0.25, { from, tolerance: 1e-6 });
      device.board.uart(2).write('hi');
      await device.runFor('2ms');
      expect(traced.filter((l) => l.startsWith('serial')).join('')).toMatch(/^serial \d h?/);
      expect(device.board.uart(2).output).toBe('hi');
    } finally {
      await device.close();
    }
  }, 120_000);
});
