// `vllsi sim --console tcp:PORT` (the built CLI, a real process) serves the console; the
// inspector reads a register through it.
import { describe, it, expect } from 'vitest';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { runInspect } from './sim-console.js';

const cli = path.resolve(import.meta.dirname, '../../bin/vllsi.js');

describe('vllsi sim --console', () => {
  it('serves the console UART of the running firmware on a loopback port', async () => {
    const sim = spawn(process.execPath, [cli, 'sim', '--console', 'tcp:0', '--duration', '30s'], { stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      let out = '';
      const port = await new Promise<string>((resolve, reject) => {
        sim.stdout!.on('data', (d) => {
          out += d;
          const m = /console UART0 on (tcp:\/\/127\.0\.0\.1:\d+)/.exec(out);
          if (m) resolve(m[1]!);
        });
        sim.once('exit', (code) => reject(new Error(`vllsi sim exited (${code}): ${out}`)));
      });
      const r = await runInspect('--port', port, 'read', 'SIO.CPUID', '--json');
      expect(r.err).toBe('');
      expect(JSON.parse(r.out)).toMatchObject({ register: 'SIO.CPUID', address: 0xd0000000, value: 0 });
      expect(out).toMatch(/blink ready on rpi-pico/);
    } finally {
      sim.kill();
    }
  });

  it('rejects a malformed --console', async () => {
    const sim = spawn(process.execPath, [cli, 'sim', '--console', 'udp:1'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    sim.stderr!.on('data', (d) => (err += d));
    const code = await new Promise((r) => sim.once('exit', r));
    expect(code).toBe(2);
    expect(err).toMatch(/--console takes tcp:PORT/);
  });
});
