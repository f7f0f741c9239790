// The console wire protocol, shared by the device-side service and the host inspector.
//
// Requests are text lines (ASCII, ended by LF, CR or CRLF, at most MAX_LINE bytes).
// Human commands answer with text lines ending in a terminal line `OK` or
// `ERR CODE message`. Machine requests (lines starting with ':') answer with one binary
// frame, so that a bulk read costs little more than its payload on the wire:
//
//   A5 5A  type  seq  len(u16 LE)  payload[len]  crc16(u16 LE, CRC-16/CCITT-FALSE over type..payload)
//
// type 'V': register values, each width/8 bytes little-endian, in request order;
// type 'K': success, empty payload; type 'E': error, payload = code byte + ASCII message.
// The host finds frames by their magic and checks the CRC; text around them (logs) is kept.

import { VllsiError, hex } from '../errors.js';
import { parseInteger } from '../register_map.js';

export const MAX_LINE = 256;
export const FRAME_MAGIC0 = 0xa5;
export const FRAME_MAGIC1 = 0x5a;
/** Magic, type, seq, length and CRC. */
export const FRAME_OVERHEAD = 8;
/** Most values one machine read may return. */
export const MAX_VALUES = 1024;

export const FrameType = { Values: 0x56, Ok: 0x4b, Error: 0x45 } as const;
export type FrameType = (typeof FrameType)[keyof typeof FrameType];

/** Error codes: the name is what text answers show, the number what error frames carry. */
export const ErrorCode = {
  SYNTAX: 1, // malformed line: bad arguments, non-printable bytes
  UNKNOWN: 2, // unknown command
  TOOLONG: 3, // line longer than MAX_LINE
  LOCKED: 4, // a write before `unlock TOKEN`
  TOKEN: 5, // wrong unlock token
  DENIED: 6, // refused by permission gating
  NOMAP: 7, // no such peripheral/register/field, or the device has no register map
  RANGE: 8, // address, value, width or count out of range
  SIDEFX: 9, // the read has side effects: ask explicitly (`read!`, `:R`)
  RO: 10, // writing something read-only
  WO: 11, // reading something write-only (includes a field write that would need that read)
  BUS: 12, // the bus faulted
  INTERNAL: 13, // a bug: the service caught an unexpected exception
} as const;
export type ErrorName = keyof typeof ErrorCode;

export function errorName(code: number): ErrorName | undefined {
  for (const k in ErrorCode) if (ErrorCode[k as ErrorName] === code) return k as ErrorName;
  return undefined;
}

/** CRC-16/CCITT-FALSE (poly 0x1021, init 0xffff). */
export function crc16(bytes: Uint8Array, start = 0, end = bytes.length): number {
  let crc = 0xffff;
  for (let i = start; i < end; i++) {
    crc ^= bytes[i]! << 8;
    for (let b = 0; b < 8; b++) crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
  }
  return crc;
}

export function encodeFrame(type: FrameType, seq: number, payload: Uint8Array): Uint8Array {
  const out = new Uint8Array(payload.length + FRAME_OVERHEAD);
  out[0] = FRAME_MAGIC0;
  out[1] = FRAME_MAGIC1;
  out[2] = type;
  out[3] = seq & 0xff;
  out[4] = payload.length & 0xff;
  out[5] = payload.length >> 8;
  out.set(payload, 6);
  const crc = crc16(out, 2, 6 + payload.length);
  out[6 + payload.length] = crc & 0xff;
  out[7 + payload.length] = crc >> 8;
  return out;
}

export interface Frame {
  readonly type: FrameType;
  readonly seq: number;
  readonly payload: Uint8Array;
}

/** Bytes to ASCII text (the protocol is ASCII; other bytes become '?'). */
export function asciiDecode(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    s += b < 0x80 ? String.fromCharCode(b) : '?';
  }
  return s;
}

export function asciiEncode(text: string): Uint8Array {
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    out[i] = c < 0x80 ? c : 0x3f;
  }
  return out;
}

/**
 * Splits a received byte stream into frames and text lines. Feed it chunks; it calls
 * `onFrame` for each frame with a good CRC and `onLine` for each text line between frames.
 * A magic pair followed by a bad CRC is treated as text (resynchronises on the next magic).
 */
export class FrameReader {
  private buf = new Uint8Array(0);

  constructor(
    private readonly onFrame: (f: Frame) => void,
    private readonly onLine: (line: string) => void,
  ) {}

  push(chunk: Uint8Array): void {
    const joined = new Uint8Array(this.buf.length + chunk.length);
    joined.set(this.buf);
    joined.set(chunk, this.buf.length);
    let i = 0;
    let textStart = 0;
    while (i < joined.length) {
      if (joined[i] === FRAME_MAGIC0 && (i + 1 >= joined.length || joined[i + 1] === FRAME_MAGIC1)) {
        if (i + 6 > joined.length) break; // header incomplete
        const len = joined[i + 4]! | (joined[i + 5]! << 8);
        if (i + FRAME_OVERHEAD + len > joined.length) break; // body incomplete
        const crc = joined[i + 6 + len]! | (joined[i + 7 + len]! << 8);
        if (crc === crc16(joined, i + 2, i + 6 + len)) {
          this.text(joined, textStart, i, false);
          this.onFrame({ type: joined[i + 2] as FrameType, seq: joined[i + 3]!, payload: joined.slice(i + 6, i + 6 + len) });
          i += FRAME_OVERHEAD + len;
          textStart = i;
          continue;
        }
      }
      if (joined[i] === 0x0a) {
        this.text(joined, textStart, i, true);
        textStart = i + 1;
      }
      i++;
    }
    this.buf = joined.slice(textStart);
  }

  private text(bytes: Uint8Array, start: number, end: number, line: boolean): void {
    if (end <= start && !line) return;
    this.onLine(asciiDecode(bytes.subarray(start, end)).replace(/\r$/, ''));
  }
}

// --- Requests -------------------------------------------------------------------------------
// Both dialects parse into one Request; the service runs it with one executor and answers in
// the dialect it came in (text lines, or one frame carrying the request's SEQ).

/** Ends the current session (the TCP bridge sends it when a client leaves): re-locks, drops the partial line. */
export const END_OF_SESSION = 0x04;
/** Failed unlocks before the console refuses every further unlock until the board restarts. */
export const UNLOCK_MAX_FAILURES = 8;
/** Wait after the first failed unlock; each further failure doubles it. */
export const UNLOCK_BACKOFF_MS = 250;

export type Width = 8 | 16 | 32;

export type Request =
  | { readonly op: 'nop' | 'help' | 'info' | 'lock' }
  | { readonly op: 'load'; readonly width: Width; readonly addresses: readonly number[]; readonly force: boolean }
  | { readonly op: 'store'; readonly width: Width; readonly writes: readonly (readonly [address: number, value: number])[] }
  | { readonly op: 'read'; readonly path: string; readonly force: boolean }
  | { readonly op: 'write'; readonly path: string; readonly value: string }
  | { readonly op: 'dump'; readonly peripheral: string; readonly force: boolean }
  | { readonly op: 'unlock'; readonly token: string };

/** A parsed line: `framed` requests (machine dialect, `:`) are answered with one frame carrying `seq`. */
export interface ParsedRequest {
  readonly framed: boolean;
  readonly seq: number;
  readonly request: Request;
}

/** A request the console cannot carry out; `code` is what the answer shows. Nothing was read or written. */
export class ConsoleError extends VllsiError<'ConsoleError'> {
  constructor(
    readonly code: ErrorName,
    message: string,
  ) {
    super('ConsoleError', message);
  }
}

/** Parses one printable request line of either dialect; throws ConsoleError. */
export function parseRequest(line: string): ParsedRequest {
  if (line.charCodeAt(0) === 0x3a) return { framed: true, seq: requestSeq(line), request: parseFramed(line) };
  return { framed: false, seq: 0, request: parseHuman(line.trim()) };
}

/** The SEQ of a framed line, for its error frame (0 when it cannot be read). */
export function requestSeq(line: string): number {
  let seq = 0;
  for (let i = 3; i < line.length && i < 5; i++) {
    const d = hexDigit(line.charCodeAt(i));
    if (d < 0) break;
    seq = seq * 16 + d;
  }
  return seq;
}

function parseHuman(line: string): Request {
  if (line === '') return { op: 'nop' };
  const words = line.split(/\s+/);
  const command = words[0]!.toLowerCase();
  const force = command.endsWith('!');
  const args = words.slice(1);
  const name = force ? command.slice(0, -1) : command;
  // '!' allows a read's side effects: other commands do not take it.
  if (force && name !== 'peek' && name !== 'read' && name !== 'dump')
    throw new ConsoleError('UNKNOWN', `unknown command '${words[0]!.slice(0, 32)}' (only peek, read and dump take '!')`);
  switch (name) {
    case 'help':
    case 'info':
    case 'lock':
      arity(args, 0, 0, command);
      return { op: command as 'help' | 'info' | 'lock' };
    case 'peek': {
      arity(args, 1, 3, 'peek ADDR [COUNT] [8|16|32]');
      const address = decimalOrHex(args[0]!, 'address');
      const count = args[1] !== undefined ? decimalOrHex(args[1], 'count') : 1;
      const width = args[2] !== undefined ? widthOf(args[2]) : 32;
      if (count < 1 || count > 64) throw new ConsoleError('RANGE', `count ${count} outside 1..64`);
      const addresses: number[] = [];
      for (let i = 0; i < count; i++) addresses.push(address + (i * width) / 8);
      return { op: 'load', width, addresses: checkAddresses(addresses, width), force };
    }
    case 'poke': {
      arity(args, 2, 3, 'poke ADDR VALUE [8|16|32]');
      const width = args[2] !== undefined ? widthOf(args[2]) : 32;
      const address = checkAddresses([decimalOrHex(args[0]!, 'address')], width)[0]!;
      return { op: 'store', width, writes: [[address, checkValue(decimalOrHex(args[1]!, 'value'), width)]] };
    }
    case 'read':
      arity(args, 1, 1, 'read P.R');
      return { op: 'read', path: args[0]!, force };
    case 'write':
      arity(args, 2, 2, 'write P.R[.F] VALUE');
      return { op: 'write', path: args[0]!, value: args[1]! };
    case 'dump':
      arity(args, 1, 1, 'dump P');
      return { op: 'dump', peripheral: args[0]!, force };
    case 'unlock':
      arity(args, 1, 1, 'unlock TOKEN');
      return { op: 'unlock', token: args[0]! };
    default:
      throw new ConsoleError('UNKNOWN', `unknown command '${words[0]!.slice(0, 32)}' (try help)`);
  }
}

function parseFramed(line: string): Request {
  const words = line.slice(1).split(' ');
  const op = words[0];
  if (words.length < 3 || (op !== 'r' && op !== 'R' && op !== 'm' && op !== 'M' && op !== 'w')) {
    throw new ConsoleError(op === undefined || words.length < 3 ? 'SYNTAX' : 'UNKNOWN', `bad machine request '${line.slice(0, 32)}'`);
  }
  hexNumber(words[1]!, 'seq', 2);
  const width = widthOf(words[2]!);
  const step = width / 8;
  if (op === 'w') {
    if (words.length !== 4) throw new ConsoleError('SYNTAX', ':w SEQ W ADDR=VALUE[,ADDR=VALUE...]');
    const pairs = words[3]!.split(',');
    if (pairs.length > MAX_VALUES) throw new ConsoleError('RANGE', `more than ${MAX_VALUES} writes`);
    const writes = pairs.map((pair) => {
      const eq = pair.indexOf('=');
      if (eq < 0) throw new ConsoleError('SYNTAX', `bad write '${pair.slice(0, 20)}': expected ADDR=VALUE`);
      const address = checkAddresses([hexNumber(pair.slice(0, eq), 'address', 8)], width)[0]!;
      return [address, checkValue(hexNumber(pair.slice(eq + 1), 'value', 8), width)] as const;
    });
    return { op: 'store', width, writes };
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
    if (addresses.length > MAX_VALUES) throw new ConsoleError('RANGE', `more than ${MAX_VALUES} values`);
  }
  return { op: 'load', width, addresses: checkAddresses(addresses, width), force: op === 'R' || op === 'M' };
}

function hexDigit(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x61 && c <= 0x66) return c - 0x57;
  if (c >= 0x41 && c <= 0x46) return c - 0x37;
  return -1;
}

function hexNumber(text: string, what: string, maxDigits: number): number {
  if (!/^[0-9a-fA-F]+$/.test(text) || text.length > maxDigits)
    throw new ConsoleError('SYNTAX', `bad ${what} '${text.slice(0, 20)}': expected up to ${maxDigits} hex digits`);
  return parseInt(text, 16);
}

function decimalOrHex(text: string, what: string): number {
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

function checkAddresses(addresses: number[], width: Width): number[] {
  const step = width / 8;
  for (const a of addresses) {
    if (a + step > 0x100000000) throw new ConsoleError('RANGE', `address ${hex(a)} + ${step} bytes passes the end of the 32-bit space`);
    if (a % step !== 0) throw new ConsoleError('RANGE', `address ${hex(a)} is not ${step}-byte aligned`);
  }
  return addresses;
}

function checkValue(value: number, width: Width): number {
  if (width < 32 && value >= 2 ** width) throw new ConsoleError('RANGE', `value 0x${value.toString(16)} does not fit ${width} bits`);
  return value;
}
