// Register maps: the flattened, fully resolved description of a device's memory-mapped
// registers that `vllsi svd import` writes (boards/NAME/registers.json) and that the
// console service and `vllsi inspect` read. Its peripherals, registers and fields are those of
// the one definition model (src/register_def.ts: PeripheralMap, RegisterMap, FieldMap, in the
// CMSIS-SVD names mmio's definitions use) with every SVD indirection (derivedFrom, dim,
// clusters, inherited size/access/resetValue) resolved: a register carries every property it
// needs, and its address is the peripheral's baseAddress plus its addressOffset.
//
// Portable: plain data and pure functions, no Node.
import { VllsiError, describe } from './errors.js';
import { didYouMean } from './suggest.js';
import type { Width } from './bus.js';
import { isReadable, isWritable, type Access, type FieldMap, type PeripheralMap, type RegisterMap, type WriteAction } from './register_def.js';

export type { EnumSet, EnumValue, FieldMap, PeripheralMap, RegisterMap, WriteAction } from './register_def.js';

export const REGMAP_FORMAT = 'vllsi-regmap/2';

/**
 * What the SVD importer repaired or skipped (docs/svd.md):
 * - enum-too-wide: an enumerated value wider than its field, dropped;
 * - value-too-wide: a reset value or mask wider than its register, masked;
 * - field-outside: a field past the top of its register, dropped;
 * - bad-size: a register size that is not 8, 16, 32 or 64 bits, register skipped;
 * - split-64-bit: a 64-bit register, mapped as two 32-bit halves NAME_LO and NAME_HI;
 * - repeated-element: a single element given twice (the last kept) or a split container (merged);
 * - renamed: a repeated name (RESERVED fields, alternateGroup registers...) made unique;
 * - bad-value: an unknown access/usage/modifiedWriteValues/readAction word, ignored;
 * - skipped: any other malformed element, left out.
 */
export type WarningClass =
  'enum-too-wide' | 'value-too-wide' | 'field-outside' | 'bad-size' | 'split-64-bit' | 'repeated-element' | 'renamed' | 'bad-value' | 'skipped';

export interface MapWarning {
  readonly kind: WarningClass;
  /** The element's path: `peripheral NVMCTRL register PARAM field SEE`. */
  readonly where: string;
  readonly message: string;
}

/** A device's registers: peripherals in the definition vocabulary of src/register_def.ts, resolved. */
export interface DeviceMap {
  readonly format: typeof REGMAP_FORMAT;
  readonly device: string;
  /** Where the map came from and under which licence (kept from the SVD). */
  readonly source?: string;
  readonly license?: string;
  readonly peripherals: readonly PeripheralMap[];
  /** What the importer repaired or skipped; absent when nothing. */
  readonly warnings?: readonly MapWarning[];
}

/** The console error codes a map lookup or field write can give (src/console/protocol.ts). */
export type RegisterMapCode = 'NOMAP' | 'RANGE' | 'RO' | 'WO' | 'SIDEFX';

/**
 * A name or address the register map does not contain, or an access it forbids; `code` is
 * the console error code (NOMAP, RANGE, RO, WO, SIDEFX). Nothing was read or written.
 */
export class RegisterMapError extends VllsiError<'RegisterMapError'> {
  constructor(
    message: string,
    readonly code: RegisterMapCode = 'NOMAP',
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
  return byName(map.peripherals, name, 'peripheral', map.device);
}

/**
 * The item of that name: the exact spelling, else the one whose name matches ignoring case.
 * Two that differ only in case and neither spelled exactly is an error, never a guess.
 */
function byName<T extends { readonly name: string }>(items: readonly T[], name: string, what: string, where: string): T {
  const exact = items.find((i) => i.name === name);
  if (exact) return exact;
  const upper = name.toUpperCase();
  const hits = items.filter((i) => i.name.toUpperCase() === upper);
  if (hits.length === 1) return hits[0]!;
  if (hits.length === 0)
    throw new RegisterMapError(
      `no ${what} ${describe(name)} in ${where}${didYouMean(
        name,
        items.map((i) => i.name),
      )}`,
    );
  throw new RegisterMapError(`${what} ${describe(name)} is ambiguous in ${where}: ${hits.map((h) => h.name).join(', ')}`);
}

/** Resolves `P.R` or `P.R.F` (case-insensitive where that is unambiguous). */
export function locate(map: DeviceMap, path: string): Located {
  const parts = path.split('.');
  if (parts.length < 2 || parts.length > 3 || parts.some((s) => s === '')) {
    throw new RegisterMapError(`bad register path ${describe(path)}: expected PERIPHERAL.REGISTER[.FIELD]`);
  }
  const peripheral = findPeripheral(map, parts[0]!);
  const register = byName(peripheral.registers, parts[1]!, 'register', peripheral.name);
  const address = (peripheral.baseAddress + register.addressOffset) >>> 0;
  if (parts.length === 2) return { peripheral, register, address };
  const field = byName(register.fields, parts[2]!, 'field', `${peripheral.name}.${register.name}`);
  return { peripheral, register, address, field };
}

/** The register at an absolute address, or undefined. */
export function registerAt(map: DeviceMap, address: number): Located | undefined {
  for (const peripheral of map.peripherals) {
    if (address < peripheral.baseAddress) continue;
    for (const register of peripheral.registers) {
      if ((peripheral.baseAddress + register.addressOffset) >>> 0 === address) return { peripheral, register, address };
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
      const at = (peripheral.baseAddress + register.addressOffset) >>> 0;
      if (at < start + bytes && start < at + register.size / 8) out.push({ peripheral, register, address: at });
    }
  }
  return out;
}

/** Mask of a field's bits in its register (fields are at most 32 bits wide). */
export function fieldBits(f: Pick<FieldMap, 'bitOffset' | 'bitWidth'>): number {
  return f.bitWidth >= 32 ? 0xffffffff : (((1 << f.bitWidth) - 1) << f.bitOffset) >>> 0;
}

export function fieldValue(f: Pick<FieldMap, 'bitOffset' | 'bitWidth'>, registerValue: number): number {
  return ((registerValue & fieldBits(f)) >>> f.bitOffset) >>> 0;
}

/**
 * A register's access as its fields make it: an SVD often leaves a register read-write while
 * every field of it is read-only (SYSINFO.CHIP_ID, SIO.CPUID) or write-only.
 */
export function registerAccess(r: Pick<RegisterMap, 'access' | 'fields'>): Access {
  if (r.fields.length > 0) {
    if (r.fields.every((f) => f.access === 'read-only')) return 'read-only';
    if (r.fields.every((f) => !isReadable(f.access))) return 'write-only';
  }
  return r.access;
}

/** A register whose read changes state: read it only when explicitly asked. */
export function readHasSideEffects(r: RegisterMap): boolean {
  return r.readAction !== undefined || r.fields.some((f) => f.readAction !== undefined);
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
  if (!isWritable(f.access)) throw new RegisterMapError(`${where} is read-only`, 'RO');
  const max = f.bitWidth >= 32 ? 0xffffffff : 2 ** f.bitWidth - 1;
  if (!Number.isInteger(value) || value < 0 || value > max) {
    throw new RegisterMapError(`value ${describe(value)} does not fit ${where} (${f.bitWidth} bits)`, 'RANGE');
  }
  const bits = fieldBits(f);
  const whole = f.bitWidth >= r.size;
  if (!whole && !isReadable(r.access)) throw new RegisterMapError(`${where}: a field write needs a read of ${r.name}, which is write-only`, 'WO');
  if (!whole && readHasSideEffects(r)) throw new RegisterMapError(`${where}: a field write needs a read of ${r.name}, which has side effects`, 'SIDEFX');
  let base = whole ? 0 : current;
  for (const other of r.fields) {
    if (other === f || !other.modifiedWriteValues) continue;
    const m = fieldBits(other);
    // Writing 1 to a oneTo* field (or 0 to a zeroTo* one) acts: write the neutral value instead.
    base = other.modifiedWriteValues.startsWith('one') ? base & ~m : other.modifiedWriteValues.startsWith('zero') ? base | m : base;
  }
  return ((base & ~bits) | ((value * 2 ** f.bitOffset) & bits)) >>> 0;
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
// Defaults are left out: register size 32, access read-write, resetValue 0, resetMask all ones;
// field bitWidth 1, access and modifiedWriteValues as the register's; a peripheral with `derivedFrom`
// carries no registers (it has its base's, which may come later in the file). `unpackMap`
// restores the full map.

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
    resetValue: r.resetValue === 0 ? undefined : r.resetValue,
    resetMask: r.resetMask === allOnes(r.size) ? undefined : r.resetMask,
    fields: r.fields.map((f) => ({
      ...f,
      bitWidth: f.bitWidth === 1 ? undefined : f.bitWidth,
      access: f.access === r.access ? undefined : f.access,
      modifiedWriteValues: f.modifiedWriteValues === r.modifiedWriteValues ? undefined : (f.modifiedWriteValues ?? 'modify'),
    })),
  };
}

const allOnes = (bits: number) => (bits >= 32 ? 0xffffffff : 2 ** bits - 1);

type Packed = { [k: string]: unknown };

/** Reads the compact form back into a full map; throws RegisterMapError when it is not one. */
export function unpackMap(json: unknown): DeviceMap {
  const m = json as Packed;
  if (!m || typeof m !== 'object' || m.format !== REGMAP_FORMAT || !Array.isArray(m.peripherals)) {
    const old =
      m && typeof m === 'object' && m.format === 'vllsi-regmap/1'
        ? ' (this one is vllsi-regmap/1, the names before the one register vocabulary: make it again with `vllsi svd import`)'
        : '';
    throw new RegisterMapError(`not a register map: expected format ${REGMAP_FORMAT}${old}`);
  }
  const packed = m.peripherals as Packed[];
  const byName = new Map(packed.map((p) => [p.name, p]));
  const layouts = new Map<Packed, readonly RegisterMap[]>();
  // A base may come after the peripherals derived from it (Espressif's esp32.svd).
  const layout = (p: Packed, chain: readonly unknown[]): readonly RegisterMap[] => {
    const done = layouts.get(p);
    if (done) return done;
    let registers: readonly RegisterMap[];
    if (typeof p.derivedFrom === 'string') {
      const base = byName.get(p.derivedFrom);
      if (!base || chain.includes(p.derivedFrom)) {
        throw new RegisterMapError(
          `peripheral ${describe(p.name)} derives from ${describe(p.derivedFrom)}, which ${base ? 'derives from it in turn' : 'the map does not have'}`,
        );
      }
      registers = layout(base, [...chain, p.name]);
    } else registers = ((p.registers ?? []) as Packed[]).map(unpackRegister);
    layouts.set(p, registers);
    return registers;
  };
  const peripherals = packed.map((p) => ({ ...p, registers: layout(p, [p.name]) }) as unknown as PeripheralMap);
  return { ...(m as unknown as DeviceMap), peripherals };
}

function unpackRegister(r: Packed): RegisterMap {
  const size = (r.size as Width | undefined) ?? 32;
  const access = (r.access as Access | undefined) ?? 'read-write';
  const write = r.modifiedWriteValues as WriteAction | undefined;
  const fieldWrite = (f: Packed) => {
    const w = (f.modifiedWriteValues as WriteAction | 'modify' | undefined) ?? write;
    return w === undefined || w === 'modify' ? {} : { modifiedWriteValues: w };
  };
  return {
    ...(r as unknown as RegisterMap),
    size,
    access,
    resetValue: (r.resetValue as number | undefined) ?? 0,
    resetMask: (r.resetMask as number | undefined) ?? allOnes(size),
    fields: ((r.fields ?? []) as Packed[]).map((f) => ({
      ...(f as unknown as FieldMap),
      bitWidth: (f.bitWidth as number | undefined) ?? 1,
      access: (f.access as Access | undefined) ?? access,
      modifiedWriteValues: undefined,
      ...fieldWrite(f),
    })),
  };
}
