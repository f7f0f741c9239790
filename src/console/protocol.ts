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
