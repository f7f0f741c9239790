// `vllsi sim --console tcp:PORT` (the built CLI, a real process) serves the console; the
// inspector reads a register through it.
import { describe, it, expect } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { runInspect } from './sim-console.js';

const cli = path.resolve(import.meta.dirname, '../../bin/vllsi.js');

/** Waits for the simulator's console port (and `also` in its output). */
function started(sim: ChildProcess, also: RegExp): Promise<{ port: string; out: string }> {
  let out = '';
  return new Promise((resolve, reject) => {
    sim.stdout!.on('data', (d) => {
      out += d;
      const m = /console UART0 on (tcp:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (m && also.test(out)) resolve({ port: m[1]!, out });
    });
    sim.once('exit', (code) => reject(new Error(`vllsi sim exited (${code}): ${out}`)));
  });
}

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

  it('prints a fresh token per run (and writes it 0600 with --token-file); writes need it', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'vllsi-token-'));
    const tokenFile = path.join(dir, 'token');
    const tokens: string[] = [];
    try {
      for (let run = 0; run < 2; run++) {
        const sim = spawn(process.execPath, [cli, 'sim', '--console', 'tcp:0', '--token-file', tokenFile, '--duration', '30s'], {
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        try {
          const { port, out } = await started(sim, /console token ([0-9a-f]{32})/);
          const token = /console token ([0-9a-f]{32})/.exec(out)![1]!;
          tokens.push(token);
          expect(readFileSync(tokenFile, 'utf8')).toBe(token + '\n');
          expect(statSync(tokenFile).mode & 0o777).toBe(0o600);
          const denied = await runInspect('--port', port, '--token-file', '/dev/null', 'write', 'SIO.GPIO_OE_SET=0x8000');
          expect([denied.code, denied.err]).toEqual([2, expect.stringMatching(/unlock token in \/dev\/null must be/)]);
          expect(await runInspect('--port', port, '--token-file', tokenFile, 'write', 'SIO.GPIO_OE_SET=0x8000')).toMatchObject({ code: 0, err: '' });
        } finally {
          sim.kill();
        }
      }
      expect(tokens[0]).not.toBe(tokens[1]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('under a console flood the memory stays bounded and SIGTERM ends the simulator', async () => {
    const sim = spawn(process.execPath, [cli, 'sim', '--console', 'tcp:0'], { stdio: ['ignore', 'pipe', 'pipe'] });
    const exited = new Promise<number | null>((r) => sim.once('exit', (code) => r(code)));
    const { port } = await started(sim, /console UART0 on/);
    const rss = (field: string) =>
      Number(
        /(\d+) kB/.exec(
          readFileSync(`/proc/${sim.pid}/status`, 'utf8')
            .split('\n')
            .find((l) => l.startsWith(field))!,
        )![1],
      ) / 1024;
    const before = rss('VmRSS:');
    const socket = net.connect({ host: '127.0.0.1', port: Number(/:(\d+)$/.exec(port)![1]) });
    socket.on('error', () => {});
    socket.on('data', () => {});
    const line = Buffer.alloc(1 << 20, 0x41);
    const lines = Buffer.from('info\n'.repeat(1 << 16));
    for (let i = 0; i < 32; i++) socket.write(i % 2 ? line : lines); // 42 MB
    await new Promise((r) => setTimeout(r, 4000));
    const peak = rss('VmHWM:');
    sim.kill('SIGTERM');
    const code = await Promise.race([exited, new Promise((r) => setTimeout(() => r('still running'), 5000))]);
    socket.destroy();
    if (code === 'still running') sim.kill('SIGKILL');
    expect(code).toBe(0);
    expect(peak - before).toBeLessThan(100); // MB: the flood is not buffered (it was +340 MB)
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
