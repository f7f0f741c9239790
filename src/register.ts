// Registers and their fields (reference: `Register<T, ADDR> { mode }`): handles made from a
// RegisterDef that enforce its access rules and never cache a value. Every access goes
// through the bus path of src/bus.ts. Hot paths (Register.read/write(bits),
// Field.read/modify/write) allocate nothing; the object forms (`write({ A: 1 })`) cost only
// the caller's literal. Errors: InvalidArgument (a bad value), RegisterAccessError (an access
// the register map forbids), RegisterDefinitionError (a malformed definition); every check
// happens before the bus is touched, so a throwing call had no effect.
// Register.read/write(bits) call the bound HAL straight when src/platform.ts's directHal
// allows it (a HAL is bound, no permission gate, not Sync), as build-time inlined code does:
// one hop from the app to the HAL (docs/architecture.md, "The path of one register write").
import type { AccessSize } from './hal.js';
import { InvalidArgument, describe, hex, requireObject } from './errors.js';
import { checkMode, checkValue, load, sizeOf, store, type AccessMode, type Width } from './bus.js';
import { directHal, registerGate } from './platform.js';
import {
  isReadable,
  isWritable,
  type Access,
  type AnyFieldValues,
  type EnumName,
  type FieldAccess,
  type FieldDef,
  type FieldDefOf,
  type FieldName,
  type FieldValues,
  type ReadableFieldName,
  type ReadableFieldValues,
  type RegisterAccess,
  type RegisterDef,
} from './register_def.js';
import { RegisterAccessError, RegisterDefinitionError } from './register_errors.js';
import { didYouMean } from './suggest.js';

const ONE_TO = { oneToClear: 1, oneToSet: 1, oneToToggle: 1 } as { readonly [k: string]: 1 | undefined };
const ZERO_TO = { zeroToClear: 1, zeroToSet: 1, zeroToToggle: 1 } as { readonly [k: string]: 1 | undefined };
const ALIAS_XOR = 0x1000;
const ALIAS_SET = 0x2000;
const ALIAS_CLR = 0x3000;

// encode() results, kept here so the hot paths return two numbers without allocating.
let encodedMask = 0;
let encodedBits = 0;

// --- Field -----------------------------------------------------------------------------

/** One named field of a register: precomputed offset and mask; reads and writes its register. */
export class Field<F = FieldDef> {
  readonly bitOffset: number;
  readonly bitWidth: number;
  /** The field's bits in place. */
  readonly mask: number;
  readonly access: Access;
  readonly readable: boolean;
  readonly writable: boolean;
  /** Largest value the field holds. */
  readonly max: number;
  /** @internal Both the field and its register are readable. */
  readonly readOk: boolean;
  private readonly byName: { readonly [name: string]: number } | undefined;
  private readonly byValue: { readonly [value: number]: string } | undefined;

  /** @internal made by the register, which has checked `def` (checkField). */
  constructor(
    readonly register: Register,
    readonly name: string,
    def: FieldDef,
    registerAccess: Access | undefined,
  ) {
    requireObject('field register', register);
    requireObject('field definition', def);
    const { bitOffset: o, bitWidth: w } = def;
    this.mask = fieldMask(o, w);
    this.bitOffset = o;
    this.bitWidth = w;
    this.access = fieldAccess(def, registerAccess);
    this.readable = isReadable(this.access);
    this.writable = isWritable(this.access);
    this.readOk = this.readable && register.readable;
    this.max = w === 32 ? 0xffffffff : 2 ** w - 1;
    const ev = def.enumeratedValues;
    if (ev) {
      const byValue: { [value: number]: string } = Object.create(null);
      for (const n in ev) byValue[ev[n]!] ??= n;
      this.byName = ev;
      this.byValue = byValue;
    }
  }

  /** The field's value (one bus read of the register). */
  read(): number {
    const r = this.register;
    if (!this.readOk) throw r.denied('read', this.readable ? undefined : this);
    return (load(r.address, r.size, r.sync) & this.mask) >>> this.bitOffset;
  }

  /** The field's value as its enumerated name; undefined when the value has none. */
  readEnum(): EnumName<F> | undefined {
    return this.byValue?.[this.read()] as EnumName<F> | undefined;
  }

  /** The field's value is the enumerated value `name`. */
  is(name: EnumName<F>): boolean {
    return this.read() === this.valueOf(name);
  }

  /** The field is non-zero. */
  isSet(): boolean {
    return this.read() !== 0;
  }

  /** Writes the register with this field = value and every other field at its write default (see Register.write). */
  write(value: number | EnumName<F>): void {
    const bits = this.encode(value);
    this.register.writeMasked(this.mask, bits, 'write');
  }

  /** Read-modify-write of this field only (see Register.modify). */
  modify(value: number | EnumName<F>): void {
    const bits = this.encode(value);
    this.register.modifyMasked(this.mask, bits);
  }

  /** The numeric value of an enumerated name (typed error for an unknown name). */
  valueOf(name: EnumName<F> | string): number {
    const v = this.byName?.[name];
    if (v === undefined || !Object.hasOwn(this.byName!, name)) {
      throw new InvalidArgument(
        `${this.register.name}.${this.name} value name`,
        name,
        this.byName ? `must be one of ${Object.keys(this.byName).join(', ')}` : 'the field has no enumerated values',
      );
    }
    return v;
  }

  /** `value` (number or enumerated name) placed at the field's offset; validates it. */
  encode(value: number | string): number {
    if (!this.writable) throw this.register.denied('write', this);
    // `v >>> 0 === v` holds exactly for integers in 0..2^32-1 (no call on the fast path).
    const v = typeof value === 'number' && value >>> 0 === value && value <= this.max ? value : checkedFieldValue(this, value);
    return (v << this.bitOffset) >>> 0;
  }
}

/**
 * Validates a field definition inside `register` (position, enumerated values). Allocation-free
 * unless it throws: registers check every field this way up front and create the Field objects
 * only when the fields are first used.
 */
function checkField(register: Register, name: string, def: FieldDef): void {
  const { bitOffset: o, bitWidth: w } = def;
  const width = register.width;
  if (!Number.isInteger(o) || !Number.isInteger(w) || o < 0 || w < 1 || o + w > width) {
    throw new RegisterDefinitionError(`${register.name}.${name}`, `bitOffset ${o} bitWidth ${w} does not fit a ${width}-bit register`);
  }
  const ev = def.enumeratedValues;
  if (ev) {
    for (const n in ev) {
      const v = ev[n]!;
      if (!Number.isInteger(v) || v < 0 || v > 2 ** w - 1) {
        throw new RegisterDefinitionError(`${register.name}.${name}`, `enumerated value ${n} = ${describe(v)} does not fit ${w} bits`);
      }
    }
  }
}

/** The bits of a (checked) field `w` wide at bit `o`. */
const fieldMask = (o: number, w: number): number => (w === 32 ? 0xffffffff : (2 ** w - 1) * 2 ** o) >>> 0;

/** A field's access: its own, else its register's, else read-write (CMSIS-SVD inheritance). */
const fieldAccess = (def: FieldDef, registerAccess: Access | undefined): Access => def.access ?? registerAccess ?? 'read-write';

/** The slow path of Field.encode: an enumerated name, or a number to validate. */
function checkedFieldValue(f: Field, value: number | string): number {
  if (typeof value === 'string') return f.valueOf(value);
  checkValue(`${f.register.name}.${f.name} value`, value, f.bitWidth);
  return value;
}

// --- Register --------------------------------------------------------------------------

export interface RegisterOptions {
  /** Full name for messages, e.g. 'TIMER.INTR'. */
  readonly name?: string;
  /** Added to the definition's addressOffset (the peripheral's base address). */
  readonly baseAddress?: number;
  readonly mode?: AccessMode;
  /** The peripheral has RP2040 atomic SET/CLR/XOR aliases. */
  readonly atomicAliases?: boolean;
}

/** Methods a register or field handle has only when it can be read, or written. */
type ReadOps = 'read' | 'get' | 'getEnum' | 'isSet' | 'matches' | 'readEnum' | 'is';
type WriteOps = 'write' | 'modify' | 'atomicSet' | 'atomicClear' | 'atomicXor';

/** A handle as its access allows: a read-only one has no write methods, a write-only one no reads (nor modify). */
export type Accessible<T, A> = A extends 'read-only' ? Omit<T, WriteOps> : A extends 'write-only' ? Omit<T, ReadOps | 'modify'> : T;
/** The handle of field K of register definition R. */
export type FieldHandle<R, K> = Accessible<Field<FieldDefOf<R, K>>, FieldAccess<R, K>>;
/** The handle of a register of definition R, as a peripheral hands it out. */
export type RegisterHandle<R extends RegisterDef> = 0 extends 1 & R ? Register<R> : Accessible<Register<R>, RegisterAccess<R>>;

type FieldMap<R extends RegisterDef> = { readonly [K in FieldName<R>]: FieldHandle<R, K> };

/**
 * A device register (reference: `Register<T, ADDR> { mode }`), optionally with named
 * fields. Enforces the definition's access rules; never caches a value.
 */
export class Register<R extends RegisterDef = RegisterDef> {
  readonly name: string;
  readonly address: number;
  /** Width in bits. */
  readonly width: Width;
  readonly mode: AccessMode;
  readonly access: Access;
  readonly readable: boolean;
  readonly writable: boolean;
  /** A read changes the register (FIFO pop, clear-on-read, latch): modify and aliases are refused. */
  readonly readHasSideEffects: boolean;
  readonly atomicAliases: boolean;
  readonly resetValue: number;
  /** What write() starts from: the reset value, one-to-modify bits 0, zero-to-modify bits 1. */
  readonly writeDefault: number;
  /** Bits modify() takes from the read value; the rest come from modifyDefault. */
  private readonly keepMask: number;
  private readonly modifyDefault: number;
  /** Bits of write-1/0-to-clear/set/toggle fields. */
  private readonly actionMask: number;
  /** read-modify-write is allowed: readable, writable, no read side effects. */
  private readonly rmwOk: boolean;
  private readonly maxValue: number;
  /** @internal access size in bytes */
  readonly size: AccessSize;
  /** @internal the mode is Sync */
  readonly sync: boolean;
  private readonly def: R;
  private fieldMap: FieldMap<R> | undefined;

  /** A register at `address` with no fields (read-write, 32 bits unless `def` says otherwise). */
  static at(address: number, options: RegisterOptions & { size?: Width; access?: Access } = {}): Register<RegisterDef> {
    return new Register({ addressOffset: 0, size: options.size, access: options.access }, { ...options, baseAddress: address });
  }

  constructor(def: R, options: RegisterOptions = {}) {
    requireObject('register definition', def);
    requireObject('register options', options);
    const base = options.baseAddress === undefined ? 0 : options.baseAddress;
    // Numbers only: a BigInt would throw a TypeError below, and null would become address 0.
    if (typeof base !== 'number' || typeof def.addressOffset !== 'number') {
      throw new RegisterDefinitionError(options.name ?? 'register', `address ${describe(typeof base !== 'number' ? base : def.addressOffset)} is not a number`);
    }
    this.address = base + def.addressOffset;
    this.name = options.name ?? hex(this.address);
    this.width = def.size ?? 32;
    this.size = sizeOf(this.width);
    if (!Number.isInteger(this.address) || this.address < 0 || this.address > 0xffffffff || this.address % this.size !== 0) {
      throw new RegisterDefinitionError(this.name, `address ${describe(this.address)} is not a ${this.size}-byte aligned 32-bit address`);
    }
    this.mode = checkMode(options.mode ?? 'Volatile');
    this.sync = this.mode === 'Sync';
    this.maxValue = 2 ** this.width - 1;
    this.resetValue = def.resetValue ?? 0;
    checkValue(`${this.name} resetValue`, this.resetValue, this.width);

    // Every field is checked here, but its Field object is made on first use (see `fields`):
    // a peripheral has hundreds of fields and a driver touches a few.
    let used = 0;
    let oneTo = 0;
    let zeroTo = 0;
    let writeOnly = 0;
    let any = false;
    let anyReadable = false;
    let anyWritable = false;
    let sideEffects = def.readAction !== undefined;
    const defs = def.fields ?? {};
    for (const n in defs) {
      const fd = defs[n]!;
      checkField(this as Register, n, fd);
      const mask = fieldMask(fd.bitOffset, fd.bitWidth);
      if ((used & mask) !== 0) throw new RegisterDefinitionError(`${this.name}.${n}`, 'overlaps another field');
      used = (used | mask) >>> 0;
      const access = fieldAccess(fd, def.access);
      if (ONE_TO[fd.modifiedWriteValues ?? ''] === 1) oneTo |= mask;
      if (ZERO_TO[fd.modifiedWriteValues ?? ''] === 1) zeroTo |= mask;
      if (!isReadable(access)) writeOnly |= mask;
      any = true;
      anyReadable ||= isReadable(access);
      anyWritable ||= isWritable(access);
      if (fd.readAction !== undefined) sideEffects = true;
    }
    this.access = def.access ?? (!any ? 'read-write' : anyReadable && anyWritable ? 'read-write' : anyReadable ? 'read-only' : 'write-only');
    this.readable = isReadable(this.access);
    this.writable = isWritable(this.access);
    this.readHasSideEffects = sideEffects;
    this.atomicAliases = options.atomicAliases === true;
    this.def = def;
    this.fieldMap = undefined;
    const reset = this.resetValue;
    this.writeDefault = ((reset & ~oneTo) | zeroTo) >>> 0;
    this.keepMask = ~(writeOnly | oneTo | zeroTo) >>> 0;
    this.modifyDefault = ((reset & writeOnly & ~oneTo) | zeroTo) >>> 0;
    this.actionMask = (oneTo | zeroTo) >>> 0;
    this.rmwOk = this.readable && this.writable && !sideEffects;
  }

  /** Named fields (handles: allocation-free reads and writes), made on first use. */
  get fields(): FieldMap<R> {
    return this.fieldMap ?? this.makeFields();
  }

  private makeFields(): FieldMap<R> {
    const fields: { [name: string]: Field } = Object.create(null);
    const defs = this.def.fields ?? {};
    for (const n in defs) {
      fields[n] = new Field(this as Register, n, defs[n]!, this.def.access);
    }
    return (this.fieldMap = fields as FieldMap<R>);
  }

  /** The whole register (one bus read). */
  read(): number {
    if (!this.readable) throw this.denied('read');
    const h = directHal;
    return h !== undefined && !this.sync ? h.load(this.address, this.size) : load(this.address, this.size, this.sync);
  }

  /**
   * Writes the register. With a number: exactly those bits. With field values: the given
   * fields on top of `writeDefault` (the reset value with one-to-clear/set/toggle bits 0),
   * so unnamed write-1-to-clear flags are never cleared by accident.
   */
  write(value: FieldValues<R> | number): void {
    if (typeof value === 'number') {
      if (!this.writable) throw this.denied('write');
      if (value >>> 0 !== value || value > this.maxValue) checkValue(`${this.name} value`, value, this.width);
      const h = directHal;
      if (h !== undefined && !this.sync) h.store(this.address, this.size, value);
      else store(this.address, this.size, value, this.sync);
      return;
    }
    this.encodeValues(value, 'write');
    this.writeMasked(encodedMask, encodedBits, 'write');
  }

  /**
   * Read-modify-write: the given fields change, the others keep their value read from the
   * register, except that write-1(0)-to-modify flags are written 0 (1) so they are not
   * acted on, and write-only fields get their reset value. Refused (typed error) on a
   * register whose read has side effects.
   */
  modify(values: FieldValues<R>): void {
    this.encodeValues(values, 'modify');
    this.modifyMasked(encodedMask, encodedBits);
  }

  /** The value of one field (one bus read). */
  get(field: ReadableFieldName<R>): number {
    return this.fieldOf(field).read();
  }

  /** One field as its enumerated name (undefined when its value has no name). */
  getEnum<K extends ReadableFieldName<R>>(field: K): EnumName<FieldDefOf<R, K>> | undefined {
    return this.fieldOf(field).readEnum() as EnumName<FieldDefOf<R, K>> | undefined;
  }

  /** The field is non-zero. */
  isSet(field: ReadableFieldName<R>): boolean {
    return this.fieldOf(field).read() !== 0;
  }

  /** Every given field has the given value (one bus read). */
  matches(values: ReadableFieldValues<R>): boolean {
    this.encodeValues(values, 'matches', 'read');
    const mask = encodedMask;
    const bits = encodedBits;
    return (this.read() & mask) >>> 0 === bits;
  }

  /** The bits the given field values make on top of 0 (no bus access). */
  encode(values: AnyFieldValues<R>): number {
    this.encodeValues(values, 'encode', 'pure');
    return encodedBits;
  }

  /** RP2040 atomic alias (+0x2000): sets exactly the given bits; others untouched, no read. */
  atomicSet(value: FieldValues<R> | number): void {
    this.alias(ALIAS_SET, value, 'atomicSet');
  }
  /** RP2040 atomic alias (+0x3000): clears exactly the given bits. */
  atomicClear(value: FieldValues<R> | number): void {
    this.alias(ALIAS_CLR, value, 'atomicClear');
  }
  /** RP2040 atomic alias (+0x1000): toggles exactly the given bits. */
  atomicXor(value: FieldValues<R> | number): void {
    this.alias(ALIAS_XOR, value, 'atomicXor');
  }

  /** The handle of a field by name (typed error for an unknown name). */
  field<K extends FieldName<R>>(name: K): FieldHandle<R, K> {
    return this.fieldOf(name, 'field') as unknown as FieldHandle<R, K>;
  }

  /** The Field object of a name (typed error for an unknown name), with every method. */
  private fieldOf(name: string, op = 'read'): Field {
    const f = ((this.fieldMap ?? this.makeFields()) as { readonly [n: string]: Field | undefined })[name];
    if (f === undefined) throw this.unknownField(name, op);
    return f;
  }

  /** @internal write of `bits` within `mask` on top of writeDefault. */
  writeMasked(mask: number, bits: number, op: string): void {
    if (!this.writable) throw this.denied(op);
    store(this.address, this.size, ((this.writeDefault & ~mask) | bits) >>> 0, this.sync);
  }

  /** @internal read-modify-write of `bits` within `mask`. */
  modifyMasked(mask: number, bits: number): void {
    if (!this.rmwOk) {
      if (!this.readable || !this.writable) throw this.denied('modify');
      throw new RegisterAccessError(
        this.name,
        'modify',
        'read-side-effects',
        'reading this register has side effects, so it cannot be read-modify-written; use write()',
      );
    }
    const old = load(this.address, this.size, this.sync);
    store(this.address, this.size, ((((old & this.keepMask) | this.modifyDefault) & ~mask) | bits) >>> 0, this.sync);
  }

  /** @internal the typed error for a forbidden read or write of the register or one field. */
  denied(op: string, field?: Field): RegisterAccessError {
    const what = field ? `${this.name}.${field.name}` : this.name;
    const access = field ? field.access : this.access;
    const write = op !== 'read';
    if (write && !this.readable && op === 'modify') {
      return new RegisterAccessError(what, op, 'write-only', 'the register is write-only, so it cannot be read-modify-written; use write()');
    }
    return write && (field ? !field.writable : !this.writable)
      ? new RegisterAccessError(what, op, 'read-only', `is ${access}`)
      : new RegisterAccessError(what, op, 'write-only', `is ${access}`);
  }

  private alias(offset: number, value: FieldValues<R> | number, op: string): void {
    if (!this.atomicAliases) {
      throw new RegisterAccessError(this.name, op, 'no-atomic-aliases', 'this register has no atomic SET/CLR/XOR aliases');
    }
    if (!this.writable) throw this.denied(op);
    if (this.readHasSideEffects || this.actionMask !== 0 || this.width !== 32) {
      // The alias is a read-modify-write inside the peripheral: it would pop/clear on
      // the read or write back write-1-to-clear flags.
      throw new RegisterAccessError(
        this.name,
        op,
        this.readHasSideEffects ? 'read-side-effects' : 'no-atomic-aliases',
        'its atomic aliases would re-write flags or trigger read side effects; use write()',
      );
    }
    let bits: number;
    if (typeof value === 'number') {
      checkValue(`${this.name} bits`, value, 32);
      bits = value;
    } else {
      this.encodeValues(value, op);
      bits = encodedBits;
    }
    // The alias acts on this register: a sandbox rule on it covers the alias address too.
    if (registerGate !== undefined) registerGate(this.address, 4);
    store(this.address + offset, 4, bits, this.sync);
  }

  /** Validates field values and leaves their mask and bits in encodedMask/encodedBits. */
  private encodeValues(values: object, op: string, purpose: 'write' | 'read' | 'pure' = 'write'): void {
    if (values === null || typeof values !== 'object') {
      throw new InvalidArgument(`${this.name} field values`, values, 'must be an object of field values');
    }
    let mask = 0;
    let bits = 0;
    const fields = (this.fieldMap ?? this.makeFields()) as { readonly [n: string]: Field | undefined };
    // Object.keys, not for-in: in XS a for-in allocates about 23 heap slots, the key array 3.
    const names = Object.keys(values);
    for (let i = 0; i < names.length; i++) {
      const name = names[i]!;
      const v = (values as { readonly [n: string]: number | string | undefined })[name];
      if (v === undefined) continue;
      const f = fields[name];
      if (f === undefined) throw this.unknownField(name, op);
      if (purpose !== 'write') {
        if (purpose === 'read' && !f.readable) throw this.denied('read', f);
        const n = typeof v === 'string' ? f.valueOf(v) : v;
        checkValue(`${this.name}.${name} value`, n, f.bitWidth);
        bits |= n * 2 ** f.bitOffset;
      } else {
        bits |= f.encode(v);
      }
      mask |= f.mask;
    }
    encodedMask = mask >>> 0;
    encodedBits = bits >>> 0;
  }

  private unknownField(name: string, op: string): RegisterAccessError {
    return new RegisterAccessError(
      this.name,
      op,
      'unknown-field',
      `has no field ${describe(name)}${didYouMean(String(name), Object.keys(this.fields)) || ` (fields: ${Object.keys(this.fields).join(', ') || 'none'})`}`,
    );
  }
}
