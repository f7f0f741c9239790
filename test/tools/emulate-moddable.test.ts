// `vllsi emulate` on real Moddable firmware: Moddable's helloworld built for the Pico with the
// real SDK (mcconfig, pico-sdk) in a temporary folder, booted from boot2 with the bootrom. The
// release build must bring up USB CDC and run without a fault; the debug build must log in to
// the xsbug stand-in, have its trace() shown, and go on running after the stand-in's answers.
// SKIPs (loudly) without $MODDABLE, $PICO_SDK_DIR and a bootrom (VLLSI_RP2040_BOOTROM).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { emulate } from '../../host-sim/index.js';

const missing = ['MODDABLE', 'PICO_SDK_DIR', 'VLLSI_RP2040_BOOTROM'].filter((v) => !process.env[v]);
if (missing.length)
  console.warn(
    `SKIP emulate on Moddable firmware: $${missing.join(', $')} not set (a real Moddable SDK, pico-sdk 2.2.0 and the RP2040 bootrom: docs/emulate.md)`,
  );

/** mcconfig for the Pico into a temporary folder; the firmware's UF2 (its ELF beside it). */
function build(debug: boolean): string {
  const out = mkdtempSync(path.join(os.tmpdir(), 'vllsi-moddable-'));
  const r = spawnSync('mcconfig', [debug ? '-d' : '', '-m', '-p', 'pico', '-t', 'build', '-o', out].filter(Boolean), {
    cwd: path.join(process.env.MODDABLE!, 'examples/helloworld'),
    encoding: 'utf8',
    env: { ...process.env, MAKEFLAGS: process.env.MAKEFLAGS ?? 'SHELL=/bin/bash' },
  });
  const uf2 = path.join(out, `bin/pico/${debug ? 'debug' : 'release'}/helloworld/xs_pico.uf2`);
  if (r.status !== 0 || !existsSync(uf2)) throw new Error(`mcconfig failed (${r.status}): ${(r.stderr || r.stdout).slice(-600)}`);
  return uf2;
}

describe.skipIf(missing.length > 0)('vllsi emulate: Moddable helloworld built with the real SDK', () => {
  it('release: boots from boot2, USB CDC is configured, no fault', { timeout: 20 * 60_000 }, async () => {
    const board = await emulate('rpi-pico', { firmware: build(false) });
    board.runUntil(50e6, () => board.usbConnectedAt !== undefined);
    expect(board.usbConnectedAt).toBeGreaterThan(1e6);
    expect(board.usbConnectedAt).toBeLessThan(50e6);
    board.runFor('100ms'); // throws HardFault/Lockup if the firmware faults
    expect(board.emulator.symbols?.describe(board.pc)).toBeDefined();
  });

  it('debug: logs in to the xsbug stand-in, which answers its break with go and shows its trace()', { timeout: 20 * 60_000 }, async () => {
    const board = await emulate('rpi-pico', { firmware: build(true) });
    const shown: string[] = [];
    board.onDebug((text) => shown.push(text));
    // helloworld's main.js: `debugger;` on line 15, then trace("Hello, world - sample\n").
    board.runUntil(3e9, () => shown.some((t) => t.includes('Hello, world')));
    expect(board.xsbug.map((e) => e.kind)).toEqual(['login', 'break', 'log']);
    expect(shown[0]).toMatch(/^xsbug login: main \(XS \d+\.\d+\.\d+ 32-bit LE/);
    expect(shown[1]).toMatch(/helloworld\/main\.js:15: # Break: debugger!$/);
    expect(shown[2]).toBe('Hello, world - sample');
  });
});
