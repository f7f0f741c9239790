// The project `vllsi build` writes, linked as mcconfig would link it, run in real XS
// (xsnap) on a simulated chip (tools/xs-device.ts). (Its own file: tools/xs.js locks down the
// globals, console included.)
import { beforeAll, describe, expect, it } from 'vitest';
import path from 'node:path';
import { XsDevice } from '../../tools/xs-device.js';
import { packageRoot } from '../../tools/moddable.js';
import { ensureBuilt } from './moddable-project.js';

beforeAll(ensureBuilt, 120_000);

describe('the built app in real XS on a simulated chip', () => {
  it.each(['rpi-pico', 'esp32-devkitc'])('%s: blink prints ready, then ticks from its timer IRQ', async (name) => {
    const device = await XsDevice.start(name);
    try {
      await device.boot();
      await device.runFor('800ms'); // ticks every 250 ms on a grid from boot (boot itself takes simulated time)
      const { console } = device.board;
      expect(console.lines[0]).toMatch(new RegExp(`^blink ready on ${name}: LED on GPIO\\d+`));
      const ticks = console.lines.filter((l) => l.startsWith('tick'));
      expect(ticks.length === 3 || ticks.length === 4).toBe(true);
      expect(ticks).toEqual(['tick 1: led on', 'tick 2: led off', 'tick 3: led on', 'tick 4: led off'].slice(0, ticks.length));
      expect(device.calls).toContain('xs_vllsi_irq_attach');
    } finally {
      await device.close();
    }
  });

  it('an app built from APP_DIR (vllsi by its package names, calls inlined) drives its LED', async () => {
    const device = await XsDevice.start('rpi-pico', { appDir: path.join(packageRoot, 'test/tools/fixtures/led-app') });
    try {
      expect(device.board.gpio(25).level).toBe(false);
      await device.boot();
      expect(device.board.gpio(25).level).toBe(true);
    } finally {
      await device.close();
    }
  });

  it('examples/sensor built as an APP_DIR samples its ADC every 100 ms from its timer IRQ', async () => {
    const device = await XsDevice.start('rpi-pico', { appDir: path.join(packageRoot, 'examples/sensor') });
    try {
      await device.boot();
      await device.runFor('350ms');
      const { lines } = device.board.console;
      expect(lines[0]).toBe('sensor ready');
      expect(lines.filter((l) => /^sample ch0=\d+ ch1=\d+ ch2=\d+ ch3=\d+$/.test(l)).length).toBeGreaterThanOrEqual(3);
    } finally {
      await device.close();
    }
  });
});
