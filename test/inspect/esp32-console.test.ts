// The console service on esp32-devkitc: the console example's ESP32 UART0 driver (RXFIFO_FULL
// interrupt) serves vllsi inspect over TCP, with Espressif's register map.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runInspect, startSimConsole, type SimConsole } from './sim-console.js';

let sim: SimConsole;
let port: string;
const dir = mkdtempSync(path.join(os.tmpdir(), 'vllsi-esp32-console-'));
const tokenFile = path.join(dir, 'token');
beforeAll(async () => {
  sim = await startSimConsole('esp32-devkitc');
  port = `tcp://127.0.0.1:${sim.port}`;
  writeFileSync(tokenFile, sim.token + '\n', { mode: 0o600 });
});
afterAll(async () => {
  await sim.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('vllsi inspect over tcp:// (simulated esp32-devkitc)', () => {
  it('reads a register by name: blink enabled the LED pin GPIO2 as an output', async () => {
    const r = await runInspect('--port', port, '--board', 'esp32-devkitc', 'read', 'GPIO.ENABLE', '--json');
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out).value & 4).toBe(4);
  });

  it('writes with the token change the simulated pins', async () => {
    const t = ['--port', port, '--board', 'esp32-devkitc', '--token-file', tokenFile];
    expect((await runInspect(...t, 'write', 'GPIO.ENABLE_W1TS=0x10')).code).toBe(0);
    expect((await runInspect(...t, 'write', 'GPIO.OUT_W1TS=0x10')).code).toBe(0);
    expect(sim.board.gpio(4).isOutput).toBe(true);
    expect(sim.board.gpio(4).level).toBe(true);
  });
});
