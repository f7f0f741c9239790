// Why the part catalogue has no WS2812 strip: what rp2040js (1.4.1) does with PIO timing, measured.
// A state machine toggling a pin with 32-cycle instructions at CLKDIV 1000 toggles it every 256 µs
// on silicon (125 MHz / 1000 / 32). Here its instructions run in batches of 1000 steps, one
// instruction per step whatever CLKDIV and the [delay] say: the first batch synchronously at the
// write that enables it, the next ones from setTimeout, while simulated time stands still; running
// the simulated clock runs no PIO code. If rp2040js ever runs PIO on its clock, this test fails,
// and a WS2812 part (T0H 0.4 µs, T1H 0.8 µs, decoded from the pin) becomes possible.
import { describe, expect, it } from 'vitest';
import { createBoard } from '../../host-sim/index.js';

const PIO0 = 0x50200000,
  CTRL = PIO0,
  INSTR_MEM0 = PIO0 + 0x48;
const SM0_CLKDIV = PIO0 + 0xc8,
  SM0_EXECCTRL = PIO0 + 0xcc,
  SM0_PINCTRL = PIO0 + 0xdc;
const GPIO15_CTRL = 0x40014000 + 8 * 15 + 4,
  FUNC_PIO0 = 6;

describe('rp2040js PIO timing (no WS2812 part)', () => {
  it('a state machine runs off the simulated clock: CLKDIV and delays are ignored, batches run at one instant', async () => {
    const b = createBoard('rpi-pico');
    const h = b.hal;
    h.store32(GPIO15_CTRL, FUNC_PIO0);
    // set pindirs, 1 / wrap: set pins, 1 [31] / set pins, 0 [31]
    [0xe081, 0xff01, 0xff00].forEach((op, i) => h.store32(INSTR_MEM0 + 4 * i, op));
    h.store32(SM0_EXECCTRL, (2 << 12) | (1 << 7)); // WRAP_TOP 2, WRAP_BOTTOM 1
    h.store32(SM0_PINCTRL, (1 << 26) | (15 << 5)); // SET_COUNT 1, SET_BASE 15
    h.store32(SM0_CLKDIV, 1000 << 16);
    const edges: number[] = []; // every change of the pin, with its simulated time
    b.gpio(15).onChange((_level, t) => edges.push(t));
    const t0 = b.now;
    h.store32(CTRL, 1); // enable SM0
    try {
      const first = edges.length;
      expect(first).toBeGreaterThan(900); // a whole batch of 1000 steps, synchronously
      expect(new Set(edges).size).toBe(1); // ... all at one simulated instant
      expect(edges[0]! - t0).toBeLessThan(100);
      b.runFor('10ms'); // silicon: 39 edges, 256 µs apart
      expect(edges).toHaveLength(first);
      const t1 = b.now;
      await new Promise((r) => setTimeout(r, 20)); // the event loop turns: more batches, no simulated time
      const later = edges.slice(first);
      expect(later.length).toBeGreaterThan(900);
      expect(later.every((t) => t === t1)).toBe(true);
    } finally {
      h.store32(CTRL, 0); // stops rp2040js's setTimeout loop
    }
  });
});
