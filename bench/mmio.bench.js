// MMIO in XS computrons (xsnap meter, empty loop subtracted): a register field read and a
// field modify through src/mmio.ts against the hand-written load-mask-shift on the same HAL,
// and a critical section against the raw HAL calls it makes.
import { bundleForXs, xsWorker, xsLoopCosts } from '../tools/xs.js';

export const title = 'mmio: register field read/modify and critical sections vs hand-written HAL calls (XS computrons/op)';

const A = '0x40000000';
const BODIES = {
  fieldRead: 'DIV.read()',
  getByName: "CTRL.get('DIV')",
  readHand: `(hal.load32(${A}) >>> 8) & 0xff`,
  fieldModify: '(DIV.modify(i & 0xff), 0)',
  modifyObject: '(CTRL.modify({ DIV: i & 0xff }), 0)',
  modifyHand: `(hal.store32(${A}, ((hal.load32(${A}) & ~0xff00) | ((i & 0xff) << 8)) >>> 0), 0)`,
  criticalSection: 'withCriticalSection(zero)',
  criticalHand: '(s = hal.interruptsSave(), hal.spinlockTryClaim(31), hal.spinlockRelease(31), hal.interruptsRestore(s), zero())',
};

export async function run() {
  const rows = [];
  const worker = await xsWorker();
  try {
    await worker.compute(await bundleForXs('bench/xs/mmio-setup.ts', 'mmio'));
    for (const kind of ['mem', 'bare']) {
      const c = await xsLoopCosts(worker, {
        prelude: `const { hal, CTRL, DIV, withCriticalSection } = mmio.setup('${kind}'); const zero = () => 0; let s = 0`,
        bodies: BODIES,
      });
      const row = (name, op, hand) =>
        rows.push({ name: `${name} (${kind} HAL)`, value: c[op], unit: 'computrons/op', baseline: c[hand], ratio: c[op] / c[hand] });
      row('field read: fields.DIV.read()', 'fieldRead', 'readHand');
      row("field read: get('DIV')", 'getByName', 'readHand');
      row('field modify: fields.DIV.modify(v)', 'fieldModify', 'modifyHand');
      row('field modify: modify({ DIV: v })', 'modifyObject', 'modifyHand');
      row('withCriticalSection(fn)', 'criticalSection', 'criticalHand');
    }
  } finally {
    await worker.close();
  }
  return rows;
}
