#!/usr/bin/env node
// `npm run test:crash -- --iterations N`: SIGKILLs an atomicWrite loop N times (default
// 1000) and checks the file after each kill. Prints `N crashes, N torn, N missing`; exits
// non-zero if any write was torn, missing or went back.
import './ts-register.js';

const { runCrashTest, formatReport } = await import('./crash/harness.ts');

const args = process.argv.slice(2);
const at = args.indexOf('--iterations');
const iterations = at >= 0 ? Number(args[at + 1]) : 1000;
if (!Number.isInteger(iterations) || iterations < 1) {
  console.error(`crash-test: --iterations must be a positive integer, got ${JSON.stringify(args[at + 1])}`);
  process.exit(2);
}
const started = Date.now();
const r = await runCrashTest(iterations);
console.log(
  `${r.versions} versions written, ${r.wentBack} went back, ${r.leftovers} temp files left by kills, ${((Date.now() - started) / 1000).toFixed(1)} s`,
);
console.log(formatReport(r));
process.exit(r.torn + r.missing + r.wentBack === 0 ? 0 : 1);
