// End to end through a real pseudo-terminal: socat bridges a pty to the simulator's TCP
// console, and `vllsi inspect` opens the pty with serialport's real bindings. Reads and
// writes on the simulated rpi-pico show up in its GPIO state.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runInspect, startSimConsole, type SimConsole } from './sim-console.js';

let sim: SimConsole;
let socat: ChildProcess;
const dir = mkdtempSync(path.join(os.tmpdir(), 'vllsi-pty-'));
const tty = path.join(dir, 'ttyPICO');

beforeAll(async () => {
  sim = await startSimConsole();
  socat = spawn('socat', [`pty,raw,echo=0,link=${tty}`, `tcp:127.0.0.1:${sim.port}`], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  socat.stderr!.on('data', (d) => (stderr += d));
  const spawnError = new Promise<never>((_, reject) =>
    socat.once('error', (e) => reject(new Error(`socat could not start (install it: apt-get install socat): ${e.message}`))),
  );
  const ready = (async () => {
    for (let i = 0; i < 200 && !existsSync(tty); i++) await new Promise((r) => setTimeout(r, 10));
    if (!existsSync(tty)) throw new Error(`socat made no pty: ${stderr}`);
  })();
  await Promise.race([ready, spawnError]);
});

afterAll(async () => {
  socat?.kill();
  await sim.stop();
  rmSync(dir, { recursive: true, force: true });
});

const inspect = (...args: string[]) => runInspect('--port', tty, ...args);

describe('vllsi inspect through a pty (socat ↔ vllsi sim console)', () => {
  it('reads the blink LED pin function and drives GPIO 16 through register writes', async () => {
    const ctrl = await inspect('read', 'IO_BANK0.GPIO25_CTRL', '--json');
    expect(ctrl.err).toBe('');
    expect(JSON.parse(ctrl.out).fields[0]).toMatchObject({ name: 'FUNCSEL', value: 5, enum: 'sio_25' });

    const tokenFile = path.join(dir, 'token');
    writeFileSync(tokenFile, sim.token);
    const t = ['--token-file', tokenFile];
    expect((await inspect(...t, 'write', 'IO_BANK0.GPIO16_CTRL.FUNCSEL=sio_16')).code).toBe(0);
    expect((await inspect(...t, 'write', 'SIO.GPIO_OE_SET=0x10000')).code).toBe(0);
    expect((await inspect(...t, 'write', 'SIO.GPIO_OUT_SET=0x10000')).code).toBe(0);
    expect(sim.board.gpio(16).isOutput).toBe(true);
    expect(sim.board.gpio(16).level).toBe(true);
    const out = JSON.parse((await inspect('read', 'SIO.GPIO_OUT', '--json')).out);
    expect((out.value >>> 16) & 1).toBe(1);
    expect((await inspect(...t, 'write', 'SIO.GPIO_OUT_CLR=0x10000')).code).toBe(0);
    expect(sim.board.gpio(16).level).toBe(false);
  });

  it('dumps a peripheral in bulk over the pty', async () => {
    const r = await inspect('dump', 'SIO', '--json');
    expect(r.code).toBe(0);
    const rows = JSON.parse(r.out).registers as { register: string; value?: number }[];
    expect(rows.find((x) => x.register === 'SIO.CPUID')!.value).toBe(0);
    expect(rows.filter((x) => x.value !== undefined).length).toBeGreaterThan(20);
  });
});
