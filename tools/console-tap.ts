// What a console UART carries, as a person reads it: the board's own text apart from the
// console protocol (src/console/protocol.ts) — requests, text answers up to OK/ERR, and binary
// frames decoded (values, ok, error). Used by `vllsi sim --verbose` and `vllsi monitor`.
import { END_OF_SESSION, FrameReader, FrameType, MAX_LINE, asciiDecode, errorName, type Frame } from '../src/console/protocol.js';
import { hex } from '../src/errors.js';

export interface TapOutput {
  /** A line of the board's own output (its log, trace). */
  text(line: string): void;
  /** Console traffic, decoded: `-> request` (to the device), `<- answer` (from it). */
  protocol(line: string): void;
}

/** One decoded frame; `width` is the value width its request asked for (bits), when known. */
export function describeFrame(f: Frame, width = 32): string {
  if (f.type === FrameType.Ok) return `ok (#${f.seq})`;
  if (f.type === FrameType.Error) return `error ${errorName(f.payload[0] ?? 0) ?? f.payload[0]} ${asciiDecode(f.payload.subarray(1))} (#${f.seq})`;
  if (f.type === FrameType.Values) {
    const step = width / 8;
    const values: string[] = [];
    for (let i = 0; i + step <= f.payload.length; i += step) {
      let v = 0;
      for (let b = step - 1; b >= 0; b--) v = v * 256 + f.payload[i + b]!;
      values.push(hex(v, step * 2));
    }
    const shown = values.length > 8 ? [...values.slice(0, 8), `… ${values.length - 8} more`] : values;
    return `${values.length} value${values.length === 1 ? '' : 's'} (#${f.seq}): ${shown.join(' ')}`;
  }
  return `frame type ${hex(f.type, 2)} (#${f.seq}), ${f.payload.length} bytes`;
}

export class ConsoleTap {
  /** Answers seen (a text answer's OK/ERR line, or a frame). */
  answers = 0;
  /** Text requests whose answer (lines up to OK/ERR) is still coming. */
  private answering = 0;
  private request = '';
  private lastWasCR = false;
  /** Value width asked by each machine request still unanswered, by sequence number. */
  private readonly widths = new Map<number, number>();
  private readonly reader: FrameReader;

  constructor(private readonly out: TapOutput) {
    this.reader = new FrameReader(
      (f) => {
        out.protocol(`<- ${describeFrame(f, this.widths.get(f.seq))}`);
        this.widths.delete(f.seq);
        this.answers++;
      },
      (line) => this.line(line),
    );
  }

  /** Bytes sent to the device. */
  sent(bytes: Uint8Array): void {
    for (const b of bytes) {
      if (b === END_OF_SESSION) {
        // As the service does: the partial line goes, and the session's answers still due with it.
        this.request = '';
        this.lastWasCR = false;
        this.answering = 0;
        this.widths.clear();
        continue;
      }
      // Lines end as the service ends them: LF, CR or CRLF (one end).
      const crlf = b === 0x0a && this.lastWasCR;
      this.lastWasCR = b === 0x0d;
      if (crlf) continue;
      if (b !== 0x0a && b !== 0x0d) {
        // Beyond MAX_LINE the service discards the line: a flood without newlines is not kept.
        if (this.request.length <= MAX_LINE) this.request += String.fromCharCode(b);
        continue;
      }
      const line = this.request;
      this.request = '';
      const machine = /^:([a-zA-Z]) ([0-9a-f]+) (\d+)/.exec(line);
      if (machine) this.widths.set(parseInt(machine[2]!, 16), Number(machine[3]));
      else this.answering++; // an empty line too: the service answers it with OK
      // An unlock token is a secret: shown as ***.
      if (line !== '') this.out.protocol(`-> ${line.replace(/^(unlock )\S+/, '$1***')}`);
    }
  }

  /** Bytes the device sent. */
  received(bytes: Uint8Array): void {
    this.reader.push(bytes);
  }

  private line(line: string): void {
    if (this.answering === 0) return this.out.text(line);
    this.out.protocol(`<- ${line}`);
    if (/^(OK|ERR)\b/.test(line)) {
      this.answering--;
      this.answers++;
    }
  }
}
