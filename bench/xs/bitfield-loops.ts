// Loops measured by bench/xs-perf.bench.js, bundled with and without the inliner.
// Each runs n iterations XOR-ing the operation into an accumulator; `empty` is the loop alone.
import { extractBits, insertBits, testBit } from '../../src/index.js';

export function empty(n: number): number {
  let acc = 0;
  for (let i = 0; i < n; i++) acc ^= i;
  return acc;
}
export function extractCall(n: number): number {
  let acc = 0;
  for (let i = 0; i < n; i++) acc ^= extractBits(i, 3, 5);
  return acc;
}
export function extractHand(n: number): number {
  let acc = 0;
  for (let i = 0; i < n; i++) acc ^= (i >>> 3) & 31;
  return acc;
}
export function insertCall(n: number): number {
  let acc = 0;
  for (let i = 0; i < n; i++) acc ^= insertBits(i, acc, 3, 5);
  return acc;
}
export function insertHand(n: number): number {
  let acc = 0;
  for (let i = 0; i < n; i++) acc ^= ((i & ~(31 << 3)) | ((acc & 31) << 3)) >>> 0;
  return acc;
}
export function testBitCall(n: number): number {
  let acc = 0;
  for (let i = 0; i < n; i++) if (testBit(i, 4)) acc++;
  return acc;
}
export function testBitHand(n: number): number {
  let acc = 0;
  for (let i = 0; i < n; i++) if ((i >>> 4) & 1) acc++;
  return acc;
}
