// Host OS layer: 10^5 positional 4 KiB reads through the I/O engine (libuv driver) against
// the same reads with fs.promises (same file, offsets and concurrency), and lock/unlock pairs
// per second through the locking API against the bare addon calls underneath it.
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { opsPerSecond } from './lib/node.js';
import { createIoEngine, fileDesc, tryLockByteExclusive, unlock } from '../dist/node/src/index.js';
import { installHostOs } from '../dist/node/host-sim/os/index.js';
import { nativeOs } from '../dist/node/host-sim/os/native.js';

export const title = 'os: I/O engine reads vs fs.promises; lock/unlock pairs';

const READS = 100_000;
const BLOCK = 4096;
const BLOCKS = 4096; // a 16 MiB file, in the page cache after the first pass
const IN_FLIGHT = 64;
const offsetOf = (i) => ((i * 7919) % BLOCKS) * BLOCK;

async function engineReads(fd) {
  const engine = createIoEngine({ queueDepth: IN_FLIGHT });
  const bufs = Array.from({ length: IN_FLIGHT }, () => new Uint8Array(BLOCK));
  const bufOf = new Map();
  let submitted = 0;
  let completed = 0;
  let bytes = 0;
  const t0 = performance.now();
  while (completed < READS) {
    while (submitted < READS && engine.pending < IN_FLIGHT) {
      const buf = bufs.pop();
      bufOf.set(engine.submit({ op: 'Read', fd, buf, len: BLOCK, offset: offsetOf(submitted++) }), buf);
    }
    for (const c of await engine.poll()) {
      if (c.result !== BLOCK) throw new Error(`read returned ${c.result}`);
      bytes += c.result;
      bufs.push(bufOf.get(c.submissionId));
      bufOf.delete(c.submissionId);
      completed++;
    }
  }
  const ms = performance.now() - t0;
  engine.shutdown();
  return { ms, bytes };
}

async function promiseReads(handle) {
  let next = 0;
  let bytes = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: IN_FLIGHT }, async () => {
      const buf = new Uint8Array(BLOCK);
      while (next < READS) {
        const { bytesRead } = await handle.read(buf, 0, BLOCK, offsetOf(next++));
        if (bytesRead !== BLOCK) throw new Error(`read returned ${bytesRead}`);
        bytes += bytesRead;
      }
    }),
  );
  return { ms: performance.now() - t0, bytes };
}

export async function run() {
  installHostOs();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vllsi-bench-os-'));
  const file = path.join(dir, 'data');
  fs.writeFileSync(file, Buffer.alloc(BLOCK * BLOCKS, 0x5a));
  const rows = [];
  const handle = await fsp.open(file, 'r+');
  try {
    const fd = fileDesc(handle.fd);
    await promiseReads(handle); // warm the page cache and both code paths
    await engineReads(fd);
    let engineMs = Infinity;
    let promiseMs = Infinity;
    for (let r = 0; r < 3; r++) {
      engineMs = Math.min(engineMs, (await engineReads(fd)).ms);
      promiseMs = Math.min(promiseMs, (await promiseReads(handle)).ms);
    }
    rows.push({
      name: 'I/O engine Read 4 KiB x 10^5',
      value: READS / (engineMs / 1000),
      unit: 'reads/s',
      baseline: READS / (promiseMs / 1000),
      ratio: engineMs / promiseMs,
      note: `fs.promises FileHandle.read baseline; ${IN_FLIGHT} in flight; ratio = time / baseline time`,
    });

    const addon = nativeOs();
    const api = opsPerSecond(
      (n) => {
        for (let i = 0; i < n; i++) unlock(tryLockByteExclusive(fd, 4096 + (i & 63)));
      },
      { iterations: 50_000, rounds: 3 },
    );
    const raw = opsPerSecond(
      (n) => {
        for (let i = 0; i < n; i++) {
          addon.setlk(fd, 2, 4096 + (i & 63), 1);
          addon.setlk(fd, 0, 4096 + (i & 63), 1);
        }
      },
      { iterations: 50_000, rounds: 3 },
    );
    rows.push({
      name: 'tryLock + unlock (1 byte, OFD)',
      value: api,
      unit: 'pairs/s',
      baseline: raw,
      ratio: raw / api,
      note: 'baseline: the two bare addon fcntl calls',
    });
  } finally {
    await handle.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
  return rows;
}
