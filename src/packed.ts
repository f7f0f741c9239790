// Packed bitfield types (reference: "BitfieldElement and Bitfield protocols" and
// the "@bitfield attribute"). Rust-like `@bitfield` structs become a builder:
//
//   const TcpFlags = defineBitfield('TcpFlags', {
//     fin: bits(1, Bool), syn: bits(1, Bool), ..., reserved: bits(2, UInt8),
//   }, { endian: 'little' });
//   const f = TcpFlags.create({ fin: true, syn: true });
//
// Layout: fields are placed from bit 0 (least significant) upward in
// declaration order, within one SIZE_BITS-wide integer; `endian` is the byte
// order of that integer in `asBytes()`.
import { BitfieldDefinitionError, describe, requireObject } from './errors.js';

/** How a field's value maps to and from its raw bits (the reference's BitfieldElement). */
export interface BitfieldElement<V, B extends number | bigint = number> {
  readonly name: string;
  readonly BIT_WIDTH: number;
  fromBits(bits: B): V;
  /** Raw bits of `value`, or `undefined` when `value` is not of this element's type. */
  toBits(value: V): B | undefined;
}

function uint(name: string, width: number): BitfieldElement<number> {
  return {
    name,
    BIT_WIDTH: width,
    fromBits: (b) => b,
    toBits: (v) => (typeof v === 'number' && Number.isInteger(v) && v >= 0 ? v : undefined),
  };
}

export const Bool: BitfieldElement<boolean> = {
  name: 'Bool',
  BIT_WIDTH: 1,
  fromBits: (b) => b !== 0,
  toBits: (v) => (typeof v === 'boolean' ? (v ? 1 : 0) : undefined),
};
export const UInt8 = uint('UInt8', 8);
export const UInt16 = uint('UInt16', 16);
export const UInt32 = uint('UInt32', 32);
export const UInt64: BitfieldElement<bigint, bigint> = {
  name: 'UInt64',
  BIT_WIDTH: 64,
  fromBits: (b) => b,
  toBits: (v) => (typeof v === 'bigint' && v >= 0n ? v : undefined),
};

/**
 * An enumerated element: values are the variant names. Bits that name no
 * variant (hardware can hold them) read back as the raw number.
 */
export function enumElement<const E extends Record<string, number>>(name: string, variants: E): BitfieldElement<Extract<keyof E, string> | number> {
  requireObject(`${name} variants`, variants);
  const byValue = new Map<number, string>();
  let max = 0;
  for (const [k, v] of Object.entries(variants)) {
    if (!Number.isInteger(v) || v < 0 || v > 0xffffffff)
      throw new BitfieldDefinitionError(name, `variant ${k} = ${describe(v)} is not an unsigned 32-bit integer`);
    if (byValue.has(v)) throw new BitfieldDefinitionError(name, `variants ${byValue.get(v)} and ${k} share the value ${v}`);
    byValue.set(v, k);
    if (v > max) max = v;
  }
  return {
    name,
    BIT_WIDTH: max === 0 ? 1 : 32 - Math.clz32(max),
    fromBits: (b) => (byValue.get(b) ?? b) as Extract<keyof E, string> | number,
    toBits: (v) => {
      if (typeof v === 'string') return Object.hasOwn(variants, v) ? variants[v] : undefined;
      return typeof v === 'number' && Number.isInteger(v) && v >= 0 ? v : undefined;
    },
  };
}

export interface FieldSpec<V = unknown, B extends number | bigint = number | bigint> {
  readonly kind: 'field';
  readonly width: number;
  readonly element: BitfieldElement<V, B>;
}
export interface PaddingSpec {
  readonly kind: 'padding';
  readonly width: number;
}

/** A field `width` bits wide holding values of `element` (the reference's `@bits(N)`). */
export function bits<V, B extends number | bigint>(width: number, element: BitfieldElement<V, B>): FieldSpec<V, B> {
  return { kind: 'field', width, element };
}
/** Explicit padding (the reference's `@padding`): never read or written by name. */
export function padding(width: number): PaddingSpec {
  return { kind: 'padding', width };
}

// --- Compile-time verification helpers (run at definition time here) ---------

// The verify* predicates answer false for anything but numbers (a BigInt would throw in the arithmetic).
export function verifyByteAlignment(totalBits: number): boolean {
  return typeof totalBits === 'number' && totalBits % 8 === 0;
}
export function verifyFieldWidth(fieldBits: number, typeBits: number): boolean {
  return typeof fieldBits === 'number' && typeof typeBits === 'number' && fieldBits <= typeBits;
}
export function verifyEnumFits(maxVariant: number, bitCount: number): boolean {
  return typeof maxVariant === 'number' && typeof bitCount === 'number' && (bitCount >= 32 || maxVariant < 2 ** bitCount);
}

// --- Types ------------------------------------------------------------------------

type Specs = Record<string, FieldSpec<any, any> | PaddingSpec>;
type ValueOf<S> = S extends FieldSpec<infer V, any> ? V : never;
type FieldNames<F extends Specs> = { [K in keyof F]: F[K] extends FieldSpec<any, any> ? K : never }[keyof F] & string;

export type BitfieldFields<F extends Specs> = { -readonly [K in FieldNames<F>]: ValueOf<F[K]> };

export interface BitfieldMethods {
  /** The value as an integer; only for types of at most 32 bits (else use toBigBits). */
  toBits(): number;
  toBigBits(): bigint;
  /** The live bytes: writing them changes the fields (the reference's as_bytes_mut). */
  asBytes(): Uint8Array;
  equals(other: BitfieldMethods): boolean;
  toJSON(): Record<string, unknown>;
  toString(): string;
}

export type BitfieldValue<F extends Specs> = BitfieldFields<F> & BitfieldMethods;

export interface FieldInfo {
  readonly name: string;
  readonly offset: number;
  readonly width: number;
  readonly element: BitfieldElement<unknown, number | bigint> | undefined;
}

export interface BitfieldType<F extends Specs> {
  readonly name: string;
  readonly SIZE_BITS: number;
  readonly SIZE_BYTES: number;
  readonly endian: 'little' | 'big';
  readonly fields: readonly FieldInfo[];
  zero(): BitfieldValue<F>;
  /** zero() with the given fields set: the reference's `T { fin: true, ..T.zero() }`. */
  create(init: Partial<BitfieldFields<F>>): BitfieldValue<F>;
  fromBits(raw: number | bigint): BitfieldValue<F>;
  /** A copy of `bytes` (exactly SIZE_BYTES long). */
  fromBytes(bytes: Uint8Array): BitfieldValue<F>;
  /** A live view over `SIZE_BYTES` bytes of `buffer` (or of a typed array or DataView, from its own start) at `byteOffset`. */
  view(buffer: ArrayBufferLike | ArrayBufferView, byteOffset?: number): BitfieldValue<F>;
}

export interface BitfieldOptions {
  endian?: 'little' | 'big';
}

/** Largest packed type: every value and view allocates or spans this much (a typo'd padding(2 ** 40) must not). */
export const PACKED_MAX_BITS = 2 ** 16;

const RESERVED = new Set(['toBits', 'toBigBits', 'asBytes', 'equals', 'toJSON', 'toString', 'constructor', 'type', '__proto__']);
const IDENT = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

export function defineBitfield<const F extends Specs>(name: string, specs: F, options: BitfieldOptions = {}): BitfieldType<F> {
  requireObject(`${name} fields`, specs);
  requireObject(`${name} options`, options);
  const endian = options.endian ?? 'little';
  if (endian !== 'little' && endian !== 'big') throw new BitfieldDefinitionError(name, `endian must be 'little' or 'big', not ${describe(endian)}`);
  const fields: FieldInfo[] = [];
  let offset = 0;
  for (const [fname, spec] of Object.entries(specs)) {
    if (!spec || (spec.kind !== 'field' && spec.kind !== 'padding'))
      throw new BitfieldDefinitionError(name, `${fname} must be bits(width, element) or padding(width)`);
    const w = spec.width;
    if (!Number.isInteger(w) || w < 1 || w > PACKED_MAX_BITS)
      throw new BitfieldDefinitionError(name, `${fname} has width ${describe(w)}; widths are integers 1..${PACKED_MAX_BITS}`);
    if (spec.kind === 'field') {
      if (!IDENT.test(fname) || RESERVED.has(fname)) throw new BitfieldDefinitionError(name, `field name ${describe(fname)} is reserved or not an identifier`);
      if (!verifyFieldWidth(w, spec.element.BIT_WIDTH))
        throw new BitfieldDefinitionError(name, `${fname} is ${w} bits, wider than its ${spec.element.name} (${spec.element.BIT_WIDTH} bits)`);
    }
    fields.push({ name: fname, offset, width: w, element: spec.kind === 'field' ? (spec.element as BitfieldElement<unknown, number | bigint>) : undefined });
    offset += w;
  }
  const SIZE_BITS = offset;
  if (SIZE_BITS === 0) throw new BitfieldDefinitionError(name, 'has no fields');
  if (SIZE_BITS > PACKED_MAX_BITS)
    throw new BitfieldDefinitionError(name, `is ${SIZE_BITS} bits; a packed type is at most ${PACKED_MAX_BITS} bits (${PACKED_MAX_BITS / 8} bytes)`);
  if (!verifyByteAlignment(SIZE_BITS)) {
    throw new BitfieldDefinitionError(name, `total of ${SIZE_BITS} bits is not a whole number of bytes; add padding(${8 - (SIZE_BITS % 8)})`);
  }
  const SIZE_BYTES = SIZE_BITS / 8;
  const big = endian === 'big';
  const named = fields.filter((f) => f.element !== undefined);

  // Bit i of the integer lives in byte (i >> 3) counted from the least significant end.
  const byteAt = (i: number) => (big ? SIZE_BYTES - 1 - (i >> 3) : i >> 3);

  function readNumber(bytes: Uint8Array, off: number, width: number): number {
    let result = 0;
    for (let got = 0; got < width;) {
      const pos = off + got;
      const inByte = pos & 7;
      const take = Math.min(8 - inByte, width - got);
      result += ((bytes[byteAt(pos)]! >> inByte) & ((1 << take) - 1)) * 2 ** got;
      got += take;
    }
    return result;
  }
  function writeNumber(bytes: Uint8Array, off: number, width: number, value: number): void {
    for (let done = 0; done < width;) {
      const pos = off + done;
      const inByte = pos & 7;
      const take = Math.min(8 - inByte, width - done);
      const mask = ((1 << take) - 1) << inByte;
      const chunk = Math.floor(value / 2 ** done) & ((1 << take) - 1);
      const i = byteAt(pos);
      bytes[i] = (bytes[i]! & ~mask) | (chunk << inByte);
      done += take;
    }
  }
  // Wide fields (> 32 bits) go through BigInt in 32-bit halves.
  function readField(bytes: Uint8Array, f: FieldInfo): number | bigint {
    if (f.width <= 32) return readNumber(bytes, f.offset, f.width);
    const lo = BigInt(readNumber(bytes, f.offset, 32));
    const hi = BigInt(readNumber(bytes, f.offset + 32, f.width - 32));
    return (hi << 32n) | lo;
  }
  function writeField(bytes: Uint8Array, f: FieldInfo, raw: number | bigint): void {
    if (f.width <= 32) return writeNumber(bytes, f.offset, f.width, Number(raw));
    const b = BigInt(raw);
    writeNumber(bytes, f.offset, 32, Number(b & 0xffffffffn));
    writeNumber(bytes, f.offset + 32, f.width - 32, Number(b >> 32n));
  }
  function encode(f: FieldInfo, value: unknown): number | bigint {
    const raw = f.element!.toBits(value);
    if (raw === undefined) throw new BitfieldDefinitionError(name, `${f.name} takes a ${f.element!.name}, not ${describe(value)}`);
    const fits = typeof raw === 'bigint' ? raw < 1n << BigInt(f.width) : raw < 2 ** f.width;
    if (!fits) throw new BitfieldDefinitionError(name, `${f.name} is ${f.width} bits wide; ${describe(value)} does not fit`);
    return raw;
  }

  class Value {
    constructor(readonly bytes: Uint8Array) {}
    toBits(): number {
      if (SIZE_BITS > 32) throw new BitfieldDefinitionError(name, `is ${SIZE_BITS} bits; toBits() gives at most 32, use toBigBits()`);
      return readNumber(this.bytes, 0, SIZE_BITS);
    }
    toBigBits(): bigint {
      let v = 0n;
      for (let i = SIZE_BYTES - 1; i >= 0; i--) v = (v << 8n) | BigInt(this.bytes[byteAt(i * 8)]!);
      return v;
    }
    asBytes(): Uint8Array {
      return this.bytes;
    }
    equals(other: BitfieldMethods): boolean {
      const o = other.asBytes();
      return other instanceof Value && o.every((b, i) => b === this.bytes[i]);
    }
    toJSON(): Record<string, unknown> {
      const out: Record<string, unknown> = {};
      for (const f of named) {
        const v = (this as unknown as Record<string, unknown>)[f.name];
        out[f.name] = typeof v === 'bigint' ? v.toString() : v;
      }
      return out;
    }
    toString(): string {
      return `${name} ${JSON.stringify(this.toJSON())}`;
    }
  }
  for (const f of named) {
    Object.defineProperty(Value.prototype, f.name, {
      get(this: Value) {
        return f.element!.fromBits(readField(this.bytes, f));
      },
      set(this: Value, v: unknown) {
        writeField(this.bytes, f, encode(f, v));
      },
      enumerable: true,
    });
  }
  const make = (bytes: Uint8Array) => new Value(bytes) as unknown as BitfieldValue<F>;

  return Object.freeze({
    name,
    SIZE_BITS,
    SIZE_BYTES,
    endian,
    fields: Object.freeze(fields),
    zero: () => make(new Uint8Array(SIZE_BYTES)),
    create(init: Partial<BitfieldFields<F>>) {
      const bytes = new Uint8Array(SIZE_BYTES);
      for (const [k, v] of Object.entries(init)) {
        const f = named.find((x) => x.name === k);
        if (!f) throw new BitfieldDefinitionError(name, `has no field ${describe(k)}`);
        writeField(bytes, f, encode(f, v));
      }
      return make(bytes);
    },
    fromBits(raw: number | bigint) {
      const b = typeof raw === 'bigint' ? raw : Number.isSafeInteger(raw) && raw >= 0 ? BigInt(raw) : -1n;
      if (b < 0n || b >= 1n << BigInt(SIZE_BITS)) throw new BitfieldDefinitionError(name, `${describe(raw)} is not an unsigned ${SIZE_BITS}-bit value`);
      const bytes = new Uint8Array(SIZE_BYTES);
      for (let i = 0; i < SIZE_BYTES; i++) bytes[byteAt(i * 8)] = Number((b >> BigInt(i * 8)) & 0xffn);
      return make(bytes);
    },
    fromBytes(bytes: Uint8Array) {
      if (!(bytes instanceof Uint8Array)) throw new BitfieldDefinitionError(name, `fromBytes takes a Uint8Array, not ${describe(bytes)}`);
      if (bytes.length !== SIZE_BYTES) throw new BitfieldDefinitionError(name, `needs exactly ${SIZE_BYTES} bytes, got ${bytes.length}`);
      return make(bytes.slice());
    },
    view(buffer: ArrayBufferLike | ArrayBufferView, byteOffset = 0) {
      // A typed array or DataView is viewed where it sits in its buffer (not copied).
      const isView = ArrayBuffer.isView(buffer);
      const isBuffer = buffer instanceof ArrayBuffer || (typeof SharedArrayBuffer === 'function' && buffer instanceof SharedArrayBuffer);
      if (!isView && !isBuffer)
        throw new BitfieldDefinitionError(name, `view takes an ArrayBuffer, SharedArrayBuffer, typed array or DataView, not ${describe(buffer)}`);
      const length = buffer.byteLength;
      if (!Number.isSafeInteger(byteOffset) || byteOffset < 0 || byteOffset + SIZE_BYTES > length) {
        throw new BitfieldDefinitionError(name, `a view of ${SIZE_BYTES} bytes at ${describe(byteOffset)} does not fit ${length} bytes`);
      }
      return isView
        ? make(new Uint8Array(buffer.buffer, buffer.byteOffset + byteOffset, SIZE_BYTES))
        : make(new Uint8Array(buffer as ArrayBufferLike, byteOffset, SIZE_BYTES));
    },
  });
}
