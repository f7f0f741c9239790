// Host side of the console protocol (src/console/protocol.ts): one request at a time over
// a Link, text commands answered by lines up to OK/ERR, bulk register reads and writes as
// machine requests answered by binary frames. Every wait has a timeout.
import { VllsiError } from '../../src/errors.js';
import { END_OF_SESSION, FrameReader, FrameType, MAX_LINE, MAX_VALUES, asciiDecode, asciiEncode, errorName, type Frame } from '../../src/console/protocol.js';
import { openLink, type Link } from './link.js';

/** The device did not answer in time, or answered something unexpected. */
export class InspectError extends VllsiError<'InspectError'> {
  constructor(
    readonly reason: 'timeout' | 'silent' | 'protocol' | 'closed',
    message: string,
  ) {
    super('InspectError', message);
  }
}

/** The device answered with an error (`code` is the console error code, e.g. LOCKED). */
export class DeviceError extends VllsiError<'DeviceError'> {
  constructor(
    readonly code: string,
    /** The device's own words. */
    readonly detail: string,
  ) {
    super('DeviceError', `device refused: ${code} ${detail}`);
  }
}

type Width = 8 | 16 | 32;

interface Waiter {
  readonly frame: boolean;
  readonly seq: number;
  readonly lines: string[];
  resolve(v: Frame | string[]): void;
  reject(e: Error): void;
}

export interface ClientOptions {
  /** Base timeout per request, ms (the wire time of the expected answer is added). */
  timeoutMs?: number;
  /** Line rate used to estimate wire time (bits per second). */
  baud?: number;
}

function decode(frame: Frame, index: number, step: number): number {
  let v = 0;
  for (let b = step - 1; b >= 0; b--) v = v * 256 + frame.payload[index * step + b]!;
  return v;
}

export class ConsoleClient {
  /** Lines the device sent outside any answer (its log output). */
  readonly log: string[] = [];
  /** Addresses whose read faulted on the bus during bulk reads, with the device's message. */
  readonly faults = new Map<number, string>();
  /** Bytes sent and received, for statistics. */
  bytesOut = 0;
  bytesIn = 0;
  private waiter: Waiter | undefined;
  private queue: Promise<unknown> = Promise.resolve();
  private seq = 0;
  private closedReason: string | undefined;
  private readonly reader: FrameReader;
  private readonly timeoutMs: number;
  private readonly baud: number;

  constructor(
    private readonly link: Link,
    options: ClientOptions = {},
  ) {
    this.timeoutMs = options.timeoutMs ?? 1500;
    this.baud = options.baud ?? 115200;
    this.reader = new FrameReader(
      (f) => this.frame(f),
      (l) => this.line(l),
    );
    link.onData((b) => {
      this.bytesIn += b.length;
      this.reader.push(b);
    });
    link.onClose((reason) => {
      this.closedReason = reason;
      this.waiter?.reject(new InspectError('closed', `${link.name}: link closed (${reason})`));
      this.waiter = undefined;
    });
  }

  /** Opens PORT and checks that a console answers (`info`); throws InspectError('silent') if not. */
  static async connect(port: string, options: ClientOptions = {}): Promise<ConsoleClient> {
    const link = await openLink(port, options.baud ?? 115200);
    const client = new ConsoleClient(link, options);
    try {
      // Ends whatever session the device holds (a serial line has no disconnect: a killed
      // client may have left it unlocked or mid-line; the device drops the partial line). No
      // newline after it: its answer could come after the wait below and be taken for info's.
      link.write(Uint8Array.of(END_OF_SESSION));
      await new Promise((r) => setTimeout(r, 20));
      client.log.length = 0;
      await client.command('info');
    } catch (e) {
      await link.close();
      if (e instanceof InspectError && e.reason === 'timeout') {
        throw new InspectError(
          'silent',
          `${port}: no console answered within ${client.timeoutMs} ms (is the firmware running the console service, at this baud rate?)`,
        );
      }
      throw e;
    }
    return client;
  }

  /** Ends the session (the device re-locks) and closes the link. */
  close(): Promise<void> {
    if (this.closedReason === undefined) this.link.write(Uint8Array.of(END_OF_SESSION));
    return this.link.close();
  }

  /** Sends a human command; resolves with its answer lines (without the final OK). */
  command(line: string): Promise<string[]> {
    return this.serial(async () => {
      const answer = (await this.request(line, false, 0, 4096)) as string[];
      return answer;
    });
  }

  /** `unlock TOKEN`: writes are refused until this succeeds. */
  async unlock(token: string): Promise<void> {
    await this.command(`unlock ${token}`);
  }

  /**
   * Reads registers of one width: as few machine requests as the line length allows
   * (consecutive runs as `:r`, sparse sets as `:m` bitmaps). `force` allows reads with side effects.
   */
  readValues(width: Width, addresses: readonly number[], force = false, onProgress?: (done: number, total: number) => void): Promise<Map<number, number>> {
    return this.serial(async () => {
      const step = width / 8;
      const sorted = [...new Set(addresses)].sort((a, b) => a - b);
      const out = new Map<number, number>();
      // Bitmap digits that fit a line: ':m SS WW AAAAAAAA ' is 20 characters.
      const maxSpan = Math.min(MAX_VALUES, (MAX_LINE - 24) * 4);
      let i = 0;
      while (i < sorted.length) {
        const base = sorted[i]!;
        let j = i;
        while (j < sorted.length && (sorted[j]! - base) / step < maxSpan) j++;
        const group = sorted.slice(i, j);
        const contiguous = (group.at(-1)! - base) / step === group.length - 1;
        const seq = this.nextSeq();
        const op = contiguous ? (force ? 'R' : 'r') : force ? 'M' : 'm';
        let arg: string;
        if (contiguous) arg = group.length.toString(16);
        else {
          const bits = new Array<number>(Math.ceil(((group.at(-1)! - base) / step + 1) / 4)).fill(0);
          for (const a of group) {
            const k = (a - base) / step;
            bits[k >> 2]! |= 1 << (k & 3);
          }
          arg = bits
            .reverse()
            .map((n) => n.toString(16))
            .join('');
        }
        let frame: Frame;
        try {
          frame = (await this.request(`:${op} ${seq.toString(16)} ${width} ${base.toString(16)} ${arg}`, true, seq, group.length * step)) as Frame;
        } catch (e) {
          if (!(e instanceof DeviceError && e.code === 'BUS') || group.length === 1) throw e;
          // Some register in the group faults on the bus: read them one by one, leaving out the faulting ones.
          for (const a of group) {
            const one = this.nextSeq();
            try {
              const f = (await this.request(`:${force ? 'R' : 'r'} ${one.toString(16)} ${width} ${a.toString(16)} 1`, true, one, step)) as Frame;
              out.set(a, decode(f, 0, step));
            } catch (e1) {
              if (!(e1 instanceof DeviceError && e1.code === 'BUS')) throw e1;
              this.faults.set(a, e1.detail);
            }
          }
          i = j;
          onProgress?.(i, sorted.length);
          continue;
        }
        if (frame.type !== FrameType.Values || frame.payload.length !== group.length * step) {
          throw new InspectError('protocol', `expected ${group.length} values in the answer, got ${frame.payload.length} bytes`);
        }
        group.forEach((a, k) => out.set(a, decode(frame, k, step)));
        i = j;
        onProgress?.(i, sorted.length);
      }
      return out;
    });
  }

  /** Writes registers of one width in as few `:w` requests as the line length allows. */
  writeValues(width: Width, writes: readonly (readonly [number, number])[]): Promise<void> {
    return this.serial(async () => {
      let i = 0;
      while (i < writes.length) {
        const seq = this.nextSeq();
        let line = `:w ${seq.toString(16)} ${width} `;
        const first = i;
        while (i < writes.length) {
          const pair = `${i > first ? ',' : ''}${writes[i]![0].toString(16)}=${writes[i]![1].toString(16)}`;
          if (line.length + pair.length > MAX_LINE) break;
          line += pair;
          i++;
        }
        const frame = (await this.request(line, true, seq, 0)) as Frame;
        if (frame.type !== FrameType.Ok) throw new InspectError('protocol', 'expected an OK frame');
      }
    });
  }

  private nextSeq(): number {
    this.seq = (this.seq + 1) & 0xff;
    return this.seq;
  }

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn, fn);
    this.queue = run.catch(() => undefined);
    return run;
  }

  private request(line: string, frame: boolean, seq: number, answerBytes: number): Promise<Frame | string[]> {
    if (this.closedReason !== undefined) return Promise.reject(new InspectError('closed', `${this.link.name}: link closed (${this.closedReason})`));
    const wireMs = ((line.length + 1 + answerBytes + 16) * 10 * 1000) / this.baud;
    const timeout = this.timeoutMs + 2 * wireMs;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiter = undefined;
        reject(new InspectError('timeout', `${this.link.name}: no answer to '${line.slice(0, 40)}' within ${Math.round(timeout)} ms`));
      }, timeout);
      this.waiter = {
        frame,
        seq,
        lines: [],
        resolve: (v) => {
          clearTimeout(timer);
          resolve(v);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      };
      const bytes = asciiEncode(line + '\n');
      this.bytesOut += bytes.length;
      this.link.write(bytes);
    });
  }

  private frame(f: Frame): void {
    const w = this.waiter;
    if (!w || !w.frame || f.seq !== w.seq) return; // a stale answer (after a timeout): ignore
    this.waiter = undefined;
    if (f.type === FrameType.Error) {
      const code = errorName(f.payload[0] ?? 0) ?? `E${f.payload[0]}`;
      w.reject(new DeviceError(code, asciiDecode(f.payload.subarray(1))));
    } else w.resolve(f);
  }

  private line(l: string): void {
    const w = this.waiter;
    if (!w || w.frame) {
      if (l !== '') this.log.push(l);
      return;
    }
    if (l === 'OK') {
      this.waiter = undefined;
      w.resolve(w.lines);
    } else if (l.startsWith('ERR ')) {
      this.waiter = undefined;
      const [, code, ...rest] = l.split(' ');
      w.reject(new DeviceError(code ?? '?', rest.join(' ')));
    } else w.lines.push(l);
  }
}
