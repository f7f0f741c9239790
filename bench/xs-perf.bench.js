// Issue 8: XS-first performance. Bitfield primitives in XS computrons (xsnap meter, empty loop
// subtracted), called vs build-time inlined, each against the hand-written expression.
import { bundleForXs, xsWorker } from '../tools/xs.js';
import { inlineBitfields } from '../tools/xs-inline.js';

export const title = 'XS performance: primitives called vs inlined, against hand-written (computrons/op, goal <= 1.2x inlined)';

const N = 100_000;

async function perOp(worker, name) {
  return (await worker.compute(`loops.${name}(${N});`)) / N;
}

export async function run() {
  const rows = [];
  for (const [label, plugins] of [['called', []], ['inlined', [inlineBitfields()]]]) {
    const worker = await xsWorker();
    try {
      await worker.compute(await bundleForXs('bench/xs/bitfield-loops.ts', 'loops', plugins));
      const empty = await perOp(worker, 'empty');
      for (const op of ['extract', 'insert', 'testBit']) {
        const call = (await perOp(worker, `${op}Call`)) - empty;
        const hand = (await perOp(worker, `${op}Hand`)) - empty;
        const name = { extract: 'extractBits', insert: 'insertBits', testBit: 'testBit' }[op];
        rows.push({ name: `${name} ${label}`, value: call, unit: 'computrons/op', baseline: hand, ratio: call / hand, ...(label === 'inlined' && { goal: '<= 1.2x' }) });
      }
    } finally {
      await worker.close();
    }
  }
  return rows;
}
