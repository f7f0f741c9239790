// Typed errors of the host simulator. Like every vllsi error they subclass
// VllsiError and carry a stable `kind` (docs/decisions/errors.md).
import { VllsiError } from '../src/errors.js';

// BusFault lives in src/ (every HAL throws the same class, so `instanceof` works
// for code that catches it); re-exported here for the simulator's modules.
export { BusFault, type BusFaultReason, type BusAccess } from '../src/mmio.js';

/** Simulated time ran out before an awaited condition held (e.g. `waitForLine`). */
export class SimTimeout extends VllsiError {
  override readonly kind = 'SimTimeout';
  constructor(
    readonly waitedNs: number,
    message: string,
  ) {
    super(message);
    this.name = 'SimTimeout';
  }
}

/** A board description (boards/NAME/board.json) is malformed, or names a model the simulator lacks. */
export class BoardError extends VllsiError {
  override readonly kind = 'BoardError';
  constructor(
    readonly board: string,
    message: string,
  ) {
    super(`board ${JSON.stringify(board)}: ${message}`);
    this.name = 'BoardError';
  }
}

/** The simulated program used the simulator wrongly (e.g. a HAL call from a halted machine). */
export class SimStateError extends VllsiError {
  override readonly kind = 'SimStateError';
  constructor(message: string) {
    super(message);
    this.name = 'SimStateError';
  }
}

/** The simulated program halted the machine (`hal.halt`, e.g. after a panic). */
export class SimHalted extends VllsiError {
  override readonly kind = 'SimHalted';
  constructor(
    readonly reason: string,
    readonly atNs: number,
  ) {
    super(`machine halted at ${atNs} ns: ${reason}`);
    this.name = 'SimHalted';
  }
}

/** A firmware file `vllsi emulate` cannot load: not a UF2 or ELF, truncated, or placing data outside the chip's memory. */
export class FirmwareError extends VllsiError {
  override readonly kind = 'FirmwareError';
  constructor(
    readonly file: string,
    message: string,
  ) {
    super(`${file}: ${message}`);
    this.name = 'FirmwareError';
  }
}

/** A firmware built for another chip family (UF2 family ID, ELF machine). */
export class WrongFamily extends VllsiError {
  override readonly kind = 'WrongFamily';
  constructor(
    readonly file: string,
    /** What the file is for, e.g. 'rp2350-arm-s', 'Xtensa (ESP32)'. */
    readonly found: string,
    readonly expected: string,
  ) {
    super(`${file}: built for ${found}, not ${expected}`);
    this.name = 'WrongFamily';
  }
}

/** The firmware needs the RP2040 bootrom (it has a boot2 stage, or it called a ROM routine) and none was given. */
export class BootromMissing extends VllsiError {
  override readonly kind = 'BootromMissing';
  constructor(message: string) {
    super(`${message}: give the RP2040 bootrom with --bootrom FILE or VLLSI_RP2040_BOOTROM (see docs/emulate.md)`);
    this.name = 'BootromMissing';
  }
}

/** Where the emulated core stopped: address and, when the ELF has one, the function around it. */
export interface CodeLocation {
  readonly pc: number;
  /** `name+0xoffset`, when symbols are known. */
  readonly symbol: string | undefined;
}

function where(l: CodeLocation): string {
  return `PC 0x${l.pc.toString(16).padStart(8, '0')}${l.symbol ? ` (${l.symbol})` : ''}`;
}

/** The emulated core took a HardFault (bus error, undefined instruction, BKPT without a debugger...). */
export class HardFault extends VllsiError implements CodeLocation {
  override readonly kind = 'HardFault';
  constructor(
    readonly pc: number,
    readonly symbol: string | undefined,
    readonly reason: string,
    readonly atNs: number,
  ) {
    super(`HardFault at ${where({ pc, symbol })}: ${reason}`);
    this.name = 'HardFault';
  }
}

/** A fault while the HardFault (or NMI) handler ran: the Cortex-M0+ locks up (PC 0xFFFFFFFE) until reset. */
export class Lockup extends VllsiError implements CodeLocation {
  override readonly kind = 'Lockup';
  constructor(
    readonly pc: number,
    readonly symbol: string | undefined,
    readonly reason: string,
    readonly atNs: number,
    /** The HardFault that was being handled, if one was. */
    readonly first: HardFault | undefined,
  ) {
    super(`lockup at ${where({ pc, symbol })}: ${reason}${first ? `, in the handler of a ${first.message}` : ''}`);
    this.name = 'Lockup';
  }
}

/** The firmware produced no output (UART, USB, GPIO) for a given span of simulated time. */
export class FirmwareSilent extends VllsiError implements CodeLocation {
  override readonly kind = 'FirmwareSilent';
  constructor(
    readonly pc: number,
    readonly symbol: string | undefined,
    readonly silentNs: number,
    readonly atNs: number,
  ) {
    super(`no UART, USB or GPIO output for ${silentNs / 1e9} s of simulated time; the core is at ${where({ pc, symbol })}`);
    this.name = 'FirmwareSilent';
  }
}
