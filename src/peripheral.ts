// Peripheral handles: the registers of a PeripheralDef by name, at its base address (or another
// instance's), each Register made on first use; a register array (`dim`) is a read-only array
// whose elements are likewise made when first indexed.
import { checkMode, type AccessMode } from './bus.js';
import type { FieldDef, PeripheralDef, RegisterDef } from './register_def.js';
import { Register, type RegisterHandle, type RegisterOptions } from './register.js';
import { RegisterAccessError, RegisterDefinitionError } from './register_errors.js';
import { closestNames, didYouMean } from './suggest.js';
import { describe, requireObject } from './errors.js';

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

// A peripheral handle is a frozen object (its name and baseAddress) whose prototype holds the
// Register objects made so far, and whose prototype's prototype is a Proxy that makes a register
// on first use and puts it there: a generated definition has up to a few hundred registers, each
// handle takes about 20 XS heap slots, and a driver touches a few (docs/performance.md). A
// register used before is found by two ordinary property lookups (XS: a few computrons; a Proxy
// trap costs ~50 on every access). Build-time inlined code does not touch the handle at all.
interface Maker {
  readonly def: PeripheralDef;
  readonly mode: AccessMode | undefined;
  /** The handle (its name and base address); its prototype holds the registers made so far. */
  handle: Peripheral<PeripheralDef>;
}
const readOnlyTrap = (): boolean => false;
const MAKER: ProxyHandler<Maker> = {
  get(s, key) {
    if (typeof key === 'string' && Object.hasOwn(s.def.registers, key)) {
      const { def, handle } = s;
      const rd = def.registers[key]!;
      const options: RegisterOptions = { baseAddress: handle.baseAddress, mode: s.mode, atomicAliases: def.atomicAliases, name: `${handle.name}.${key}` };
      const r = rd.dim === undefined && rd.dimIncrement === undefined ? new Register(rd, options) : registerArray(rd, options);
      // (A handle preloaded into flash is frozen: its registers are made on each use.)
      const made = Object.getPrototypeOf(handle) as object;
      if (Object.isExtensible(made)) Object.defineProperty(made, key, { value: r, enumerable: true });
      return r;
    }
    // A register-like name (upper case) it lacks is a typo: say so instead of handing back
    // undefined. Anything else is what a plain object would inherit (toString, then...).
    if (typeof key === 'string' && /^[A-Z][A-Z0-9_]*$/.test(key) && !(key in Object.prototype)) {
      throw new RegisterAccessError(
        `${s.handle.name}.${key}`,
        'get',
        'unknown-register',
        `no such register${arrayElementMeant(key, s.def) ?? didYouMean(key, Object.keys(s.def.registers))}`,
      );
    }
    return Reflect.get(Object.prototype, key);
  },
  has: (s, key) => (typeof key === 'string' && Object.hasOwn(s.def.registers, key)) || key in Object.prototype,
  // It shows no properties of its own (for-in over a handle lists its name, baseAddress and the
  // registers made so far; Object.keys(DEF.registers) lists them all).
  ownKeys: () => [],
  getOwnPropertyDescriptor: () => undefined,
  set: readOnlyTrap,
  defineProperty: readOnlyTrap,
  deleteProperty: readOnlyTrap,
  setPrototypeOf: readOnlyTrap,
};

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

/**
 * A register array: a real (read-only) array whose Register objects are made when first indexed.
 * Its dim and dimIncrement are checked here, with the first and last elements' definitions.
 */
function registerArray(rd: RegisterDef, options: RegisterOptions): readonly Register[] {
  const { dim, dimIncrement: step } = rd;
  const what = options.name ?? 'register array';
  if (dim === undefined || !Number.isInteger(dim) || dim < 1) throw new RegisterDefinitionError(what, `dim ${String(dim)} is not a positive integer`);
  const bytes = (rd.size ?? 32) / 8;
  if (step === undefined || !Number.isInteger(step) || step < bytes)
    throw new RegisterDefinitionError(what, `dimIncrement ${String(step)} is not an integer of at least ${bytes} (the register's bytes)`);
  const element = (i: number) => new Register(elementDef(rd, i), { ...options, baseAddress: (options.baseAddress ?? 0) + i * step, name: `${what}[${i}]` });
  const elements = new Array<Register>(dim);
  elements[dim - 1] = element(dim - 1); // made now: its address, the array's last, is checked here
  return new Proxy<Register[]>(elements, {
    get(made, k) {
      const i = arrayIndex(k, dim);
      return i === undefined ? Reflect.get(made, k) : (made[i] ??= element(i));
    },
    has: (made, k) => arrayIndex(k, dim) !== undefined || Reflect.has(made, k),
    set: readOnlyTrap,
    defineProperty: readOnlyTrap,
    deleteProperty: readOnlyTrap,
    setPrototypeOf: readOnlyTrap,
  });
}

/**
 * Register handles for a peripheral definition. `baseAddress` overrides the definition's
 * (another instance of the same block, e.g. UART1 from UART0's definition). The options are
 * checked here; each register is checked and made when it is first used, then kept (a bad
 * definition is a RegisterDefinitionError at that use, before any bus access: checking all up
 * front took most of a second per large peripheral on the RP2040).
 */
export function peripheral<const P extends PeripheralDef>(def: P, options: { baseAddress?: number; mode?: AccessMode; name?: string } = {}): Peripheral<P> {
  requireObject('peripheral definition', def);
  requireObject('peripheral options', options);
  requireObject('peripheral registers', def.registers);
  const name = options.name ?? def.name;
  const baseAddress = options.baseAddress ?? def.baseAddress;
  if (typeof baseAddress !== 'number') throw new RegisterDefinitionError(name, `base address ${describe(baseAddress)} is not a number`);
  if (options.mode !== undefined) checkMode(options.mode);
  const clash = Object.hasOwn(def.registers, 'name') ? 'name' : Object.hasOwn(def.registers, 'baseAddress') ? 'baseAddress' : undefined;
  if (clash !== undefined) throw new RegisterDefinitionError(`${name}.${clash}`, 'a register may not be called name or baseAddress');
  // Only what the registers are made from is kept (each slot here is heap on the device).
  const maker: Maker = { def, mode: options.mode, handle: undefined! };
  const made = Object.create(new Proxy(maker, MAKER)) as object;
  maker.handle = Object.freeze(
    Object.create(made, {
      name: { value: name, enumerable: true },
      baseAddress: { value: baseAddress, enumerable: true },
    }),
  ) as Peripheral<PeripheralDef>;
  return maker.handle as Peripheral<P>;
}
