// Register field loops measured by bench/xs-perf.bench.js, on a minimal HAL whose 32-bit load/store
// cost about what a native call does (an array access), so the ratio shows the API's own cost.
import { bindHal, disableInterrupts, peripheral, withCriticalSection } from '../../src/index.js';
import * as rp2040 from '../../src/registers/rp2040.js';
import type { Hal } from '../../src/hal.js';

const BASE = rp2040.TIMER.baseAddress;
const words = new Uint32Array(32);
let primask = 0;
let lock = false;
const hal = {
  name: 'bench',
  coreCount: 2,
  spinlockCount: 32,
  load: (a: number) => words[(a - BASE) >>> 2]!,
  store: (a: number, _size: number, v: number) => void (words[(a - BASE) >>> 2] = v),
  load32: (a: number) => words[(a - BASE) >>> 2]!,
  store32: (a: number, v: number) => void (words[(a - BASE) >>> 2] = v),
  coreId: () => 0,
  interruptsSave: () => {
    const was = primask;
    primask = 1;
    return was;
  },
  interruptsRestore: (s: number) => void (primask = s),
  spinlockTryClaim: () => (lock ? false : (lock = true)),
  spinlockRelease: () => void (lock = false),
} as unknown as Hal;
bindHal(hal);

const timer = peripheral(rp2040.TIMER);
const INTE = BASE + 0x38;
const inte = timer.INTE;
const alarm2 = inte.fields.ALARM_2;

// Looking a register up on its peripheral handle (a Proxy view, registers made on first use)
// against a property of a plain frozen object.
const plain = Object.freeze({ INTE: inte });
export function lookupCall(n: number): number {
  let acc = 0;
  for (let i = 0; i < n; i++) acc ^= timer.INTE.address;
  return acc;
}
export function lookupHand(n: number): number {
  let acc = 0;
  for (let i = 0; i < n; i++) acc ^= plain.INTE.address;
  return acc;
}

export function empty(n: number): number {
  let acc = 0;
  for (let i = 0; i < n; i++) acc ^= i;
  return acc;
}
export function readCall(n: number): number {
  let acc = 0;
  for (let i = 0; i < n; i++) acc ^= inte.get('ALARM_2');
  return acc;
}
export function readHand(n: number): number {
  let acc = 0;
  for (let i = 0; i < n; i++) acc ^= (hal.load32(INTE) >>> 2) & 1;
  return acc;
}
export function modifyCall(n: number): number {
  let acc = 0;
  for (let i = 0; i < n; i++) inte.modify({ ALARM_2: i & 1 });
  return acc;
}
export function modifyHandle(n: number): number {
  let acc = 0;
  for (let i = 0; i < n; i++) alarm2.modify(i & 1);
  return acc;
}
export function modifyHand(n: number): number {
  let acc = 0;
  for (let i = 0; i < n; i++) hal.store32(INTE, ((hal.load32(INTE) & ~4) | ((i & 1) << 2)) >>> 0);
  return acc;
}

const nothing = (): number => 0;
export function criticalSection(n: number): number {
  let acc = 0;
  for (let i = 0; i < n; i++) acc ^= withCriticalSection(nothing);
  return acc;
}
export function criticalGuard(n: number): number {
  let acc = 0;
  for (let i = 0; i < n; i++) disableInterrupts().release();
  return acc;
}
