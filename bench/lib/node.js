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
