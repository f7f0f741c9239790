// `vllsi sim` (and so `npm start`): in-process through the CLI's main, and as a real
// process of the built CLI when dist/ exists.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../tools/cli.js';

const root = path.resolve(import.meta.dirname, '../..');

async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  vi.spyOn(console, 'log').mockImplementation((...a) => void out.push(a.join(' ')));
  vi.spyOn(console, 'error').mockImplementation((...a) => void err.push(a.join(' ')));
  const code = await main(args);
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('vllsi sim', () => {
  afterEach(() => vi.restoreAllMocks());

  it('runs blink on rpi-pico for 2 s by default, printing UART lines and LED changes with timestamps', async () => {
    const r = await run(['sim']);
    expect(r.code).toBe(0);
    // 63 bytes at 115200 baud: the line is complete after 63 frames of 86.8 us.
    expect(r.out).toMatch(/\[0\.00546\d+ s\] uart0: blink ready on rpi-pico/);
    // Toggles every 250 ms, a few hundred ns after each alarm (interrupt entry and the handler's
    // accesses): the eighth falls just after the 2 s. "tick 7: led on" and CR LF take 16 frames (1.39 ms).
    expect(r.out.match(/LED GPIO25 -> (on|off)/g)).toHaveLength(7);
    expect(r.out).toMatch(/\[0\.250000\d\d\d s\] LED GPIO25 -> on/);
    expect(r.out).toMatch(/\[1\.75138\d+ s\] uart0: tick 7: led on/);
    expect(r.out).toMatch(/stopped at 2\.000000000 s simulated/);
  });

  it('runs the same app on esp32-devkitc for a given duration', async () => {
    const r = await run(['sim', '--board', 'esp32-devkitc', '--duration', '600ms', path.join(root, 'examples/blink')]);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/uart0: blink ready on esp32-devkitc: LED on GPIO2/);
    expect(r.out.match(/LED GPIO2 -> (on|off)/g)).toEqual(['LED GPIO2 -> on', 'LED GPIO2 -> off']);
  });

  it('rejects bad arguments with usage (exit 2) and a missing app with a typed error (exit 1)', async () => {
    expect((await run(['sim', '--board', 'uno'])).code).toBe(2);
    expect((await run(['sim', '--duration', 'soon'])).code).toBe(2);
    expect((await run(['sim', '--forever', '--duration', '1s'])).code).toBe(2);
    const r = await run(['sim', path.join(root, 'docs')]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/InvalidArgument: invalid app directory/);
  });

  it.skipIf(!existsSync(path.join(root, 'dist/node/tools/cli.js')))('npm start: the built CLI exits 0 after 2 s of simulated blink', () => {
    const p = spawnSync(process.execPath, [path.join(root, 'bin/vllsi.js'), 'sim'], { encoding: 'utf8', timeout: 30_000 });
    expect(p.status).toBe(0);
    expect(p.stdout).toMatch(/uart0: tick 7: led on/);
  });

  it.skipIf(!existsSync(path.join(root, 'dist/node/tools/cli.js')))('--forever follows the wall clock until interrupted, then exits 0', async () => {
    const p = spawn(process.execPath, [path.join(root, 'bin/vllsi.js'), 'sim', '--forever'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    p.stdout.on('data', (d) => (out += d));
    // Wait (wall clock: this mode is paced to it) for the first LED toggle at 250 ms simulated.
    for (let i = 0; i < 100 && !out.includes('tick 1:'); i++) await new Promise((r) => setTimeout(r, 100));
    p.kill('SIGINT');
    const code = await new Promise((r) => p.on('exit', r));
    expect(code).toBe(0);
    expect(out).toMatch(/uart0: tick 1: led on/);
    expect(out).toMatch(/stopped at \d+\.\d{9} s simulated/);
  });
});
