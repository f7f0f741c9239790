// The device HAL: src/hal.ts over the native functions of hal/native/vllsi_xs.c
// (bound in bindings.ts). This file holds every check and all the state JS owns (IRQ
// handlers, which lines the program wants enabled), so the C stays small; it takes the
// natives as a parameter, which lets the Node tests drive it with a stand-in for the chip.
import { BusFault, Halted, rp2040RegisterOf, type AccessSize, type Hal, type IrqHandler, type MemoryOrdering } from '../../src/hal.js';
import { InvalidArgument, VllsiError } from '../../src/errors.js';
import { registerGate } from '../../src/platform.js';
import { confineLater } from '../../src/gate.js';

/** The native functions, one per `xs_vllsi_*` host function; the ones named as in the contract behave as it says. */
export interface NativeHal extends Pick<
  Hal,
  'dmb' | 'dsb' | 'isb' | 'interruptsSave' | 'interruptsRestore' | 'interruptsEnable' | 'coreId' | 'spinlockTryClaim' | 'spinlockRelease' | 'nowNs'
> {
  /** Undefined when the chip's memory map refuses the address (see vllsi_arch_regions). */
  load8(addr: number): number | undefined;
  load16(addr: number): number | undefined;
  load32(addr: number): number | undefined;
  /** False when the memory map refuses the address; nothing was written. */
  store8(addr: number, value: number): boolean;
  store16(addr: number, value: number): boolean;
  store32(addr: number, value: number): boolean;
  chip(): string;
  coreCount(): number;
  irqCount(): number;
  spinlockCount(): number;
  /** The hardware number of spinlock n (the native HAL claims free ones at init). */
  spinlockId(n: number): number;
  csAcquire(): number;
  csRelease(token: number): void;
  /** Does not return on a chip. */
  halt(reason: string): void;
  /**
   * Once, first: claims the chip's spinlocks (spinlockCount and spinlockId answer after it) and
   * arms the ISR hand-off; `dispatch(irq)` then runs in the XS task for each raised line.
   */
  init(dispatch: (irq: number) => void): void;
  /** 0, or IRQ_BUSY / IRQ_FAILED (vllsi_arch.h). */
  irqAttach(irq: number, attach: boolean): number;
  irqSetEnabled(irq: number, enabled: boolean): number;
}

const IRQ_BUSY = -1;

/** The interrupt controller or the SDK refused an IRQ operation; nothing changed. */
export class IrqError extends VllsiError<'IrqError'> {
  constructor(
    readonly irq: number,
    readonly reason: string,
  ) {
    super('IrqError', `IRQ ${irq}: ${reason}`);
  }
}

export interface XsHalOptions {
  /** Console output (`trace` on a device). */
  write(text: string): void;
}

export class XsHal implements Hal {
  readonly name: string;
  readonly coreCount: number;
  readonly spinlockCount: number;
  readonly irqCount: number;
  /** The hardware spinlocks the native HAL claimed for JS at init: spinlock n is spinlockIds[n]. */
  readonly spinlockIds: readonly number[];
  /** The natives themselves (no JS frame): interrupt code asks them on every handler and critical section. */
  readonly coreId: () => number;
  readonly nowNs: () => number;
  /** The RP2040's atomic alias windows (Hal.registerOf); no aliases on the ESP32s. */
  readonly registerOf: ((addr: number) => number) | undefined;
  // True private fields (#): code holding the HAL reaches the chip only through its gated methods.
  readonly #handlers: (IrqHandler | undefined)[];
  /** What the program asked irqSetEnabled for; the line is live only with a handler attached. */
  readonly #wanted: Uint8Array;
  readonly #native: NativeHal;

  constructor(
    native: NativeHal,
    private readonly options: XsHalOptions,
  ) {
    this.#native = native;
    // init first: the spinlocks are claimed there, from those the SDK left free.
    native.init(this.dispatch);
    this.coreId = native.coreId;
    this.nowNs = native.nowNs;
    this.name = `xs:${native.chip()}`;
    this.registerOf = native.chip() === 'rp2040' ? rp2040RegisterOf : undefined;
    this.coreCount = native.coreCount();
    this.spinlockCount = native.spinlockCount();
    this.spinlockIds = Object.freeze(Array.from({ length: this.spinlockCount }, (_, n) => native.spinlockId(n)));
    this.irqCount = native.irqCount();
    this.#handlers = new Array<IrqHandler | undefined>(this.irqCount).fill(undefined);
    this.#wanted = new Uint8Array(this.irqCount);
  }

  // Each access is one JS frame on the way to its native: under XS on an RP2040 every call (JS or
  // native) costs ~10k cycles, and register code (build-time inlined too) ends here. The checks
  // are inline; the helpers below only throw. `a >>> 0 === a` holds for integers in 0..2^32-1.
  // The sized access (src/bus.ts's) picks the native here; the width-named ones call theirs.
  load(addr: number, size: AccessSize): number {
    if (registerGate !== undefined) registerGate(addr, size); // gated however the HAL was reached
    if (size !== 4 && size !== 2 && size !== 1) badSize(size);
    const n = this.#native;
    const v =
      addr >>> 0 === addr && (addr & (size - 1)) === 0
        ? size === 4
          ? n.load32(addr)
          : size === 2
            ? n.load16(addr)
            : n.load8(addr)
        : badAddress(addr, size, 'read');
    return v === undefined ? this.unmapped(addr, size, 'read') : v;
  }
  store(addr: number, size: AccessSize, value: number): void {
    if (registerGate !== undefined) registerGate(addr, size);
    if (size !== 4 && size !== 2 && size !== 1) badSize(size);
    if (addr >>> 0 !== addr || (addr & (size - 1)) !== 0) badAddress(addr, size, 'write');
    if (value >>> 0 !== value || (size !== 4 && value >= 2 ** (size * 8))) badValue(addr, size, value);
    const n = this.#native;
    if (!(size === 4 ? n.store32(addr, value) : size === 2 ? n.store16(addr, value) : n.store8(addr, value))) this.unmapped(addr, size, 'write');
  }
  load8(addr: number): number {
    if (registerGate !== undefined) registerGate(addr, 1);
    const v = addr >>> 0 === addr ? this.#native.load8(addr) : badAddress(addr, 1, 'read');
    return v === undefined ? this.unmapped(addr, 1, 'read') : v;
  }
  load16(addr: number): number {
    if (registerGate !== undefined) registerGate(addr, 2);
    const v = addr >>> 0 === addr && (addr & 1) === 0 ? this.#native.load16(addr) : badAddress(addr, 2, 'read');
    return v === undefined ? this.unmapped(addr, 2, 'read') : v;
  }
  load32(addr: number): number {
    if (registerGate !== undefined) registerGate(addr, 4);
    const v = addr >>> 0 === addr && (addr & 3) === 0 ? this.#native.load32(addr) : badAddress(addr, 4, 'read');
    return v === undefined ? this.unmapped(addr, 4, 'read') : v;
  }
  store8(addr: number, value: number): void {
    if (registerGate !== undefined) registerGate(addr, 1);
    if (addr >>> 0 !== addr) badAddress(addr, 1, 'write');
    if (value >>> 0 !== value || value > 0xff) badValue(addr, 1, value);
    if (!this.#native.store8(addr, value)) this.unmapped(addr, 1, 'write');
  }
  store16(addr: number, value: number): void {
    if (registerGate !== undefined) registerGate(addr, 2);
    if (addr >>> 0 !== addr || (addr & 1) !== 0) badAddress(addr, 2, 'write');
    if (value >>> 0 !== value || value > 0xffff) badValue(addr, 2, value);
    if (!this.#native.store16(addr, value)) this.unmapped(addr, 2, 'write');
  }
  store32(addr: number, value: number): void {
    if (registerGate !== undefined) registerGate(addr, 4);
    if (addr >>> 0 !== addr || (addr & 3) !== 0) badAddress(addr, 4, 'write');
    if (value >>> 0 !== value) badValue(addr, 4, value);
    if (!this.#native.store32(addr, value)) this.unmapped(addr, 4, 'write');
  }

  private unmapped(addr: number, size: AccessSize, access: 'read' | 'write'): never {
    throw new BusFault(addr, size, access, 'unmapped', `outside the ${this.name} memory map`);
  }

  barrier(order: MemoryOrdering): void {
    if (order !== 'Relaxed') this.#native.dmb();
  }
  dmb(): void {
    this.#native.dmb();
  }
  dsb(): void {
    this.#native.dsb();
  }
  isb(): void {
    this.#native.isb();
  }

  interruptsSave(): number {
    return this.#native.interruptsSave();
  }
  interruptsRestore(state: number): void {
    this.#native.interruptsRestore(checkWord('interrupt state', state, 'interruptsSave'));
  }
  interruptsEnable(): void {
    this.#native.interruptsEnable();
  }

  /**
   * Attaches the native ISR to the line (on the calling core) and records the handler.
   * The handler runs later in the XS task, not in the ISR: see docs/native-hal.md.
   */
  irqSetHandler(irq: number, handler: IrqHandler | undefined): void {
    this.checkIrq(irq);
    if (handler === undefined) {
      this.#native.irqAttach(irq, false);
      this.#handlers[irq] = undefined;
      return;
    }
    if (typeof handler !== 'function') throw new InvalidArgument('IRQ handler', handler, 'must be a function or undefined');
    const status = this.#native.irqAttach(irq, true);
    if (status !== 0) {
      throw new IrqError(irq, status === IRQ_BUSY ? 'another handler owns this line (or no CPU interrupt is free)' : 'the SDK refused to attach the handler');
    }
    this.#handlers[irq] = confineLater(handler); // installed inside a sandbox: runs under it
    if (this.#wanted[irq]) this.setLine(irq, true);
  }

  /** Without a handler the choice is remembered and applied when one is attached. */
  irqSetEnabled(irq: number, enabled: boolean): void {
    this.checkIrq(irq);
    if (this.#handlers[irq] !== undefined) this.setLine(irq, enabled);
    this.#wanted[irq] = enabled ? 1 : 0;
  }

  private setLine(irq: number, enabled: boolean): void {
    if (this.#native.irqSetEnabled(irq, enabled) !== 0) throw new IrqError(irq, `the interrupt controller refused to ${enabled ? 'enable' : 'disable'} it`);
  }

  /**
   * Runs in the XS task for each line an ISR raised. The ISR masked the line (a level
   * source stays asserted until the handler clears it): it is unmasked again after the
   * handler if the program still wants it. A throwing handler cannot propagate anywhere
   * (there is no caller): it is reported on the console and the line stays enabled.
   */
  private readonly dispatch = (irq: number): void => {
    const handler = this.#handlers[irq];
    if (handler === undefined) return;
    try {
      handler(irq);
    } catch (e) {
      this.options.write(`vllsi: IRQ ${irq} handler threw: ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}\n`);
    } finally {
      if (this.#wanted[irq] && this.#handlers[irq] !== undefined) this.#native.irqSetEnabled(irq, true);
    }
  };

  private checkIrq(irq: number): void {
    this.checkIndex('IRQ', irq, this.irqCount);
  }

  spinlockTryClaim(n: number): boolean {
    return this.#native.spinlockTryClaim(this.checkLock(n));
  }
  spinlockRelease(n: number): void {
    this.#native.spinlockRelease(this.checkLock(n));
  }
  private checkLock(n: number): number {
    return this.checkIndex('spinlock', n, this.spinlockCount);
  }
  private checkIndex(what: string, n: number, count: number): number {
    if (!Number.isInteger(n) || n < 0 || n >= count) throw new InvalidArgument(what, n, `must be an integer in 0..${count - 1} on ${this.name}`);
    return n;
  }

  /**
   * Beyond the contract: the chip's own dual-core critical section (RP2040: interrupt
   * mask + SIO spinlock 31 with owner tracking; ESP32: the IDF critical-section mux).
   * Re-entrant on the owning core; hand the token back to criticalSectionRelease.
   */
  criticalSectionAcquire(): number {
    return this.#native.csAcquire();
  }
  criticalSectionRelease(token: number): void {
    this.#native.csRelease(checkWord('critical-section token', token, 'criticalSectionAcquire'));
  }

  debugWrite(text: string): void {
    this.options.write(text);
  }
  halt(reason: string): never {
    this.#native.halt(String(reason));
    throw new Halted(String(reason));
  }
}

/** A state or token handed back to the native: it must be what the native gave out, an unsigned 32-bit word. */
function checkWord(what: string, value: number, source: string): number {
  if (!Number.isInteger(value) || value < 0 || value > 0xffffffff) throw new InvalidArgument(what, value, `must be a value ${source} returned`);
  return value;
}

function badSize(size: unknown): never {
  throw new InvalidArgument('access size', size, 'must be 1, 2 or 4 (bytes)');
}

/** An address the access checks refused: not a 32-bit address, or misaligned. */
function badAddress(addr: number, size: AccessSize, access: 'read' | 'write'): never {
  if (!Number.isInteger(addr) || addr < 0 || addr > 0xffffffff) throw new BusFault(addr, size, access, 'unmapped', 'not a 32-bit address');
  throw new BusFault(addr, size, access, 'misaligned', `must be ${size}-byte aligned`);
}

function badValue(addr: number, size: AccessSize, value: number): never {
  throw new BusFault(addr, size, 'write', 'width', `value ${value} does not fit ${size * 8} bits`);
}
