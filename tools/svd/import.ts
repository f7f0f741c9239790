// CMSIS-SVD importer: parses an SVD file with fast-xml-parser and resolves it into a flat
// register map (src/console/regmap.ts). Resolution order for every element:
//   1. derivedFrom (peripheral, cluster, register, field, enumeratedValues): the element is
//      a copy of its base with its own children added or overriding by name;
//   2. dim arrays: `NAME[%s]` (an array, indices 0..dim-1) and `NAME%s` (a list, dimIndex names),
//      stepped by dimIncrement (bytes for peripherals/clusters/registers, bits for fields);
//   3. inherited register properties (size, access, resetValue, resetMask) from device →
//      peripheral → cluster → register; fields inherit access and modifiedWriteValues.
import { XMLParser } from 'fast-xml-parser';
import { VllsiError } from '../../src/errors.js';
import {
  REGMAP_FORMAT,
  type DeviceMap, type EnumSet, type EnumValue, type FieldMap, type PeripheralMap, type RegisterMap, type WriteAction,
} from '../../src/console/regmap.js';
import type { Access, ReadAction } from '../../src/register_def.js';

/** The SVD is malformed or uses something the importer cannot map. `where` names the element. */
export class SvdError extends VllsiError<'SvdError'> {
  constructor(
    readonly where: string,
    message: string,
  ) {
    super('SvdError', `${where}: ${message}`);
  }
}

// Elements that may repeat; fast-xml-parser makes them arrays even when single.
const REPEATED = new Set(['peripheral', 'register', 'cluster', 'field', 'enumeratedValues', 'enumeratedValue', 'interrupt', 'addressBlock']);

// A parsed XML element: child tags by name, attributes as '@_name'.
type Raw = { [key: string]: unknown };

const ACCESS = new Set(['read-only', 'write-only', 'read-write', 'writeOnce', 'read-writeOnce']);
const WRITE_ACTIONS = new Set(['oneToClear', 'oneToSet', 'oneToToggle', 'zeroToClear', 'zeroToSet', 'zeroToToggle', 'clear', 'set', 'modify']);
const READ_ACTIONS = new Set(['clear', 'set', 'modify', 'modifyExternal']);

interface RegisterProps {
  size: number;
  access: Access;
  reset: number;
  resetMask: number;
  write?: WriteAction | 'modify';
  read?: ReadAction;
}

export interface ImportOptions {
  /** Keep descriptions (the compact board maps drop them). */
  descriptions?: boolean;
  /** Recorded in the map, e.g. the file name and its origin. */
  source?: string;
}

export function importSvd(xml: string, options: ImportOptions = {}): DeviceMap {
  const parser = new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: '@_',
    parseTagValue: false,
    parseAttributeValue: false,
    trimValues: true,
    isArray: (name) => REPEATED.has(name),
  });
  let doc: Raw;
  try {
    doc = parser.parse(xml, true) as Raw;
  } catch (e) {
    throw new SvdError('SVD', `not well-formed XML: ${(e as Error).message}`);
  }
  const device = doc.device as Raw | undefined;
  if (!device || typeof device !== 'object') throw new SvdError('SVD', 'no <device> element');
  return new Resolver(device, options).run();
}

class Resolver {
  private readonly derived = new Map<Raw, Raw>();
  private readonly resolving = new Set<Raw>();
  private readonly peripherals: Raw[];

  constructor(
    private readonly device: Raw,
    private readonly options: ImportOptions,
  ) {
    this.peripherals = arr((device.peripherals as Raw | undefined)?.peripheral);
  }

  run(): DeviceMap {
    const name = text(this.device, 'name') ?? 'device';
    const defaults = this.props(this.device, { size: 32, access: 'read-write', reset: 0, resetMask: 0xffffffff }, name);
    const out: PeripheralMap[] = [];
    for (const raw of this.peripherals) {
      const base = raw['@_derivedFrom'] as string | undefined;
      const p = this.derive(raw, 'peripheral', [this.peripherals], name);
      const where = `peripheral ${text(p, 'name') ?? '?'}`;
      const props = this.props(p, defaults, where);
      const registers = this.children(p.registers as Raw | undefined, props, 0, '', where, [this.peripherals]);
      for (const inst of dims(p, where)) {
        const baseAddress = num(p, 'baseAddress', where);
        if (baseAddress === undefined) throw new SvdError(where, 'no <baseAddress>');
        // A derived peripheral that adds no registers shares its base's layout.
        const sameLayout = base !== undefined && p.registers === this.derive(this.byName(this.peripherals, base, where), 'peripheral', [this.peripherals], where).registers;
        out.push(omitUndefined({
          name: inst.name,
          base: (baseAddress + inst.step) >>> 0,
          derivedFrom: sameLayout ? base : undefined,
          group: text(p, 'groupName'),
          description: this.describe(p, inst.index),
          interrupts: raw.interrupt ? arr(raw.interrupt).map((i) => ({ name: text(i, 'name') ?? '?', value: num(i, 'value', where) ?? 0 })) : undefined,
          registers,
        }));
      }
    }
    return omitUndefined({
      format: REGMAP_FORMAT,
      device: name,
      source: this.options.source,
      license: text(this.device, 'licenseText')?.replace(/\s*\n\s*/g, '\n'),
      peripherals: out,
    });
  }

  /** Registers of a peripheral or cluster body, flattened with cluster names as prefixes. */
  private children(body: Raw | undefined, inherited: RegisterProps, offset: number, prefix: string, where: string, scopes: Raw[][]): RegisterMap[] {
    if (!body) return [];
    const siblings = [...arr(body.register), ...arr(body.cluster)];
    const inner = [siblings, ...scopes];
    const out: RegisterMap[] = [];
    for (const raw of arr(body.cluster)) {
      const c = this.derive(raw, 'cluster', inner, where);
      const cwhere = `${where} cluster ${text(c, 'name')}`;
      const props = this.props(c, inherited, cwhere);
      const at = num(c, 'addressOffset', cwhere);
      if (at === undefined) throw new SvdError(cwhere, 'no <addressOffset>');
      for (const inst of dims(c, cwhere)) {
        out.push(...this.children(c, props, offset + at + inst.step, `${prefix}${inst.name}_`, cwhere, inner));
      }
    }
    for (const raw of arr(body.register)) {
      const r = this.derive(raw, 'register', inner, where);
      const rwhere = `${where} register ${text(r, 'name')}`;
      const props = this.props(r, inherited, rwhere, true);
      const at = num(r, 'addressOffset', rwhere);
      if (at === undefined) throw new SvdError(rwhere, 'no <addressOffset>');
      if (props.size !== 8 && props.size !== 16 && props.size !== 32) {
        throw new SvdError(rwhere, `size ${props.size} is not supported (8, 16 or 32 bits)`);
      }
      const fields = this.fields(r, props, rwhere);
      for (const inst of dims(r, rwhere)) {
        out.push(omitUndefined({
          name: prefix + inst.name,
          offset: offset + at + inst.step,
          size: props.size,
          access: props.access,
          reset: props.reset,
          resetMask: props.resetMask,
          write: props.write === 'modify' ? undefined : props.write,
          read: props.read,
          fields,
          description: this.describe(r, inst.index),
        }));
      }
    }
    return out.sort((a, b) => a.offset - b.offset);
  }

  private fields(r: Raw, reg: RegisterProps, where: string): FieldMap[] {
    const raws = arr((r.fields as Raw | undefined)?.field);
    const out: FieldMap[] = [];
    for (const raw of raws) {
      const f = this.derive(raw, 'field', [raws], where);
      const fwhere = `${where} field ${text(f, 'name')}`;
      const [lsb, width] = bitRange(f, fwhere);
      const access = accessOf(f, fwhere) ?? reg.access;
      const declared = writeActionOf(f, fwhere) ?? reg.write;
      const write = declared === 'modify' ? undefined : declared;
      const read = readActionOf(f, fwhere);
      const enums = arr(f.enumeratedValues).map((e) => this.enumSet(this.deriveEnum(e, r, fwhere), width, fwhere));
      for (const inst of dims(f, fwhere)) {
        const at = lsb + inst.step;
        if (at + width > reg.size) throw new SvdError(fwhere, `bits ${at}..${at + width - 1} lie outside the ${reg.size}-bit register`);
        out.push(omitUndefined({
          name: inst.name, lsb: at, width, access, write, read,
          enums: enums.length ? enums : undefined,
          description: this.describe(f, inst.index),
        }));
      }
    }
    return out.sort((a, b) => a.lsb - b.lsb);
  }

  private enumSet(e: Raw, width: number, where: string): EnumSet {
    const usage = text(e, 'usage') ?? 'read-write';
    if (usage !== 'read' && usage !== 'write' && usage !== 'read-write') throw new SvdError(where, `bad enumeratedValues usage '${usage}'`);
    const values: EnumValue[] = [];
    let defaultName: string | undefined;
    for (const v of arr(e.enumeratedValue)) {
      const name = text(v, 'name');
      if (name === undefined) throw new SvdError(where, 'an enumeratedValue has no <name>');
      if (text(v, 'isDefault') === 'true' || text(v, 'isDefault') === '1') {
        defaultName = name;
        continue;
      }
      const raw = text(v, 'value');
      if (raw === undefined) throw new SvdError(`${where} value ${name}`, 'no <value> and not isDefault');
      const description = this.options.descriptions ? text(v, 'description') : undefined;
      for (const value of enumValues(raw, width, `${where} value ${name}`)) values.push(omitUndefined({ name, value, description }));
    }
    return omitUndefined({ usage, name: text(e, 'name'), values, defaultName });
  }

  /** An enumeratedValues element with its derivedFrom resolved (by set name: field, register, then device-wide). */
  private deriveEnum(e: Raw, register: Raw, where: string): Raw {
    const from = e['@_derivedFrom'] as string | undefined;
    if (from === undefined) return e;
    const name = from.split('.').at(-1)!;
    const ofRegister = (r: Raw) => arr((r.fields as Raw | undefined)?.field).flatMap((f) => arr(f.enumeratedValues));
    const candidates = [
      ...ofRegister(register),
      ...this.peripherals.flatMap((p) => this.allRegisters(p).flatMap(ofRegister)),
    ];
    const base = candidates.find((c) => c !== e && text(c, 'name') === name);
    if (!base) throw new SvdError(where, `enumeratedValues derivedFrom '${from}' names no enumeratedValues`);
    return { ...this.deriveEnum(base, register, where), ...e, '@_derivedFrom': undefined };
  }

  private allRegisters(body: Raw): Raw[] {
    const b = (body.registers as Raw | undefined) ?? body;
    return [...arr(b.register), ...arr(b.cluster).flatMap((c) => this.allRegisters(c))];
  }

  /**
   * The element with its derivedFrom chain applied: the base's children plus this element's own
   * (own ones override by name). `scopes` lists sibling lists, innermost first, for plain names;
   * dotted names (PERIPHERAL.CLUSTER.REGISTER.FIELD) are looked up from the device.
   */
  private derive(raw: Raw, what: string, scopes: Raw[][], where: string): Raw {
    const from = raw['@_derivedFrom'] as string | undefined;
    if (from === undefined) return raw;
    const done = this.derived.get(raw);
    if (done) return done;
    const here = `${where} ${what} ${text(raw, 'name') ?? '?'}`;
    if (this.resolving.has(raw)) throw new SvdError(here, `derivedFrom '${from}' is circular`);
    this.resolving.add(raw);
    const baseRaw = from.includes('.') ? this.byPath(from, here) : this.inScopes(scopes, from, here);
    // The base's own derivedFrom is resolved in the scope it lives in; for siblings that is ours.
    const base = this.derive(baseRaw, what, scopes, where);
    const merged: Raw = { ...base };
    for (const k of ['dim', 'dimIncrement', 'dimIndex', 'dimName', 'interrupt', '@_derivedFrom']) delete merged[k];
    for (const [k, v] of Object.entries(raw)) {
      if (k === '@_derivedFrom') continue;
      merged[k] = k === 'registers' || k === 'fields' ? mergeBody(base[k] as Raw | undefined, v as Raw) : v;
    }
    if (what === 'cluster') {
      const body = mergeBody(base, raw);
      merged.register = body.register;
      merged.cluster = body.cluster;
    }
    this.resolving.delete(raw);
    this.derived.set(raw, merged);
    return merged;
  }

  private inScopes(scopes: Raw[][], name: string, where: string): Raw {
    for (const siblings of scopes) {
      const hit = siblings.find((s) => text(s, 'name') === name);
      if (hit) return hit;
    }
    throw new SvdError(where, `derivedFrom '${name}' names nothing in scope`);
  }

  private byName(list: Raw[], name: string, where: string): Raw {
    return this.inScopes([list], name, where);
  }

  private byPath(path: string, where: string): Raw {
    const [first, ...rest] = path.split('.');
    let node = this.derive(this.byName(this.peripherals, first!, where), 'peripheral', [this.peripherals], where);
    for (let i = 0; i < rest.length; i++) {
      const body = i === 0 ? (node.registers as Raw | undefined) : node;
      const kids = [...arr(body?.register), ...arr(body?.cluster), ...arr((node.fields as Raw | undefined)?.field)];
      const hit = kids.find((k) => text(k, 'name') === rest[i]);
      if (!hit) throw new SvdError(where, `derivedFrom '${path}': no '${rest[i]}' in '${[first, ...rest.slice(0, i)].join('.')}'`);
      node = hit;
    }
    return node;
  }

  private props(raw: Raw, inherited: RegisterProps, where: string, isRegister = false): RegisterProps {
    const size = num(raw, 'size', where) ?? inherited.size;
    return omitUndefined({
      size,
      access: accessOf(raw, where) ?? inherited.access,
      reset: num(raw, 'resetValue', where) ?? inherited.reset,
      resetMask: num(raw, 'resetMask', where) ?? inherited.resetMask,
      // Write/read actions belong to registers (and fields), not to their containers.
      write: isRegister ? writeActionOf(raw, where) : undefined,
      read: isRegister ? readActionOf(raw, where) : undefined,
    });
  }

  private describe(raw: Raw, index: string | undefined): string | undefined {
    if (!this.options.descriptions) return undefined;
    const d = text(raw, 'description')?.replace(/\s+/g, ' ');
    return index === undefined ? d : d?.replace(/%s/g, index);
  }
}

/** Children of two bodies merged by name, the derived element's winning. */
function mergeBody(base: Raw | undefined, own: Raw): Raw {
  const out: Raw = { ...(base ?? {}), ...own };
  for (const key of ['register', 'cluster', 'field']) {
    if (!base?.[key] && !own[key]) continue;
    const mine = arr(own[key]);
    const names = new Set(mine.map((m) => text(m, 'name')));
    out[key] = [...arr(base?.[key]).filter((b) => !names.has(text(b, 'name'))), ...mine];
  }
  return out;
}

interface Instance {
  name: string;
  /** Offset added to this instance (bytes or bits). */
  step: number;
  /** The %s substitution, for descriptions. */
  index: string | undefined;
}

/** The instances of a possibly dim'd element: one with its own name when it has no <dim>. */
function dims(raw: Raw, where: string): Instance[] {
  const name = text(raw, 'name');
  if (name === undefined) throw new SvdError(where, 'an element has no <name>');
  const dim = num(raw, 'dim', where);
  if (dim === undefined) {
    if (name.includes('%s')) throw new SvdError(where, `name '${name}' has %s but no <dim>`);
    return [{ name, step: 0, index: undefined }];
  }
  const increment = num(raw, 'dimIncrement', where);
  if (increment === undefined) throw new SvdError(where, '<dim> without <dimIncrement>');
  const array = name.includes('[%s]');
  const indices = array ? Array.from({ length: dim }, (_, i) => String(i)) : dimIndex(text(raw, 'dimIndex'), dim, where);
  if (!name.includes('%s')) throw new SvdError(where, `<dim> on '${name}', which has no %s`);
  return indices.map((index, i) => ({
    name: array ? name.replace('[%s]', `[${index}]`) : name.replace(/%s/g, index),
    step: i * increment,
    index,
  }));
}

function dimIndex(spec: string | undefined, dim: number, where: string): string[] {
  let out: string[];
  if (spec === undefined) out = Array.from({ length: dim }, (_, i) => String(i));
  else if (/^\d+\s*-\s*\d+$/.test(spec)) {
    const [a, b] = spec.split('-').map((s) => parseInt(s, 10)) as [number, number];
    out = Array.from({ length: b - a + 1 }, (_, i) => String(a + i));
  } else if (/^[A-Z]\s*-\s*[A-Z]$/.test(spec)) {
    const a = spec.charCodeAt(0);
    const b = spec.trim().charCodeAt(spec.trim().length - 1);
    out = Array.from({ length: b - a + 1 }, (_, i) => String.fromCharCode(a + i));
  } else out = spec.split(',').map((s) => s.trim());
  if (out.length !== dim) throw new SvdError(where, `dimIndex '${spec}' gives ${out.length} names for dim ${dim}`);
  return out;
}

/** [lsb, width] from bitOffset/bitWidth, lsb/msb or bitRange "[msb:lsb]". */
function bitRange(f: Raw, where: string): [number, number] {
  const offset = num(f, 'bitOffset', where);
  if (offset !== undefined) return [offset, num(f, 'bitWidth', where) ?? 1];
  const lsb = num(f, 'lsb', where);
  const msb = num(f, 'msb', where);
  if (lsb !== undefined && msb !== undefined) {
    if (msb < lsb) throw new SvdError(where, `msb ${msb} < lsb ${lsb}`);
    return [lsb, msb - lsb + 1];
  }
  const range = text(f, 'bitRange');
  if (range !== undefined) {
    const m = /^\[\s*(\d+)\s*:\s*(\d+)\s*\]$/.exec(range);
    if (!m) throw new SvdError(where, `bad bitRange '${range}': expected [msb:lsb]`);
    const hi = parseInt(m[1]!, 10);
    const lo = parseInt(m[2]!, 10);
    if (hi < lo) throw new SvdError(where, `bitRange '${range}' has msb < lsb`);
    return [lo, hi - lo + 1];
  }
  throw new SvdError(where, 'no bit range (bitOffset/bitWidth, lsb/msb or bitRange)');
}

function accessOf(raw: Raw, where: string): Access | undefined {
  const a = text(raw, 'access');
  if (a === undefined) return undefined;
  if (!ACCESS.has(a)) throw new SvdError(where, `bad access '${a}'`);
  return a as Access;
}

/** The declared write action; 'modify' (plain write) is kept so a field can override its register's. */
function writeActionOf(raw: Raw, where: string): WriteAction | 'modify' | undefined {
  const w = text(raw, 'modifiedWriteValues');
  if (w === undefined) return undefined;
  if (!WRITE_ACTIONS.has(w)) throw new SvdError(where, `bad modifiedWriteValues '${w}'`);
  return w as WriteAction | 'modify';
}

function readActionOf(raw: Raw, where: string): ReadAction | undefined {
  const r = text(raw, 'readAction');
  if (r === undefined) return undefined;
  if (!READ_ACTIONS.has(r)) throw new SvdError(where, `bad readAction '${r}'`);
  return r as ReadAction;
}

/** Values an enumeratedValue denotes: `#1x0` has don't-care bits, expanded (at most 2^8 of them). */
function enumValues(raw: string, width: number, where: string): number[] {
  const bin = /^(?:#|0b)([01x]+)$/i.exec(raw);
  if (bin && /x/i.test(bin[1]!)) {
    const pattern = bin[1]!.toLowerCase();
    const free = [...pattern].filter((c) => c === 'x').length;
    if (free > 8) throw new SvdError(where, `value '${raw}' has more than 8 don't-care bits`);
    const out: number[] = [];
    for (let k = 0; k < 1 << free; k++) {
      let bit = free;
      out.push(parseInt([...pattern].map((c) => (c === 'x' ? String((k >> --bit) & 1) : c)).join(''), 2));
    }
    return out;
  }
  const v = parseNumber(raw, where);
  if (width < 32 && v >= 2 ** width) throw new SvdError(where, `value ${raw} does not fit ${width} bits`);
  return [v];
}

/** scaledNonNegativeInteger: decimal, 0x hex, 0b/# binary, optional k/M/G/T scale. */
function parseNumber(raw: string, where: string): number {
  const m = /^(0x[0-9a-f]+|0b[01]+|#[01]+|\d+)([kmgt]?)$/i.exec(raw.trim());
  if (!m) throw new SvdError(where, `bad number '${raw}'`);
  const digits = m[1]!;
  let v = /^0x/i.test(digits) ? parseInt(digits.slice(2), 16)
    : /^0b/i.test(digits) ? parseInt(digits.slice(2), 2)
      : digits.startsWith('#') ? parseInt(digits.slice(1), 2) : parseInt(digits, 10);
  const scale = m[2]!.toLowerCase();
  if (scale) v *= 1024 ** ' kmgt'.indexOf(scale);
  if (!Number.isSafeInteger(v) || v > 0xffffffff) throw new SvdError(where, `number '${raw}' exceeds 32 bits`);
  return v;
}

function num(raw: Raw, key: string, where: string): number | undefined {
  const t = text(raw, key);
  return t === undefined ? undefined : parseNumber(t, `${where} <${key}>`);
}

function text(raw: Raw | undefined, key: string): string | undefined {
  const v = raw?.[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'string') return v;
  if (typeof v === 'object' && '#text' in (v as Raw)) return String((v as Raw)['#text']);
  return undefined;
}

function arr(v: unknown): Raw[] {
  return v === undefined || v === null || v === '' ? [] : Array.isArray(v) ? (v as Raw[]) : [v as Raw];
}

/** Drops undefined properties so the JSON map stays compact. */
function omitUndefined<T extends object>(o: T): T {
  for (const k of Object.keys(o) as (keyof T)[]) if (o[k] === undefined) delete o[k];
  return o;
}
