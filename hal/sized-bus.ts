// The width-named bus methods of the HAL contract (load8..store32) derived from the sized
// `load`/`store` a HAL implements (the in-memory HAL, the simulator's). The bus path of src/
// calls `load`/`store` itself; these serve code that spells one width.
import type { AccessSize } from '../src/hal.js';

export abstract class SizedBus {
  abstract load(addr: number, size: AccessSize): number;
  abstract store(addr: number, size: AccessSize, value: number): void;

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
