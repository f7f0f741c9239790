// Runtime costs: the permission gate on a register load (gated in a sandbox with a warm
// decision cache vs ungated; and the ungated path vs the HAL's own load), the stack
// allocator vs a bump pointer written inline, in XS (computrons) and Node (ops/s);
// and the size of each runtime profile's XS bundle (dist/xs, from `npm run build`).
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { bundleForXs, xsWorker } from '../tools/xs.js';
import { opsPerSecond } from './lib/node.js';
// From the TypeScript sources (bench/run.js loads tools/ts-hooks.js): the in-memory HAL is a
// test helper outside the build, and the core it drives must be the same copy of src/.
import { MemHal } from '../test/support/mem-hal.js';
import { bindHal, unbindHal } from '../src/platform.js';
import { volatileLoad } from '../src/mmio.js';
import { sandbox } from '../src/permissions.js';
import { StackAllocator } from '../src/embedded.js';

export const title = 'runtime: permission gate on register loads, stack allocator vs inline bump, bundle size per profile';

const N = 100_000;
const root = path.resolve(import.meta.dirname, '..');

async function xsRows() {
  const rows = [];
  const worker = await xsWorker();
  try {
    await worker.compute(await bundleForXs('bench/xs/runtime-loops.ts', 'loops'));
    await worker.compute('loops.setup();');
    const per = async (name) => (await worker.compute(`loops.${name}(${N});`)) / N;
    const empty = await per('empty');
    const c = {};
    for (const name of ['halLoad', 'ungatedLoad', 'gatedLoad', 'ungatedLoad2', 'gatedLoad2', 'stackAlloc', 'bumpInline']) c[name] = (await per(name)) - empty;
    rows.push({
      name: 'XS gated load (sandbox, warm cache)',
      value: c.gatedLoad,
      unit: 'computrons/op',
      baseline: c.ungatedLoad,
      ratio: c.gatedLoad / c.ungatedLoad,
      note: 'vs ungated volatileLoad',
    });
    rows.push({
      name: 'XS gated load, 2 registers in turn',
      value: c.gatedLoad2,
      unit: 'computrons/op',
      baseline: c.ungatedLoad2,
      ratio: c.gatedLoad2 / c.ungatedLoad2,
      note: 'decision cache Map lookup each time',
    });
    rows.push({
      name: 'XS ungated volatileLoad',
      value: c.ungatedLoad,
      unit: 'computrons/op',
      baseline: c.halLoad,
      ratio: c.ungatedLoad / c.halLoad,
      note: 'vs hal.load32 direct',
    });
    rows.push({
      name: 'XS stackAlloc (allocOffset)',
      value: c.stackAlloc,
      unit: 'computrons/op',
      baseline: c.bumpInline,
      ratio: c.stackAlloc / c.bumpInline,
      note: 'vs inline bump pointer',
    });
  } finally {
    await worker.close();
  }
  return rows;
}

function nodeRows() {
  const rows = [];
  const ADDR = 0x20000000;
  const hal = new MemHal({ regions: [{ name: 'RAM', base: ADDR, size: 4096 }] });
  bindHal(hal);
  let sink = 0;
  try {
    const direct = opsPerSecond((n) => {
      for (let i = 0; i < n; i++) sink ^= hal.load32(ADDR);
    });
    const ungated = opsPerSecond((n) => {
      for (let i = 0; i < n; i++) sink ^= volatileLoad(ADDR);
    });
    const gated = sandbox({ allow: [{ scope: 'register', from: ADDR, to: ADDR + 4096 }] }, () =>
      opsPerSecond((n) => {
        for (let i = 0; i < n; i++) sink ^= volatileLoad(ADDR);
      }),
    );
    const ungated2 = opsPerSecond((n) => {
      for (let i = 0; i < n; i++) sink ^= volatileLoad(ADDR + ((i & 1) << 2));
    });
    const gated2 = sandbox({ allow: [{ scope: 'register', from: ADDR, to: ADDR + 4096 }] }, () =>
      opsPerSecond((n) => {
        for (let i = 0; i < n; i++) sink ^= volatileLoad(ADDR + ((i & 1) << 2));
      }),
    );
    // Ratio = time per op / baseline time per op = baseline ops / ops.
    rows.push({
      name: 'Node gated load (sandbox, warm cache)',
      value: gated,
      unit: 'ops/s',
      baseline: ungated,
      ratio: ungated / gated,
      note: 'vs ungated volatileLoad',
    });
    rows.push({
      name: 'Node gated load, 2 registers in turn',
      value: gated2,
      unit: 'ops/s',
      baseline: ungated2,
      ratio: ungated2 / gated2,
      note: 'decision cache Map lookup each time',
    });
    rows.push({ name: 'Node ungated volatileLoad', value: ungated, unit: 'ops/s', baseline: direct, ratio: direct / ungated, note: 'vs hal.load32 direct' });
  } finally {
    unbindHal();
  }
  const arena = new StackAllocator(new ArrayBuffer(64 * 1024));
  const alloc = opsPerSecond((n) => {
    for (let i = 0; i < n; i++) {
      const at = arena.allocOffset(16, 8);
      if (at === undefined) arena.reset();
      else sink ^= at;
    }
  });
  const bump = opsPerSecond((n) => {
    let top = 0;
    for (let i = 0; i < n; i++) {
      const start = (top + 7) & -8;
      if (start + 16 > 65536) top = 0;
      else {
        top = start + 16;
        sink ^= start;
      }
    }
  });
  rows.push({
    name: 'Node stackAlloc (allocOffset)',
    value: alloc,
    unit: 'calls/s',
    baseline: bump,
    ratio: bump / alloc,
    note: `vs inline bump pointer; sink ${sink & 1}`,
  });
  return rows;
}

function bundleRows() {
  const rows = [];
  const sizes = {};
  for (const p of ['full', 'embedded', 'no_runtime']) {
    const file = path.join(root, `dist/xs/vllsi-${p}.js`);
    if (!fs.existsSync(file)) continue;
    const bytes = fs.readFileSync(file);
    sizes[p] = bytes.length;
    rows.push({ name: `bundle ${p}`, value: bytes.length, unit: 'bytes', note: `${zlib.gzipSync(bytes).length} gzipped` });
  }
  if (sizes.full) for (const r of rows) ((r.ratio = r.value / sizes.full), (r.baseline = sizes.full));
  return rows;
}

export async function run() {
  return [...(await xsRows()), ...nodeRows(), ...bundleRows()];
}
