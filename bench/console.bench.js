// Console throughput at a simulated 115200-baud line (8N1: 10 bits a byte): dumping 256
// registers in one bulk machine request vs the wire time of their payload alone (goal ≤ 1.1),
// and the bytes on the wire per register read. The line is modelled, not slept: time =
// wire time of every byte actually exchanged + the measured processing time of both ends.
// From the TypeScript sources (bench/run.js loads tools/ts-hooks.js): the in-memory HAL is a
// test helper outside the build, and the core it drives must be the same copy of src/.
import { ConsoleService } from '../src/console/index.js';
import { ConsoleClient } from '../tools/inspect/client.js';
import { MemHal } from '../test/support/mem-hal.js';

export const title = 'console: bulk register dump over a simulated 115200-baud line';

const BAUD = 115200;
const wireMs = (bytes) => (bytes * 10 * 1000) / BAUD;
const BASE = 0x20000000;
const REGS = 256;

/** A device console and a host client joined by an in-memory line that counts bytes. */
function rig() {
  const hal = new MemHal({ regions: [{ name: 'RAM', base: BASE, size: REGS * 4 }] });
  for (let i = 0; i < REGS; i++) hal.store32(BASE + 4 * i, (i * 0x01010101) >>> 0);
  let toHost;
  const counts = { out: 0, in: 0 };
  const device = new ConsoleService({
    bus: hal,
    board: 'bench',
    uptimeMs: () => 0,
    send: (b) => {
      counts.in += b.length;
      queueMicrotask(() => toHost(b));
    },
  });
  const link = {
    name: 'simulated line',
    write: (b) => {
      counts.out += b.length;
      queueMicrotask(() => device.receive(b));
    },
    onData: (l) => void (toHost = l),
    onClose: () => {},
    close: async () => {},
  };
  return { client: new ConsoleClient(link, { baud: BAUD }), counts };
}

async function measure(fn, rounds) {
  const { client, counts } = rig();
  await fn(client); // warm-up
  counts.out = counts.in = 0;
  const t = performance.now();
  for (let i = 0; i < rounds; i++) await fn(client);
  const cpuMs = (performance.now() - t) / rounds;
  return { cpuMs, out: counts.out / rounds, in: counts.in / rounds };
}

export async function run() {
  const addresses = Array.from({ length: REGS }, (_, i) => BASE + 4 * i);
  const sparse = addresses.filter((_, i) => i % 3 !== 2).slice(0, REGS); // a peripheral with gaps
  const payload = wireMs(REGS * 4);
  const rows = [];

  const bulk = await measure((c) => c.readValues(32, addresses), 200);
  const bulkMs = wireMs(bulk.out) + wireMs(bulk.in) + bulk.cpuMs;
  rows.push({
    name: 'dump 256 contiguous registers (:r)',
    value: bulkMs,
    unit: 'ms',
    baseline: payload,
    ratio: bulkMs / payload,
    goal: '≤ 1.1',
    note: `${Math.round(bulk.out + bulk.in)} bytes on the wire, ${bulk.cpuMs.toFixed(2)} ms processing`,
  });

  const gappy = await measure((c) => c.readValues(32, sparse), 200);
  const gappyMs = wireMs(gappy.out) + wireMs(gappy.in) + gappy.cpuMs;
  const gappyPayload = wireMs(sparse.length * 4);
  rows.push({
    name: `dump ${sparse.length} registers with gaps (:m bitmap)`,
    value: gappyMs,
    unit: 'ms',
    baseline: gappyPayload,
    ratio: gappyMs / gappyPayload,
    goal: '≤ 1.1',
    note: `${Math.round(gappy.out + gappy.in)} bytes on the wire`,
  });

  rows.push({
    name: 'bytes on the wire per register, bulk',
    value: (bulk.out + bulk.in) / REGS,
    unit: 'bytes',
    baseline: 4,
    ratio: (bulk.out + bulk.in) / REGS / 4,
    note: 'payload: 4 bytes',
  });
  const one = await measure((c) => c.readValues(32, [BASE + 0x40]), 500);
  rows.push({
    name: 'bytes on the wire per register, single read',
    value: one.out + one.in,
    unit: 'bytes',
    baseline: 4,
    ratio: (one.out + one.in) / 4,
    note: `${Math.round(one.out)} request + ${one.in} answer`,
  });

  // For comparison: the human text command (peek, 64 words a line).
  const text = await measure(async (c) => {
    for (let i = 0; i < REGS; i += 64) await c.command(`peek 0x${(BASE + 4 * i).toString(16)} 64`);
  }, 50);
  const textMs = wireMs(text.out) + wireMs(text.in) + text.cpuMs;
  rows.push({
    name: 'dump 256 registers as text (peek)',
    value: textMs,
    unit: 'ms',
    baseline: payload,
    ratio: textMs / payload,
    note: `${text.out + text.in} bytes on the wire`,
  });
  return rows;
}
