// The project `vllsi build` writes, linked as mcconfig would link it, run in real XS
// (xsnap) on a simulated chip (tools/xs-device.ts). (Its own file: tools/xs.js locks down the
// globals, console included.)
import { beforeAll, describe, expect, it } from 'vitest';
import { XsDevice } from '../../tools/xs-device.js';
import { ensureBuilt } from './moddable-project.js';

beforeAll(ensureBuilt, 120_000);

describe('the built app in real XS on a simulated chip', () => {
  it.each(['rpi-pico', 'esp32-devkitc'])('%s: blink prints ready, then ticks from its timer IRQ', async (name) => {
    const device = await XsDevice.start(name);
    try {
      await device.boot();
      await device.runFor('800ms'); // ticks every 250 ms
      const { console } = device.board;
      expect(console.lines[0]).toMatch(new RegExp(`^blink ready on ${name}: LED on GPIO\\d+`));
      expect(console.lines.filter((l) => l.startsWith('tick'))).toEqual(['tick 1: led on', 'tick 2: led off', 'tick 3: led on']);
      expect(device.calls).toContain('xs_vllsi_irq_attach');
    } finally {
      await device.close();
    }
  });
});
