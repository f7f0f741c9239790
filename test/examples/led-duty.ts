// The share of time the simulated board's LED is on over a run of simulated time (a PWM's duty).
import type { SimBoard } from '../../host-sim/index.js';

export function ledDuty(board: SimBoard, run: (duration: string) => void, ms: number): number {
  let high = 0;
  let last = board.now;
  let level = board.led.level;
  const start = board.now;
  const off = board.led.onChange((l, t) => {
    if (level) high += t - last;
    level = l;
    last = t;
  });
  run(`${ms}ms`);
  off();
  if (level) high += board.now - last;
  return high / (board.now - start);
}
