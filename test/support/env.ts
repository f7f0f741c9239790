// What the portable tests need to know about the engine they run in.
declare const globalThis: { __VLLSI_ENGINE__?: string };

/** 'xs' inside the xsnap worker (set by test/xs/vitest-shim.ts), else 'node'. */
export const engine: 'xs' | 'node' = globalThis.__VLLSI_ENGINE__ === 'xs' ? 'xs' : 'node';

/** fast-check run counts: the XS figure is the floor the issues require, Node runs more. */
export function runs(xs = 1000, node = xs * 5): { numRuns: number } {
  return { numRuns: engine === 'xs' ? xs : node };
}
