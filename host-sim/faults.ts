// Fault injection, scripted from tests (as Renode users do): a bus error at an address, so a
// driver's error paths run. Checked by the simulator's HAL on every access while any is armed.
import { InvalidArgument } from '../src/errors.js';
import { BusFault, type AccessSize, type BusAccess } from '../src/hal.js';

export interface BusErrorOptions {
  /** Which accesses fail: 'read', 'write' or 'any' (default). */
  access?: 'read' | 'write' | 'any';
  /** Bytes from `address` covered (default 4). */
  length?: number;
  /** How many accesses fail before the fault clears itself (default: every one until removed). */
  count?: number;
}

export interface InjectedFault {
  /** Accesses refused so far. */
  readonly hits: number;
  remove(): void;
}

interface BusError {
  readonly from: number;
  readonly to: number;
  readonly access: 'read' | 'write' | 'any';
  left: number;
  hits: number;
}

export class Faults {
  private readonly busErrors: BusError[] = [];
  /** Any fault armed: the HAL's hot path checks only this. */
  armed = false;

  /** Accesses to [address, address + length) fail with BusFault (reason 'injected') until removed or `count` ran out. */
  busError(address: number, o: BusErrorOptions = {}): InjectedFault {
    const length = o.length ?? 4,
      count = o.count ?? Infinity,
      access = o.access ?? 'any';
    if (!Number.isInteger(address) || address < 0 || address >= 2 ** 32) throw new InvalidArgument('fault address', address, 'must be a 32-bit address');
    if (!Number.isInteger(length) || length < 1) throw new InvalidArgument('fault length', length, 'must be a positive number of bytes');
    if (!(count === Infinity || (Number.isInteger(count) && count > 0))) throw new InvalidArgument('fault count', count, 'must be a positive integer');
    if (!['read', 'write', 'any'].includes(access)) throw new InvalidArgument('fault access', access, "must be 'read', 'write' or 'any'");
    const e: BusError = { from: address, to: address + length, access, left: count, hits: 0 };
    this.busErrors.push(e);
    this.armed = true;
    const remove = () => {
      const i = this.busErrors.indexOf(e);
      if (i >= 0) this.busErrors.splice(i, 1);
      this.armed = this.busErrors.length > 0;
    };
    return {
      get hits() {
        return e.hits;
      },
      remove,
    };
  }

  /** Throws the injected BusFault for this access, if one covers it. */
  check(addr: number, size: AccessSize, access: BusAccess): void {
    for (const e of this.busErrors) {
      if (addr + size <= e.from || addr >= e.to || (e.access !== 'any' && e.access !== access)) continue;
      e.hits++;
      if (--e.left <= 0) {
        this.busErrors.splice(this.busErrors.indexOf(e), 1);
        this.armed = this.busErrors.length > 0;
      }
      throw new BusFault(addr, size, access, 'injected', 'a bus error injected by the test (board.faults.busError)');
    }
  }
}
