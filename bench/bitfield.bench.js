// Bitfield primitives against the hand-written shift-and-mask expression, in XS (computrons) and Node (ops/s).
import { bundleForXs, xsWorker, xsLoopCosts } from '../tools/xs.js';
import { opsPerSecond } from './lib/node.js';
import { extractBits, insertBits } from '../dist/node/src/bitfield.js';

export const title = 'bitfield: extractBits/insertBits vs hand-written (constant offset 3, width 5)';

export async function run() {
  const rows = [];
  const worker = await xsWorker();
  try {
    await worker.compute(await bundleForXs('src/index.ts', 'vllsi'));
    const c = await xsLoopCosts(worker, {
      prelude: 'const { extractBits, insertBits } = vllsi',
      bodies: {
        extract: 'extractBits(i, 3, 5)',
        extractHand: '(i >>> 3) & 31',
        insert: 'insertBits(i, 21, 3, 5)',
        insertHand: '((i & ~(31 << 3)) | ((21 & 31) << 3)) >>> 0',
      },
    });
    rows.push({ name: 'XS extractBits', value: c.extract, unit: 'computrons/op', baseline: c.extractHand, ratio: c.extract / c.extractHand });
    rows.push({ name: 'XS insertBits', value: c.insert, unit: 'computrons/op', baseline: c.insertHand, ratio: c.insert / c.insertHand });
  } finally {
    await worker.close();
  }
  let sink = 0;
  const ex = opsPerSecond((n) => {
    for (let i = 0; i < n; i++) sink ^= extractBits(i, 3, 5);
  });
  const exHand = opsPerSecond((n) => {
    for (let i = 0; i < n; i++) sink ^= (i >>> 3) & 31;
  });
  const ins = opsPerSecond((n) => {
    for (let i = 0; i < n; i++) sink ^= insertBits(i, 21, 3, 5);
  });
  const insHand = opsPerSecond((n) => {
    for (let i = 0; i < n; i++) sink ^= ((i & ~(31 << 3)) | ((21 & 31) << 3)) >>> 0;
  });
  // Ratio = time per op of the call / time per op hand-written = handOps / callOps.
  rows.push({ name: 'Node extractBits', value: ex, unit: 'ops/s', baseline: exHand, ratio: exHand / ex, note: `sink ${sink & 1}` });
  rows.push({ name: 'Node insertBits', value: ins, unit: 'ops/s', baseline: insHand, ratio: insHand / ins });
  return rows;
}
