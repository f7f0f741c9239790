// Typed errors shared by every module. See docs/decisions/errors.md for when an
// API throws one of these and when it returns `undefined` instead.

/** Base class of every error vllsi throws: catch this to catch them all. */
export class VllsiError extends Error {
  /** Stable discriminant; survives minification (class names may not). */
  readonly kind: string = 'VllsiError';
  constructor(message: string) {
    super(message);
    this.name = 'VllsiError';
  }
}

/** Base of an error family whose variants are told apart by `kind` (ContextError, InitError). */
export class VariantError<K extends string> extends VllsiError {
  override readonly kind: K;
  constructor(kind: K, message: string) {
    super(message);
    this.kind = kind;
    this.name = kind;
  }
}

/** An OS-level failure: the raw code (errno, Win32 error) plus a readable message. */
export class OSError extends VllsiError {
  override readonly kind = 'OSError';
  constructor(
    readonly code: number,
    message: string,
    /** Symbolic name when known (`ENOENT`, `ERROR_LOCK_VIOLATION`). */
    readonly errname?: string,
  ) {
    super(message);
    this.name = 'OSError';
  }
}

/** A caller passed a value outside what the operation accepts. Nothing happened. */
export class InvalidArgument extends VllsiError {
  override readonly kind = 'InvalidArgument';
  constructor(
    readonly argument: string,
    readonly value: unknown,
    readonly reason: string,
  ) {
    super(`invalid ${argument} ${describe(value)}: ${reason}`);
    this.name = 'InvalidArgument';
  }
}

/** A bitfield caller contract (n < N, offset + width <= N) was broken; only the checked API throws it. */
export class BitfieldContractError extends VllsiError {
  override readonly kind = 'BitfieldContractError';
  constructor(
    readonly operation: string,
    message: string,
  ) {
    super(`${operation}: ${message}`);
    this.name = 'BitfieldContractError';
  }
}

/** A packed bitfield type was defined wrongly (widths, alignment, names), or given a value that does not fit. */
export class BitfieldDefinitionError extends VllsiError {
  override readonly kind = 'BitfieldDefinitionError';
  constructor(
    readonly typeName: string,
    message: string,
  ) {
    super(`${typeName}: ${message}`);
    this.name = 'BitfieldDefinitionError';
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
  return `a ${typeof value === 'object' ? (value as object).constructor?.name ?? 'object' : typeof value}`;
}

/** An API was used before the part of the runtime it needs was set up (`init`, a HAL, an arena). */
export class NotInitialized extends VllsiError {
  override readonly kind = 'NotInitialized';
  constructor(
    readonly what: string,
    hint: string,
  ) {
    super(`${what} is not initialised: ${hint}`);
    this.name = 'NotInitialized';
  }
}

/** The platform cannot do this (no worker threads on the device, no MPU on the chip). Nothing happened. */
export class Unsupported extends VllsiError {
  override readonly kind = 'Unsupported';
  constructor(
    readonly operation: string,
    reason: string,
  ) {
    super(`${operation} is not supported: ${reason}`);
    this.name = 'Unsupported';
  }
}
