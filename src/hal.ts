// The HAL contract: the only door from src/ to hardware. A board's native HAL
// (hal/rp2040, hal/esp32 through hal/xs), the in-memory test HAL (test/support/mem-hal.ts) and the host
// simulator (host-sim/) implement it; src/ receives one at initialisation and never
// touches hardware any other way. The errors every HAL throws live here too, so
// `instanceof` works whichever HAL threw.
import { VllsiError, hex } from './errors.js';

/** Access width in bytes. */
export type AccessSize = 1 | 2 | 4;

export const MemoryOrdering = {
  Relaxed: 'Relaxed',
  Acquire: 'Acquire',
  Release: 'Release',
  AcqRel: 'AcqRel',
  SeqCst: 'SeqCst',
} as const;
export type MemoryOrdering = (typeof MemoryOrdering)[keyof typeof MemoryOrdering];

/** An IRQ handler. Runs with the IRQ's core context; must be short. */
export type IrqHandler = (irq: number) => void;

export interface Hal {
  /** Which implementation: e.g. 'sim:rpi-pico', 'xs:rp2040', 'mem' (in-memory test HAL). */
  readonly name: string;

  // --- Bus access ---------------------------------------------------------------
  // Addresses are unsigned 32-bit integers; values are unsigned and fit the width.
  // An access the bus cannot complete (unmapped, misaligned, wrong width) throws a
  // typed fault (BusFault); it never reads as zero.
  // `load`/`store` take the width as an AccessSize: the form the whole bus path uses (src/bus.ts,
  // the simulator's bus, its models), so no layer converts it (docs/architecture.md). The
  // width-named methods are the same accesses for code that spells one width (drivers, natives).
  load(addr: number, size: AccessSize): number;
  store(addr: number, size: AccessSize, value: number): void;
  load8(addr: number): number;
  load16(addr: number): number;
  load32(addr: number): number;
  store8(addr: number, value: number): void;
  store16(addr: number, value: number): void;
  store32(addr: number, value: number): void;
  /**
   * The address of the register an access at `addr` acts on: `addr` itself, except in an atomic
   * alias window (RP2040: +0x1000 XOR, +0x2000 SET, +0x3000 CLR act on the register that much
   * lower). Optional: absent means no aliases. The permission sandbox judges an access by it.
   */
  registerOf?(addr: number): number;

  // --- Ordering ---------------------------------------------------------------------
  barrier(order: MemoryOrdering): void;
  /** Data memory barrier (ARM `dmb`, Xtensa `memw`, RISC-V `fence`). */
  dmb(): void;
  /** Data synchronisation barrier. */
  dsb(): void;
  /** Instruction synchronisation barrier. */
  isb(): void;

  // --- Interrupts (current core) ------------------------------------------------------
  /** Masks interrupts on the calling core; returns the previous state (e.g. PRIMASK) to restore. */
  interruptsSave(): number;
  /** Restores a state returned by interruptsSave (re-enables only if they were enabled). */
  interruptsRestore(state: number): void;
  /** Unmasks interrupts on the calling core unconditionally. */
  interruptsEnable(): void;
  /** Registers (or with `undefined`, removes) the handler of an IRQ line. */
  irqSetHandler(irq: number, handler: IrqHandler | undefined): void;
  /** Enables or disables delivery of one IRQ line at the controller. */
  irqSetEnabled(irq: number, enabled: boolean): void;

  // --- Multicore ----------------------------------------------------------------------
  readonly coreCount: number;
  /** Index of the calling core (RP2040: SIO CPUID). */
  coreId(): number;
  readonly spinlockCount: number;
  /** One attempt to claim hardware spinlock `n`; true when claimed. */
  spinlockTryClaim(n: number): boolean;
  spinlockRelease(n: number): void;
  /**
   * Called by busy-wait loops (a spinlock held by another core) between attempts, like
   * ARM `wfe`: a HAL may let the other core run here. Optional: without it the loop just
   * retries. A HAL where nothing else can ever run (an in-memory test HAL) throws a typed
   * error instead of letting the loop spin forever.
   */
  waitForEvent?(): void;

  // --- Time and platform --------------------------------------------------------------------
  /** Monotonic time in nanoseconds (simulated time in the simulator). */
  nowNs(): number;
  /** Writes text to the platform's debug/console output (logging; never permission-gated). */
  debugWrite(text: string): void;
  /** Stops the machine for good (after a panic). */
  halt(reason: string): never;
}

/**
 * `registerOf` of an RP2040: every APB and AHB-Lite peripheral (0x40000000 up to SIO at
 * 0xd0000000) answers at four addresses per register: itself, +0x1000 XOR, +0x2000 SET and
 * +0x3000 CLR (datasheet 2.1.2); SIO, the PPB and memory have no aliases.
 */
export function rp2040RegisterOf(addr: number): number {
  return addr >= 0x40000000 && addr < 0xd0000000 ? (addr & ~0x3000) >>> 0 : addr;
}

/** Why the bus refused an access. */
export type BusFaultReason = 'unmapped' | 'misaligned' | 'width' | 'unmodelled' | 'read-only' | 'protection' | 'injected';

/** A data read, a data write, or an instruction fetch (the simulator's bus models fetches for OS memory's Exec protection). */
export type BusAccess = 'read' | 'write' | 'fetch';

/**
 * An access the bus cannot complete (unmapped, misaligned, wrong width, read-only): a
 * HardFault. HALs throw it (the simulator's bus, the in-memory HAL); the access had no effect.
 */
export class BusFault extends VllsiError<'BusFault'> {
  constructor(
    readonly address: number,
    /** Access width in bytes. */
    readonly size: AccessSize,
    readonly access: BusAccess,
    readonly reason: BusFaultReason,
    readonly detail: string,
  ) {
    // The address once, in hex (as datasheets and debuggers show it).
    super('BusFault', `bus fault: ${size * 8}-bit ${access} at ${hex(address >>> 0)}: ${detail}`);
  }
}

/** `halt()` stopped the machine (a HAL whose halt can return to JS throws it: the in-memory HAL, the simulator, stand-in natives). */
export class Halted<K extends string = 'Halted'> extends VllsiError<K> {
  constructor(
    readonly reason: string,
    message = `halted: ${reason}`,
    kind = 'Halted' as K,
  ) {
    super(kind, message);
  }
}
