// The width-named bus methods of the HAL contract (load8..store32) for a HAL that
// implements one access routine taking the size: the in-memory HAL and the simulator's.
import type { AccessSize } from '../src/hal.js';

export abstract class SizedBus {
  protected abstract load(addr: number, size: AccessSize): number;
  protected abstract store(addr: number, size: AccessSize, value: number): void;

  load8(addr: number): number {
    return this.load(addr, 1);
  }
  load16(addr: number): number {
    return this.load(addr, 2);
  }
  load32(addr: number): number {
    return this.load(addr, 4);
  }
  store8(addr: number, value: number): void {
    this.store(addr, 1, value);
  }
  store16(addr: number, value: number): void {
    this.store(addr, 2, value);
  }
  store32(addr: number, value: number): void {
    this.store(addr, 4, value);
  }
}
