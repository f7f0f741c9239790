// The width-named bus methods of the HAL contract (load8..store32) for a HAL that
// implements one access routine taking the size: the in-memory HAL and the simulator's.
// Each passes the permission sandbox's register gate first, so the HAL is gated however it was
// reached (currentHal(), a directHal kept from before the sandbox, a second copy of vllsi).
import type { AccessSize } from '../src/hal.js';
import { registerGate } from '../src/platform.js';

export abstract class SizedBus {
  protected abstract load(addr: number, size: AccessSize): number;
  protected abstract store(addr: number, size: AccessSize, value: number): void;

  load8(addr: number): number {
    if (registerGate !== undefined) registerGate(addr, 1);
    return this.load(addr, 1);
  }
  load16(addr: number): number {
    if (registerGate !== undefined) registerGate(addr, 2);
    return this.load(addr, 2);
  }
  load32(addr: number): number {
    if (registerGate !== undefined) registerGate(addr, 4);
    return this.load(addr, 4);
  }
  store8(addr: number, value: number): void {
    if (registerGate !== undefined) registerGate(addr, 1);
    this.store(addr, 1, value);
  }
  store16(addr: number, value: number): void {
    if (registerGate !== undefined) registerGate(addr, 2);
    this.store(addr, 2, value);
  }
  store32(addr: number, value: number): void {
    if (registerGate !== undefined) registerGate(addr, 4);
    this.store(addr, 4, value);
  }
}
