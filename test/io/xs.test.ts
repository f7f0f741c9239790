// The ECMA-419 classes in real XS (xsnap) on the simulated rpi-pico, bundled as `vllsi build`
// bundles a device app (vllsi/io/rp2040): test/fixtures/io-xs checks option errors, a wired
// pin pair, claims, a bank's mask, the TMP102 over I2C with a NACK, PWM and the ADC inside
// XS; the edge and serial callbacks arrive through the XS IRQ dispatcher.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Tmp102 } from '../../host-sim/index.js';
import { packageRoot } from '../../tools/moddable.js';
import { XsDevice } from '../../tools/xs-device.js';

describe('ECMA-419 classes in XS on rpi-pico', () => {
  it('pass the conformance checks of the fixture app, with interrupts delivered into XS', async () => {
    const device = await XsDevice.start('rpi-pico', { appDir: path.join(packageRoot, 'test/fixtures/io-xs') });
    const traced: string[] = [];
    device.board.onDebug((t) => traced.push(...t.split('\n').filter((l) => l !== '')));
    try {
      device.board.wire(14, 15);
      device.board.i2c(0).attach(0x48, new Tmp102(21.5));
      device.board.setAnalog(0, 1234);
      await device.boot().catch((e) => {
        throw new Error(`${(e as Error).message}; traced: ${traced.join(' / ')}`);
      });
      await device.runFor('1ms');
      expect(traced.filter((l) => l.startsWith('FAIL'))).toEqual([]);
      expect(traced.filter((l) => l.startsWith('ok '))).toEqual([
        'ok options',
        'ok wire',
        'ok in use, close, reuse',
        'ok bank mask',
        'ok smbus tmp102',
        'ok pwm',
        'ok analog',
      ]);
      expect(traced).toContain('done');
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
