// Register definitions: plain data in the CMSIS-SVD vocabulary (docs/mmio.md). Generated
// definitions (src/registers/, `vllsi svd gen`) are values of PeripheralDef; src/register.ts
// and src/peripheral.ts make handles from them, and the types below carry field names and
// enumerated names to those handles.
import type { Width } from './bus.js';

/** CMSIS-SVD `access`. */
export type Access = 'read-only' | 'write-only' | 'read-write' | 'writeOnce' | 'read-writeOnce';
/** CMSIS-SVD `modifiedWriteValues`: what writing a value does to the field. */
export type ModifiedWriteValues =
  | 'oneToClear'
  | 'oneToSet'
  | 'oneToToggle'
  | 'zeroToClear'
  | 'zeroToSet'
  | 'zeroToToggle'
  | 'clear'
  | 'set'
  | 'modify';
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

export type FieldsOf<R> = R extends { readonly fields: infer F } ? F : {};
export type FieldDefOf<R, K> = FieldsOf<R>[K & keyof FieldsOf<R>];
/** Names of the fields of register definition R. */
export type FieldName<R> = Extract<keyof FieldsOf<R>, string>;
/** Names of the enumerated values of field definition F. */
export type EnumName<F> = F extends { readonly enumeratedValues: infer E } ? Extract<keyof E, string> : never;
/** Field values for write/modify/matches: a number or an enumerated name per field. */
export type FieldValues<R> = { readonly [K in FieldName<R>]?: number | EnumName<FieldDefOf<R, K>> };

export const isReadable = (a: Access) => a !== 'write-only';
export const isWritable = (a: Access) => a !== 'read-only';
