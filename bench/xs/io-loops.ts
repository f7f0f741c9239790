// Digital.write/read loops measured by bench/io.bench.js (called, and inlined: the same module
// bundled with the XS inliner) against the hand-written SIO accesses they make, on a minimal
// HAL whose load32/store32 cost about what a native call does (a typed-array access), so the
// ratio shows the class's own cost.
import { bindHal } from '../../src/index.js';
import { Digital } from '../../src/io/rp2040.js';
import { SIO } from '../../src/registers/rp2040/sio.js';
import type { Hal } from '../../src/hal.js';

const words = new Uint32Array(1 << 14);
const hal = {
  name: 'bench',
  coreCount: 2,
  spinlockCount: 32,
  load: (a: number) => words[(a >>> 2) & 0x3fff]!,
  store: (a: number, _size: number, v: number) => void (words[(a >>> 2) & 0x3fff] = v),
  load32: (a: number) => words[(a >>> 2) & 0x3fff]!,
  store32: (a: number, v: number) => void (words[(a >>> 2) & 0x3fff] = v),
  coreId: () => 0,
  interruptsSave: () => 0,
  interruptsRestore: () => {},
} as unknown as Hal;
bindHal(hal);

const OUT_SET = SIO.baseAddress + SIO.registers.GPIO_OUT_SET.addressOffset;
const OUT_CLR = SIO.baseAddress + SIO.registers.GPIO_OUT_CLR.addressOffset;
const GPIO_IN = SIO.baseAddress + SIO.registers.GPIO_IN.addressOffset;
const led = new Digital({ pin: 25, mode: Digital.Output });
const button = new Digital({ pin: 15, mode: Digital.Input });

export function empty(n: number): number {
  let acc = 0;
  for (let i = 0; i < n; i++) acc ^= i;
  return acc;
}
export function writeCall(n: number): number {
  let acc = 0;
  for (let i = 0; i < n; i++) {
    acc ^= i;
    led.write((i & 1) as 0 | 1);
  }
  return acc;
}
export function writeHand(n: number): number {
  let acc = 0;
  for (let i = 0; i < n; i++) {
    acc ^= i;
    hal.store32(i & 1 ? OUT_SET : OUT_CLR, 1 << 25);
  }
  return acc;
}
export function readCall(n: number): number {
  let acc = 0;
  for (let i = 0; i < n; i++) acc ^= button.read();
  return acc;
}
export function readHand(n: number): number {
  let acc = 0;
  for (let i = 0; i < n; i++) acc ^= (hal.load32(GPIO_IN) >>> 15) & 1;
  return acc;
}
