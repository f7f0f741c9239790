// Adversarial clients of the simulator's TCP console (host-sim/tcp-console.ts) against the
// console firmware on the simulated rpi-pico: sessions do not leak between clients, a second
// client never splices into the first, and floods are bounded.
import { describe, it, expect, beforeEach, afterEach } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { runInspect, startSimConsole, type SimConsole } from './sim-console.js';
import { MAX_WAITING } from '../../host-sim/tcp-console.js';

let sim: SimConsole;
beforeEach(async () => {
  sim = await startSimConsole();
});
afterEach(async () => {
  await sim.stop();
});

/** SIO.GPIO_OE (0xd0000020): a write here shows on the simulated pins. */
const OE = 0xd0000020;

interface Client {
  readonly socket: net.Socket;
  text(): string;
  say(line: string): void;
  until(re: RegExp, ms?: number): Promise<string>;
  closed: Promise<void>;
}

async function client(): Promise<Client> {
  const socket = net.connect({ host: '127.0.0.1', port: sim.port });
  await new Promise<void>((r, j) => socket.once('connect', r).once('error', j));
  let text = '';
  const waiters = new Set<() => void>();
  socket.on('data', (d) => {
    text += d.toString('latin1');
    for (const w of waiters) w();
  });
  const closed = new Promise<void>((r) => socket.once('close', () => r()));
  return {
    socket,
    text: () => text,
    say: (line) => void socket.write(line),
    closed,
    until: (re, ms = 5000) =>
      new Promise((resolve, reject) => {
        const check = () => {
          const m = re.exec(text);
          if (!m) return;
          waiters.delete(check);
          clearTimeout(timer);
          resolve(m[0]);
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`no ${re} within ${ms} ms; got ${JSON.stringify(text.slice(-400))}`));
        }, ms);
        waiters.add(check);
        check();
      }),
  };
}

const leave = async (c: Client) => {
  c.socket.destroy();
  await c.closed;
};

const oe = () => sim.board.machine.bus.load32(OE);

describe('tcp console: sessions end with the connection', () => {
  it('an unlock does not outlive its client: the next client must unlock itself', async () => {
    const a = await client();
    a.say(`unlock ${sim.token}\n`);
    await a.until(/^OK\n/m);
    await leave(a);
    const b = await client();
    b.say(`poke 0xd0000020 0x10000\n`);
    expect(await b.until(/ERR \w+.*\n/)).toMatch(/^ERR LOCKED/);
    b.say(`:w 07 32 d0000020=10000\n`);
    b.say('info\n');
    expect(await b.until(/^writes \w+\r?\n/m)).toMatch(/^writes locked\r?\n$/);
    expect(oe() & 0x10000).toBe(0);
    await leave(b);
  });

  it("a partial line is not joined to the next client's bytes", async () => {
    const a = await client();
    a.say('peek 0xd000');
    await new Promise((r) => setTimeout(r, 50));
    await leave(a);
    const b = await client();
    b.say('0004\n');
    expect(await b.until(/(ERR|0x)[^\n]*\n/)).toMatch(/^ERR UNKNOWN unknown command '0004'/);
    await leave(b);
  });

  it("requests still queued when a client leaves are dropped, and no answer of A's reaches B", async () => {
    const a = await client();
    a.say(`unlock ${sim.token}\n` + 'info\n'.repeat(200) + `poke 0xd0000020 0x20000\n`);
    await a.until(/^OK\n/m); // the unlock went through
    await leave(a);
    const b = await client();
    b.say('help\n');
    await b.until(/:w SEQ[^\n]*\nOK\n/);
    await new Promise((r) => setTimeout(r, 300));
    expect(b.text()).not.toMatch(/^board rpi-pico|^uptime \d/m);
    expect(oe() & 0x20000).toBe(0);
    await leave(b);
  });

  it('a second client waits, unread, until the first leaves; it never shares its session', async () => {
    const a = await client();
    a.say(`unlock ${sim.token}\n`);
    await a.until(/^OK\n/m);
    const b = await client();
    await b.until(/console busy: waiting/);
    b.say('poke 0xd0000020 0x40000\ninfo\n');
    await new Promise((r) => setTimeout(r, 300));
    expect(b.text()).not.toMatch(/ERR|OK|board/); // nothing of B's was read yet
    a.say('info\n');
    expect(await a.until(/^writes \w+\r?\n/m)).toMatch(/^writes unlocked\r?\n$/); // A's session untouched by B
    expect(a.text()).not.toMatch(/0x40000|ERR/);
    await leave(a);
    expect(await b.until(/ERR \w+/)).toBe('ERR LOCKED');
    expect(await b.until(/^writes \w+\r?\n/m)).toMatch(/^writes locked\r?\n$/);
    expect(oe() & 0x40000).toBe(0);
    await leave(b);
  });

  it(`beyond ${MAX_WAITING} waiting clients further ones are refused with ERR BUSY`, async () => {
    const a = await client();
    const waiting = [];
    for (let i = 0; i < MAX_WAITING; i++) waiting.push(await client());
    const extra = await client();
    expect(await extra.until(/ERR BUSY[^\n]*/)).toMatch(/too many clients waiting/);
    await extra.closed;
    for (const c of [a, ...waiting]) await leave(c);
  });

  it("a client that leaves while the firmware's queue is full still ends its session before the next client's first byte", async () => {
    const a = await client();
    a.say(`unlock ${sim.token}\n`);
    await a.until(/^OK\n/m);
    // 2 KB of requests with answers: the firmware's 512-byte queue fills, it masks RX, the bridge holds the rest.
    a.say('info\n'.repeat(400));
    // UART0.UARTIMSC reads 0 while the firmware holds its receive interrupt masked.
    const masked = () => sim.board.machine.bus.load32(0x40034038) === 0;
    const deadline = performance.now() + 5000;
    while (!masked() && performance.now() < deadline) await new Promise((r) => setTimeout(r, 2));
    expect(masked()).toBe(true);
    await leave(a);
    const b = await client();
    b.say('poke 0xd0000020 0x80000\n:w 09 32 d0000020=80000\ninfo\n');
    expect(await b.until(/^(ERR \w+|board \S+)/m, 10_000)).toBe('ERR LOCKED'); // B's first answer is its own
    expect(await b.until(/^writes \w+\r?\n/m, 10_000)).toMatch(/^writes locked/);
    expect(oe() & 0x80000).toBe(0);
    await leave(b);
  });

  it('a vllsi inspect write that fails on the device leaves no unlocked session behind', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'vllsi-token-'));
    try {
      const tokenFile = path.join(dir, 'token');
      writeFileSync(tokenFile, sim.token + '\n', { mode: 0o600 });
      // TIMER.DBGPAUSE is not modelled: the store faults on the bus after the unlock.
      const r = await runInspect('--port', `tcp://127.0.0.1:${sim.port}`, '--token-file', tokenFile, 'write', 'TIMER.DBGPAUSE=0');
      expect([r.code, r.err]).toEqual([1, expect.stringMatching(/BUS/)]);
      const b = await client();
      b.say('poke 0xd0000020 0x100000\ninfo\n');
      expect(await b.until(/ERR \w+/, 10_000)).toBe('ERR LOCKED');
      expect(await b.until(/^writes \w+\r?\n/m, 10_000)).toMatch(/^writes locked/);
      expect(oe() & 0x100000).toBe(0);
      await leave(b);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('random interleavings of clients never write without their own unlock', async () => {
    let seed = 7;
    const rnd = (n: number) => (seed = (seed * 1103515245 + 12345) >>> 0) % n;
    for (let round = 0; round < 6; round++) {
      const c = await client();
      const bit = 1 << (20 + round);
      const unlocks = rnd(2) === 0;
      const pieces = [unlocks ? `unlock ${sim.token}\n` : '', `poke 0x${OE.toString(16)} 0x${bit.toString(16)}\n`, 'info\n', 'peek 0x2000'];
      for (const p of pieces) c.say(p);
      await c.until(/^writes \w+\r?\n/m);
      expect(!!(oe() & bit)).toBe(unlocks);
      await leave(c);
    }
  });
});

describe('tcp console: bounded input', () => {
  it('a 4 MB line without a newline is dropped as it arrives: info answers at once, TOOLONG for the line', async () => {
    const c = await client();
    const chunk = Buffer.alloc(1 << 16, 0x41);
    const t0 = performance.now();
    for (let i = 0; i < 64; i++) c.socket.write(chunk);
    c.say('\ninfo\n');
    expect(await c.until(/ERR TOOLONG[^\n]*\n/, 10_000)).toMatch(/longer than 256 bytes/);
    await c.until(/board rpi-pico/, 10_000);
    expect(performance.now() - t0).toBeLessThan(5000);
    await leave(c);
  });

  it('a flooding client that reads nothing is paused (TCP backpressure), not buffered without end; the firmware keeps its period', async () => {
    const c = await client();
    c.socket.pause(); // never reads
    const from = sim.board.now;
    // Requests with answers (info: ~100 bytes out for 5 in) and empty lines (OK for each).
    const chunk = Buffer.from('info\n\n'.repeat(16 << 10)); // 96 KB
    for (let i = 0; i < 700; i++) c.socket.write(chunk); // 67 MB
    const deadline = performance.now() + 20_000;
    while (sim.board.now - from < 1.6e9 && performance.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    // The bridge stopped reading once its input ring was full and our answers were unread: kernel
    // buffers hold a few MB, the rest still waits in our own socket.
    expect(c.socket.writableLength).toBeGreaterThan(48 << 20);
    // Blink's LED, from the GPIO waveform: toggles every 250 ms of simulated time all through the flood.
    const led = sim.board.machine.waves.find(`gpio${sim.board.spec.led.pin}`)!;
    const edges = led.times.filter((t) => t > from);
    expect(edges.length).toBeGreaterThanOrEqual(6);
    for (let i = 1; i < edges.length; i++) expect(Math.abs(edges[i]! - edges[i - 1]! - 250e6)).toBeLessThan(250e3); // within 0.1%
    await leave(c);
    // The console still answers the next client.
    const d = await client();
    d.say('info\n');
    expect(await d.until(/^writes \w+\r?\n/m)).toMatch(/^writes locked/);
    await leave(d);
  });
});
