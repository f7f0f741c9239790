// Simulator speed: bus reads/writes on RAM against raw DataView access to the same
// buffer (same run), the full HAL path (routing + trace + time + IRQ check), and how
// much faster than real time the blink example simulates on each board.
import { opsPerSecond } from './lib/node.js';
import { Bus, ANY_WIDTH } from '../dist/node/host-sim/bus.js';
import { createBoard, simulate } from '../dist/node/host-sim/index.js';
import blink from '../dist/node/examples/blink/index.js';

export const title = 'simulator: bus ops/s vs raw DataView (RAM), blink speed vs real time';

const SIZE = 0x42000; // RP2040 SRAM
const BASE = 0x20000000;
const MASK = SIZE - 4; // word-aligned offsets inside the buffer

export async function run() {
  const rows = [];
  const bytes = new Uint8Array(SIZE);
  const view = new DataView(bytes.buffer);
  const bus = new Bus();
  bus.mapMemory({ name: 'SRAM', base: BASE, size: SIZE, widths: ANY_WIDTH }, bytes);
  // A second mapped region, so that routing is not a single-region shortcut.
  bus.mapMemory({ name: 'ROM', base: 0, size: 0x4000, widths: ANY_WIDTH, readOnly: true });

  let sink = 0;
  const rawRead = opsPerSecond((n) => { for (let i = 0; i < n; i++) sink ^= view.getUint32((i * 4) & MASK, true); });
  const busRead = opsPerSecond((n) => { for (let i = 0; i < n; i++) sink ^= bus.load32(BASE + ((i * 4) & MASK)); });
  const rawWrite = opsPerSecond((n) => { for (let i = 0; i < n; i++) view.setUint32((i * 4) & MASK, i >>> 0, true); });
  const busWrite = opsPerSecond((n) => { for (let i = 0; i < n; i++) bus.store32(BASE + ((i * 4) & MASK), i >>> 0); });
  // Ratio = time per simulated access / time per raw access = raw ops/s / bus ops/s.
  rows.push({ name: 'bus.load32 (RAM)', value: busRead, unit: 'ops/s', baseline: rawRead, ratio: rawRead / busRead, note: 'baseline: DataView.getUint32' });
  rows.push({ name: 'bus.store32 (RAM)', value: busWrite, unit: 'ops/s', baseline: rawWrite, ratio: rawWrite / busWrite, note: 'baseline: DataView.setUint32' });

  const board = createBoard('rpi-pico');
  const hal = board.hal;
  const halRead = opsPerSecond((n) => { for (let i = 0; i < n; i++) sink ^= hal.load32(BASE + ((i * 4) & MASK)); }, { iterations: 500_000 });
  const halWrite = opsPerSecond((n) => { for (let i = 0; i < n; i++) hal.store32(BASE + ((i * 4) & MASK), i >>> 0); }, { iterations: 500_000 });
  rows.push({ name: 'SimHal.load32 (RAM, traced, timed)', value: halRead, unit: 'ops/s', baseline: rawRead, ratio: rawRead / halRead, note: `sink ${sink & 1}` });
  rows.push({ name: 'SimHal.store32 (RAM, traced, timed)', value: halWrite, unit: 'ops/s', baseline: rawWrite, ratio: rawWrite / halWrite });

  for (const name of ['rpi-pico', 'esp32-devkitc']) {
    const simulated = 20; // seconds of simulated time
    let best = Infinity;
    for (let r = 0; r < 3; r++) {
      const b = await simulate(name, blink);
      const t0 = performance.now();
      b.runFor(`${simulated}s`);
      best = Math.min(best, (performance.now() - t0) / 1000);
    }
    rows.push({ name: `blink on ${name}`, value: simulated / best, unit: 'x real time', note: `${simulated} s simulated in ${(best * 1000).toFixed(1)} ms` });
  }
  return rows;
}
