// Register maps: the flattened, fully resolved description of a device's memory-mapped
// registers that `vllsi svd import` writes (boards/NAME/registers.json) and that the
// console service and `vllsi inspect` read. Every SVD indirection (derivedFrom, dim,
// clusters, inherited size/access/reset) is already resolved: a register carries its
// absolute address and every property it needs.
//
// Portable: plain data and pure functions, no Node.
import { VllsiError, describe } from '../errors.js';
import type { Access, ModifiedWriteValues, ReadAction } from '../register_def.js';
import type { ErrorName } from './protocol.js';

export const REGMAP_FORMAT = 'vllsi-regmap/1';

/** What writing a value does (CMSIS-SVD `modifiedWriteValues`); absent means a plain write. */
export type WriteAction = Exclude<ModifiedWriteValues, 'modify'>;

export interface EnumValue {
  readonly name: string;
  readonly value: number;
  readonly description?: string;
}

export interface EnumSet {
  /** Which accesses the names apply to. */
  readonly usage: 'read' | 'write' | 'read-write';
  /** The SVD name of the set (used by derivedFrom and code generation). */
  readonly name?: string;
  readonly values: readonly EnumValue[];
  /** Name used for any value not listed (`isDefault`). */
  readonly defaultName?: string;
}

export interface FieldMap {
  readonly name: string;
  readonly lsb: number;
  readonly width: number;
  readonly access: Access;
  readonly write?: WriteAction;
  readonly read?: ReadAction;
  readonly enums?: readonly EnumSet[];
  readonly description?: string;
}

export interface RegisterMap {
  readonly name: string;
  /** Offset from the peripheral's base. */
  readonly offset: number;
  /** Width in bits: 8, 16 or 32. */
  readonly size: number;
  readonly access: Access;
  readonly reset: number;
  readonly resetMask: number;
  readonly write?: WriteAction;
  readonly read?: ReadAction;
  readonly fields: readonly FieldMap[];
  readonly description?: string;
}

export interface PeripheralMap {
  readonly name: string;
  readonly base: number;
  /** Set when this peripheral is a copy of another one's registers at another base. */
  readonly derivedFrom?: string;
  readonly group?: string;
  readonly description?: string;
  readonly interrupts?: readonly { readonly name: string; readonly value: number }[];
  readonly registers: readonly RegisterMap[];
}

export interface DeviceMap {
  readonly format: typeof REGMAP_FORMAT;
  readonly device: string;
  /** Where the map came from and under which licence (kept from the SVD). */
  readonly source?: string;
  readonly license?: string;
  readonly peripherals: readonly PeripheralMap[];
}

/**
 * A name or address the register map does not contain, or an access it forbids; `code` is
 * the console error code (NOMAP, RANGE, RO, WO, SIDEFX). Nothing was read or written.
 */
export class RegisterMapError extends VllsiError<'RegisterMapError'> {
  constructor(
    message: string,
    readonly code: ErrorName = 'NOMAP',
  ) {
    super('RegisterMapError', message);
  }
}

/** A register looked up in a map, with its absolute address. */
export interface Located {
  readonly peripheral: PeripheralMap;
  readonly register: RegisterMap;
  readonly address: number;
  readonly field?: FieldMap;
}

export function findPeripheral(map: DeviceMap, name: string): PeripheralMap {
  const upper = name.toUpperCase();
  const p = map.peripherals.find((q) => q.name.toUpperCase() === upper);
  if (!p) throw new RegisterMapError(`no peripheral ${describe(name)} in ${map.device}`);
  return p;
}

/** Resolves `P.R` or `P.R.F` (case-insensitive). */
export function locate(map: DeviceMap, path: string): Located {
  const parts = path.split('.');
  if (parts.length < 2 || parts.length > 3 || parts.some((s) => s === '')) {
    throw new RegisterMapError(`bad register path ${describe(path)}: expected PERIPHERAL.REGISTER[.FIELD]`);
  }
  const peripheral = findPeripheral(map, parts[0]!);
  const rname = parts[1]!.toUpperCase();
  const register = peripheral.registers.find((r) => r.name.toUpperCase() === rname);
  if (!register) throw new RegisterMapError(`no register ${describe(parts[1])} in ${peripheral.name}`);
  const address = (peripheral.base + register.offset) >>> 0;
  if (parts.length === 2) return { peripheral, register, address };
  const fname = parts[2]!.toUpperCase();
  const field = register.fields.find((f) => f.name.toUpperCase() === fname);
  if (!field) throw new RegisterMapError(`no field ${describe(parts[2])} in ${peripheral.name}.${register.name}`);
  return { peripheral, register, address, field };
}

/** The register at an absolute address, or undefined. */
export function registerAt(map: DeviceMap, address: number): Located | undefined {
  for (const peripheral of map.peripherals) {
    if (address < peripheral.base) continue;
    for (const register of peripheral.registers) {
      if (((peripheral.base + register.offset) >>> 0) === address) return { peripheral, register, address };
    }
  }
  return undefined;
}

/**
 * Every register an access of `bytes` bytes at `address` acts on: registers it overlaps only in
 * part (a byte read of a word register), and on an RP2040 the register behind an atomic
 * XOR/SET/CLR alias (+0x1000/+0x2000/+0x3000 in a peripheral's 16 KB block below SIO; a
 * read through an alias reads the register, side effects included).
 */
export function registersTouched(map: DeviceMap, address: number, bytes: number): Located[] {
  const aliased = map.device.toUpperCase() === 'RP2040' && address < 0xd0000000;
  const start = aliased ? address - (address & 0x3000) : address;
  const out: Located[] = [];
  for (const peripheral of map.peripherals) {
    for (const register of peripheral.registers) {
      const at = (peripheral.base + register.offset) >>> 0;
      if (at < start + bytes && start < at + register.size / 8) out.push({ peripheral, register, address: at });
    }
  }
  return out;
}

/** Mask of a field's bits in its register (fields are at most 32 bits wide). */
export function fieldBits(f: Pick<FieldMap, 'lsb' | 'width'>): number {
  return f.width >= 32 ? 0xffffffff : (((1 << f.width) - 1) << f.lsb) >>> 0;
}

export function fieldValue(f: Pick<FieldMap, 'lsb' | 'width'>, registerValue: number): number {
  return ((registerValue & fieldBits(f)) >>> f.lsb) >>> 0;
}

export const readable = (a: Access): boolean => a !== 'write-only' && a !== 'writeOnce';
export const writable = (a: Access): boolean => a !== 'read-only';

/** A register that can be read: not write-only itself, and not made only of write-only fields. */
export function readableRegister(r: RegisterMap): boolean {
  return readable(r.access) && (r.fields.length === 0 || r.fields.some((f) => readable(f.access)));
}

/** A register whose read changes state: read it only when explicitly asked. */
export function readHasSideEffects(r: RegisterMap): boolean {
  return r.read !== undefined || r.fields.some((f) => f.read !== undefined);
}

/** The enumerated name of a field value for reads (or writes), if any. */
export function enumName(f: FieldMap, value: number, usage: 'read' | 'write' = 'read'): string | undefined {
  for (const set of f.enums ?? []) {
    if (set.usage !== 'read-write' && set.usage !== usage) continue;
    const hit = set.values.find((v) => v.value === value);
    if (hit) return hit.name;
    if (set.defaultName !== undefined) return set.defaultName;
  }
  return undefined;
}

/** A field value given as a number or an enumerated name (for writes). */
export function parseFieldValue(f: FieldMap, text: string): number {
  const n = parseInteger(text);
  if (n !== undefined) return n;
  const upper = text.toUpperCase();
  for (const set of f.enums ?? []) {
    if (set.usage === 'read') continue;
    const hit = set.values.find((v) => v.name.toUpperCase() === upper);
    if (hit) return hit.value;
  }
  throw new RegisterMapError(`bad value ${describe(text)} for field ${f.name}: not a number or one of its enumerated names`, 'RANGE');
}

/**
 * The register value that writes `value` into field `f` of `r`, given the register's current
 * value (read-modify-write done right): the other fields keep their values, except that fields
 * whose write has an action (write-1-to-clear...) get the bits that leave them unchanged.
 * Throws (code RO, WO, SIDEFX, RANGE) when the write is not possible this way.
 */
export function fieldWrite(r: RegisterMap, f: FieldMap, current: number, value: number): number {
  const where = `${r.name}.${f.name}`;
  if (!writable(f.access)) throw new RegisterMapError(`${where} is read-only`, 'RO');
  const max = f.width >= 32 ? 0xffffffff : 2 ** f.width - 1;
  if (!Number.isInteger(value) || value < 0 || value > max) {
    throw new RegisterMapError(`value ${describe(value)} does not fit ${where} (${f.width} bits)`, 'RANGE');
  }
  const bits = fieldBits(f);
  const whole = f.width >= r.size;
  if (!whole && !readable(r.access)) throw new RegisterMapError(`${where}: a field write needs a read of ${r.name}, which is write-only`, 'WO');
  if (!whole && readHasSideEffects(r)) throw new RegisterMapError(`${where}: a field write needs a read of ${r.name}, which has side effects`, 'SIDEFX');
  let base = whole ? 0 : current;
  for (const other of r.fields) {
    if (other === f || !other.write) continue;
    const m = fieldBits(other);
    // Writing 1 to a oneTo* field (or 0 to a zeroTo* one) acts: write the neutral value instead.
    base = other.write.startsWith('one') ? base & ~m : other.write.startsWith('zero') ? base | m : base;
  }
  return ((base & ~bits) | ((value * 2 ** f.lsb) & bits)) >>> 0;
}

/** Parses `123`, `0x7b`, `0b1111011` (unsigned, at most 32 bits); undefined if not a number. */
export function parseInteger(text: string): number | undefined {
  let v: number;
  if (/^0x[0-9a-f]{1,8}$/i.test(text)) v = parseInt(text.slice(2), 16);
  else if (/^0b[01]{1,32}$/i.test(text)) v = parseInt(text.slice(2), 2);
  else if (/^[0-9]{1,10}$/.test(text)) v = parseInt(text, 10);
  else return undefined;
  return v <= 0xffffffff ? v : undefined;
}

// --- The compact JSON form (boards/NAME/registers.json) ---------------------------------
// Defaults are left out: register size 32, access read-write, reset 0, resetMask all ones;
// field width 1, access and write action as the register's; a peripheral with `derivedFrom`
// carries no registers (it has its base's). `unpackMap` restores the full map.

/** The compact form of a map, ready for JSON.stringify. */
export function packMap(map: DeviceMap): unknown {
  return {
    ...map,
    peripherals: map.peripherals.map((p) =>
      p.derivedFrom !== undefined ? { ...p, registers: undefined } : { ...p, registers: p.registers.map(packRegister) },
    ),
  };
}

function packRegister(r: RegisterMap): unknown {
  return {
    ...r,
    size: r.size === 32 ? undefined : r.size,
    access: r.access === 'read-write' ? undefined : r.access,
    reset: r.reset === 0 ? undefined : r.reset,
    resetMask: r.resetMask === allOnes(r.size) ? undefined : r.resetMask,
    fields: r.fields.map((f) => ({
      ...f,
      width: f.width === 1 ? undefined : f.width,
      access: f.access === r.access ? undefined : f.access,
      write: f.write === r.write ? undefined : (f.write ?? 'modify'),
    })),
  };
}

const allOnes = (bits: number) => (bits >= 32 ? 0xffffffff : 2 ** bits - 1);

type Packed = { [k: string]: unknown };

/** Reads the compact form back into a full map; throws RegisterMapError when it is not one. */
export function unpackMap(json: unknown): DeviceMap {
  const m = json as Packed;
  if (!m || typeof m !== 'object' || m.format !== REGMAP_FORMAT || !Array.isArray(m.peripherals)) {
    throw new RegisterMapError(`not a register map: expected format ${REGMAP_FORMAT}`);
  }
  const byName = new Map<string, PeripheralMap>();
  const peripherals = (m.peripherals as Packed[]).map((p) => {
    let registers: readonly RegisterMap[];
    if (typeof p.derivedFrom === 'string') {
      const base = byName.get(p.derivedFrom);
      if (!base) throw new RegisterMapError(`peripheral ${describe(p.name)} derives from ${describe(p.derivedFrom)}, which comes later or not at all`);
      registers = base.registers;
    } else registers = ((p.registers ?? []) as Packed[]).map(unpackRegister);
    const out = { ...p, registers } as unknown as PeripheralMap;
    byName.set(out.name, out);
    return out;
  });
  return { ...(m as unknown as DeviceMap), peripherals };
}

function unpackRegister(r: Packed): RegisterMap {
  const size = (r.size as number | undefined) ?? 32;
  const access = (r.access as Access | undefined) ?? 'read-write';
  const write = r.write as WriteAction | undefined;
  const fieldWrite = (f: Packed) => {
    const w = (f.write as WriteAction | 'modify' | undefined) ?? write;
    return w === undefined || w === 'modify' ? {} : { write: w };
  };
  return {
    ...(r as unknown as RegisterMap),
    size,
    access,
    reset: (r.reset as number | undefined) ?? 0,
    resetMask: (r.resetMask as number | undefined) ?? allOnes(size),
    fields: ((r.fields ?? []) as Packed[]).map((f) => ({
      ...(f as unknown as FieldMap),
      width: (f.width as number | undefined) ?? 1,
      access: (f.access as Access | undefined) ?? access,
      write: undefined,
      ...fieldWrite(f),
    })),
  };
}
