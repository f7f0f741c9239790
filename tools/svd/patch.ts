// Corrections to a vendor's register map, as data (in the spirit of svdtools' YAML patches):
// a JSON file of rules, each selecting peripherals, registers and fields by name (globs `*`,
// `?` and `[...]`) and setting properties on them or deleting them, with the reason. Applied
// to the imported map, before `svd gen` or `svd import` writes it. A rule that selects nothing
// is an error, so a patch cannot go stale silently when the vendor fixes or renames something.
import { VllsiError, describe } from '../../src/errors.js';
import type { Access, ReadAction } from '../../src/register_def.js';
import type { DeviceMap, FieldMap, PeripheralMap, RegisterMap, WriteAction } from '../../src/register_map.js';

/** Properties a rule may set on a register or a field. */
export interface PatchSet {
  readonly access?: Access;
  readonly readAction?: ReadAction | null;
  readonly modifiedWriteValues?: WriteAction | null;
  /** Registers only. */
  readonly resetValue?: number;
  readonly description?: string;
}

export interface PatchRule {
  readonly peripheral: string;
  readonly register?: string;
  readonly field?: string;
  /** Why: the manual's fact the rule restores (required: a patch says where it comes from). */
  readonly why: string;
  readonly set?: PatchSet;
  /** Deletes the selected registers or fields (not peripherals). */
  readonly delete?: true;
}

export interface Patch {
  /** The device the patch is for (the SVD's `<name>`), checked against the map. */
  readonly device: string;
  readonly rules: readonly PatchRule[];
}

/** A patch file that is malformed, or a rule that does not apply to the map. */
export class SvdPatchError extends VllsiError<'SvdPatchError'> {
  constructor(message: string) {
    super('SvdPatchError', message);
  }
}

const ACCESS: readonly string[] = ['read-only', 'write-only', 'read-write', 'writeOnce', 'read-writeOnce'];
const READ_ACTIONS: readonly string[] = ['clear', 'set', 'modify', 'modifyExternal'];
const WRITE_ACTIONS: readonly string[] = ['oneToClear', 'oneToSet', 'oneToToggle', 'zeroToClear', 'zeroToSet', 'zeroToToggle', 'clear', 'set'];
const RULE_KEYS = new Set(['peripheral', 'register', 'field', 'why', 'set', 'delete']);
const SET_KEYS = new Set(['access', 'readAction', 'modifiedWriteValues', 'resetValue', 'description']);
const MAX_RULES = 10_000;
const MAX_NAME = 200;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A patch file's text: JSON, checked (`where` names the file in messages). */
export function readPatch(text: string, where: string): Patch {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new SvdPatchError(`${where}: not JSON (${(e as Error).message})`);
  }
  return parsePatch(json, where);
}

/** Checks a parsed patch file; `where` names it in messages. */
export function parsePatch(json: unknown, where: string): Patch {
  if (!isObject(json)) throw new SvdPatchError(`${where}: a patch is an object { "device": ..., "rules": [...] }, got ${describe(json)}`);
  for (const k of Object.keys(json)) if (k !== 'device' && k !== 'rules' && k !== '$comment') throw new SvdPatchError(`${where}: unknown key ${describe(k)}`);
  if (typeof json.device !== 'string' || json.device === '') throw new SvdPatchError(`${where}: "device" must name the SVD's device`);
  if (!Array.isArray(json.rules) || json.rules.length === 0) throw new SvdPatchError(`${where}: "rules" must be a non-empty list`);
  if (json.rules.length > MAX_RULES) throw new SvdPatchError(`${where}: ${json.rules.length} rules, more than the limit of ${MAX_RULES}`);
  const rules = json.rules.map((r: unknown, i: number) => parseRule(r, `${where}: rule ${i + 1}`));
  return { device: json.device, rules };
}

function parseRule(r: unknown, where: string): PatchRule {
  if (!isObject(r)) throw new SvdPatchError(`${where}: a rule is an object, got ${describe(r)}`);
  for (const k of Object.keys(r)) if (!RULE_KEYS.has(k)) throw new SvdPatchError(`${where}: unknown key ${describe(k)}`);
  const name = (k: 'peripheral' | 'register' | 'field', required: boolean): string | undefined => {
    const v = r[k];
    if (v === undefined && !required) return undefined;
    if (typeof v !== 'string' || v === '' || v.length > MAX_NAME || !/^[\w*?[\]!-]+$/.test(v))
      throw new SvdPatchError(`${where}: "${k}" must be a name or a glob (letters, digits, _ * ? [ ] ! -), got ${describe(v)}`);
    globMatcher(v, where);
    return v;
  };
  const peripheral = name('peripheral', true)!;
  const register = name('register', false);
  const field = name('field', false);
  if (field !== undefined && register === undefined) throw new SvdPatchError(`${where}: "field" needs "register"`);
  if (typeof r.why !== 'string' || r.why.trim() === '') throw new SvdPatchError(`${where}: "why" must say what the rule corrects (the manual's fact)`);
  if (r.delete !== undefined && r.delete !== true) throw new SvdPatchError(`${where}: "delete" must be true when given`);
  if ((r.delete === true) === (r.set !== undefined)) throw new SvdPatchError(`${where}: a rule has either "set" or "delete": true`);
  if (r.delete === true && register === undefined) throw new SvdPatchError(`${where}: "delete" removes registers or fields, not peripherals`);
  const rule = { peripheral, register, field, why: r.why };
  if (r.delete === true) return { ...rule, delete: true };
  if (register === undefined) throw new SvdPatchError(`${where}: "set" applies to registers or fields: give "register"`);
  return { ...rule, set: parseSet(r.set, where, field !== undefined) };
}

function parseSet(s: unknown, where: string, onField: boolean): PatchSet {
  if (!isObject(s) || Object.keys(s).length === 0) throw new SvdPatchError(`${where}: "set" must be an object with at least one property`);
  for (const k of Object.keys(s)) {
    if (!SET_KEYS.has(k)) throw new SvdPatchError(`${where}: "set" cannot change ${describe(k)} (it sets ${[...SET_KEYS].join(', ')})`);
  }
  const word = (k: string, words: readonly string[], nullable: boolean) => {
    const v = s[k];
    if (v === undefined || (nullable && v === null)) return;
    if (typeof v !== 'string' || !words.includes(v))
      throw new SvdPatchError(`${where}: "${k}" must be one of ${words.join(', ')}${nullable ? ' or null' : ''}, got ${describe(v)}`);
  };
  word('access', ACCESS, false);
  word('readAction', READ_ACTIONS, true);
  word('modifiedWriteValues', WRITE_ACTIONS, true);
  if (s.resetValue !== undefined) {
    if (onField) throw new SvdPatchError(`${where}: "resetValue" is a register's, not a field's`);
    if (typeof s.resetValue !== 'number' || !Number.isInteger(s.resetValue) || s.resetValue < 0 || s.resetValue > 0xffffffff)
      throw new SvdPatchError(`${where}: "resetValue" must be an integer 0..0xffffffff, got ${describe(s.resetValue)}`);
  }
  if (s.description !== undefined && typeof s.description !== 'string') throw new SvdPatchError(`${where}: "description" must be text`);
  return s as PatchSet;
}

/** A glob (`*`, `?`, `[A-Z]`, `[!0-9]`) as a whole-name, case-sensitive match. */
function globMatcher(glob: string, where: string): (name: string) => boolean {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === '*') re += '.*';
    else if (c === '?') re += '.';
    else if (c === '[') {
      const end = glob.indexOf(']', i + 1);
      if (end < 0) throw new SvdPatchError(`${where}: glob ${describe(glob)} has '[' without ']'`);
      const body = glob.slice(i + 1, end);
      re += `[${body.startsWith('!') ? '^' + body.slice(1) : body}]`;
      i = end;
    } else re += c.replace(/[-\\^$+.()|{}]/g, '\\$&');
  }
  let rx: RegExp;
  try {
    rx = new RegExp(`^${re}$`);
  } catch {
    throw new SvdPatchError(`${where}: glob ${describe(glob)} is not valid (a range out of order?)`);
  }
  return (name) => rx.test(name);
}

/**
 * The map with the patch applied. Setting `access` or a write/read action on a register sets
 * it on each of its fields too (the map keeps fields resolved). A derived peripheral whose
 * registers end up unlike its base's is no longer derived (`svd gen` writes it its own module).
 */
export function applyPatch(map: DeviceMap, patch: Patch): DeviceMap {
  if (patch.device.toUpperCase() !== map.device.toUpperCase()) throw new SvdPatchError(`the patch is for ${patch.device}, the SVD describes ${map.device}`);
  let peripherals = map.peripherals;
  patch.rules.forEach((rule, i) => {
    const where = `rule ${i + 1} (${[rule.peripheral, rule.register, rule.field].filter((n) => n !== undefined).join('.')})`;
    let hits = 0;
    const pMatch = globMatcher(rule.peripheral, where);
    const rMatch = rule.register === undefined ? undefined : globMatcher(rule.register, where);
    const fMatch = rule.field === undefined ? undefined : globMatcher(rule.field, where);
    peripherals = peripherals.map((p) => {
      if (!pMatch(p.name) || rMatch === undefined) return p;
      const registers = p.registers.flatMap((r): RegisterMap[] => {
        if (!rMatch(r.name)) return [r];
        if (fMatch === undefined) {
          hits++;
          return rule.delete ? [] : [setRegister(r, rule.set!)];
        }
        const fields = r.fields.flatMap((f): FieldMap[] => {
          if (!fMatch(f.name)) return [f];
          hits++;
          return rule.delete ? [] : [setProps(f, rule.set!)];
        });
        return [{ ...r, fields }];
      });
      return { ...p, registers };
    });
    if (hits === 0) throw new SvdPatchError(`${where} selects nothing in ${map.device}: the vendor file may have changed; correct or remove the rule`);
  });
  const byName = new Map(peripherals.map((p) => [p.name.toUpperCase(), p]));
  peripherals = peripherals.map((p) => {
    const base = p.derivedFrom === undefined ? undefined : byName.get(p.derivedFrom.toUpperCase());
    if (base === undefined || JSON.stringify(base.registers) === JSON.stringify(p.registers)) return p;
    const { derivedFrom: _, ...own } = p;
    return own as PeripheralMap;
  });
  return { ...map, peripherals };
}

/** `s` applied to a register or field: each property it gives is set (null removes an action). */
function setProps<T extends FieldMap | RegisterMap>(e: T, s: PatchSet): T {
  const out = { ...e } as Record<string, unknown>;
  for (const [k, v] of Object.entries(s)) {
    if (v === null) delete out[k];
    else if (v !== undefined) out[k] = v;
  }
  return out as T;
}

function setRegister(r: RegisterMap, s: PatchSet): RegisterMap {
  const out = setProps(r, s);
  // Fields carry their register's access and write action resolved: they follow the register.
  const { access, modifiedWriteValues } = s;
  if (access === undefined && modifiedWriteValues === undefined) return out;
  return { ...out, fields: r.fields.map((f) => setProps(f, { access, modifiedWriteValues })) };
}
