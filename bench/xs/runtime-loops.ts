// Loops measured by bench/runtime.bench.js in XS (computrons). Each runs n iterations;
// `empty` is the loop alone. setup() binds an in-memory HAL with one RAM word to load.
import { MemHal } from '../../test/support/mem-hal.js';
import { bindHal } from '../../src/platform.js';
import { volatileLoad } from '../../src/mmio.js';
import { sandbox } from '../../src/permissions.js';
import { StackAllocator } from '../../src/embedded.js';

const ADDR = 0x20000000;
let hal: MemHal;
let arena: StackAllocator;

export function setup(): void {
  hal = new MemHal({ regions: [{ name: 'RAM', base: ADDR, size: 4096 }] });
  bindHal(hal);
  arena = new StackAllocator(new ArrayBuffer(64 * 1024));
}

export function empty(n: number): number {
  let acc = 0;
  for (let i = 0; i < n; i++) acc ^= i;
  return acc;
}
/** The HAL's load, no vllsi code in between. */
export function halLoad(n: number): number {
  let acc = 0;
  for (let i = 0; i < n; i++) acc ^= hal.load32(ADDR);
  return acc;
}
/** volatileLoad outside any sandbox: the gate is one comparison. */
export function ungatedLoad(n: number): number {
  let acc = 0;
  for (let i = 0; i < n; i++) acc ^= volatileLoad(ADDR);
  return acc;
}
/** volatileLoad in a sandbox allowing the address, decision cached (warmed before the loop). */
export function gatedLoad(n: number): number {
  return sandbox({ allow: [{ scope: 'register', from: ADDR, to: ADDR + 4096 }] }, () => {
    let acc = volatileLoad(ADDR);
    for (let i = 0; i < n; i++) acc ^= volatileLoad(ADDR);
    return acc;
  });
}
/** Two registers in turn (the one-entry cache misses every time: the Map lookup), gated and not. */
export function ungatedLoad2(n: number): number {
  let acc = 0;
  for (let i = 0; i < n; i++) acc ^= volatileLoad(ADDR + ((i & 1) << 2));
  return acc;
}
export function gatedLoad2(n: number): number {
  return sandbox({ allow: [{ scope: 'register', from: ADDR, to: ADDR + 4096 }] }, () => {
    let acc = volatileLoad(ADDR) ^ volatileLoad(ADDR + 4);
    for (let i = 0; i < n; i++) acc ^= volatileLoad(ADDR + ((i & 1) << 2));
    return acc;
  });
}
/** 16 bytes aligned to 8, the arena reset when full. */
export function stackAlloc(n: number): number {
  let acc = 0;
  for (let i = 0; i < n; i++) {
    const at = arena.allocOffset(16, 8);
    if (at === undefined) arena.reset();
    else acc ^= at;
  }
  return acc;
}
/** The same bump pointer written inline. */
export function bumpInline(n: number): number {
  let acc = 0;
  let top = 0;
  const cap = 64 * 1024;
  for (let i = 0; i < n; i++) {
    const start = (top + 7) & -8;
    if (start + 16 > cap) top = 0;
    else {
      top = start + 16;
      acc ^= start;
    }
  }
  return acc;
}
