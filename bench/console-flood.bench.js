// `vllsi sim --console` under a 100 MB flood (issue #14): the simulator's peak RSS and the
// blink period in wall time while a client floods the console, against the same process
// before the flood, and how long SIGTERM takes to end it during the flood.
// The flood: 50 MB in one line without a newline (dropped as it arrives), then as many
// short lines as the bridge takes (paced by TCP backpressure) up to 50 MB more.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';

export const title = 'console: simulator under a 100 MB console flood';

const cli = path.join(import.meta.dirname, '../bin/vllsi.js');
const PHASE_MS = 12_000;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const rssMb = (pid, field) =>
  Number(
    /(\d+) kB/.exec(
      readFileSync(`/proc/${pid}/status`, 'utf8')
        .split('\n')
        .find((l) => l.startsWith(field)),
    )[1],
  ) / 1024;

/** Blink period in wall time over [from, to): least-squares slope of arrival time against change number. */
function period(stamps, from, to) {
  const t = stamps.filter((s) => s >= from && s < to);
  const n = t.length;
  const mx = (n - 1) / 2;
  const my = t.reduce((a, b) => a + b, 0) / n;
  let num = 0;
  let den = 0;
  t.forEach((y, x) => {
    num += (x - mx) * (y - my);
    den += (x - mx) ** 2;
  });
  return num / den;
}

export async function run() {
  const sim = spawn(process.execPath, [cli, 'sim', '--console', 'tcp:0'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const led = [];
  let out = '';
  const port = await new Promise((resolve, reject) => {
    sim.stdout.on('data', (d) => {
      const now = performance.now();
      out += d;
      for (const _ of String(d).matchAll(/LED GPIO\d+ -> /g)) led.push(now);
      const m = /console UART0 on tcp:\/\/127\.0\.0\.1:(\d+)/.exec(out);
      if (m) resolve(Number(m[1]));
      if (out.length > 1e5) out = out.slice(-1000);
    });
    sim.once('exit', (code) => reject(new Error(`vllsi sim exited (${code})`)));
  });
  const t0 = performance.now();
  await sleep(PHASE_MS);
  const rssBefore = rssMb(sim.pid, 'VmRSS:');
  const t1 = performance.now();

  const socket = net.connect({ host: '127.0.0.1', port });
  await new Promise((r) => socket.once('connect', r));
  socket.on('data', () => {}); // reads its answers
  socket.on('error', () => {});
  let sent = 0;
  const line = Buffer.alloc(1 << 20, 0x41);
  const lines = Buffer.from('info\n'.repeat(1 << 18)); // 1.25 MB
  const flood = (async () => {
    while (sent < 100e6 && !socket.destroyed) {
      const chunk = sent < 50e6 ? line : lines;
      if (!socket.write(chunk)) await new Promise((r) => socket.once('drain', r).once('close', r));
      sent += chunk.length;
    }
  })();
  let peak = 0;
  while (performance.now() - t1 < PHASE_MS) {
    await sleep(200);
    peak = Math.max(peak, rssMb(sim.pid, 'VmRSS:'));
  }
  const t2 = performance.now();
  const hwm = rssMb(sim.pid, 'VmHWM:');
  const exited = new Promise((r) => sim.once('exit', r));
  sim.kill('SIGTERM');
  await exited;
  const termMs = performance.now() - t2;
  socket.destroy();
  await flood;
  const quiet = period(led, t0 + 1000, t1);
  const flooded = period(led, t1 + 1000, t2);
  return [
    { name: 'blink period in wall time, flooded vs quiet', value: flooded, unit: 'ms', baseline: quiet, ratio: flooded / quiet, goal: 'within 1%' },
    {
      name: 'simulator RSS peak during the flood vs before it',
      value: peak,
      unit: 'MB',
      baseline: rssBefore,
      ratio: peak / rssBefore,
      note: `VmHWM ${hwm.toFixed(0)} MB`,
    },
    {
      name: 'flood bytes the client got out in 12 s',
      value: sent / 1e6,
      unit: 'MB',
      note: '50 MB overlong line dropped on arrival, then short lines at the line rate',
    },
    { name: 'SIGTERM to exit during the flood', value: termMs, unit: 'ms' },
  ];
}
