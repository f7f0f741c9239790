// Simulator speed: bus reads/writes on RAM against raw DataView access to the same
// buffer (same run), the full HAL path (routing + trace + time + IRQ check), and how
// much faster than real time the blink example simulates on each board.
// sim-lockdown.bench.js runs the bus rows again in a process under SES lockdown.
import { pairedRatio } from './lib/node.js';
import { Bus, ANY_WIDTH } from '../dist/node/host-sim/bus.js';
import { createBoard, simulate } from '../dist/node/host-sim/index.js';
import blink from '../dist/node/examples/blink/index.js';

export const title = 'simulator: bus ops/s vs raw DataView (RAM), blink speed vs real time';

const SIZE = 0x42000; // RP2040 SRAM
const BASE = 0x20000000;
const MASK = SIZE - 4; // word-aligned offsets inside the buffer

/** Bus and SimHal loads/stores on RAM against raw DataView calls on a buffer of the same size. */
export function busRows(suffix = '') {
  const bytes = new Uint8Array(SIZE);
  const view = new DataView(bytes.buffer);
  const bus = new Bus();
  bus.mapMemory({ name: 'SRAM', base: BASE, size: SIZE, widths: ANY_WIDTH }, bytes);
  // A second mapped region, so that routing is not a single-region shortcut.
  bus.mapMemory({ name: 'ROM', base: 0, size: 0x4000, widths: ANY_WIDTH, readOnly: true });
  const hal = createBoard('rpi-pico').hal;

  let sink = 0;
  const rawRead = (n) => {
    for (let i = 0; i < n; i++) sink ^= view.getUint32((i * 4) & MASK, true);
  };
  const rawWrite = (n) => {
    for (let i = 0; i < n; i++) view.setUint32((i * 4) & MASK, i >>> 0, true);
  };
  // Ratio = time per simulated access / time per raw access, from rounds timed side by side.
  const row = (name, baseline, candidate, { goal, ...options } = {}) => {
    const m = pairedRatio(baseline, candidate, options);
    return {
      name: `${name}${suffix}`,
      value: m.ops,
      unit: 'ops/s',
      baseline: m.baselineOps,
      ratio: m.ratio,
      ...(goal && { goal }),
      note: `baseline: DataView.${baseline === rawRead ? 'get' : 'set'}Uint32`,
    };
  };
  const few = { iterations: 500_000 };
  const rows = [
    row(
      'bus.load32 (RAM)',
      rawRead,
      (n) => {
        for (let i = 0; i < n; i++) sink ^= bus.load32(BASE + ((i * 4) & MASK));
      },
      { goal: '<= 2x' },
    ),
    row(
      'bus.store32 (RAM)',
      rawWrite,
      (n) => {
        for (let i = 0; i < n; i++) bus.store32(BASE + ((i * 4) & MASK), i >>> 0);
      },
      { goal: '<= 2x' },
    ),
    row(
      'SimHal.load32 (RAM, traced, timed)',
      rawRead,
      (n) => {
        for (let i = 0; i < n; i++) sink ^= hal.load32(BASE + ((i * 4) & MASK));
      },
      few,
    ),
    row(
      'SimHal.store32 (RAM, traced, timed)',
      rawWrite,
      (n) => {
        for (let i = 0; i < n; i++) hal.store32(BASE + ((i * 4) & MASK), i >>> 0);
      },
      few,
    ),
  ];
  rows[2].note += `; sink ${sink & 1}`; // the loads' results are used, so they cannot be optimised away
  return rows;
}

export async function run() {
  const rows = busRows();
  for (const name of ['rpi-pico', 'esp32-devkitc']) {
    const simulated = 20; // seconds of simulated time
    let best = Infinity;
    for (let r = 0; r < 3; r++) {
      const b = await simulate(name, blink);
      const t0 = performance.now();
      b.runFor(`${simulated}s`);
      best = Math.min(best, (performance.now() - t0) / 1000);
    }
    rows.push({
      name: `blink on ${name}`,
      value: simulated / best,
      unit: 'x real time',
      goal: '>= 100x',
      note: `${simulated} s simulated in ${(best * 1000).toFixed(1)} ms`,
    });
  }
  return rows;
}
