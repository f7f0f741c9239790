// The device-side console service: register inspection over a serial line
// (protocol.ts describes the wire format). It is fed received bytes and answers through
// `send`; it never throws out of `receive` — every line gets exactly one answer, and a line
// that cannot be handled gets `ERR CODE message` (or an error frame for machine requests).
//
// Safety: writes are refused until the session is unlocked with the board's token and pass
// the permission hook; registers whose read has a side effect (FIFO pops, clear-on-read) are
// read only when the request says so (`read!`, `peek!`, `dump!`, machine `:R`/`:M`).
import type { Hal } from '../hal.js';
import { VllsiError, hex } from '../errors.js';
import { volatileLoad, volatileStore } from '../mmio.js';
import { PermissionDenied, isPermitted } from '../permissions.js';
import {
  ErrorCode, FrameType, MAX_LINE, MAX_VALUES, asciiEncode, encodeFrame,
  type ErrorName,
} from './protocol.js';
import {
  RegisterMapError, enumName, fieldValue, fieldWrite, findPeripheral, locate, parseFieldValue, parseInteger,
  readHasSideEffects, registerAt, type DeviceMap,
} from '../register_map.js';
import { isReadable, isWritable, type RegisterMap } from '../register_def.js';

/** The bus the console reads and writes: the HAL's loads and stores. */
export type ConsoleBus = Pick<Hal, 'load8' | 'load16' | 'load32' | 'store8' | 'store16' | 'store32'>;

/** The one bus path (src/bus.ts through volatileLoad/volatileStore): the bound HAL, behind the register permission gate. */
export const mmioBus: ConsoleBus = {
  load8: (a) => volatileLoad(a, 8),
  load16: (a) => volatileLoad(a, 16),
  load32: (a) => volatileLoad(a, 32),
  store8: (a, v) => volatileStore(a, v, 8),
  store16: (a, v) => volatileStore(a, v, 16),
  store32: (a, v) => volatileStore(a, v, 32),
};

export interface ConsoleOptions {
  /** Default: mmioBus (the bound HAL through the permission gate). */
  readonly bus?: ConsoleBus;
  /** Transmits bytes to the host. */
  readonly send: (bytes: Uint8Array) => void;
  /** The board's register map; without one, only peek/poke and raw machine requests work. */
  readonly map?: DeviceMap;
  readonly board: string;
  readonly runtime?: string;
  /** Milliseconds since boot. */
  readonly uptimeMs: () => number;
  /** The board's configured unlock token; without one, writes stay refused. */
  readonly unlockToken?: string;
}

type Width = 8 | 16 | 32;

/** Counters a heartbeat or a test can watch. */
export interface ConsoleStats {
  lines: number;
  errors: number;
  overlong: number;
}

class ConsoleError extends VllsiError<'ConsoleError'> {
  constructor(
    readonly code: ErrorName,
    message: string,
  ) {
    super('ConsoleError', message);
  }
}

const HELP = [
  'help                      this text',
  'info                      board, runtime, uptime, register map',
  'peek ADDR [COUNT] [8|16|32]   read memory (peek! also reads registers with read side effects)',
  'poke ADDR VALUE [8|16|32]     write memory (needs unlock)',
  'read P.R                  a register and its fields (read! for side-effect registers)',
  'write P.R[.F] VALUE       write a register, or a field by read-modify-write (needs unlock)',
  'dump P                    every readable register of a peripheral (dump! includes side-effect ones)',
  'unlock TOKEN / lock       allow / forbid writes for this session',
  ':r|:R SEQ W ADDR COUNT    machine: COUNT consecutive W-bit values (:R allows side effects)',
  ':m|:M SEQ W BASE BITMAP   machine: values at BASE + i*W/8 for each set bit i of BITMAP (hex, bit 0 last)',
  ':w SEQ W ADDR=VAL[,...]   machine: writes (needs unlock)',
];

export class ConsoleService {
  readonly stats: ConsoleStats = { lines: 0, errors: 0, overlong: 0 };
  private readonly line = new Uint8Array(MAX_LINE);
  private length = 0;
  private overflow = false;
  private lastWasCR = false;
  private unlocked = false;

  constructor(private readonly options: ConsoleOptions) {}

  /** Feeds received bytes; answers each complete line. Never throws. */
  receive(bytes: Uint8Array): void {
    for (let i = 0; i < bytes.length; i++) {
      const b = bytes[i]!;
      if (b === 0x0a && this.lastWasCR) {
        this.lastWasCR = false;
        continue;
      }
      this.lastWasCR = b === 0x0d;
      if (b === 0x0a || b === 0x0d) {
        this.endLine();
        continue;
      }
      if (this.length < MAX_LINE) this.line[this.length++] = b;
      else this.overflow = true;
    }
  }

  private endLine(): void {
    this.stats.lines++;
    const overflow = this.overflow;
    const bytes = this.line.subarray(0, this.length);
    this.length = 0;
    this.overflow = false;
    const machine = bytes[0] === 0x3a; // ':'
    try {
      if (overflow) {
        this.stats.overlong++;
        throw new ConsoleError('TOOLONG', `line longer than ${MAX_LINE} bytes: discarded`);
      }
      for (let i = 0; i < bytes.length; i++) {
        const b = bytes[i]!;
        if (b < 0x20 || b > 0x7e) throw new ConsoleError('SYNTAX', `non-printable byte 0x${b.toString(16).padStart(2, '0')} at column ${i + 1}`);
      }
      let text = '';
      for (let i = 0; i < bytes.length; i++) text += String.fromCharCode(bytes[i]!);
      if (machine) this.machine(text);
      else this.human(text.trim());
    } catch (e) {
      this.stats.errors++;
      const code: ErrorName = e instanceof ConsoleError || e instanceof RegisterMapError ? e.code
        : e instanceof PermissionDenied ? 'DENIED' : e instanceof VllsiError ? 'BUS' : 'INTERNAL';
      const message = e instanceof Error ? e.message : String(e);
      if (machine) this.send(encodeFrame(FrameType.Error, this.seqOf(bytes), errorPayload(code, message)));
      else this.text([`ERR ${code} ${message}`]);
    }
  }

  /** The SEQ of a machine line, for error frames (0 when it cannot be read). */
  private seqOf(bytes: Uint8Array): number {
    let seq = 0;
    for (let i = 3; i < bytes.length && i < 6; i++) {
      const d = hexDigit(bytes[i]!);
      if (d < 0) break;
      seq = seq * 16 + d;
    }
    return seq & 0xff;
  }

  private send(bytes: Uint8Array): void {
    this.options.send(bytes);
  }

  private text(lines: string[]): void {
    this.send(asciiEncode(lines.join('\n') + '\n'));
  }

  // --- Human commands ---------------------------------------------------------------------

  private human(line: string): void {
    if (line === '') return this.text(['OK']);
    const words = line.split(/\s+/);
    const command = words[0]!.toLowerCase();
    const force = command.endsWith('!');
    const args = words.slice(1);
    switch (force ? command.slice(0, -1) : command) {
      case 'help':
        return this.text([...HELP, 'OK']);
      case 'info':
        return this.info();
      case 'peek':
        return this.peek(args, force);
      case 'poke':
        return this.poke(args);
      case 'read':
        return this.read(args, force);
      case 'write':
        return this.write(args);
      case 'dump':
        return this.dump(args, force);
      case 'unlock':
        return this.unlock(args);
      case 'lock':
        this.unlocked = false;
        return this.text(['OK']);
      default:
        throw new ConsoleError('UNKNOWN', `unknown command '${words[0]!.slice(0, 32)}' (try help)`);
    }
  }

  private info(): void {
    const o = this.options;
    const map = o.map ? `${o.map.device} (${o.map.peripherals.length} peripherals)` : 'none';
    this.text([
      `board ${o.board}`,
      `runtime ${o.runtime ?? 'vllsi'}`,
      `uptime ${(o.uptimeMs() / 1000).toFixed(3)} s`,
      `map ${map}`,
      `writes ${o.unlockToken === undefined ? 'disabled (no token configured)' : this.unlocked ? 'unlocked' : 'locked'}`,
      'OK',
    ]);
  }

  private peek(args: string[], force: boolean): void {
    arity(args, 1, 3, 'peek ADDR [COUNT] [8|16|32]');
    const address = number(args[0]!, 'address');
    const count = args[1] !== undefined ? number(args[1], 'count') : 1;
    const width = args[2] !== undefined ? widthOf(args[2]) : 32;
    if (count < 1 || count > 64) throw new ConsoleError('RANGE', `count ${count} outside 1..64`);
    const step = width / 8;
    const addresses: number[] = [];
    for (let i = 0; i < count; i++) addresses.push(address + i * step);
    checkAddresses(addresses, width);
    this.checkReads(addresses, force);
    const digits = width / 4;
    this.text([...addresses.map((a) => `${hex(a, 8)}: ${hex(this.load(a, width), digits)}`), 'OK']);
  }

  private poke(args: string[]): void {
    arity(args, 2, 3, 'poke ADDR VALUE [8|16|32]');
    const address = number(args[0]!, 'address');
    const value = number(args[1]!, 'value');
    const width = args[2] !== undefined ? widthOf(args[2]) : 32;
    checkAddresses([address], width);
    checkValue(value, width);
    this.checkWrite(address);
    this.store(address, value, width);
    this.text(['OK']);
  }

  private read(args: string[], force: boolean): void {
    arity(args, 1, 1, 'read P.R');
    const at = locate(this.requireMap(), args[0]!);
    if (at.field) throw new ConsoleError('SYNTAX', 'read takes P.R (the answer lists every field)');
    this.checkReads([at.address], force);
    const value = this.load(at.address, at.register.size as Width);
    this.text([...describeRegister(at.peripheral.name, at.register, at.address, value), 'OK']);
  }

  private write(args: string[]): void {
    arity(args, 2, 2, 'write P.R[.F] VALUE');
    const at = locate(this.requireMap(), args[0]!);
    const r = at.register;
    const width = r.size as Width;
    this.checkWrite(at.address);
    if (!at.field) {
      if (!isWritable(r.access)) throw new ConsoleError('RO', `${at.peripheral.name}.${r.name} is read-only`);
      const value = number(args[1]!, 'value');
      checkValue(value, width);
      this.store(at.address, value, width);
      return this.text(['OK']);
    }
    const value = parseFieldValue(at.field, args[1]!);
    // Validates without reading first (a refused write touches nothing), then reads and writes.
    fieldWrite(r, at.field, 0, value);
    const current = at.field.bitWidth >= r.size ? 0 : this.load(at.address, width);
    this.store(at.address, fieldWrite(r, at.field, current, value), width);
    this.text(['OK']);
  }

  private dump(args: string[], force: boolean): void {
    arity(args, 1, 1, 'dump P');
    const p = findPeripheral(this.requireMap(), args[0]!);
    const lines: string[] = [];
    for (const r of p.registers) {
      const address = (p.baseAddress + r.addressOffset) >>> 0;
      const name = `${p.name}.${r.name}`.padEnd(24);
      if (!isReadable(r.access)) lines.push(`${name} ${hex(address, 8)} (write-only)`);
      else if (readHasSideEffects(r) && !force) lines.push(`${name} ${hex(address, 8)} (read has side effects: dump!)`);
      else lines.push(`${name} ${hex(address, 8)} = ${hex(this.load(address, r.size as Width), r.size / 4)}`);
    }
    this.text([...lines, 'OK']);
  }

  private unlock(args: string[]): void {
    arity(args, 1, 1, 'unlock TOKEN');
    const token = this.options.unlockToken;
    if (token === undefined) throw new ConsoleError('LOCKED', 'this board has no unlock token configured: writes are disabled');
    if (!sameText(args[0]!, token)) {
      this.unlocked = false;
      throw new ConsoleError('TOKEN', 'wrong unlock token');
    }
    this.unlocked = true;
    this.text(['OK']);
  }

  // --- Machine requests ---------------------------------------------------------------------

  private machine(line: string): void {
    const words = line.slice(1).split(' ');
    const op = words[0];
    if (words.length < 3 || (op !== 'r' && op !== 'R' && op !== 'm' && op !== 'M' && op !== 'w')) {
      throw new ConsoleError(op === undefined || words.length < 3 ? 'SYNTAX' : 'UNKNOWN', `bad machine request '${line.slice(0, 32)}'`);
    }
    const seq = hexNumber(words[1]!, 'seq', 2);
    const width = widthOf(words[2]!);
    const step = width / 8;
    if (op === 'w') {
      if (words.length !== 4) throw new ConsoleError('SYNTAX', ':w SEQ W ADDR=VALUE[,ADDR=VALUE...]');
      const writes = words[3]!.split(',').map((pair) => {
        const eq = pair.indexOf('=');
        if (eq < 0) throw new ConsoleError('SYNTAX', `bad write '${pair.slice(0, 20)}': expected ADDR=VALUE`);
        return [hexNumber(pair.slice(0, eq), 'address', 8), hexNumber(pair.slice(eq + 1), 'value', 8)] as const;
      });
      checkAddresses(writes.map((w) => w[0]), width);
      for (const [address, value] of writes) {
        checkValue(value, width);
        this.checkWrite(address);
      }
      for (const [address, value] of writes) this.store(address, value, width);
      return this.send(encodeFrame(FrameType.Ok, seq, new Uint8Array(0)));
    }
    if (words.length !== 5) throw new ConsoleError('SYNTAX', `:${op} SEQ W ${op === 'r' || op === 'R' ? 'ADDR COUNT' : 'BASE BITMAP'}`);
    const base = hexNumber(words[3]!, 'address', 8);
    const addresses: number[] = [];
    if (op === 'r' || op === 'R') {
      const count = hexNumber(words[4]!, 'count', 4);
      if (count < 1 || count > MAX_VALUES) throw new ConsoleError('RANGE', `count ${count} outside 1..${MAX_VALUES}`);
      for (let i = 0; i < count; i++) addresses.push(base + i * step);
    } else {
      const bitmap = words[4]!;
      if (!/^[0-9a-fA-F]+$/.test(bitmap)) throw new ConsoleError('SYNTAX', 'bitmap must be hex digits');
      // Last digit holds bits 0..3.
      for (let d = 0; d < bitmap.length; d++) {
        const nibble = hexDigit(bitmap.charCodeAt(bitmap.length - 1 - d));
        for (let b = 0; b < 4; b++) if (nibble & (1 << b)) addresses.push(base + (d * 4 + b) * step);
      }
      if (addresses.length === 0) throw new ConsoleError('RANGE', 'empty bitmap');
    }
    checkAddresses(addresses, width);
    this.checkReads(addresses, op === 'R' || op === 'M');
    const payload = new Uint8Array(addresses.length * step);
    for (let i = 0; i < addresses.length; i++) {
      let v = this.load(addresses[i]!, width);
      for (let b = 0; b < step; b++) {
        payload[i * step + b] = v & 0xff;
        v >>>= 8;
      }
    }
    this.send(encodeFrame(FrameType.Values, seq, payload));
  }

  // --- Checks and bus access ----------------------------------------------------------------

  private requireMap(): DeviceMap {
    if (!this.options.map) throw new ConsoleError('NOMAP', 'this board has no register map: use peek/poke');
    return this.options.map;
  }

  /** Refuses reads of write-only registers and, unless forced, of registers with read side effects. */
  private checkReads(addresses: number[], force: boolean): void {
    const map = this.options.map;
    if (!map) return;
    for (const a of addresses) {
      const at = registerAt(map, a);
      if (!at) continue;
      const name = `${at.peripheral.name}.${at.register.name}`;
      if (!isReadable(at.register.access)) throw new ConsoleError('WO', `${name} (${hex(a, 8)}) is write-only`);
      if (!force && readHasSideEffects(at.register)) throw new ConsoleError('SIDEFX', `reading ${name} (${hex(a, 8)}) has side effects: ask explicitly`);
    }
  }

  private checkWrite(address: number): void {
    if (this.options.unlockToken === undefined) throw new ConsoleError('LOCKED', 'writes are disabled: this board has no unlock token configured');
    if (!this.unlocked) throw new ConsoleError('LOCKED', 'writes are locked: send unlock TOKEN first');
    // Checked up front so that a refused multi-register write writes nothing.
    if (!isPermitted('register', address)) throw new ConsoleError('DENIED', `write of ${hex(address, 8)} refused by the permission policy`);
  }

  private load(address: number, width: Width): number {
    const bus = this.options.bus ?? mmioBus;
    return width === 32 ? bus.load32(address) : width === 16 ? bus.load16(address) : bus.load8(address);
  }

  private store(address: number, value: number, width: Width): void {
    const bus = this.options.bus ?? mmioBus;
    if (width === 32) bus.store32(address, value);
    else if (width === 16) bus.store16(address, value);
    else bus.store8(address, value);
  }
}

/** A register's value and every field decoded, as text lines. */
export function describeRegister(peripheral: string, r: RegisterMap, address: number, value: number): string[] {
  const lines = [`${peripheral}.${r.name} ${hex(address, 8)} = ${hex(value, r.size / 4)} (${r.access}, reset ${hex(r.resetValue, r.size / 4)})`];
  for (const f of r.fields) {
    const v = fieldValue(f, value);
    const bits = f.bitWidth === 1 ? `[${f.bitOffset}]` : `[${f.bitOffset + f.bitWidth - 1}:${f.bitOffset}]`;
    const name = enumName(f, v);
    lines.push(`  ${(f.name + bits).padEnd(24)} = ${hex(v, 0)}${name !== undefined ? ` ${name}` : ''}${f.access !== r.access ? ` (${f.access})` : ''}`);
  }
  return lines;
}

function errorPayload(code: ErrorName, message: string): Uint8Array {
  const text = asciiEncode(message);
  const out = new Uint8Array(text.length + 1);
  out[0] = ErrorCode[code];
  out.set(text, 1);
  return out;
}

function hexDigit(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x61 && c <= 0x66) return c - 0x57;
  if (c >= 0x41 && c <= 0x46) return c - 0x37;
  return -1;
}

function hexNumber(text: string, what: string, maxDigits: number): number {
  if (!/^[0-9a-fA-F]+$/.test(text) || text.length > maxDigits) throw new ConsoleError('SYNTAX', `bad ${what} '${text.slice(0, 20)}': expected up to ${maxDigits} hex digits`);
  return parseInt(text, 16);
}

function number(text: string, what: string): number {
  const v = parseInteger(text);
  if (v === undefined) throw new ConsoleError('SYNTAX', `bad ${what} '${text.slice(0, 20)}': expected a number (123, 0x7b, 0b1111011) below 2^32`);
  return v;
}

function widthOf(text: string): Width {
  if (text === '8' || text === '16' || text === '32') return Number(text) as Width;
  throw new ConsoleError('RANGE', `bad width '${text.slice(0, 8)}': 8, 16 or 32`);
}

function arity(args: string[], min: number, max: number, usage: string): void {
  if (args.length < min || args.length > max) throw new ConsoleError('SYNTAX', `usage: ${usage}`);
}

function checkAddresses(addresses: number[], width: Width): void {
  const step = width / 8;
  for (const a of addresses) {
    if (a + step > 0x100000000) throw new ConsoleError('RANGE', `address ${hex(a, 8)} + ${step} bytes passes the end of the 32-bit space`);
    if (a % step !== 0) throw new ConsoleError('RANGE', `address ${hex(a, 8)} is not ${step}-byte aligned`);
  }
}

function checkValue(value: number, width: Width): void {
  if (width < 32 && value >= 2 ** width) throw new ConsoleError('RANGE', `value ${hex(value, 0)} does not fit ${width} bits`);
}

/** Compares without an early exit, so the time taken does not reveal the matching prefix. */
function sameText(a: string, b: string): boolean {
  let diff = a.length ^ b.length;
  for (let i = 0; i < b.length; i++) diff |= (a.charCodeAt(i % Math.max(a.length, 1)) ^ b.charCodeAt(i)) | 0;
  return diff === 0;
}
