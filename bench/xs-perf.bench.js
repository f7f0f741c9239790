// Issue 8: XS-first performance, in XS computrons (xsnap's deterministic meter, empty loop
// subtracted): bitfield primitives and register field operations, called vs build-time inlined
// (tools/xs-inline.js), each against the hand-written expression; and JS allocation on the hot
// paths, from the heap slot count over 10^3 and 10^4 iterations.
import { rollup } from 'rollup';
import { nodeResolve } from '@rollup/plugin-node-resolve';
import { minify } from 'terser';
import { bundleForXs, xsWorker } from '../tools/xs.js';
import { xsInline } from '../tools/xs-inline.js';
import { portableGuard, runtimeProfileDefine, transpileTs } from '../tools/rollup-plugins.js';
import { XsDevice } from '../dist/node/tools/xs-device.js';

export const title = 'XS performance: called vs inlined against hand-written (computrons/op, goal <= 1.2x inlined); hot-path allocation';

const N = 100_000;

async function loopCosts(entry, plugins, ops) {
  const worker = await xsWorker();
  try {
    await worker.compute(await bundleForXs(entry, 'loops', plugins));
    const per = async (name) => (await worker.compute(`loops.${name}(${N});`)) / N;
    const empty = await per('empty');
    const out = {};
    for (const op of ops) out[op] = { call: (await per(`${op}Call`)) - empty, hand: (await per(`${op}Hand`)) - empty };
    return out;
  } finally {
    await worker.close();
  }
}

/**
 * Heap slots a loop allocates per iteration: 0 when it allocates nothing. The meter counts slots
 * in use; a gc() first, and xsnap grows its heap rather than collect within these runs (checked:
 * 6·10^5 slots allocated in one run all stay counted). The figure is the growth over 10^4
 * iterations less that over 10^3, so one-off lazy state does not count; `total` is the growth
 * over the 10^4 iterations.
 */
async function slotsPerIteration(entry, name, plugins = []) {
  const worker = await xsWorker();
  try {
    await worker.compute(await bundleForXs(entry, 'loops', plugins));
    await worker.compute(`loops.${name}(1000);`); // warm up: lazy state, caches
    const grow = async (n) => {
      const before = (await worker.usage('gc(); 0')).currentHeapCount;
      return (await worker.usage(`loops.${name}(${n});`)).currentHeapCount - before;
    };
    const short = await grow(1_000);
    const total = await grow(10_000);
    return { perIteration: (total - short) / 9_000, total };
  } finally {
    await worker.close();
  }
}

/** Minified size of an XS bundle of `modules` (src/ module names; all of src/index when omitted). */
async function minifiedSize(profile, modules) {
  const ENTRY = '\0footprint';
  const src = (m) => JSON.stringify(new URL(`../src/${m}.ts`, import.meta.url).pathname);
  const bundle = await rollup({
    input: ENTRY,
    onwarn: () => {},
    plugins: [
      {
        name: 'entry',
        resolveId: (i) => (i === ENTRY ? ENTRY : null),
        load: (i) => (i === ENTRY ? (modules ?? ['index']).map((m) => `export * from ${src(m)};`).join('\n') : null),
      },
      runtimeProfileDefine(profile),
      portableGuard(),
      transpileTs(),
      nodeResolve({ extensions: ['.ts', '.js'] }),
    ],
  });
  const { output } = await bundle.generate({ format: 'es' });
  await bundle.close();
  return (await minify(output[0].code, { module: true, compress: { passes: 2 }, mangle: true })).code.length;
}

// The embedded core: what a register-level driver on a device needs (bit primitives, registers,
// interrupts and critical sections, the HAL binding with its gate, the stack allocator, the profile).
const CORE = [
  'errors',
  'common',
  'hal',
  'bitfield',
  'platform',
  'bus',
  'mmio',
  'register',
  'peripheral',
  'memory_region',
  'interrupt',
  'embedded',
  'block_on',
  'profile',
];

/** XS heap slots (and machine bytes) that evaluating the runtime bundle and booting it add. */
async function bootHeap() {
  const worker = await xsWorker();
  try {
    const code = await bundleForXs('bench/xs/boot.ts', 'app', [runtimeProfileDefine('embedded')]);
    const before = await worker.usage('gc(); 0');
    const loaded = await worker.usage(`${code}; gc(); 0`);
    const booted = await worker.usage('app.boot(); gc(); 0');
    return {
      load: loaded.currentHeapCount - before.currentHeapCount,
      boot: booted.currentHeapCount - loaded.currentHeapCount,
      bytes: booted.allocate - before.allocate,
    };
  } finally {
    await worker.close();
  }
}

/** XS heap slots that evaluating `entry` (a module of data) leaves live. */
async function moduleHeap(entry) {
  const worker = await xsWorker();
  try {
    const code = await bundleForXs(entry, 'data');
    const before = (await worker.usage('gc(); 0')).currentHeapCount;
    return (await worker.usage(`${code}; gc(); 0`)).currentHeapCount - before;
  } finally {
    await worker.close();
  }
}

/**
 * The blink app as `vllsi build` links it (embedded profile, its register definitions, inlined
 * register code), in XS on the simulated board: heap slots live after boot and after the first
 * simulated second (four timer IRQs dispatched), over an XS machine with only the natives' shim.
 */
async function blinkHeap(board) {
  const device = await XsDevice.start(board);
  try {
    const empty = await device.heap();
    await device.boot();
    const booted = await device.heap();
    await device.runFor('1s');
    const second = await device.heap();
    const ticks = device.board.console.lines.filter((l) => l.startsWith('tick')).length;
    return { boot: booted.slots - empty.slots, second: second.slots - empty.slots, chunk: second.chunkBytes - empty.chunkBytes, ticks };
  } finally {
    await device.close();
  }
}

export async function run() {
  const rows = [];
  const names = { extract: 'extractBits', insert: 'insertBits', testBit: 'testBit', read: 'register field read', modify: 'register field modify' };
  for (const [label, plugins] of [
    ['called', () => []],
    ['inlined', () => [xsInline()]],
  ]) {
    const bits = await loopCosts('bench/xs/bitfield-loops.ts', plugins(), ['extract', 'insert', 'testBit']);
    const regs = await loopCosts('bench/xs/register-loops.ts', plugins(), ['read', 'modify']);
    for (const [op, c] of Object.entries({ ...bits, ...regs })) {
      rows.push({
        name: `${names[op]} ${label}`,
        value: c.call,
        unit: 'computrons/op',
        baseline: c.hand,
        ratio: c.call / c.hand,
        ...(label === 'inlined' && { goal: '<= 1.2x' }),
      });
    }
  }
  const lookup = (await loopCosts('bench/xs/register-loops.ts', [], ['lookup'])).lookup;
  rows.push({
    name: 'register lookup X.R on a peripheral handle',
    value: lookup.call,
    unit: 'computrons/op',
    baseline: lookup.hand,
    ratio: lookup.call / lookup.hand,
    note: 'vs a plain object property: the handle is a Proxy that makes registers on first use; alias registers on hot paths',
  });
  const allocations = [
    ['readCall', 'reg.get(field)'],
    ['modifyHandle', 'field.modify(value)'],
    ['modifyCall', 'reg.modify({ field: value })', [], 'the literal itself (2) and the key array of its field names (3): use field handles on hot paths'],
    ['modifyCall', 'reg.modify({ field: value }) inlined', [xsInline()]],
    ['criticalSection', 'withCriticalSection(fn)'],
    ['criticalGuard', 'disableInterrupts().release()', [], 'the guard object itself'],
  ];
  for (const [name, what, plugins, note] of allocations) {
    const a = await slotsPerIteration('bench/xs/register-loops.ts', name, plugins);
    rows.push({
      name: `allocation: ${what}`,
      value: a.perIteration,
      unit: 'heap slots/iteration',
      note: `heap +${a.total} slots over 10^4 iterations${note ? `; ${note}` : ''}`,
    });
  }
  for (const profile of ['full', 'embedded', 'no_runtime']) {
    rows.push({ name: `footprint: ${profile} bundle (all of src/index)`, value: (await minifiedSize(profile)) / 1024, unit: 'KB minified' });
  }
  rows.push({
    name: 'footprint: embedded core',
    value: (await minifiedSize('embedded', CORE)) / 1024,
    unit: 'KB minified',
    goal: '<= 24 KB',
    note: CORE.join(' '),
  });
  const heap = await bootHeap();
  rows.push({ name: 'XS heap: load the runtime (embedded)', value: heap.load, unit: 'slots live after gc' });
  rows.push({
    name: 'XS heap: init() with a HAL and the default stack arena',
    value: heap.boot,
    unit: 'slots live after gc',
    note: `machine chunk growth ${heap.bytes} bytes`,
  });
  rows.push({
    name: "XS heap: blink's RP2040 register definitions",
    value: await moduleHeap('bench/xs/blink-definitions.ts'),
    unit: 'slots live after gc',
    note: 'IO_BANK0 RESETS SIO TIMER UART0, as generated by vllsi svd gen',
  });
  for (const board of ['rpi-pico', 'esp32-devkitc']) {
    const b = await blinkHeap(board);
    rows.push({ name: `XS heap: blink on ${board}, booted`, value: b.boot, unit: 'slots live after gc' });
    rows.push({
      name: `XS heap: blink on ${board}, after its first second`,
      value: b.second,
      unit: 'slots live after gc',
      note: `${b.ticks} ticks; chunk heap grew ${b.chunk} bytes (the 16 KiB stack arena is one of them)`,
    });
  }
  return rows;
}
