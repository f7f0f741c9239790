// Peripheral handles: the registers of a PeripheralDef by name, at its base address (or another
// instance's), each Register made on first use; a register array (`dim`) is a read-only array
// whose elements are likewise made when first indexed.
import type { AccessMode } from './bus.js';
import type { FieldDef, PeripheralDef, RegisterDef } from './register_def.js';
import { Register, type RegisterHandle, type RegisterOptions } from './register.js';
import { RegisterAccessError, RegisterDefinitionError } from './register_errors.js';
import { closestNames, didYouMean } from './suggest.js';
import { requireObject } from './errors.js';

/** A register of definition R as a handle: an array of handles when R is an array (`dim`). */
export type RegisterOf<R extends RegisterDef> = 0 extends 1 & R
  ? Register<R>
  : R extends { readonly dim: number }
    ? readonly RegisterHandle<R>[]
    : RegisterHandle<R>;

/** The registers of a peripheral definition, by name, plus its name and base address. */
export type Peripheral<P extends PeripheralDef> = { readonly [K in keyof P['registers']]: RegisterOf<P['registers'][K]> } & {
  readonly name: string;
  readonly baseAddress: number;
};

/** What a peripheral handle holds; its registers are made on first use (see PERIPHERAL). */
class PeripheralState {
  readonly registers: { [name: string]: Register | readonly Register[] } = Object.create(null);
  constructor(
    readonly name: string,
    readonly baseAddress: number,
    readonly def: PeripheralDef,
    readonly options: RegisterOptions,
  ) {}
  register(key: string): Register | readonly Register[] | undefined {
    const made = this.registers[key];
    if (made !== undefined) return made;
    const rd = Object.hasOwn(this.def.registers, key) ? this.def.registers[key] : undefined;
    if (rd === undefined) return undefined;
    return (this.registers[key] = rd.dim === undefined ? this.element(key, rd) : registerArray(this, key, rd, rd.dim));
  }
  /** The register `key` (element `i` of it when it is an array). */
  element(key: string, rd: RegisterDef, i?: number): Register {
    if (i === undefined) return new Register(rd, { ...this.options, name: `${this.name}.${key}` });
    return new Register(elementDef(rd, i), { ...this.options, baseAddress: this.baseAddress + i * rd.dimIncrement!, name: `${this.name}.${key}[${i}]` });
  }
}

/**
 * `; did you mean GPIO_CTRL[25]?` for GPIO25_CTRL (or a typo of it): the name an SVD gives one
 * element of an array, which the definitions fold into the array (svd gen).
 */
function arrayElementMeant(key: string, def: PeripheralDef): string | undefined {
  const m = /^([A-Z_]*?)(\d+)(.*)$/.exec(key);
  if (m === null) return undefined;
  const flat = `${m[1]}_${m[3]}`.replace(/__+/g, '_').replace(/^_|_$/g, '');
  const arrays = Object.keys(def.registers).filter((n) => def.registers[n]!.dim !== undefined && Number(m[2]) < def.registers[n]!.dim!);
  const near = closestNames(flat, arrays, 1)[0];
  return near === undefined ? undefined : `; did you mean ${near}[${Number(m[2])}]?`;
}

/** Element i's definition: the array's, with the fields that name their values per element taking element i's. */
function elementDef(rd: RegisterDef, i: number): RegisterDef {
  const fields = rd.fields;
  if (fields === undefined || !Object.values(fields).some((f) => f.elementEnumeratedValues !== undefined)) return rd;
  const own: Record<string, FieldDef> = {};
  for (const [name, f] of Object.entries(fields)) {
    const { elementEnumeratedValues: per, ...rest } = f;
    own[name] = per?.[i] === undefined ? f : { ...rest, enumeratedValues: per[i] };
  }
  return { ...rd, fields: own };
}

/** Element `k` of an array of `dim`, when `k` names one ('0'..'dim-1'). */
function arrayIndex(k: string | symbol, dim: number): number | undefined {
  if (typeof k !== 'string') return undefined;
  const i = Number(k);
  return Number.isInteger(i) && i >= 0 && i < dim && String(i) === k ? i : undefined;
}

/** A register array: a real (read-only) array whose Register objects are made when first indexed. */
function registerArray(s: PeripheralState, key: string, rd: RegisterDef, dim: number): readonly Register[] {
  return new Proxy<Register[]>(new Array(dim), {
    get(made, k) {
      const i = arrayIndex(k, dim);
      return i === undefined ? Reflect.get(made, k) : (made[i] ??= s.element(key, rd, i));
    },
    has: (made, k) => arrayIndex(k, dim) !== undefined || Reflect.has(made, k),
    set: readOnly,
    defineProperty: readOnly,
    deleteProperty: readOnly,
    setPrototypeOf: readOnly,
  });
}

// A peripheral handle is a read-only view whose Register objects are made when a register is
// first used: a generated definition has up to a few hundred registers, each handle takes about
// 20 XS heap slots, and a driver touches a few (docs/performance.md). Build-time inlined code
// does not touch the handle at all.
const readOnly = (): boolean => false;
const PERIPHERAL: ProxyHandler<PeripheralState> = {
  get(s, key) {
    if (key === 'name') return s.name;
    if (key === 'baseAddress') return s.baseAddress;
    const r = typeof key === 'string' ? s.register(key) : undefined;
    if (r !== undefined) return r;
    // A register-like name (upper case) it lacks is a typo: say so instead of handing back
    // undefined. Anything else is what a plain object would inherit (toString, then...).
    if (typeof key === 'string' && /^[A-Z][A-Z0-9_]*$/.test(key) && !(key in Object.prototype)) {
      throw new RegisterAccessError(
        `${s.name}.${key}`,
        'get',
        'unknown-register',
        `no such register${arrayElementMeant(key, s.def) ?? didYouMean(key, Object.keys(s.def.registers))}`,
      );
    }
    return Reflect.get(Object.prototype, key);
  },
  has: (s, key) => key === 'name' || key === 'baseAddress' || (typeof key === 'string' && Object.hasOwn(s.def.registers, key)),
  ownKeys: (s) => ['name', 'baseAddress', ...Object.keys(s.def.registers)],
  getOwnPropertyDescriptor: (s, key) =>
    PERIPHERAL.has!(s, key) ? { value: PERIPHERAL.get!(s, key, s), writable: false, enumerable: true, configurable: true } : undefined,
  set: readOnly,
  defineProperty: readOnly,
  deleteProperty: readOnly,
  setPrototypeOf: readOnly,
};

/**
 * Register handles for a peripheral definition. `baseAddress` overrides the definition's
 * (another instance of the same block, e.g. UART1 from UART0's definition). Every register
 * definition is checked here (a bad one is a RegisterDefinitionError now, not at first use);
 * each Register object is made when its register is first used, then kept.
 */
export function peripheral<const P extends PeripheralDef>(def: P, options: { baseAddress?: number; mode?: AccessMode; name?: string } = {}): Peripheral<P> {
  requireObject('peripheral definition', def);
  requireObject('peripheral options', options);
  requireObject('peripheral registers', def.registers);
  const name = options.name ?? def.name;
  const baseAddress = options.baseAddress ?? def.baseAddress;
  const registerOptions: RegisterOptions = { baseAddress, mode: options.mode, atomicAliases: def.atomicAliases };
  for (const r of Object.keys(def.registers)) {
    if (r === 'name' || r === 'baseAddress') throw new RegisterDefinitionError(`${name}.${r}`, 'a register may not be called name or baseAddress');
    // Checked by making it; it is garbage at once, so only one is live at a time.
    const rd = def.registers[r]!;
    new Register(rd, { ...registerOptions, name: `${name}.${r}` });
    if (rd.dim !== undefined || rd.dimIncrement !== undefined) checkArray(`${name}.${r}`, rd, { ...registerOptions, name: `${name}.${r}` });
  }
  return new Proxy(new PeripheralState(name, baseAddress, def, registerOptions), PERIPHERAL) as unknown as Peripheral<P>;
}

/** A register array's dim and dimIncrement, and its last element's address. */
function checkArray(what: string, rd: RegisterDef, options: RegisterOptions): void {
  const { dim, dimIncrement: step } = rd;
  if (dim === undefined || !Number.isInteger(dim) || dim < 1) throw new RegisterDefinitionError(what, `dim ${String(dim)} is not a positive integer`);
  const bytes = (rd.size ?? 32) / 8;
  if (step === undefined || !Number.isInteger(step) || step < bytes)
    throw new RegisterDefinitionError(what, `dimIncrement ${String(step)} is not an integer of at least ${bytes} (the register's bytes)`);
  new Register(rd, { ...options, baseAddress: (options.baseAddress ?? 0) + (dim - 1) * step });
}
