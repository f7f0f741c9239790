// Issue 8: XS-first performance, in XS computrons (xsnap's deterministic meter, empty loop
// subtracted): bitfield primitives and register field operations, called vs build-time inlined
// (tools/xs-inline.js), each against the hand-written expression; and JS allocation on the hot
// paths, from the heap slot count after 10^3 and 10^4 iterations.
import { bundleForXs, xsWorker } from '../tools/xs.js';
import { xsInline } from '../tools/xs-inline.js';

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
 * in use; collecting first (xsnap's gc()) and keeping runs short keeps a collection out of them.
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
    return ((await grow(2_000)) - (await grow(1_000))) / 1_000;
  } finally {
    await worker.close();
  }
}

export async function run() {
  const rows = [];
  const names = { extract: 'extractBits', insert: 'insertBits', testBit: 'testBit', read: 'register field read', modify: 'register field modify' };
  for (const [label, plugins] of [['called', () => []], ['inlined', () => [xsInline()]]]) {
    const bits = await loopCosts('bench/xs/bitfield-loops.ts', plugins(), ['extract', 'insert', 'testBit']);
    const regs = await loopCosts('bench/xs/register-loops.ts', plugins(), ['read', 'modify']);
    for (const [op, c] of Object.entries({ ...bits, ...regs })) {
      rows.push({ name: `${names[op]} ${label}`, value: c.call, unit: 'computrons/op', baseline: c.hand, ratio: c.call / c.hand, ...(label === 'inlined' && { goal: '<= 1.2x' }) });
    }
  }
  const allocations = [
    ['readCall', 'reg.get(field)'],
    ['modifyHandle', 'field.modify(value)'],
    ['modifyCall', 'reg.modify({ field: value })', [], 'for-in over the values object, and the literal itself: use field handles on hot paths'],
    ['modifyCall', 'reg.modify({ field: value }) inlined', [xsInline()]],
    ['criticalSection', 'withCriticalSection(fn)'],
    ['criticalGuard', 'disableInterrupts().release()', [], 'the guard object itself'],
  ];
  for (const [name, what, plugins, note] of allocations) {
    rows.push({ name: `allocation: ${what}`, value: await slotsPerIteration('bench/xs/register-loops.ts', name, plugins), unit: 'heap slots/iteration', ...(note && { note }) });
  }
  return rows;
}
