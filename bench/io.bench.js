// ECMA-419 Digital in XS computrons (xsnap's deterministic meter, empty loop subtracted):
// Digital.write and Digital.read (src/io/rp2040.ts) against the hand-written SIO store and
// load they make, on the same minimal HAL.
import { bundleForXs, xsWorker } from '../tools/xs.js';

export const title = 'ECMA-419 Digital in XS: class call vs hand-written SIO access (computrons/op)';

const N = 100_000;

export async function run() {
  const worker = await xsWorker();
  try {
    await worker.compute(await bundleForXs('bench/xs/io-loops.ts', 'loops', []));
    const per = async (name) => (await worker.compute(`loops.${name}(${N});`)) / N;
    const empty = await per('empty');
    const rows = [];
    for (const op of ['write', 'read']) {
      const call = (await per(`${op}Call`)) - empty;
      const hand = (await per(`${op}Hand`)) - empty;
      rows.push({
        name: `Digital.${op} (pin 25/15)`,
        value: call,
        unit: 'computrons/op',
        baseline: hand,
        ratio: call / hand,
        note: `hand-written SIO ${op === 'write' ? 'store' : 'load'}: ${hand.toFixed(1)}`,
      });
    }
    return rows;
  } finally {
    await worker.close();
  }
}
