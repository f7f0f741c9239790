// CMSIS-SVD importer: parses an SVD file with fast-xml-parser and resolves it into a flat
// register map (src/register_map.ts). Resolution order for every element:
//   1. derivedFrom (peripheral, cluster, register, field, enumeratedValues): the element is
//      a copy of its base with its own children added or overriding by name;
//   2. dim arrays: `NAME[%s]` (an array, indices 0..dim-1) and `NAME%s` (a list, dimIndex names),
//      stepped by dimIncrement (bytes for peripherals/clusters/registers, bits for fields);
//   3. inherited register properties (size, access, resetValue, resetMask) from device →
//      peripheral → cluster → register; fields inherit access and modifiedWriteValues.
// Vendor files are often slightly wrong: a bad element is repaired or skipped with a warning
// that names its path (docs/svd.md lists the classes), unless `strict` asks for a refusal.
// Expansion is bounded (ImportLimits): a file that exceeds a limit is refused whole.
import { TextDecoder } from 'node:util';
import { XMLParser } from 'fast-xml-parser';
import { VllsiError } from '../../src/errors.js';
import {
  REGMAP_FORMAT,
  type DeviceMap,
  type EnumSet,
  type EnumValue,
  type FieldMap,
  type MapWarning,
  type PeripheralMap,
  type RegisterMap,
  type WarningClass,
  type WriteAction,
} from '../../src/register_map.js';
import type { Access, ReadAction } from '../../src/register_def.js';
import type { Width } from '../../src/bus.js';

/** The SVD is malformed or uses something the importer cannot map. `where` names the element. */
export class SvdError extends VllsiError<'SvdError' | 'SvdLimitError' | 'SvdEncodingError'> {
  constructor(
    readonly where: string,
    message: string,
    kind: 'SvdError' | 'SvdLimitError' | 'SvdEncodingError' = 'SvdError',
  ) {
    super(kind, `${where}: ${message}`);
  }
}

/** The SVD expands past a limit (ImportLimits): refused whole, never skipped. */
export class SvdLimitError extends SvdError {
  constructor(
    where: string,
    message: string,
    /** Which limit (a key of ImportLimits). */
    readonly limit: keyof ImportLimits,
  ) {
    super(where, message, 'SvdLimitError');
  }
}

/** The bytes are not text in the encoding the file declares (UTF-8 when it declares none). */
export class SvdEncodingError extends SvdError {
  constructor(message: string) {
    super('SVD', message, 'SvdEncodingError');
  }
}

/** Bounds on what one SVD file may expand to; the defaults are far above any vendor file's. */
export interface ImportLimits {
  /** Input size in bytes. */
  readonly bytes: number;
  /** Elements of one dim array (or dimIndex list). */
  readonly dim: number;
  /** Registers in the resolved map, derived copies and dim instances included. */
  readonly registers: number;
  /** Field objects the resolver makes (a field shared by the instances of a dim register counts once). */
  readonly fields: number;
  /** Peripherals in the resolved map, dim instances included. */
  readonly peripherals: number;
  /** Nested clusters, and the length of a derivedFrom chain. */
  readonly depth: number;
  /** Warnings: a file that needs more repairs than this is refused. */
  readonly warnings: number;
}

export const DEFAULT_LIMITS: ImportLimits = Object.freeze({
  bytes: 64 * 2 ** 20,
  dim: 65536,
  registers: 250_000,
  fields: 1_000_000,
  peripherals: 16384,
  depth: 32,
  warnings: 100_000,
});

// Elements that may repeat; fast-xml-parser makes them arrays even when single.
const REPEATED = new Set(['peripheral', 'register', 'cluster', 'field', 'enumeratedValues', 'enumeratedValue', 'interrupt', 'addressBlock']);
// Containers that vendors sometimes split (TI MSP432: several <registers> in one peripheral): merged.
const CONTAINERS = new Set(['peripherals', 'registers', 'fields']);
// Elements whose warnings name them (`peripheral UART0 register CR field EN`).
const NAMED = new Set(['peripheral', 'cluster', 'register', 'field', 'enumeratedValue']);

// A parsed XML element: child tags by name, attributes as '@_name'.
type Raw = { [key: string]: unknown };

// The SVD vocabularies, by lower-case spelling (vendors write `read-writeonce`, `oneToClear`...).
const vocabulary = <T extends string>(words: readonly T[]) => new Map(words.map((w) => [w.toLowerCase(), w]));
const ACCESS = vocabulary<Access>(['read-only', 'write-only', 'read-write', 'writeOnce', 'read-writeOnce']);
const WRITE_ACTIONS = vocabulary<WriteAction | 'modify'>([
  'oneToClear',
  'oneToSet',
  'oneToToggle',
  'zeroToClear',
  'zeroToSet',
  'zeroToToggle',
  'clear',
  'set',
  'modify',
]);
const READ_ACTIONS = vocabulary<ReadAction>(['clear', 'set', 'modify', 'modifyExternal']);
const USAGES = vocabulary<EnumSet['usage']>(['read', 'write', 'read-write']);

interface RegisterProps {
  size: number;
  access: Access;
  /** Unparsed: masked to the register's size where a register is made. */
  reset: string | undefined;
  resetMask: string | undefined;
  write?: WriteAction | 'modify';
  read?: ReadAction;
}

export interface ImportOptions {
  /** Keep descriptions (the compact board maps drop them). */
  descriptions?: boolean;
  /** Recorded in the map, e.g. the file name and its origin. */
  source?: string;
  /** Refuse the file at the first repair a warning would report (renames excepted). */
  strict?: boolean;
  /** Override some of DEFAULT_LIMITS. */
  limits?: Partial<ImportLimits>;
}

/**
 * The device's register map. `svd` is the file's text, or its bytes (decoded as the XML
 * declaration says, UTF-8 by default; bytes that are not valid text are an SvdEncodingError).
 * The map's `warnings` list what was repaired or skipped.
 */
export function importSvd(svd: string | Uint8Array, options: ImportOptions = {}): DeviceMap {
  const limits = { ...DEFAULT_LIMITS, ...options.limits };
  const size = typeof svd === 'string' ? svd.length : svd.byteLength;
  if (size > limits.bytes) throw new SvdLimitError('SVD', `${size} bytes, more than the limit of ${limits.bytes}`, 'bytes');
  const xml = typeof svd === 'string' ? svd : decode(svd);
  if (/<!ENTITY/i.test(xml)) throw new SvdError('SVD', 'declares entities (<!ENTITY>): refused (SVD files have none; expanding them is a memory bomb)');
  const entity = /&(?!(?:amp|lt|gt|quot|apos|#\d+|#x[0-9a-f]+);)[^;\s<&]{0,40};?/i.exec(xml);
  if (entity) throw new SvdError('SVD', `unknown entity reference '${entity[0]}'`);
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
  if (!device || typeof device !== 'object' || Array.isArray(device)) throw new SvdError('SVD', 'no <device> element (or more than one)');
  const warnings = new Warnings(options.strict === true, limits.warnings);
  normalize(device, 'device', warnings);
  return new Resolver(device, options, limits, warnings).run();
}

/** Text from bytes: a BOM or the XML declaration's encoding, else UTF-8; invalid bytes are an error. */
function decode(bytes: Uint8Array): string {
  let encoding = 'utf-8';
  if (bytes[0] === 0xfe && bytes[1] === 0xff) encoding = 'utf-16be';
  else if (bytes[0] === 0xff && bytes[1] === 0xfe) encoding = 'utf-16le';
  else {
    // The declaration is ASCII: read it from the first bytes.
    const head = String.fromCharCode(...bytes.subarray(0, 200));
    const declared = /^(?:\uFEFF|\xEF\xBB\xBF)?<\?xml[^>]*\bencoding\s*=\s*["']([A-Za-z0-9._-]+)["']/.exec(head)?.[1];
    if (declared !== undefined) encoding = declared.toLowerCase();
  }
  let decoder: TextDecoder;
  try {
    decoder = new TextDecoder(encoding, { fatal: true });
  } catch {
    throw new SvdEncodingError(`unknown encoding '${encoding}' in the XML declaration`);
  }
  try {
    return decoder.decode(bytes);
  } catch {
    throw new SvdEncodingError(`not valid ${encoding} text`);
  }
}

/** Collects warnings; in strict mode a repair is a refusal instead. */
class Warnings {
  readonly list: MapWarning[] = [];
  constructor(
    private readonly strict: boolean,
    private readonly limit: number,
  ) {}

  warn(kind: WarningClass, where: string, message: string): void {
    if (this.list.length >= this.limit) throw new SvdLimitError(where, `more than ${this.limit} warnings`, 'warnings');
    // Messages read `problem; repair`: strict mode refuses at the problem.
    if (this.strict && kind !== 'renamed') throw new SvdError(where, `${message.replace(/; [^;]*$/, '')} (refused: strict)`);
    this.list.push({ kind, where, message });
  }

  /** Runs `fn`; a malformed element (an SvdError other than a limit) is skipped with a warning. */
  skipping<T>(at: string, fn: () => T): T | undefined {
    try {
      return fn();
    } catch (e) {
      if (this.strict || !(e instanceof SvdError) || e instanceof SvdLimitError) throw e;
      // The reason, with the part of the error's path below the skipped element.
      const below = e.where.startsWith(at) ? e.where.slice(at.length).trim() : e.where === 'SVD' ? '' : e.where;
      const reason = e.message.slice(e.where.length + 2);
      this.warn('skipped', at, `${below ? `${below}: ` : ''}${reason}; skipped`);
      return undefined;
    }
  }
}

/**
 * Fixes the two shapes a schema-invalid file gives the parse tree, before anything reads it: a
 * single element given twice (an array where a value belongs: the last is kept, with a
 * warning) and split containers (merged). Iterative: nesting depth costs no stack.
 */
function normalize(device: Raw, where: string, warnings: Warnings): void {
  // Paths are built only for a warning: the walk visits every element of the file.
  type Entry = { node: Raw; parent: Entry | undefined; label: string | undefined };
  const path = (e: Entry): string => {
    const labels: string[] = [];
    for (let at: Entry | undefined = e; at; at = at.parent) if (at.label !== undefined) labels.push(at.label);
    return labels.length ? labels.reverse().join(' ') : where;
  };
  const todo: Entry[] = [{ node: device, parent: undefined, label: undefined }];
  for (let item = todo.pop(); item; item = todo.pop()) {
    const node = item.node;
    for (const k in node) {
      let v = node[k];
      if (v === null || typeof v !== 'object') continue;
      if (Array.isArray(v) && !REPEATED.has(k)) {
        if (CONTAINERS.has(k)) {
          warnings.warn('repeated-element', path(item), `<${k}> given ${v.length} times; their children merged`);
          v = node[k] = mergeContainers(v as unknown[]);
        } else {
          const shown = v.map((x) => (typeof x === 'string' ? x : '{…}')).join(', ');
          warnings.warn('repeated-element', path(item), `<${k}> given ${v.length} times (${shown}); the last kept`);
          v = node[k] = v.at(-1);
          if (v === null || typeof v !== 'object') continue;
        }
      }
      const named = NAMED.has(k);
      if (!Array.isArray(v)) todo.push({ node: v as Raw, parent: item, label: named ? `${k} ${text(v as Raw, 'name') ?? '?'}` : undefined });
      else {
        for (const child of v) {
          if (child !== null && typeof child === 'object')
            todo.push({ node: child as Raw, parent: item, label: named ? `${k} ${text(child as Raw, 'name') ?? '?'}` : undefined });
        }
      }
    }
  }
}

function mergeContainers(blocks: unknown[]): Raw {
  const out: Raw = {};
  for (const b of blocks) {
    if (b === null || typeof b !== 'object') continue;
    for (const [k, v] of Object.entries(b as Raw)) out[k] = k in out ? [...arr(out[k]), ...arr(v)] : v;
  }
  return out;
}

class Resolver {
  private readonly derived = new Map<Raw, Raw>();
  private readonly indexes = new WeakMap<Raw[], Map<string, Raw>>();
  private readonly layouts = new Map<Raw, { key: string; registers: RegisterMap[] }>();
  /** The alternateGroup of the registers that have one: it names them when their name repeats. */
  private readonly alternates = new Map<RegisterMap, string>();
  private readonly resolving = new Set<Raw>();
  private readonly peripherals: Raw[];
  private readonly counts = { registers: 0, fields: 0, peripherals: 0 };
  private readonly littleEndian: boolean;

  constructor(
    private readonly device: Raw,
    private readonly options: ImportOptions,
    private readonly limits: ImportLimits,
    private readonly warnings: Warnings,
  ) {
    this.peripherals = arr((device.peripherals as Raw | undefined)?.peripheral);
    this.littleEndian = text(device.cpu as Raw | undefined, 'endian')?.toLowerCase() !== 'big';
  }

  run(): DeviceMap {
    const name = text(this.device, 'name') ?? 'device';
    const defaults: RegisterProps = { size: 32, access: 'read-write', reset: undefined, resetMask: undefined };
    const deviceProps = this.warnings.skipping('the device-level defaults', () => this.props(this.device, defaults, 'device')) ?? defaults;
    const out: PeripheralMap[] = [];
    for (const raw of this.peripherals) {
      const where = `peripheral ${text(raw, 'name') ?? '?'}`;
      this.warnings.skipping(where, () => this.peripheral(raw, deviceProps, where, out));
    }
    const warnings = this.warnings.list;
    return omitUndefined({
      format: REGMAP_FORMAT,
      device: name,
      source: this.options.source,
      license: text(this.device, 'licenseText')?.replace(/\s*\n\s*/g, '\n'),
      peripherals: this.uniquePeripherals(out),
      warnings: warnings.length ? warnings : undefined,
    });
  }

  private peripheral(raw: Raw, inherited: RegisterProps, where: string, out: PeripheralMap[]): void {
    const base = raw['@_derivedFrom'] as string | undefined;
    const p = this.derive(raw, 'peripheral', [this.peripherals], 'device');
    const props = this.props(p, inherited, where);
    const unique = this.layout(p, props, where);
    const baseAddress = num(p, 'baseAddress', where);
    if (baseAddress === undefined) throw new SvdError(where, 'no <baseAddress>');
    // A derived peripheral that adds no registers shares its base's layout.
    const sameLayout =
      base !== undefined && p.registers === this.derive(this.byName(this.peripherals, base, where), 'peripheral', [this.peripherals], where).registers;
    const interrupts = this.interrupts(raw, where);
    const instances = this.dims(p, where);
    this.count('peripherals', instances.length, where);
    // Every instance after the first is another copy of the layout.
    this.count('registers', unique.length * (instances.length - 1), where);
    for (const inst of instances) {
      out.push(
        omitUndefined({
          name: inst.name,
          baseAddress: (baseAddress + inst.step) >>> 0,
          derivedFrom: sameLayout ? base : undefined,
          groupName: text(p, 'groupName'),
          description: this.describe(p, inst.index),
          interrupts,
          registers: unique,
        }),
      );
    }
  }

  /**
   * A peripheral's registers. Peripherals that share one <registers> body (derived ones that add
   * nothing) and the same inherited properties share one resolved list: it is resolved once,
   * though each copy still counts against the register limit.
   */
  private layout(p: Raw, props: RegisterProps, where: string): RegisterMap[] {
    const body = p.registers as Raw | undefined;
    const key = JSON.stringify(props);
    const done = body && this.layouts.get(body);
    if (done?.key === key) {
      this.count('registers', done.registers.length, where);
      return done.registers;
    }
    const flat: RegisterMap[] = [];
    this.children(body, props, 0, '', where, [this.peripherals], 0, flat);
    const registers = this.uniqueRegisters(flat, where);
    if (body) this.layouts.set(body, { key, registers });
    return registers;
  }

  /** A peripheral's interrupts: one listed twice is kept once, a name with two values gets a suffix. */
  private interrupts(raw: Raw, where: string): PeripheralMap['interrupts'] {
    if (!raw.interrupt) return undefined;
    const out: { name: string; value: number }[] = [];
    for (const i of arr(raw.interrupt)) {
      const iwhere = `${where} interrupt ${text(i, 'name') ?? '?'}`;
      const irq = this.warnings.skipping(iwhere, () => {
        const name = text(i, 'name');
        if (name === undefined) throw new SvdError(iwhere, 'no <name>');
        return { name, value: num(i, 'value', iwhere) ?? 0 };
      });
      if (!irq) continue;
      const same = out.find((o) => o.name.toUpperCase() === irq.name.toUpperCase());
      if (same?.value === irq.value) this.warnings.warn('repeated-element', iwhere, `listed twice (value ${irq.value}); kept once`);
      else out.push(irq);
    }
    return uniqueNames(
      out,
      (o) => `${o.name}_${o.value}`,
      (o, name) => {
        this.warnings.warn('renamed', `${where} interrupt ${o.name}`, `a second interrupt of that name (value ${o.value}) is named ${name}`);
        return { ...o, name };
      },
    );
  }

  /** Registers of a peripheral or cluster body, flattened into `out` with cluster names as prefixes. */
  private children(
    body: Raw | undefined,
    inherited: RegisterProps,
    offset: number,
    prefix: string,
    where: string,
    scopes: Raw[][],
    depth: number,
    out: RegisterMap[],
  ): void {
    if (!body) return;
    if (depth > this.limits.depth) throw new SvdLimitError(where, `clusters nested more than ${this.limits.depth} deep`, 'depth');
    const siblings = [...arr(body.register), ...arr(body.cluster)];
    const inner = [siblings, ...scopes];
    for (const raw of arr(body.cluster)) {
      const cwhere = `${where} cluster ${text(raw, 'name') ?? '?'}`;
      this.warnings.skipping(cwhere, () => {
        const c = this.derive(raw, 'cluster', inner, where);
        const props = this.props(c, inherited, cwhere);
        const at = num(c, 'addressOffset', cwhere);
        if (at === undefined) throw new SvdError(cwhere, 'no <addressOffset>');
        for (const inst of this.dims(c, cwhere)) {
          this.children(c, props, offset + at + inst.step, `${prefix}${inst.name}_`, cwhere, inner, depth + 1, out);
        }
      });
    }
    for (const raw of arr(body.register)) {
      const rwhere = `${where} register ${text(raw, 'name') ?? '?'}`;
      this.warnings.skipping(rwhere, () => this.register(raw, inherited, offset, prefix, rwhere, where, inner, out));
    }
  }

  private register(
    raw: Raw,
    inherited: RegisterProps,
    offset: number,
    prefix: string,
    rwhere: string,
    where: string,
    inner: Raw[][],
    out: RegisterMap[],
  ): void {
    const r = this.derive(raw, 'register', inner, where);
    const props = this.props(r, inherited, rwhere, true);
    const at0 = num(r, 'addressOffset', rwhere);
    if (at0 === undefined) throw new SvdError(rwhere, 'no <addressOffset>');
    const { size } = props;
    if (size !== 8 && size !== 16 && size !== 32 && size !== 64) {
      this.warnings.warn('bad-size', rwhere, `size ${size} is not a register size (8, 16, 32 or 64 bits); register skipped`);
      return;
    }
    const reset = this.masked(props.reset, size, 0n, text(r, 'resetValue') !== undefined, `${rwhere} <resetValue>`);
    const resetMask = this.masked(props.resetMask, size, (1n << BigInt(size)) - 1n, text(r, 'resetMask') !== undefined, `${rwhere} <resetMask>`);
    const fields = this.fields(r, props, rwhere);
    const instances = this.dims(r, rwhere);
    this.count('registers', instances.length * (size === 64 ? 2 : 1), rwhere);
    const alternate = text(r, 'alternateGroup');
    const write = props.write === 'modify' ? undefined : props.write;
    // Keys in the order of the map's JSON form.
    const make = (name: string, at: number, size: Width, reset: bigint, resetMask: bigint, fields: FieldMap[], description: string | undefined) => {
      const made = omitUndefined<RegisterMap>({
        name,
        addressOffset: at,
        size,
        access: props.access,
        resetValue: Number(reset),
        resetMask: Number(resetMask),
        modifiedWriteValues: write,
        readAction: props.read,
        fields,
        description,
      });
      if (alternate !== undefined) this.alternates.set(made, alternate);
      out.push(made);
    };
    for (const inst of instances) {
      const name = prefix + inst.name;
      const at = offset + at0 + inst.step;
      const description = this.describe(r, inst.index);
      if (size !== 64) {
        make(name, at, size, reset, resetMask, fields, description);
        continue;
      }
      this.warnings.warn('split-64-bit', `${where} register ${name}`, `a 64-bit register is mapped as two 32-bit halves, ${name}_LO and ${name}_HI`);
      for (const [half, shift] of [
        ['LO', 0n],
        ['HI', 32n],
      ] as const) {
        const word = (v: bigint) => (v >> shift) & 0xffffffffn;
        make(
          `${name}_${half}`,
          at + ((shift === 0n) === this.littleEndian ? 0 : 4),
          32,
          word(reset),
          word(resetMask),
          halfFields(fields, Number(shift) as 0 | 32),
          description,
        );
      }
    }
  }

  /**
   * A reset value or mask as a bigint of `size` bits. Wider values are masked: with a warning
   * when the register declares one, silently when it inherits one (a device-wide all-ones mask
   * over its 8-bit registers is how vendors write it).
   */
  private masked(raw: string | undefined, size: number, fallback: bigint, own: boolean, where: string): bigint {
    if (raw === undefined) return fallback;
    const v = parseBig(raw, where);
    const mask = (1n << BigInt(size)) - 1n;
    if ((v & mask) === v || !own) return v & mask;
    this.warnings.warn('value-too-wide', where, `${raw} does not fit the ${size}-bit register; masked to 0x${(v & mask).toString(16)}`);
    return v & mask;
  }

  private count(what: 'registers' | 'fields' | 'peripherals', n: number, where: string): void {
    const total = (this.counts[what] += n);
    if (total > this.limits[what]) throw new SvdLimitError(where, `the map would have more than ${this.limits[what]} ${what}`, what);
  }

  private fields(r: Raw, reg: RegisterProps, where: string): FieldMap[] {
    const raws = arr((r.fields as Raw | undefined)?.field);
    const out: FieldMap[] = [];
    for (const raw of raws) {
      const fwhere = `${where} field ${text(raw, 'name') ?? '?'}`;
      this.warnings.skipping(fwhere, () => {
        const f = this.derive(raw, 'field', [raws], where);
        const [lsb, width] = bitRange(f, fwhere);
        if (width < 1) throw new SvdError(fwhere, `width ${width}`);
        const access = this.vocabulary(f, 'access', ACCESS, fwhere) ?? reg.access;
        const declared = this.vocabulary(f, 'modifiedWriteValues', WRITE_ACTIONS, fwhere) ?? reg.write;
        const write = declared === 'modify' ? undefined : declared;
        const read = this.vocabulary(f, 'readAction', READ_ACTIONS, fwhere);
        const enums: EnumSet[] = [];
        for (const e of arr(f.enumeratedValues)) {
          const set = this.warnings.skipping(`${fwhere} enumeratedValues`, () => this.enumSet(this.deriveEnum(e, r, fwhere), width, fwhere));
          if (set) enums.push(set);
        }
        const instances = this.dims(f, fwhere);
        this.count('fields', instances.length, fwhere);
        for (const inst of instances) {
          const at = lsb + inst.step;
          if (at + width > reg.size) {
            this.warnings.warn(
              'field-outside',
              `${where} field ${inst.name}`,
              `bits ${at}..${at + width - 1} lie outside the ${reg.size}-bit register; dropped`,
            );
            continue;
          }
          out.push(
            omitUndefined({
              name: inst.name,
              bitOffset: at,
              bitWidth: width,
              access,
              modifiedWriteValues: write,
              readAction: read,
              enums: enums.length ? enums : undefined,
              description: this.describe(f, inst.index),
            }),
          );
        }
      });
    }
    return uniqueNames(
      out.sort((a, b) => a.bitOffset - b.bitOffset),
      (f) => `${f.name}_${f.bitOffset}`,
      (f, name) => {
        this.warnings.warn(
          'renamed',
          `${where} field ${f.name}`,
          `a second field of that name (bits ${f.bitOffset}..${f.bitOffset + f.bitWidth - 1}) is named ${name}`,
        );
        return { ...f, name };
      },
    );
  }

  private enumSet(e: Raw, width: number, where: string): EnumSet {
    const usage = this.vocabulary(e, 'usage', USAGES, `${where} enumeratedValues`) ?? 'read-write';
    const values: EnumValue[] = [];
    let defaultName: string | undefined;
    for (const v of arr(e.enumeratedValue)) {
      const name = text(v, 'name');
      const vwhere = `${where} enumeratedValue ${name ?? '?'}`;
      this.warnings.skipping(vwhere, () => {
        if (name === undefined) throw new SvdError(vwhere, 'no <name>');
        const isDefault = text(v, 'isDefault')?.toLowerCase();
        if (isDefault === 'true' || isDefault === '1') {
          defaultName = name;
          return;
        }
        const raw = text(v, 'value');
        if (raw === undefined) throw new SvdError(vwhere, 'no <value> and not isDefault');
        const description = this.options.descriptions ? text(v, 'description') : undefined;
        for (const value of enumValues(raw, vwhere)) {
          if (width < 53 && value >= 2 ** width) {
            this.warnings.warn('enum-too-wide', vwhere, `${raw} does not fit ${width} bit${width === 1 ? '' : 's'}; dropped`);
            return;
          }
          values.push(omitUndefined({ name, value, description }));
        }
      });
    }
    return omitUndefined({ usage, name: text(e, 'name'), values, defaultName });
  }

  /** An enumeratedValues element with its derivedFrom resolved (by set name: field, register, then device-wide). */
  private deriveEnum(e: Raw, register: Raw, where: string, depth = 0): Raw {
    const from = e['@_derivedFrom'] as string | undefined;
    if (from === undefined) return e;
    if (depth > this.limits.depth) throw new SvdLimitError(where, `an enumeratedValues derivedFrom chain longer than ${this.limits.depth}`, 'depth');
    const name = from.split('.').at(-1)!;
    const ofRegister = (r: Raw) => arr((r.fields as Raw | undefined)?.field).flatMap((f) => arr(f.enumeratedValues));
    const base =
      ofRegister(register).find((c) => c !== e && text(c, 'name') === name) ??
      this.peripherals.flatMap((p) => this.allRegisters(p).flatMap(ofRegister)).find((c) => c !== e && text(c, 'name') === name);
    if (!base) throw new SvdError(where, `enumeratedValues derivedFrom '${from}' names no enumeratedValues`);
    return { ...this.deriveEnum(base, register, where, depth + 1), ...e, '@_derivedFrom': undefined };
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
    const here = `${where === 'device' ? '' : `${where} `}${what} ${text(raw, 'name') ?? '?'}`;
    if (this.resolving.has(raw)) throw new SvdError(here, `derivedFrom '${from}' is circular`);
    if (this.resolving.size > this.limits.depth) throw new SvdLimitError(here, `a derivedFrom chain longer than ${this.limits.depth}`, 'depth');
    this.resolving.add(raw);
    try {
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
      this.derived.set(raw, merged);
      return merged;
    } finally {
      this.resolving.delete(raw);
    }
  }

  /** A sibling by name, innermost scope first; or one instance of a dim'd sibling (`P100PFS` of `P10%sPFS`). */
  private inScopes(scopes: Raw[][], name: string, where: string): Raw {
    for (const siblings of scopes) {
      const hit = this.index(siblings).get(name);
      if (hit) return hit;
    }
    for (const siblings of scopes) {
      for (const s of siblings) {
        const pattern = text(s, 'name');
        if (pattern === undefined || !pattern.includes('%s') || !couldName(pattern, name)) continue;
        let instances: Instance[] = [];
        try {
          instances = this.dims(s, where);
        } catch (e) {
          // A malformed sibling is reported where it is resolved itself.
          if (!(e instanceof SvdError) || e instanceof SvdLimitError) throw e;
        }
        const inst = instances.find((i) => i.name === name);
        if (inst) return instanceOf(s, inst);
      }
    }
    throw new SvdError(where, `derivedFrom '${name}' names nothing in scope`);
  }

  /** Siblings by name, made on first lookup: a linear search per derivedFrom is quadratic. */
  private index(siblings: Raw[]): Map<string, Raw> {
    let byName = this.indexes.get(siblings);
    if (!byName) {
      byName = new Map();
      for (const s of siblings) {
        const n = text(s, 'name');
        if (n !== undefined && !byName.has(n)) byName.set(n, s);
      }
      this.indexes.set(siblings, byName);
    }
    return byName;
  }

  private byName(list: Raw[], name: string, where: string): Raw {
    return this.inScopes([list], name, where);
  }

  private byPath(path: string, where: string): Raw {
    const [first, ...rest] = path.split('.');
    let node = this.derive(this.byName(this.peripherals, first!, where), 'peripheral', [this.peripherals], 'device');
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
      access: this.vocabulary(raw, 'access', ACCESS, where) ?? inherited.access,
      reset: text(raw, 'resetValue') ?? inherited.reset,
      resetMask: text(raw, 'resetMask') ?? inherited.resetMask,
      // Write/read actions belong to registers (and fields), not to their containers.
      write: isRegister ? this.vocabulary(raw, 'modifiedWriteValues', WRITE_ACTIONS, where) : undefined,
      read: isRegister ? this.vocabulary(raw, 'readAction', READ_ACTIONS, where) : undefined,
    });
  }

  /** A word of one of the SVD vocabularies, in any letter case; an unknown word is ignored with a warning. */
  private vocabulary<T extends string>(raw: Raw, key: string, words: Map<string, T>, where: string): T | undefined {
    const w = text(raw, key);
    if (w === undefined) return undefined;
    const known = words.get(w.toLowerCase());
    if (known === undefined) this.warnings.warn('bad-value', where, `unknown <${key}> '${w}' (expected ${[...words.values()].join(', ')}); ignored`);
    return known;
  }

  /** The instances of a possibly dim'd element: one with its own name when it has no <dim>. */
  private dims(raw: Raw, where: string): Instance[] {
    const name = text(raw, 'name');
    if (name === undefined) throw new SvdError(where, 'an element has no <name>');
    const dim = num(raw, 'dim', where);
    if (dim === undefined) {
      if (name.includes('%s')) throw new SvdError(where, `name '${name}' has %s but no <dim>`);
      return [{ name, step: 0, index: undefined }];
    }
    if (dim > this.limits.dim) throw new SvdLimitError(where, `<dim>${dim}</dim> is more than the limit of ${this.limits.dim}`, 'dim');
    const increment = num(raw, 'dimIncrement', where);
    if (increment === undefined) throw new SvdError(where, '<dim> without <dimIncrement>');
    if (!name.includes('%s')) throw new SvdError(where, `<dim> on '${name}', which has no %s`);
    const array = name.includes('[%s]');
    const indices = array ? Array.from({ length: dim }, (_, i) => String(i)) : dimIndex(text(raw, 'dimIndex'), dim, where);
    return indices.map((index, i) => ({
      name: array ? name.replace('[%s]', `[${index}]`) : name.replace(/%s/g, index),
      step: i * increment,
      index,
    }));
  }

  private describe(raw: Raw, index: string | undefined): string | undefined {
    if (!this.options.descriptions) return undefined;
    const d = text(raw, 'description')?.replace(/\s+/g, ' ');
    return index === undefined ? d : d?.replace(/%s/g, index);
  }

  /**
   * Register names made unique within a peripheral (case-insensitively, so that lookups are
   * unambiguous): an alternateGroup register that shares its main register's name becomes
   * NAME_GROUP, any other repeat NAME_<offset in hex>.
   */
  private uniqueRegisters(registers: RegisterMap[], where: string): RegisterMap[] {
    const alternate = (r: RegisterMap) => this.alternates.get(r);
    const byAlternate = uniqueNames(
      registers,
      (r) => (alternate(r) ? `${r.name}_${alternate(r)}` : r.name),
      (r, name) => ({ ...r, name }),
      true,
    );
    const unique = uniqueNames(
      byAlternate,
      (r) => `${r.name}_${r.addressOffset.toString(16).toUpperCase()}`,
      (r, name) => ({ ...r, name }),
    );
    for (let i = 0; i < unique.length; i++) {
      const r = unique[i]!;
      const group = alternate(registers[i]!);
      if (r.name !== registers[i]!.name)
        this.warnings.warn(
          'renamed',
          `${where} register ${registers[i]!.name}`,
          `a second register of that name${group ? ` (alternateGroup ${group})` : ''} at offset 0x${r.addressOffset.toString(16)} is named ${r.name}`,
        );
    }
    return unique.sort((a, b) => a.addressOffset - b.addressOffset);
  }

  private uniquePeripherals(peripherals: PeripheralMap[]): PeripheralMap[] {
    return uniqueNames(
      peripherals,
      (p) => `${p.name}_${p.baseAddress.toString(16).toUpperCase()}`,
      (p, name) => {
        this.warnings.warn('renamed', `peripheral ${p.name}`, `a second peripheral of that name (at 0x${p.baseAddress.toString(16)}) is named ${name}`);
        return { ...p, name, derivedFrom: undefined };
      },
    );
  }
}

/**
 * Items whose name repeats an earlier one (case-insensitively) get `rename(item, suffixed(item))`;
 * with `onlyRepeats` false the first keeps its name. With `onlyRepeats` true, every item of a
 * repeated name is renamed by `suffixed` (used where the suffix is the item's own group).
 * A suffixed name that is taken too gets `_2`, `_3`...
 */
function uniqueNames<T extends { name: string }>(items: T[], suffixed: (t: T) => string, rename: (t: T, name: string) => T, onlyRepeats = false): T[] {
  if (items.length < 2) return items;
  const counts = new Map<string, number>();
  for (const t of items) counts.set(t.name.toUpperCase(), (counts.get(t.name.toUpperCase()) ?? 0) + 1);
  if (items.length === counts.size) return items;
  const taken = new Set(counts.keys());
  const seen = new Set<string>();
  return items.map((t) => {
    const upper = t.name.toUpperCase();
    if (counts.get(upper) === 1) return t;
    if (onlyRepeats ? suffixed(t) === t.name : !seen.has(upper)) {
      seen.add(upper);
      return t;
    }
    let name = suffixed(t);
    for (let n = 2; taken.has(name.toUpperCase()); n++) name = `${suffixed(t)}_${n}`;
    taken.add(name.toUpperCase());
    return rename(t, name);
  });
}

/** The fields of one 32-bit half of a 64-bit register (a field across the middle is cut in two). */
function halfFields(fields: readonly FieldMap[], shift: 0 | 32): FieldMap[] {
  const out: FieldMap[] = [];
  for (const f of fields) {
    const lo = Math.max(f.bitOffset, shift);
    const hi = Math.min(f.bitOffset + f.bitWidth, shift + 32);
    if (lo >= hi) continue;
    const whole = lo === f.bitOffset && hi === f.bitOffset + f.bitWidth;
    out.push(omitUndefined({ ...f, bitOffset: lo - shift, bitWidth: hi - lo, enums: whole ? f.enums : undefined }));
  }
  return out;
}

/** Whether `name` could be an instance of the dim'd `pattern` (its text around %s matches). */
function couldName(pattern: string, name: string): boolean {
  const [head, tail] = pattern.replace('[%s]', '%s').split('%s') as [string, string];
  return name.startsWith(head) && name.endsWith(tail ?? '') && name.length > head.length + (tail ?? '').length;
}

/** One instance of a dim'd element, as an element of its own (for derivedFrom). */
function instanceOf(raw: Raw, inst: Instance): Raw {
  const out: Raw = { ...raw, name: inst.name };
  for (const k of ['dim', 'dimIncrement', 'dimIndex', 'dimName']) delete out[k];
  const at = text(raw, 'addressOffset');
  if (at !== undefined) out.addressOffset = String(parseNumber(at, 'addressOffset') + inst.step);
  return out;
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

function dimIndex(spec: string | undefined, dim: number, where: string): string[] {
  if (spec === undefined) return Array.from({ length: dim }, (_, i) => String(i));
  const numeric = /^(\d+)\s*-\s*(\d+)$/.exec(spec);
  const letters = /^([A-Z])\s*-\s*([A-Z])$/.exec(spec.trim());
  let first: number;
  let count: number;
  if (numeric) {
    first = parseInt(numeric[1]!, 10);
    count = parseInt(numeric[2]!, 10) - first + 1;
  } else if (letters) {
    first = letters[1]!.charCodeAt(0);
    count = letters[2]!.charCodeAt(0) - first + 1;
  } else {
    const out = spec.split(',').map((s) => s.trim());
    if (out.length !== dim) throw new SvdError(where, `dimIndex '${spec}' gives ${out.length} names for dim ${dim}`);
    return out;
  }
  // Checked before the list is made: a range may be huge.
  if (count !== dim) throw new SvdError(where, `dimIndex '${spec}' gives ${count} names for dim ${dim}`);
  return Array.from({ length: dim }, (_, i) => (numeric ? String(first + i) : String.fromCharCode(first + i)));
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

/** Values an enumeratedValue denotes: `#1x0` has don't-care bits, expanded (at most 2^8 of them). */
function enumValues(raw: string, where: string): number[] {
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
  // A value too wide for any field is reported by the caller as too wide for its field.
  const v = parseBig(raw, where);
  return [v > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(v)];
}

const NUMBER = /^(0x[0-9a-f]+|0b[01]+|#[01]+|\d+)([kmgt]?)$/i;

/** scaledNonNegativeInteger: decimal, 0x hex, 0b/# binary, optional k/M/G/T scale; at most 32 bits. */
function parseNumber(raw: string, where: string): number {
  // Most numbers are short: parseInt is exact below 2^53, and cheaper than a bigint.
  if (/^(?:0x[0-9a-f]{1,8}|\d{1,9})$/i.test(raw)) return raw.length > 1 && (raw[1] === 'x' || raw[1] === 'X') ? parseInt(raw.slice(2), 16) : parseInt(raw, 10);
  const v = parseBig(raw, where);
  if (v > 0xffffffffn) throw new SvdError(where, `number '${raw}' exceeds 32 bits`);
  return Number(v);
}

/** scaledNonNegativeInteger of any width (reset values are masked to their register afterwards). */
function parseBig(raw: string, where: string): bigint {
  const m = NUMBER.exec(raw.trim());
  if (!m) throw new SvdError(where, `bad number '${raw}'`);
  const digits = m[1]!;
  if (digits.length > 66) throw new SvdError(where, `number '${raw.slice(0, 20)}…' is more than 64 bits`);
  const v = /^0[xb]/i.test(digits) ? BigInt(digits) : digits.startsWith('#') ? BigInt(`0b${digits.slice(1)}`) : BigInt(digits);
  const scale = m[2]!.toLowerCase();
  return scale ? v * 1024n ** BigInt(' kmgt'.indexOf(scale)) : v;
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

/**
 * A copy without the undefined properties, so the JSON map stays compact. A copy, not `delete`:
 * deleting turns an object into a slow dictionary, and a map holds up to 250,000 registers.
 */
function omitUndefined<T extends object>(o: T): T {
  const out = {} as T;
  for (const k in o) if (o[k] !== undefined) out[k] = o[k];
  return out;
}
