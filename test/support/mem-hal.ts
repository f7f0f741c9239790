// A portable in-memory HAL: RAM regions as DataViews, N cores with a settable
// current core, per-core interrupt masks, hardware spinlocks, and a per-core IRQ
// table (handler, enabled, pending) that defers delivery while a core is masked.
// It stands in for absent hardware in the portable tests (Node and XS) and the benches; the
// full board models (peripherals, simulated time, traces) are the host simulator's. A test
// helper, not part of the package. Its access record speaks the simulator's trace vocabulary
// (host-sim/trace.ts TraceEntry: op 'read' | 'write', addr, size, value, core, t).
//
// Nothing runs concurrently here: a "core" is just the value of `currentCore`. An IRQ
// raised for another core runs its handler at once with `currentCore` switched to it,
// as if that core took the exception. A busy-wait on a spinlock another core holds
// calls `onWait` (a test makes the other core progress there) or throws Deadlock.
import { BusFault, Halted, type AccessSize, type Hal, type IrqHandler, type MemoryOrdering } from '../../src/hal.js';
import { SizedBus } from '../../hal/sized-bus.js';
import { InvalidArgument, VllsiError } from '../../src/errors.js';
import { confineLater } from '../../src/gate.js';
import { registerGate } from '../../src/platform.js';

export interface MemRegionOptions {
  readonly name: string;
  readonly base: number;
  /** Bytes. */
  readonly size: number;
  /** Stores fault. */
  readonly readOnly?: boolean;
  /**
   * RP2040-style atomic aliases: stores at +0x1000/+0x2000/+0x3000 XOR/SET/CLR the word
   * at the same offset in the region (size <= 0x1000); loads there read that word.
   */
  readonly atomicAliases?: boolean;
}

export interface MemHalOptions {
  readonly regions: readonly MemRegionOptions[];
  /** Default 2. */
  readonly cores?: number;
  /** Default 32. */
  readonly spinlocks?: number;
  /** IRQ lines per core; default 32. */
  readonly irqs?: number;
  /** Record every bus access in `accesses`. */
  readonly trace?: boolean;
}

/** One recorded bus access, as host-sim/trace.ts's TraceEntry names it. */
export interface MemAccess {
  /** timeNs when it happened. */
  readonly t: number;
  readonly core: number;
  readonly op: 'read' | 'write';
  readonly addr: number;
  readonly size: AccessSize;
  readonly value: number;
}

/** A device behind one word: how loads and stores of it behave (W1C flags, FIFOs...). */
export interface MemDevice {
  /** The value a load returns; `stored` is the word in memory. */
  load?(stored: number): number;
  /** The word that memory holds after a store of `value` over `stored`. */
  store?(value: number, stored: number): number;
}

/** A busy-wait that nothing can ever end (the in-memory HAL runs no other core). */
export class Deadlock extends VllsiError<'Deadlock'> {
  constructor(message: string) {
    super('Deadlock', message);
  }
}

interface Region {
  readonly name: string;
  readonly base: number;
  /** Bytes of address space, aliases included. */
  readonly span: number;
  readonly size: number;
  readonly view: DataView;
  readonly readOnly: boolean;
  readonly aliases: boolean;
}

interface CoreIrqs {
  readonly handlers: (IrqHandler | undefined)[];
  readonly enabled: Uint8Array;
  readonly pending: Uint8Array;
  /** An IRQ handler is running (same priority: no preemption). */
  active: boolean;
  /** PRIMASK: 1 = masked. */
  primask: number;
}

export class MemHal extends SizedBus implements Hal {
  readonly name = 'mem';
  readonly coreCount: number;
  readonly spinlockCount: number;
  readonly irqCount: number;
  /** The core the next call comes from; tests set it to act as another core. */
  currentCore = 0;
  /** Monotonic time in ns; tests advance it. */
  timeNs = 0;
  /** Everything debugWrite wrote. */
  console = '';
  /** Recorded accesses (with `trace: true`). */
  readonly accesses: MemAccess[] = [];
  /** Barriers issued, by kind ('dmb', 'dsb', 'isb' or an ordering). */
  readonly barriers: string[] = [];
  /** Called by waitForEvent (a spin loop that cannot claim a spinlock); without it that is a Deadlock. */
  onWait: (() => void) | undefined;
  /** How many times waitForEvent was called. */
  waits = 0;

  private readonly regions: Region[];
  private readonly tracing: boolean;
  private readonly devices = new Map<number, MemDevice>();
  /** Owner core + 1 of each spinlock, 0 = free. */
  private readonly locks: Uint8Array;
  private readonly cores: CoreIrqs[];

  constructor(options: MemHalOptions) {
    super();
    this.coreCount = options.cores ?? 2;
    this.spinlockCount = options.spinlocks ?? 32;
    this.irqCount = options.irqs ?? 32;
    for (const [what, v] of [
      ['cores', this.coreCount],
      ['spinlocks', this.spinlockCount],
      ['irqs', this.irqCount],
    ] as const) {
      if (!Number.isInteger(v) || v < (what === 'cores' ? 1 : 0) || v > 255)
        throw new InvalidArgument(`MemHal ${what}`, v, 'must be an integer in 0..255 (cores >= 1)');
    }
    this.tracing = options.trace === true;
    this.regions = options.regions.map((r) => {
      const span = r.atomicAliases ? 0x4000 : r.size;
      if (
        !Number.isInteger(r.base) ||
        !Number.isInteger(r.size) ||
        r.base < 0 ||
        r.size <= 0 ||
        r.base + span > 0x100000000 ||
        (r.atomicAliases && r.size > 0x1000)
      ) {
        throw new InvalidArgument(
          `MemHal region ${r.name}`,
          r.base,
          `base ${r.base} size ${r.size} is not a valid 32-bit range${r.atomicAliases ? ' (atomic aliases need size <= 0x1000)' : ''}`,
        );
      }
      return {
        name: r.name,
        base: r.base,
        span,
        size: r.size,
        view: new DataView(new ArrayBuffer(r.size)),
        readOnly: r.readOnly === true,
        aliases: r.atomicAliases === true,
      };
    });
    const sorted = [...this.regions].sort((a, b) => a.base - b.base);
    for (let i = 1; i < sorted.length; i++) {
      if (sorted[i]!.base < sorted[i - 1]!.base + sorted[i - 1]!.span)
        throw new InvalidArgument('MemHal region', sorted[i]!.name, `overlaps ${sorted[i - 1]!.name}`);
    }
    this.locks = new Uint8Array(this.spinlockCount);
    this.cores = Array.from({ length: this.coreCount }, () => ({
      handlers: new Array<IrqHandler | undefined>(this.irqCount).fill(undefined),
      enabled: new Uint8Array(this.irqCount),
      pending: new Uint8Array(this.irqCount),
      active: false,
      primask: 0,
    }));
  }

  // --- Bus (load/store; load8..store32 come from SizedBus) ------------------------------

  /** Hal.registerOf: in a region with atomic aliases, +0x1000/+0x2000/+0x3000 act on the word below. */
  registerOf(addr: number): number {
    for (const r of this.regions) {
      if (r.aliases && addr >= r.base + 0x1000 && addr < r.base + r.span) return r.base + ((addr - r.base) & 0xfff);
    }
    return addr;
  }

  /** Puts a device behind the word at `addr` for 32-bit accesses (tests model W1C flags, FIFOs...). */
  device(addr: number, device: MemDevice | undefined): void {
    if (device === undefined) this.devices.delete(addr);
    else this.devices.set(addr, device);
  }

  /** Reads memory without a bus access (no trace, no device): for test assertions. */
  peek32(addr: number): number {
    return this.locate(addr, 4, 'read').view.getUint32(this.hitOffset, true);
  }

  /** Writes memory without a bus access: for test set-up. */
  poke32(addr: number, value: number): void {
    this.locate(addr, 4, 'read').view.setUint32(this.hitOffset, value >>> 0, true);
  }

  // locate() leaves the offset here rather than allocating a pair per access.
  private hitOffset = 0;

  private locate(addr: number, size: AccessSize, access: 'read' | 'write'): Region {
    if (!Number.isInteger(addr) || addr < 0 || addr > 0xffffffff) throw new BusFault(addr, size, access, 'unmapped', 'not a 32-bit address');
    if (addr % size !== 0) throw new BusFault(addr, size, access, 'misaligned', `must be ${size}-byte aligned`);
    for (const r of this.regions) {
      if (addr >= r.base && addr < r.base + r.span) {
        const off = r.aliases ? (addr - r.base) & 0xfff : addr - r.base;
        if (off + size > r.size) break;
        this.hitOffset = off;
        return r;
      }
    }
    throw new BusFault(addr, size, access, 'unmapped', 'no region is mapped there');
  }

  load(addr: number, size: AccessSize): number {
    if (registerGate !== undefined) registerGate(addr, size); // gated however the HAL was reached
    const r = this.locate(addr, size, 'read');
    const off = this.hitOffset;
    let v = size === 4 ? r.view.getUint32(off, true) : size === 2 ? r.view.getUint16(off, true) : r.view.getUint8(off);
    const dev = size === 4 && this.devices.size > 0 ? this.devices.get(r.base + off) : undefined;
    if (dev?.load) v = dev.load(v) >>> 0;
    if (this.tracing) this.accesses.push({ t: this.timeNs, core: this.currentCore, op: 'read', addr, size, value: v });
    return v;
  }

  store(addr: number, size: AccessSize, value: number): void {
    if (registerGate !== undefined) registerGate(addr, size);
    const r = this.locate(addr, size, 'write');
    const off = this.hitOffset;
    if (r.readOnly) throw new BusFault(addr, size, 'write', 'read-only', `region ${r.name} is read-only`);
    if (!Number.isInteger(value) || value < 0 || value >= 2 ** (size * 8))
      throw new BusFault(addr, size, 'write', 'width', `value ${value} does not fit ${size * 8} bits`);
    const alias = r.aliases ? (addr - r.base) >>> 12 : 0;
    if (alias !== 0 && size !== 4) throw new BusFault(addr, size, 'write', 'width', 'atomic aliases take 32-bit stores only');
    if (this.tracing) this.accesses.push({ t: this.timeNs, core: this.currentCore, op: 'write', addr, size, value });
    let v = value;
    if (alias !== 0) {
      const old = r.view.getUint32(off, true);
      v = (alias === 1 ? old ^ value : alias === 2 ? old | value : old & ~value) >>> 0;
    }
    const dev = size === 4 && this.devices.size > 0 ? this.devices.get(r.base + off) : undefined;
    if (dev?.store) v = dev.store(v, r.view.getUint32(off, true)) >>> 0;
    if (size === 4) r.view.setUint32(off, v, true);
    else if (size === 2) r.view.setUint16(off, v, true);
    else r.view.setUint8(off, v);
  }

  // --- Ordering (recorded: there is nothing to order in one thread) -------------------------

  barrier(order: MemoryOrdering): void {
    this.barriers.push(order);
  }
  dmb(): void {
    this.barriers.push('dmb');
  }
  dsb(): void {
    this.barriers.push('dsb');
  }
  isb(): void {
    this.barriers.push('isb');
  }

  // --- Interrupts -----------------------------------------------------------------------------

  interruptsSave(): number {
    const c = this.cores[this.currentCore]!;
    const was = c.primask;
    c.primask = 1;
    return was;
  }

  interruptsRestore(state: number): void {
    if (state !== 0 && state !== 1) throw new InvalidArgument('interrupt state', state, 'must be a value interruptsSave returned (0 or 1)');
    this.cores[this.currentCore]!.primask = state;
    if (state === 0) this.deliver(this.currentCore);
  }

  interruptsEnable(): void {
    this.cores[this.currentCore]!.primask = 0;
    this.deliver(this.currentCore);
  }

  irqSetHandler(irq: number, handler: IrqHandler | undefined): void {
    this.checkIrq(irq);
    this.cores[this.currentCore]!.handlers[irq] = confineLater(handler); // installed inside a sandbox: runs under it
    if (handler) this.deliver(this.currentCore);
  }

  irqSetEnabled(irq: number, enabled: boolean): void {
    this.checkIrq(irq);
    this.cores[this.currentCore]!.enabled[irq] = enabled ? 1 : 0;
    if (enabled) this.deliver(this.currentCore);
  }

  /** Raises IRQ `irq` on `core`: its handler runs now, or once the core unmasks / enables it. */
  raise(irq: number, core = this.currentCore): void {
    this.checkIrq(irq);
    this.checkCore(core);
    this.cores[core]!.pending[irq] = 1;
    this.deliver(core);
  }

  isPending(irq: number, core = this.currentCore): boolean {
    this.checkIrq(irq);
    this.checkCore(core);
    return this.cores[core]!.pending[irq] === 1;
  }

  /** Interrupts are masked on `core`. */
  isMasked(core = this.currentCore): boolean {
    this.checkCore(core);
    return this.cores[core]!.primask === 1;
  }

  /** Runs `fn` as `core` (then switches back). */
  onCore<T>(core: number, fn: () => T): T {
    this.checkCore(core);
    const prev = this.currentCore;
    this.currentCore = core;
    try {
      return fn();
    } finally {
      this.currentCore = prev;
    }
  }

  private deliver(core: number): void {
    const c = this.cores[core]!;
    while (c.primask === 0 && !c.active) {
      let irq = -1;
      for (let i = 0; i < this.irqCount; i++) {
        if (c.pending[i] && c.enabled[i] && c.handlers[i]) {
          irq = i;
          break;
        }
      }
      if (irq < 0) return;
      c.pending[irq] = 0;
      c.active = true;
      const prev = this.currentCore;
      this.currentCore = core;
      try {
        c.handlers[irq]!(irq);
      } finally {
        c.active = false;
        this.currentCore = prev;
      }
    }
  }

  private checkIrq(irq: number): void {
    if (!Number.isInteger(irq) || irq < 0 || irq >= this.irqCount)
      throw new InvalidArgument('IRQ number', irq, `must be an integer in 0..${this.irqCount - 1}`);
  }

  private checkCore(core: number): void {
    if (!Number.isInteger(core) || core < 0 || core >= this.coreCount)
      throw new InvalidArgument('core', core, `must be an integer in 0..${this.coreCount - 1}`);
  }

  // --- Multicore -------------------------------------------------------------------------------

  coreId(): number {
    return this.currentCore;
  }

  spinlockTryClaim(n: number): boolean {
    this.checkLock(n);
    if (this.locks[n] !== 0) return false;
    this.locks[n] = this.currentCore + 1;
    return true;
  }

  spinlockRelease(n: number): void {
    this.checkLock(n);
    this.locks[n] = 0;
  }

  /** The core holding spinlock `n`, or undefined when it is free (for assertions). */
  spinlockOwner(n: number): number | undefined {
    this.checkLock(n);
    return this.locks[n] === 0 ? undefined : this.locks[n]! - 1;
  }

  waitForEvent(): void {
    this.waits++;
    if (this.onWait) this.onWait();
    else
      throw new Deadlock(
        `core ${this.currentCore} busy-waits for a spinlock another core holds, and nothing else runs in the in-memory HAL (set onWait to let the other core progress)`,
      );
  }

  private checkLock(n: number): void {
    if (!Number.isInteger(n) || n < 0 || n >= this.spinlockCount)
      throw new InvalidArgument('spinlock', n, `must be an integer in 0..${this.spinlockCount - 1}`);
  }

  // --- Time and platform --------------------------------------------------------------------------

  nowNs(): number {
    return this.timeNs;
  }

  debugWrite(text: string): void {
    this.console += text;
  }

  halt(reason: string): never {
    throw new Halted(reason);
  }
}
