// A tiny typed bitflags helper for the reference's `bitflags` types (MemProt, MapFlags).
import { InvalidArgument, requireObject } from './errors.js';

/** An immutable set of flags of one bitflags type. */
export class Flags<Name extends string = string> {
  /** @internal Use the type's constants, `from` or `of`. */
  constructor(
    readonly type: BitflagsType<Name>,
    readonly bits: number,
  ) {}

  or(other: Flags<Name>): Flags<Name> {
    return this.type.from(this.bits | this.same(other).bits);
  }
  and(other: Flags<Name>): Flags<Name> {
    return this.type.from(this.bits & this.same(other).bits);
  }
  without(other: Flags<Name>): Flags<Name> {
    return this.type.from(this.bits & ~this.same(other).bits);
  }
  /** Every bit of `other` is set here. */
  contains(other: Flags<Name>): boolean {
    const b = this.same(other).bits;
    return (this.bits & b) === b;
  }
  /** The named flag is set (a zero-valued flag such as `None` is set only in the empty set). */
  has(name: Name): boolean {
    const b = this.type.valueOf(name);
    return b === 0 ? this.bits === 0 : (this.bits & b) === b;
  }
  isEmpty(): boolean {
    return this.bits === 0;
  }
  equals(other: Flags<Name>): boolean {
    return other.type === this.type && other.bits === this.bits;
  }
  /** Names of the set flags, in definition order. */
  names(): Name[] {
    return this.type.names.filter((n) => {
      const b = this.type.valueOf(n);
      return b !== 0 && (this.bits & b) === b;
    });
  }
  toString(): string {
    const names = this.names();
    return `${this.type.typeName}(${names.length ? names.join(' | ') : (this.type.zeroName ?? '0')})`;
  }
  private same(other: Flags<Name>): Flags<Name> {
    if (other.type !== this.type) {
      throw new InvalidArgument('flags', other.toString(), `cannot combine with ${this.type.typeName}`);
    }
    return other;
  }
}

export interface BitflagsType<Name extends string> {
  readonly typeName: string;
  readonly names: readonly Name[];
  readonly zeroName: Name | undefined;
  /** Union of every defined bit. */
  readonly allBits: number;
  valueOf(name: Name): number;
  /** Flags from raw bits; bits no flag defines are a typed error. */
  from(bits: number): Flags<Name>;
  /** Flags from names. */
  of(...names: Name[]): Flags<Name>;
}

export type BitflagsConstants<D extends Record<string, number>> = {
  readonly [K in keyof D]: Flags<Extract<keyof D, string>>;
};

/** Define a bitflags type: `const MemProt = bitflags('MemProt', { None: 0, Read: 1, ... })`. */
export function bitflags<const D extends Record<string, number>>(typeName: string, defs: D): BitflagsType<Extract<keyof D, string>> & BitflagsConstants<D> {
  type Name = Extract<keyof D, string>;
  requireObject(`${typeName} flag definitions`, defs);
  const names = Object.keys(defs) as Name[];
  let allBits = 0;
  let zeroName: Name | undefined;
  for (const n of names) {
    const v = defs[n];
    if (!Number.isInteger(v) || v < 0 || v > 0x7fffffff) {
      throw new InvalidArgument(`${typeName}.${n}`, v, 'flag values must be integers in 0..2^31-1');
    }
    if (v === 0) zeroName = n;
    allBits |= v;
  }
  const type = {
    typeName,
    names,
    zeroName,
    allBits,
    valueOf(name: Name): number {
      if (!Object.hasOwn(defs, name)) throw new InvalidArgument(`${typeName} flag`, name, `known flags: ${names.join(', ')}`);
      return defs[name];
    },
    from(bits: number): Flags<Name> {
      if (!Number.isInteger(bits) || bits < 0 || (bits & ~allBits) !== 0) {
        throw new InvalidArgument(`${typeName} bits`, bits, `only 0x${allBits.toString(16)} are defined`);
      }
      return new Flags(type, bits);
    },
    of(...ns: Name[]): Flags<Name> {
      let b = 0;
      for (const n of ns) b |= type.valueOf(n);
      return new Flags(type, b);
    },
  } as BitflagsType<Name> & Record<string, unknown>;
  for (const n of names) {
    if (Object.hasOwn(type, n)) throw new InvalidArgument(`${typeName} flag name`, n, 'collides with a method of the type');
    type[n] = new Flags(type, defs[n]);
  }
  return Object.freeze(type) as unknown as BitflagsType<Name> & BitflagsConstants<D>;
}

export const MemProt = bitflags('MemProt', { None: 0x0, Read: 0x1, Write: 0x2, Exec: 0x4 });
export type MemProt = Flags<(typeof MemProt.names)[number]>;

export const MapFlags = bitflags('MapFlags', {
  Shared: 0x01,
  Private: 0x02,
  Fixed: 0x10,
  Anon: 0x20,
  Stack: 0x20000,
  HugeTlb: 0x40000,
});
export type MapFlags = Flags<(typeof MapFlags.names)[number]>;
