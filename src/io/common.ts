// What every ECMA-419 IO class shares (IO Class Pattern, ECMA-419 2nd edition ch. 9):
// options-object validation with the errors the standard names (TypeError for a
// missing or mistyped property, RangeError for a value out of range), exclusive use of
// pins and buses with release on close, callbacks, `target`, `format`, buffers.
//
// Claims and interrupt dispatch tables live per HAL (a WeakMap made on first use, as
// src/interrupt.ts keeps its state), so two simulated boards in one process never share them.
import type { Hal } from '../hal.js';
import type { FieldDef } from '../register_def.js';
import { VllsiError, describe } from '../errors.js';
import { currentHal } from '../platform.js';
import { confineLater } from '../gate.js';
import { disableIrq, enableIrq, setInterruptHandler } from '../interrupt.js';

/** The bits of field `f` in its register. */
export const fieldMask = (f: FieldDef): number => (f.bitWidth >= 32 ? 0xffffffff : ((1 << f.bitWidth) - 1) << f.bitOffset) >>> 0;

/** A property of the options object has the wrong type, or a required one is missing (ECMA-419: TypeError). */
export class IoTypeError extends TypeError {
  readonly kind = 'IoTypeError';
  constructor(message: string) {
    super(message); // name: TypeError's own (assigning it would throw on a device, where Error prototypes are frozen)
  }
}

/** A property of the options object, or an argument, is out of range (ECMA-419: RangeError). */
export class IoRangeError extends RangeError {
  readonly kind = 'IoRangeError';
  constructor(message: string) {
    super(message); // name: RangeError's own, as for IoTypeError
  }
}

/** A pin or bus is already used by another open IO instance. */
export class ResourceInUse extends VllsiError<'ResourceInUse'> {
  constructor(readonly resource: string) {
    super('ResourceInUse', `${resource} is already in use (close the instance that holds it first)`);
  }
}

/** A method other than close was called on a closed instance. */
export class IoClosed extends VllsiError<'IoClosed'> {
  constructor(cls: string, method: string) {
    super('IoClosed', `${cls}.${method}() on a closed instance`);
  }
}

/** The operation is not defined for this instance (e.g. write on a digital input). */
export class IoUnsupported extends VllsiError<'IoUnsupported'> {
  constructor(message: string) {
    super('IoUnsupported', message);
  }
}

/** The hardware could not complete a transfer (an I2C NACK, a full output FIFO). Nothing was transferred beyond what `message` says. */
export class IoError extends VllsiError<'IoError'> {
  constructor(message: string) {
    super('IoError', message);
  }
}

export type Options = Readonly<Record<string, unknown>>;

/** The options object: ECMA-419 requires an object (TypeError otherwise). */
export function optionsOf(options: unknown, cls: string): Options {
  if (typeof options !== 'object' || options === null) throw new IoTypeError(`${cls}: the options argument must be an object, got ${describe(options)}`);
  return options as Options;
}

/** An integer property in min..max; `undefined` when absent and not required. */
export function intOption(o: Options, name: string, cls: string, min: number, max: number, required: boolean): number | undefined {
  const v = o[name];
  if (v === undefined) {
    if (required) throw new IoTypeError(`${cls}: options.${name} is required`);
    return undefined;
  }
  if (typeof v !== 'number') throw new IoTypeError(`${cls}: options.${name} must be a number, got ${describe(v)}`);
  if (!Number.isInteger(v) || v < min || v > max) throw new IoRangeError(`${cls}: options.${name} must be an integer in ${min}..${max}, got ${describe(v)}`);
  return v;
}

/** A numeric property in min..max (not necessarily an integer: hz, baud). */
export function numberOption(o: Options, name: string, cls: string, min: number, max: number, required: boolean): number | undefined {
  const v = o[name];
  if (v === undefined) {
    if (required) throw new IoTypeError(`${cls}: options.${name} is required`);
    return undefined;
  }
  if (typeof v !== 'number') throw new IoTypeError(`${cls}: options.${name} must be a number, got ${describe(v)}`);
  if (!(v >= min && v <= max)) throw new IoRangeError(`${cls}: options.${name} must be in ${min}..${max}, got ${describe(v)}`);
  return v;
}

/** A callback property: absent or a function (TypeError otherwise). */
export function callbackOption(o: Options, name: string, cls: string): ((...args: never[]) => unknown) | undefined {
  const v = o[name];
  if (v === undefined) return undefined;
  if (typeof v !== 'function') throw new IoTypeError(`${cls}: options.${name} must be a function, got ${describe(v)}`);
  // Given inside a permission sandbox: it runs under that sandbox whenever it is called back.
  return confineLater(v as (...args: never[]) => unknown);
}

/** The `format` property: one of `allowed` (RangeError otherwise); `fallback` when absent. */
export function formatOption<F extends string>(value: unknown, allowed: readonly F[], fallback: F, cls: string): F {
  if (value === undefined) return fallback;
  if (typeof value !== 'string') throw new IoTypeError(`${cls}: format must be a string, got ${describe(value)}`);
  if (!(allowed as readonly string[]).includes(value))
    throw new IoRangeError(`${cls}: format must be ${allowed.map((a) => `"${a}"`).join(' or ')}, got "${value}"`);
  return value as F;
}

/** The bytes of an ArrayBuffer, a TypedArray or a DataView (a view on the same memory). */
export function bytesOf(buffer: unknown, what: string): Uint8Array {
  if (buffer instanceof ArrayBuffer) return new Uint8Array(buffer);
  if (ArrayBuffer.isView(buffer)) return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  throw new IoTypeError(`${what} must be an ArrayBuffer, a TypedArray or a DataView, got ${describe(buffer)}`);
}

/** Per-HAL IO state: which resources are claimed, and the interrupt dispatch tables of the chip bindings. */
export interface IoState {
  readonly claims: Map<string, object>;
  /** Chip-binding tables (GPIO owners per pin, UART owners...), created by the bindings on first use. */
  readonly tables: Map<string, unknown>;
}

// Made on first use: a WeakMap made at module level is in flash after Moddable's preload,
// and its set() throws there.
let states: WeakMap<Hal, IoState> | undefined;

export function ioState(hal: Hal = currentHal()): IoState {
  states ??= new WeakMap();
  let s = states.get(hal);
  if (s === undefined) states.set(hal, (s = { claims: new Map(), tables: new Map() }));
  return s;
}

/** Claims every resource of `names` for `owner`, or none (ResourceInUse for the first taken). */
export function claim(owner: object, names: readonly string[]): void {
  const { claims } = ioState();
  for (const n of names) if (claims.has(n)) throw new ResourceInUse(n);
  for (const n of names) claims.set(n, owner);
}

/** Releases what `owner` claimed among `names`. */
export function release(owner: object, names: readonly string[]): void {
  const { claims } = ioState();
  for (const n of names) if (claims.get(n) === owner) claims.delete(n);
}

/** Base of the classes whose only format is "number" (Digital, DigitalBank, PWM, Analog): `format` reads "number"; setting another is a RangeError. */
export class NumberFormat {
  get format(): 'number' {
    return 'number';
  }
  set format(f: 'number') {
    formatOption(f, ['number'], 'number', this.constructor.name);
  }
}

/** A pin interrupt subscription of a chip binding: which pins, which edges, and whom to tell. */
export interface EdgeWatcher {
  pins: number;
  rises: number;
  falls: number;
  notify: (triggers: number) => void;
}

/** The edge watchers of a chip's GPIO interrupt (`key`: one list per chip, in the HAL's IO state). */
export function edgeWatchers(key: string): EdgeWatcher[] {
  const t = ioState().tables;
  let w = t.get(key) as EdgeWatcher[] | undefined;
  if (w === undefined) t.set(key, (w = []));
  return w;
}

/** Tells each watcher of `key` which of its pins rose or fell (masks of pins). */
export function notifyEdges(key: string, rose: number, fell: number): void {
  for (const w of edgeWatchers(key).slice()) {
    const t = ((rose & w.rises) | (fell & w.falls)) >>> 0;
    if (t !== 0) w.notify(t);
  }
}

/**
 * A binding's peripheral interrupt: `handler` undefined releases `irq` (disabled, no handler);
 * otherwise, while some of its `sources` are on, `handler` takes it. With no source on and a
 * handler, the line is left as it is (the sources are off at the peripheral).
 */
export function routeIrq(irq: number, sources: number, handler: (() => void) | undefined): void {
  if (handler === undefined) {
    disableIrq(irq);
    setInterruptHandler(irq, undefined);
  } else if (sources !== 0) {
    setInterruptHandler(irq, handler);
    enableIrq(irq);
  }
}
