// ECMA-419 Digital in XS computrons (xsnap's deterministic meter, empty loop subtracted):
// Digital.write and Digital.read (src/io/rp2040.ts), called and inlined at build time
// (tools/xs-inline-digital.js: the pin is a constant), against the hand-written SIO store and
// load they make, on the same minimal HAL. The loops are one module bundled twice in one machine.
import { xsInline } from '../tools/xs-inline.js';
import { bundleForXs, xsWorker } from '../tools/xs.js';

export const title = 'ECMA-419 Digital in XS: class call and build-time inlined vs hand-written SIO access (computrons/op)';

const N = 100_000;

export async function run() {
  const worker = await xsWorker();
  try {
    const inliner = xsInline();
    await worker.compute(await bundleForXs('bench/xs/io-loops.ts', 'loops', []));
    await worker.compute(await bundleForXs('bench/xs/io-loops.ts', 'inlined', [inliner]));
    // The write and the read loop, each with its constant-pin site: no figure for a site left a call.
    if (inliner.api.inlinedCount().digital !== 2)
      throw new Error(`expected the 2 Digital sites of bench/xs/io-loops.ts inlined, got ${inliner.api.inlinedCount().digital}`);
    const per = async (bundle, name) => (await worker.compute(`${bundle}.${name}(${N});`)) / N;
    const empty = await per('loops', 'empty');
    const rows = [];
    for (const op of ['write', 'read']) {
      const hand = (await per('loops', `${op}Hand`)) - empty;
      const note = `hand-written SIO ${op === 'write' ? 'store' : 'load'}: ${hand.toFixed(1)}`;
      for (const [how, bundle] of [
        ['called', 'loops'],
        ['inlined', 'inlined'],
      ]) {
        const v = (await per(bundle, `${op}Call`)) - empty;
        rows.push({ name: `Digital.${op} ${how} (pin ${op === 'write' ? 25 : 15})`, value: v, unit: 'computrons/op', baseline: hand, ratio: v / hand, note });
      }
    }
    return rows;
  } finally {
    await worker.close();
  }
}
