// `vllsi emulate` on real Moddable firmware, built with the real SDK (mcconfig, pico-sdk) by
// tools/moddable-firmware.ts (cached in the OS temp folder per project hash: the first run builds
// for minutes) and booted from boot2 with the bootrom:
//  - Moddable's helloworld: the release build brings up USB CDC and runs without a fault; the
//    debug build logs in to the xsbug stand-in, has its trace() shown, and runs on after the
//    stand-in's answers;
//  - vllsi's examples/blink, release build as `vllsi flash --build-only --release` makes it: its
//    UART0 text, and the LED period from the GPIO changes;
//  - the device bench app (bench/device), release: plain text on USB CDC (trace()).
// SKIPs (loudly) without $MODDABLE, $PICO_SDK_DIR and a bootrom (VLLSI_RP2040_BOOTROM).
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { emulate } from '../../host-sim/index.js';
import { moddableExampleFirmware, moddableSdkMissing, vllsiAppFirmware } from '../../tools/moddable-firmware.js';
import { packageRoot } from '../../tools/moddable.js';

const missing = moddableSdkMissing();
if (missing)
  console.warn(`\n*** SKIP emulate on Moddable firmware: ${missing} (a real Moddable SDK, pico-sdk 2.2.0 and the RP2040 bootrom: docs/emulate.md) ***\n`);
const BUILD = { timeout: 30 * 60_000 };

describe.skipIf(missing !== undefined)('vllsi emulate: Moddable firmware built with the real SDK', () => {
  it('helloworld release: boots from boot2, USB CDC is configured, no fault', BUILD, async () => {
    const board = await emulate('rpi-pico', {
      firmware: moddableExampleFirmware('helloworld').uf2,
    });
    board.runUntil(50e6, () => board.usbConnectedAt !== undefined);
    expect(board.usbConnectedAt).toBeGreaterThan(1e6);
    expect(board.usbConnectedAt).toBeLessThan(50e6);
    board.runFor('100ms'); // throws HardFault/Lockup if the firmware faults
    expect(board.emulator.symbols?.describe(board.pc)).toBeDefined();
  });

  it('helloworld debug: logs in to the xsbug stand-in, which answers its break with go and shows its trace()', BUILD, async () => {
    const board = await emulate('rpi-pico', {
      firmware: moddableExampleFirmware('helloworld', { release: false }).uf2,
    });
    const shown: string[] = [];
    board.onDebug((text) => shown.push(text));
    // helloworld's main.js: `debugger;` on line 15, then trace("Hello, world - sample\n").
    board.runUntil(3e9, () => shown.some((t) => t.includes('Hello, world')));
    expect(board.xsbug.map((e) => e.kind)).toEqual(['login', 'break', 'log']);
    expect(shown[0]).toMatch(/^xsbug login: main \(XS \d+\.\d+\.\d+ 32-bit LE/);
    expect(shown[1]).toMatch(/helloworld\/main\.js:15: # Break: debugger!$/);
    expect(shown[2]).toBe('Hello, world - sample');
  });

  it('examples/blink release: its UART0 text, and the LED toggling every 250 ms', BUILD, async () => {
    const board = await emulate('rpi-pico', {
      firmware: (await vllsiAppFirmware(path.join(packageRoot, 'examples/blink'))).uf2,
    });
    const toggles: { level: boolean; t: number }[] = [];
    board.led.onChange((level, t) => toggles.push({ level, t }));
    await board.uart(0).waitForLine('blink ready on rpi-pico: LED on GPIO25, toggling every 250 ms', { timeout: '5s' });
    const ready = board.now;
    expect(board.gpio(25).level).toBe(false);
    for (let n = 1; n <= 4; n++)
      await board.uart(0).waitForLine(`tick ${n}: led ${n % 2 ? 'on' : 'off'}`, {
        timeout: '300ms',
      });
    const after = toggles.filter((e) => e.t > ready);
    expect(after.map((e) => e.level)).toEqual([true, false, true, false]);
    // The alarms fall on a 250 ms grid: one toggle per period, each within its period's first
    // 50 ms (the IRQ-to-JS latency). The first run of the handler also makes the Register objects
    // it uses; from the second on its latency repeats, so the period is 250 ms to the millisecond.
    const period = after.map((e) => Math.floor(e.t / 250e6));
    for (let i = 1; i < period.length; i++) expect(period[i]! - period[i - 1]!).toBe(1);
    for (const e of after) expect(e.t % 250e6).toBeLessThan(50e6);
    for (let i = 2; i < after.length; i++) expect(Math.abs(after[i]!.t - after[i - 1]!.t - 250e6)).toBeLessThan(1e6);
  });

  it('the bench app release: plain text on USB CDC (Moddable release builds print there)', BUILD, async () => {
    const board = await emulate('rpi-pico', {
      firmware: (await vllsiAppFirmware(path.join(packageRoot, 'bench/device'))).uf2,
    });
    await board.usb.waitForLine('vllsi bench ready', { timeout: '10s' });
    expect(board.usbConnectedAt).toBeLessThan(board.now);
    expect(board.usb.lines.some((l) => l.includes('vllsi bench ready'))).toBe(true);
  });
});
