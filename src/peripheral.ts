// Peripheral handles: the registers of a PeripheralDef by name, at its base address (or another
// instance's), each Register made on first use.
import { checkMode, type AccessMode } from './bus.js';
import type { PeripheralDef } from './register_def.js';
import { Register } from './register.js';
import { RegisterAccessError, RegisterDefinitionError } from './register_errors.js';
import { didYouMean } from './suggest.js';
import { describe, requireObject } from './errors.js';

/** The registers of a peripheral definition, by name, plus its name and base address. */
export type Peripheral<P extends PeripheralDef> = {
  readonly [K in keyof P['registers']]: Register<P['registers'][K]>;
} & {
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
const refuse = (): boolean => false;
const MAKER: ProxyHandler<Maker> = {
  get(s, key) {
    if (typeof key === 'string' && Object.hasOwn(s.def.registers, key)) {
      const { def, handle } = s;
      const r = new Register(def.registers[key]!, {
        baseAddress: handle.baseAddress,
        mode: s.mode,
        atomicAliases: def.atomicAliases,
        name: `${handle.name}.${key}`,
      });
      // (A handle preloaded into flash is frozen: its registers are made on each use.)
      const made = Object.getPrototypeOf(handle) as object;
      if (Object.isExtensible(made)) Object.defineProperty(made, key, { value: r, enumerable: true });
      return r;
    }
    // A register-like name (upper case) it lacks is a typo: say so instead of handing back
    // undefined. Anything else is what a plain object would inherit (toString, then...).
    if (typeof key === 'string' && /^[A-Z][A-Z0-9_]*$/.test(key) && !(key in Object.prototype)) {
      throw new RegisterAccessError(`${s.handle.name}.${key}`, 'get', 'unknown-register', `no such register${didYouMean(key, Object.keys(s.def.registers))}`);
    }
    return Reflect.get(Object.prototype, key);
  },
  has: (s, key) => (typeof key === 'string' && Object.hasOwn(s.def.registers, key)) || key in Object.prototype,
  // It shows no properties of its own (for-in over a handle lists its name, baseAddress and the
  // registers made so far; Object.keys(DEF.registers) lists them all).
  ownKeys: () => [],
  getOwnPropertyDescriptor: () => undefined,
  set: refuse,
  defineProperty: refuse,
  deleteProperty: refuse,
  setPrototypeOf: refuse,
};

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
