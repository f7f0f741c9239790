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

/**
 * Code that never returns to idle was stopped: a `main` or handler looping past the wall-time
 * guard, or a handler re-entered endlessly because it never clears its interrupt source.
 */
export class SimRunaway extends VllsiError {
  override readonly kind = 'SimRunaway';
  constructor(message: string) {
    super(message);
    this.name = 'SimRunaway';
  }
}
