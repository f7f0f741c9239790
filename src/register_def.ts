// Register definitions: plain data in the CMSIS-SVD vocabulary (docs/mmio.md). Generated
// definitions (src/registers/, `vllsi svd gen`) are values of PeripheralDef; src/register.ts
// and src/peripheral.ts make handles from them, and the types below carry field names and
// enumerated names to those handles.
import type { Width } from './bus.js';

/** CMSIS-SVD `access`. */
export type Access = 'read-only' | 'write-only' | 'read-write' | 'writeOnce' | 'read-writeOnce';
/** CMSIS-SVD `modifiedWriteValues`: what writing a value does to the field. */
export type ModifiedWriteValues = 'oneToClear' | 'oneToSet' | 'oneToToggle' | 'zeroToClear' | 'zeroToSet' | 'zeroToToggle' | 'clear' | 'set' | 'modify';
/** CMSIS-SVD `readAction`: a read has a side effect (pops a FIFO, clears flags, latches). */
export type ReadAction = 'clear' | 'set' | 'modify' | 'modifyExternal';

export interface FieldDef {
  readonly bitOffset: number;
  readonly bitWidth: number;
  /** Defaults to the register's `access` (when given) or 'read-write'. */
  readonly access?: Access;
  readonly modifiedWriteValues?: ModifiedWriteValues;
  readonly readAction?: ReadAction;
  /** Enumerated values: name -> value. */
  readonly enumeratedValues?: { readonly [name: string]: number };
  /**
   * In a register array whose elements name their values differently (RP2040 GPIO_CTRL's FUNCSEL:
   * pin 25 offers sio_25, uart1_rx...): element i's enumerated values. Element i's handle takes
   * them as its enumeratedValues.
   */
  readonly elementEnumeratedValues?: readonly { readonly [name: string]: number }[];
  readonly description?: string;
}

export interface RegisterDef {
  /** Byte offset from the peripheral's baseAddress. */
  readonly addressOffset: number;
  /** Width in bits; default 32. */
  readonly size?: Width;
  /** Default: derived from the fields (all read-only -> read-only, ...), else 'read-write'. */
  readonly access?: Access;
  /** Default 0. */
  readonly resetValue?: number;
  readonly readAction?: ReadAction;
  readonly fields?: { readonly [name: string]: FieldDef };
  readonly description?: string;
  /** SVD `dim`: an array of this many registers (`IO_BANK0.GPIO_CTRL[pin]`), the first at addressOffset. */
  readonly dim?: number;
  /** SVD `dimIncrement`: bytes from one element of the array to the next. */
  readonly dimIncrement?: number;
}

export interface PeripheralDef {
  readonly name: string;
  readonly baseAddress: number;
  /** RP2040: the peripheral has the atomic XOR/SET/CLR aliases at +0x1000/+0x2000/+0x3000. */
  readonly atomicAliases?: boolean;
  readonly description?: string;
  /** IRQ lines of the peripheral: name -> number (SVD `interrupt`). */
  readonly interrupts?: { readonly [name: string]: number };
  readonly registers: { readonly [name: string]: RegisterDef };
}

export type FieldsOf<R> = R extends { readonly fields: infer F } ? F : Record<never, never>;
export type FieldDefOf<R, K> = FieldsOf<R>[K & keyof FieldsOf<R>];
/** Names of the fields of register definition R. */
export type FieldName<R> = Extract<keyof FieldsOf<R>, string>;
/** Names of the enumerated values of field definition F. */
export type EnumName<F> = F extends { readonly enumeratedValues: infer E } ? Extract<keyof E, string> : never;

// Access in the types (as tock-registers does): the same rules as isReadable/isWritable below,
// so what the run-time check refuses does not compile either.
/** The access of field K of register definition R: its own, else the register's, else read-write. */
export type FieldAccess<R, K> =
  FieldDefOf<R, K> extends { readonly access: infer A extends Access } ? A : R extends { readonly access: infer A extends Access } ? A : 'read-write';
/** Names of the fields of R that can be read (all but write-only). */
export type ReadableFieldName<R> = { [K in FieldName<R>]: FieldAccess<R, K> extends 'write-only' ? never : K }[FieldName<R>];
/** Names of the fields of R that can be written (all but read-only). */
export type WritableFieldName<R> = { [K in FieldName<R>]: FieldAccess<R, K> extends 'read-only' ? never : K }[FieldName<R>];
/** The access of register definition R: its own, else derived from its fields as Register does. */
export type RegisterAccess<R> = R extends { readonly access: infer A extends Access }
  ? A
  : [FieldName<R>] extends [never]
    ? 'read-write'
    : [ReadableFieldName<R>] extends [never]
      ? 'write-only'
      : [WritableFieldName<R>] extends [never]
        ? 'read-only'
        : 'read-write';
type ValuesOf<R, N extends FieldName<R>> = { readonly [K in N]?: number | EnumName<FieldDefOf<R, K>> };
/** Field values for write/modify/atomic*: a number or an enumerated name per writable field. */
export type FieldValues<R> = ValuesOf<R, WritableFieldName<R>>;
/** Field values to compare (matches): readable fields only. */
export type ReadableFieldValues<R> = ValuesOf<R, ReadableFieldName<R>>;
/** Field values to encode into bits (no bus access): any field. */
export type AnyFieldValues<R> = ValuesOf<R, FieldName<R>>;

/** The one access rule: CMSIS-SVD `writeOnce` is write-only (once), `read-writeOnce` readable. */
export const isReadable = (a: Access) => a !== 'write-only' && a !== 'writeOnce';
export const isWritable = (a: Access) => a !== 'read-only';

// --- Resolved definitions: register maps (src/register_map.ts) -----------------------------
// The same vocabulary with every default and SVD indirection resolved, as `vllsi svd import`
// writes them and the console and the inspector read them: names are properties, registers and
// fields are lists, and enumerated values keep their usage.

/** What writing a value does (`modifiedWriteValues`); absent means a plain write. */
export type WriteAction = Exclude<ModifiedWriteValues, 'modify'>;

export interface EnumValue {
  readonly name: string;
  readonly value: number;
  readonly description?: string;
}

/** An SVD `enumeratedValues` set. */
export interface EnumSet {
  /** Which accesses the names apply to. */
  readonly usage: 'read' | 'write' | 'read-write';
  /** The SVD name of the set (used by derivedFrom and code generation). */
  readonly name?: string;
  readonly values: readonly EnumValue[];
  /** Name used for any value not listed (`isDefault`). */
  readonly defaultName?: string;
}

/** A FieldDef with its name, and its access and write action resolved from its register. */
export interface FieldMap extends Omit<FieldDef, 'access' | 'modifiedWriteValues' | 'enumeratedValues'> {
  readonly name: string;
  readonly access: Access;
  readonly modifiedWriteValues?: WriteAction;
  readonly enums?: readonly EnumSet[];
}

/** A RegisterDef with its name and every default resolved. */
export interface RegisterMap extends Omit<RegisterDef, 'size' | 'access' | 'resetValue' | 'fields'> {
  readonly name: string;
  readonly size: Width;
  readonly access: Access;
  readonly resetValue: number;
  readonly resetMask: number;
  /** Register-level write action (fields inherit it). */
  readonly modifiedWriteValues?: WriteAction;
  readonly fields: readonly FieldMap[];
}

/** A PeripheralDef whose registers are a list of RegisterMap. */
export interface PeripheralMap extends Omit<PeripheralDef, 'interrupts' | 'registers' | 'atomicAliases'> {
  /** Set when this peripheral is a copy of another one's registers at another baseAddress. */
  readonly derivedFrom?: string;
  readonly groupName?: string;
  readonly interrupts?: readonly { readonly name: string; readonly value: number }[];
  readonly registers: readonly RegisterMap[];
}
