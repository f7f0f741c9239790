// Typed errors shared by every module. See docs/decisions/errors.md for when an
// API throws one of these and when it returns `undefined` instead.

/**
 * Base class of every error vllsi throws: catch this to catch them all. `kind` is a stable
 * discriminant that survives minification (class names may not); `name` is the same string.
 * A subclass passes its kind (`class BadFree extends VllsiError<'BadFree'>`); a family whose
 * variants are told apart by kind (ContextError, InitError) takes a union of kinds.
 */
export class VllsiError<K extends string = string> extends Error {
  readonly kind: K;
  constructor(kind: K, message: string) {
    super(message);
    this.kind = kind;
    // An own property: on a Moddable device Error.prototype is frozen after preload, and an
    // assignment to the inherited `name` throws there.
    Object.defineProperty(this, 'name', { value: kind, writable: true, configurable: true });
  }
}

/** An OS-level failure: the raw code (errno, Win32 error) plus a readable message. */
export class OSError extends VllsiError<'OSError'> {
  constructor(
    readonly code: number,
    message: string,
    /** Symbolic name when known (`ENOENT`, `ERROR_LOCK_VIOLATION`). */
    readonly errname?: string,
  ) {
    super('OSError', message);
  }
}

/** A caller passed a value outside what the operation accepts. Nothing happened. */
export class InvalidArgument extends VllsiError<'InvalidArgument'> {
  constructor(
    readonly argument: string,
    readonly value: unknown,
    readonly reason: string,
  ) {
    super('InvalidArgument', `invalid ${argument} ${describe(value)}: ${reason}`);
  }
}

/** A bitfield caller contract (n < N, offset + width <= N) was broken; only the checked API throws it. */
export class BitfieldContractError extends VllsiError<'BitfieldContractError'> {
  constructor(
    readonly operation: string,
    message: string,
  ) {
    super('BitfieldContractError', `${operation}: ${message}`);
  }
}

/** A packed bitfield type was defined wrongly (widths, alignment, names), or given a value that does not fit. */
export class BitfieldDefinitionError extends VllsiError<'BitfieldDefinitionError'> {
  constructor(
    readonly typeName: string,
    message: string,
  ) {
    super('BitfieldDefinitionError', `${typeName}: ${message}`);
  }
}

/** Throws InvalidArgument unless `value` is a non-null object (the options and definition objects of the API). */
export function requireObject(what: string, value: unknown): void {
  if (value === null || (typeof value !== 'object' && typeof value !== 'function')) throw new InvalidArgument(what, value, 'must be an object');
}

/** Short, safe rendering of a value for error messages (no huge dumps, hex for integers). */
export function describe(value: unknown): string {
  if (typeof value === 'number') {
    return Number.isInteger(value) && value >= 0 ? `${value} (0x${value.toString(16)})` : String(value);
  }
  if (typeof value === 'bigint') return `${value}n (0x${value.toString(16)})`;
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? value.slice(0, 40) + '…' : value);
  if (value === null || value === undefined || typeof value === 'boolean') return String(value);
  return `a ${typeof value === 'object' ? ((value as object).constructor?.name ?? 'object') : typeof value}`;
}

/** `0x` and at least `digits` hex digits (8: a 32-bit address); a non-integer or negative number as it is. */
export function hex(n: number, digits = 8): string {
  // A padding of 2^53 would build a string until memory runs out.
  if (!Number.isInteger(digits) || digits < 0 || digits > 16) throw new InvalidArgument('hex digits', digits, 'must be an integer in 0..16');
  return Number.isInteger(n) && n >= 0 ? `0x${n.toString(16).padStart(digits, '0')}` : String(n);
}

/** An API was used before the part of the runtime it needs was set up (`init`, a HAL, an arena). */
export class NotInitialized extends VllsiError<'NotInitialized'> {
  constructor(
    readonly what: string,
    hint: string,
  ) {
    super('NotInitialized', `${what} is not initialised: ${hint}`);
  }
}

/** The platform cannot do this (no worker threads on the device, no MPU on the chip). Nothing happened. */
export class Unsupported extends VllsiError<'Unsupported'> {
  constructor(
    readonly operation: string,
    reason: string,
  ) {
    super('Unsupported', `${operation} is not supported: ${reason}`);
  }
}
