// The Hal of src/hal.ts for one core of a simulated board. Every call goes
// through the machine: bus accesses are routed and traced, and each call is a
// boundary where time advances and interrupts may be delivered (machine.ts).
import type { AccessSize, Hal, IrqHandler, MemoryOrdering } from '../src/hal.js';
import { SizedBus } from '../hal/sized-bus.js';
import { InvalidArgument } from '../src/errors.js';
import { BusFault, rp2040RegisterOf } from '../src/hal.js';
import { confineLater } from '../src/gate.js';
import { registerGate } from '../src/platform.js';
import { SimHalted } from './errors.js';
import type { Machine } from './machine.js';

/** RP2040 SIO: CPUID at +0x000, SPINLOCK0..31 at +0x100. */
const SIO_CPUID = 0x000;
const SIO_SPINLOCK0 = 0x100;

export class SimHal extends SizedBus implements Hal {
  readonly name: string;
  readonly coreCount: number;
  readonly spinlockCount: number;
  private readonly sioBase: number | undefined;
  /** The RP2040's atomic alias windows (Hal.registerOf). */
  readonly registerOf: ((addr: number) => number) | undefined;

  /** A true private field: code holding the HAL reaches the machine only through its gated methods. */
  readonly #m: Machine;

  constructor(
    m: Machine,
    readonly core: number,
  ) {
    super();
    this.#m = m;
    this.name = `sim:${m.board.name}`;
    this.registerOf = m.board.chip === 'rp2040' ? rp2040RegisterOf : undefined;
    this.coreCount = m.board.cores;
    this.spinlockCount = m.board.spinlocks.count;
    this.sioBase = m.board.spinlocks.kind === 'sio' ? m.board.peripherals.find((p) => p.model === 'rp2040-sio')?.base : undefined;
  }

  private fault(e: unknown, addr: number, size: number): never {
    if (e instanceof BusFault) this.#m.trace.record(this.#m.now, this.core, 'fault', addr >>> 0, size, 0);
    throw e;
  }

  load(addr: number, size: AccessSize): number {
    if (registerGate !== undefined) registerGate(addr, size); // gated however the HAL was reached
    const m = this.#m;
    m.enter(this.core);
    let v: number;
    try {
      if (m.faults.armed) m.faults.check(addr >>> 0, size, 'read');
      v = m.bus.load(addr, size);
    } catch (e) {
      this.fault(e, addr, size);
    }
    m.trace.record(m.now, this.core, 'read', addr, size, v);
    m.poll(this.core, addr, v);
    m.boundary(this.core);
    return v;
  }

  store(addr: number, size: AccessSize, value: number): void {
    if (registerGate !== undefined) registerGate(addr, size);
    const m = this.#m;
    m.enter(this.core);
    try {
      if (m.faults.armed) m.faults.check(addr >>> 0, size, 'write');
      m.bus.store(addr, size, value);
    } catch (e) {
      this.fault(e, addr, size);
    }
    m.trace.record(m.now, this.core, 'write', addr, size, value);
    m.boundary(this.core);
  }

  /** Barriers order nothing in a sequential simulator; they still cost one access of time. */
  private tick(): void {
    this.#m.enter(this.core);
    this.#m.boundary(this.core);
  }
  /** WFE in a busy-wait: one boundary, where the other core gets its turn. */
  waitForEvent(): void {
    this.tick();
  }
  barrier(order: MemoryOrdering): void {
    void order;
    this.tick();
  }
  dmb(): void {
    this.tick();
  }
  dsb(): void {
    this.tick();
  }
  isb(): void {
    this.tick();
  }

  // The mask state word: 1 = interrupts were masked, 0 = enabled (PRIMASK's encoding).
  interruptsSave(): number {
    const c = this.#m.cores[this.core]!;
    this.#m.enter(this.core);
    const state = c.masked ? 1 : 0;
    c.masked = true;
    this.#m.boundary(this.core);
    return state;
  }
  interruptsRestore(state: number): void {
    if (state !== 0 && state !== 1) throw new InvalidArgument('interrupt state', state, 'must be a value returned by interruptsSave (0 or 1)');
    this.#m.enter(this.core);
    this.#m.cores[this.core]!.masked = state === 1;
    this.#m.boundary(this.core); // unmasking delivers what was deferred, right here
  }
  interruptsEnable(): void {
    this.#m.enter(this.core);
    this.#m.cores[this.core]!.masked = false;
    this.#m.boundary(this.core);
  }
  irqSetHandler(irq: number, handler: IrqHandler | undefined): void {
    this.#m.enter(this.core);
    this.#m.irq.setHandler(irq, confineLater(handler)); // installed inside a sandbox: runs under it
    this.#m.irq.route(irq, this.core);
    this.#m.boundary(this.core);
  }
  irqSetEnabled(irq: number, enabled: boolean): void {
    this.#m.enter(this.core);
    this.#m.irq.setEnabled(irq, enabled);
    this.#m.boundary(this.core);
  }

  coreId(): number {
    if (this.sioBase !== undefined) return this.load(this.sioBase + SIO_CPUID, 4);
    this.tick(); // Xtensa: PRID is a special register, not a bus access
    return this.core;
  }

  private checkLock(n: number): void {
    if (!Number.isInteger(n) || n < 0 || n >= this.spinlockCount)
      throw new InvalidArgument('spinlock number', n, `must be an integer in 0..${this.spinlockCount - 1}`);
  }
  spinlockTryClaim(n: number): boolean {
    this.checkLock(n);
    if (this.sioBase !== undefined) return this.load(this.sioBase + SIO_SPINLOCK0 + 4 * n, 4) !== 0;
    this.#m.enter(this.core);
    const free = this.#m.lockWords[n] === 0; // S32C1I compare-and-set on a lock word
    if (free) this.#m.lockWords[n] = 1;
    this.#m.boundary(this.core);
    return free;
  }
  spinlockRelease(n: number): void {
    this.checkLock(n);
    if (this.sioBase !== undefined) return this.store(this.sioBase + SIO_SPINLOCK0 + 4 * n, 4, 0);
    this.#m.enter(this.core);
    this.#m.lockWords[n] = 0;
    this.#m.boundary(this.core);
  }

  nowNs(): number {
    this.#m.enter(this.core);
    const t = this.#m.now;
    this.#m.boundary(this.core);
    return t;
  }
  debugWrite(text: string): void {
    this.#m.enter(this.core);
    this.#m.debugWrite(String(text));
    this.#m.boundary(this.core);
  }
  halt(reason: string): never {
    const h = new SimHalted(String(reason), this.#m.now);
    this.#m.halted = h;
    throw h;
  }
}
