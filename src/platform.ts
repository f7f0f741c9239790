// The HAL binding: src/ reaches hardware only through the HAL bound here at
// initialisation (the runtime's init() calls bindHal with the board's HAL or the
// simulator's). Nothing in src/ keeps its own reference to a HAL: every access
// asks currentHal(), so rebinding (a test, a new simulated board) takes effect at once.
import type { Hal } from './hal.js';
import { InvalidArgument, VllsiError } from './errors.js';
import { PermissionDenied } from './gate.js';

/** A hardware operation ran before any HAL was bound (call `bindHal` at initialisation). */
export class HalNotBound extends VllsiError<'HalNotBound'> {
  constructor() {
    super('HalNotBound', 'no HAL is bound: initialise vllsi with bindHal(hal) (or init()) before touching hardware');
  }
}

let bound: Hal | undefined;

/**
 * The bound HAL while register accesses may go straight to it — a HAL is bound and no
 * permission sandbox is active — else undefined. Register code inlined at build time
 * (tools/xs-inline.js) reads this live binding and takes the checked path when it is
 * undefined, so inlining never bypasses a gate or hides HalNotBound.
 */
export let directHal: Hal | undefined;

/**
 * The register gate of the active permission sandbox (src/permissions.ts installs it on entry and
 * removes it on exit), else undefined. A hook rather than an import, so that register code does
 * not pull the sandbox machinery into a device bundle that never uses it. The bus path
 * (src/bus.ts) and vllsi's HALs (hal/sized-bus.ts, hal/xs) call it before every access, so a HAL
 * reached any way (currentHal(), a directHal kept from before the sandbox) is gated too.
 */
export let registerGate: ((addr: number, size: number) => void) | undefined;

/**
 * Installs the register gate and returns its remover, the only way to take it out again (the
 * sandbox that installed it keeps it). While a gate is installed no access is direct, and
 * installing another, or removing it with `setRegisterGate(undefined)`, is PermissionDenied.
 */
export function setRegisterGate(gate: ((addr: number, size: number) => void) | undefined): () => void {
  if (registerGate !== undefined) throw new PermissionDenied('register', 'setRegisterGate');
  if (gate === undefined) return () => {};
  if (typeof gate !== 'function') throw new InvalidArgument('register gate', gate, 'must be a function or undefined');
  registerGate = gate;
  directHal = undefined;
  let installed = true;
  return () => {
    if (installed) {
      registerGate = undefined;
      directHal = bound;
    }
    installed = false;
  };
}

/**
 * Makes `hal` the HAL every later hardware operation uses; returns the previous one. Inside a
 * sandbox it may only bind a first HAL (a confined thread's own), never replace one: a HAL bound
 * there would keep intercepting every access after the sandbox ended.
 */
export function bindHal(hal: Hal): Hal | undefined {
  if (registerGate !== undefined && bound !== undefined) throw new PermissionDenied('register', 'bindHal');
  if (hal === null || typeof hal !== 'object' || typeof hal.load !== 'function') {
    throw new InvalidHal(hal);
  }
  const previous = bound;
  bound = hal;
  directHal = registerGate === undefined ? bound : undefined;
  return previous;
}

/** Forgets the bound HAL (tests, shutdown); later hardware operations throw HalNotBound. */
export function unbindHal(): void {
  if (registerGate !== undefined) throw new PermissionDenied('register', 'unbindHal');
  bound = undefined;
  directHal = undefined;
}

/** The bound HAL; throws HalNotBound when there is none. */
export function currentHal(): Hal {
  if (bound === undefined) throw new HalNotBound();
  return bound;
}

/** The bound HAL or undefined (for code that can run before initialisation, e.g. logging). */
export function boundHal(): Hal | undefined {
  return bound;
}

/** bindHal was given something that is not a HAL. */
export class InvalidHal extends VllsiError<'InvalidHal'> {
  constructor(readonly value: unknown) {
    super('InvalidHal', `bindHal: ${value === null ? 'null' : typeof value} is not a HAL (an object implementing src/hal.ts)`);
  }
}
