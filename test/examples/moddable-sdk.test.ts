// The Moddable SDK's own examples/io apps, unmodified, in `vllsi sim` (the SDK from $MODDABLE, read
// where it is: nothing of it is copied). Those that run are checked by their output; those that
// stop do so as on Moddable's own host for the board (its pico provider names no button, has no
// UART2, and GPIO0 is no ADC input), with the app's error. Our equivalents that run on both boards
// are examples/io (test/examples/io.test.ts). SKIPs (loudly) without $MODDABLE.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createBoard } from '../../host-sim/index.js';
import { ModdableHost } from '../../host-sim/moddable.js';
import { runModdableApp } from '../../tools/moddable-app.js';

const sdk = process.env.MODDABLE;
const missing = sdk === undefined || !existsSync(path.join(sdk, 'examples/io/digital/blink/main.js'));
if (missing)
  console.warn(
    'SKIP the Moddable SDK examples/io apps in vllsi sim: $MODDABLE is not set to a Moddable SDK (git clone https://github.com/Moddable-OpenSource/moddable)',
  );
const app = (name: string) => path.join(sdk ?? '', 'examples/io', name);

async function start(name: string, board = 'rpi-pico') {
  const b = createBoard(board);
  const traced: string[] = [];
  b.onDebug((t) => traced.push(...t.split('\n').filter((l) => l !== '')));
  const host = new ModdableHost(b);
  await runModdableApp(app(name), host);
  return { board: b, host, traced };
}

describe.skipIf(missing)('Moddable SDK examples/io, unmodified, in vllsi sim', () => {
  it.each(['rpi-pico', 'esp32-devkitc'])('digital/blink on %s: the LED toggles every 200 ms', async (name) => {
    const { board, host } = await start('digital/blink', name);
    const edges: number[] = [];
    board.led.onChange((_l, t) => edges.push(Math.round(t / 1e6)));
    host.runFor('700ms');
    expect(edges).toEqual([200, 400, 600]);
  });

  it("pwm/led on rpi-pico: the LED's duty ramps up with the value written every 5 ms", async () => {
    const { board, host } = await start('pwm/led');
    const duty = () => {
      let high = 0,
        last = board.now,
        lvl = board.led.level;
      const off = board.led.onChange((l, t) => {
        if (lvl) high += t - last;
        lvl = l;
        last = t;
      });
      host.runFor('20ms');
      off();
      return high / 20e6;
    };
    host.runFor('10ms');
    const first = duty();
    host.runFor('300ms');
    const later = duty();
    // It adds 5 (of 1023) every 5 ms: about 20/1023 over 10..30 ms, about 340/1023 over 330..350 ms.
    expect(first).toBeLessThan(0.06);
    expect(later).toBeGreaterThan(0.28);
    expect(later).toBeLessThan(0.4);
  });

  it("the others stop as on Moddable's pico host, with the app's own error", async () => {
    await expect(start('digital/button')).rejects.toThrow('no button pin provided by device');
    await expect(start('serial/echo')).rejects.toThrow(/Serial: options\.port must be an integer in 0\.\.1, got 2/);
    await expect(start('analog')).rejects.toThrow(/Analog: GPIO0 is no ADC input/);
  });
});
