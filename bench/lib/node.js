// Node timing: operations per second of a function, best of a few rounds after warm-up.
export function opsPerSecond(fn, { iterations = 2_000_000, rounds = 5 } = {}) {
  let best = 0;
  for (let r = 0; r < rounds + 1; r++) {
    const t0 = performance.now();
    fn(iterations);
    const dt = performance.now() - t0;
    if (r > 0) best = Math.max(best, iterations / (dt / 1000));
  }
  return best;
}

/**
 * A baseline and a candidate timed in alternation: the JIT's tiering and the CPU clock drift
 * between rounds, so each round's ratio compares two runs taken side by side, and the median
 * round is reported. Returns { ratio, ops, baselineOps } (ops/s of that median round).
 */
export function pairedRatio(baseline, candidate, { iterations = 5_000_000, rounds = 7 } = {}) {
  const time = (fn) => {
    const t0 = performance.now();
    fn(iterations);
    return performance.now() - t0;
  };
  time(baseline); // warm-up: both reach their optimised tier before any round counts
  time(candidate);
  const runs = [];
  for (let r = 0; r < rounds; r++) {
    const b = time(baseline);
    const c = time(candidate);
    runs.push({ ratio: c / b, ops: iterations / (c / 1000), baselineOps: iterations / (b / 1000) });
  }
  runs.sort((x, y) => x.ratio - y.ratio);
  return runs[rounds >> 1];
}
