// Typed errors of the host simulator. Like every vllsi error they subclass
// VllsiError and carry a stable `kind` (docs/decisions/errors.md).
import { VllsiError, hex } from '../src/errors.js';
import { Halted } from '../src/hal.js';

/** Simulated time ran out before an awaited condition held (e.g. `waitForLine`). */
export class SimTimeout extends VllsiError<'SimTimeout'> {
  constructor(
    readonly waitedNs: number,
    message: string,
  ) {
    super('SimTimeout', message);
  }
}

/** The simulated program used the simulator wrongly (e.g. a HAL call from a halted machine). */
export class SimStateError extends VllsiError<'SimStateError'> {
  constructor(message: string) {
    super('SimStateError', message);
  }
}

/** The simulated program halted the machine (`hal.halt`, e.g. after a panic): a Halted that knows when. */
export class SimHalted extends Halted<'SimHalted'> {
  constructor(
    reason: string,
    readonly atNs: number,
  ) {
    super(reason, `machine halted at ${atNs} ns: ${reason}`, 'SimHalted');
  }
}

/** A firmware file `vllsi emulate` cannot load: not a UF2 or ELF, truncated, or placing data outside the chip's memory. */
export class FirmwareError extends VllsiError<'FirmwareError'> {
  constructor(
    readonly file: string,
    message: string,
  ) {
    super('FirmwareError', `${file}: ${message}`);
  }
}

/** A firmware built for another chip family (UF2 family ID, ELF machine). */
export class WrongFamily extends VllsiError<'WrongFamily'> {
  constructor(
    readonly file: string,
    /** What the file is for, e.g. 'rp2350-arm-s', 'Xtensa (ESP32)'. */
    readonly found: string,
    readonly expected: string,
  ) {
    super('WrongFamily', `${file}: built for ${found}, not ${expected}`);
  }
}

/** The firmware needs the RP2040 bootrom (it has a boot2 stage, or it called a ROM routine) and none was given. */
export class BootromMissing extends VllsiError<'BootromMissing'> {
  constructor(message: string) {
    super('BootromMissing', `${message}: give the RP2040 bootrom with --bootrom FILE or VLLSI_RP2040_BOOTROM (see docs/emulate.md)`);
  }
}

/** Where the emulated core stopped: address and, when the ELF has one, the function around it. */
export interface CodeLocation {
  readonly pc: number;
  /** `name+0xoffset`, when symbols are known. */
  readonly symbol: string | undefined;
}

function where(l: CodeLocation): string {
  return `PC ${hex(l.pc)}${l.symbol ? ` (${l.symbol})` : ''}`;
}

/** The emulated core took a HardFault (bus error, undefined instruction, BKPT without a debugger...). */
export class HardFault extends VllsiError<'HardFault'> implements CodeLocation {
  constructor(
    readonly pc: number,
    readonly symbol: string | undefined,
    readonly reason: string,
    readonly atNs: number,
  ) {
    super('HardFault', `HardFault at ${where({ pc, symbol })}: ${reason}`);
  }
}

/** A fault while the HardFault (or NMI) handler ran: the Cortex-M0+ locks up (PC 0xFFFFFFFE) until reset. */
export class Lockup extends VllsiError<'Lockup'> implements CodeLocation {
  constructor(
    readonly pc: number,
    readonly symbol: string | undefined,
    readonly reason: string,
    readonly atNs: number,
    /** The HardFault that was being handled, if one was. */
    readonly first: HardFault | undefined,
  ) {
    super('Lockup', `lockup at ${where({ pc, symbol })}: ${reason}${first ? `, in the handler of a ${first.message}` : ''}`);
  }
}

/** The firmware produced no output (UART, USB, GPIO) for a given span of simulated time. */
export class FirmwareSilent extends VllsiError<'FirmwareSilent'> implements CodeLocation {
  constructor(
    readonly pc: number,
    readonly symbol: string | undefined,
    readonly silentNs: number,
    readonly atNs: number,
  ) {
    super('FirmwareSilent', `no UART, USB or GPIO output for ${silentNs / 1e9} s of simulated time; the core is at ${where({ pc, symbol })}`);
  }
}

/**
 * Code that never returns to idle was stopped: a `main` or handler looping past the wall-time
 * guard, or a handler re-entered endlessly because it never clears its interrupt source.
 */
export class SimRunaway extends VllsiError<'SimRunaway'> {
  constructor(message: string) {
    super('SimRunaway', message);
  }
}

/**
 * The chip reset under running code (a brown-out): thrown out of every HAL call of that code until
 * it has unwound to the machine, which then resets the chip. It never reaches a test.
 */
export class ChipReset extends VllsiError<'ChipReset'> {
  constructor(readonly reason: string) {
    super('ChipReset', `the chip reset (${reason}) under the running code: it stops here`);
  }
}
