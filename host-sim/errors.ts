// Typed errors of the host simulator. Like every vllsi error they subclass
// VllsiError and carry a stable `kind` (docs/decisions/errors.md).
import { VllsiError } from '../src/errors.js';
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
