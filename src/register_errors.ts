// The errors of register access (src/register.ts, src/peripheral.ts): an access the register
// map forbids, and a malformed definition. Both are thrown before the bus is touched.
import { VllsiError } from './errors.js';

/** Which rule of the register map an access broke. */
export type RegisterRule =
  | 'read-only' // writing a read-only register or field
  | 'write-only' // reading a write-only register or field
  | 'read-side-effects' // read-modify-write (or an atomic alias) on a register whose read changes it
  | 'no-atomic-aliases' // SET/CLR/XOR alias on a peripheral or register without them
  | 'unknown-field'; // a field name the definition does not have

/** An access the register definition forbids; nothing was read or written. */
export class RegisterAccessError extends VllsiError<'RegisterAccessError'> {
  constructor(
    /** `PERIPHERAL.REGISTER` or `PERIPHERAL.REGISTER.FIELD`. */
    readonly register: string,
    readonly operation: string,
    readonly rule: RegisterRule,
    detail: string,
  ) {
    super('RegisterAccessError', `${operation} ${register}: ${detail}`);
  }
}

/** A register definition is malformed (overlapping fields, a field outside the register...). */
export class RegisterDefinitionError extends VllsiError<'RegisterDefinitionError'> {
  constructor(
    readonly register: string,
    message: string,
  ) {
    super('RegisterDefinitionError', `register definition ${register}: ${message}`);
  }
}
