// Pacing of the console service (receive(bytes, room)) and of its ECMA-419 serial transport:
// a flood is answered as fast as the output drains, never buffered without bound, and pacing
// changes nothing about the answers.
import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import {
  ConsoleService,
  END_OF_SESSION,
  SERIAL_ANSWER_LOW,
  serveConsoleOnSerial,
  type Ecma419Serial,
  type Ecma419SerialOptions,
} from '../../src/console/index.js';
import { TestBus, bytes, testMap } from '../support/console-board.js';

const lines = fc.array(
  fc.constantFrom('info', 'help', '', 'peek 0x40000000 4', ':r 1 32 40000000 5', 'bogus', 'unlock s3cret', 'poke 0x40000100 7', 'lock', 'x'.repeat(300)),
  {
    maxLength: 40,
  },
);
const eol = fc.constantFrom('\n', '\r', '\r\n');

function service(send: (b: Uint8Array) => void, extra = {}) {
  return new ConsoleService({ bus: new TestBus(), send, map: testMap, board: 'b', uptimeMs: () => 0, unlockToken: 's3cret', ...extra });
}

const concat = (chunks: Uint8Array[]) => {
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of chunks) out.set(c, (at += c.length) - c.length);
  return out;
};

describe('ConsoleService.receive(bytes, room)', () => {
  it('property: paced feeding answers byte for byte as feeding at once, and stops right after the line end where room() turned false', () => {
    fc.assert(
      fc.property(lines, eol, fc.array(fc.boolean(), { minLength: 1, maxLength: 16 }), (ls, end, roomy) => {
        const stream = bytes(ls.map((l) => l + end).join(''));
        const whole: Uint8Array[] = [];
        service((b) => whole.push(b)).receive(stream);
        const paced: Uint8Array[] = [];
        const s = service((b) => paced.push(b));
        let at = 0;
        let k = 0;
        while (at < stream.length) {
          const before = paced.length;
          let asked = 0;
          const n = s.receive(stream.subarray(at), () => (asked++, roomy[k++ % roomy.length]!));
          expect(n).toBeGreaterThan(0);
          // It returned early only because room() said no, after an answer, at a line end.
          if (at + n < stream.length) {
            expect(asked).toBeGreaterThan(0);
            expect(paced.length).toBeGreaterThan(before);
            const last = stream[at + n - 1];
            expect(last === 0x0a || last === 0x0d).toBe(true);
          }
          at += n;
        }
        expect(concat(paced)).toEqual(concat(whole));
      }),
    );
  });

  it('only peek, read and dump take "!": help!, info!, lock!, poke!, write!, unlock! are unknown', () => {
    const out: Uint8Array[] = [];
    const s = service((b) => out.push(b));
    for (const c of ['help!', 'info!', 'lock!', 'poke! 0x40000100 7', 'write! DEV.CTRL 1', 'unlock! s3cret']) s.receive(bytes(c + '\n'));
    const text = new TextDecoder().decode(concat(out));
    expect(text.split('\n').filter((l) => l.startsWith('ERR UNKNOWN'))).toHaveLength(6);
    expect(s.stats.errors).toBe(6);
  });

  it('a session end calls onSessionEnd (a throwing one is counted, not thrown)', () => {
    let ends = 0;
    const s = service(() => {}, {
      onSessionEnd() {
        ends++;
        throw new Error('transport bug');
      },
    });
    expect(() => s.receive(Uint8Array.of(0x41, END_OF_SESSION, 0x42, END_OF_SESSION))).not.toThrow();
    expect(ends).toBe(2);
    expect(s.stats.errors).toBe(2);
  });
});

/**
 * An ECMA-419 serial port (format "buffer") over a simulated line, as strict as Moddable's: write
 * takes no more than the count onWritable last announced; read returns what has arrived.
 */
class Line {
  static last: Line;
  readonly rx: number[] = [];
  readonly wire: number[] = [];
  private writable = 0;
  readonly port: Ecma419Serial;
  constructor(readonly options: Ecma419SerialOptions) {
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const line = this;
    Line.last = this;
    this.port = {
      read: () => (line.rx.length ? Uint8Array.from(line.rx.splice(0)).buffer : undefined),
      write(data: ArrayBuffer) {
        if (data.byteLength > line.writable) throw new RangeError(`write of ${data.byteLength} bytes with room for ${line.writable}`);
        line.writable -= data.byteLength;
        line.wire.push(...new Uint8Array(data));
      },
      close() {},
    };
  }
  /** The other end sends bytes. */
  arrive(text: string): void {
    this.rx.push(...bytes(text));
    this.options.onReadable?.call(this.port, this.rx.length);
  }
  /** The transmitter sent what it held: room for `n` bytes again. */
  drain(n: number): void {
    this.writable = n;
    this.options.onWritable?.call(this.port, n);
  }
}
const Serial = function (this: unknown, o: Ecma419SerialOptions) {
  return new Line(o).port;
} as unknown as new (o: Ecma419SerialOptions) => Ecma419Serial;

describe('serveConsoleOnSerial under a flood', () => {
  it('answers every line in order as the port drains, reading no further while 256 answer bytes wait; a session end drops queued answers', () => {
    const c = serveConsoleOnSerial(Serial, { port: 0, baud: 115200 }, { bus: new TestBus(), map: testMap, board: 'b', uptimeMs: () => 0 });
    const line = Line.last;
    line.arrive('info\n'.repeat(2000)); // 10 KB at once: ~250 KB of answers if all were made now
    // Nothing drained yet: answers made only until 256 bytes wait, the rest unread.
    expect(c.service.stats.lines).toBeLessThan(5);
    const seen: [number, number][] = [];
    for (let i = 0; i < 100_000 && c.service.stats.lines < 2000; i++) {
      line.drain(32); // a 32-byte FIFO emptied
      seen.push([c.service.stats.lines, line.wire.length]);
    }
    expect(c.service.stats.lines).toBe(2000);
    for (let i = 0; i < 100; i++) line.drain(4096);
    const text = new TextDecoder().decode(Uint8Array.from(line.wire));
    expect(text.match(/^board b$/gm)).toHaveLength(2000);
    expect(text.split('\n').filter((l) => l === 'OK')).toHaveLength(2000);
    // Every info answer has the same size here (uptime 0): what waited in the queue at each step.
    const size = line.wire.length / 2000;
    const most = Math.max(...seen.map(([n, sent]) => n * size - sent));
    expect(most).toBeLessThan(SERIAL_ANSWER_LOW + size);

    // A session end drops what is still queued: only the answers before it went out.
    line.wire.length = 0;
    line.drain(0); // the transmitter is busy: help's answer stays queued
    line.arrive('help\n');
    expect(line.wire).toHaveLength(0);
    line.arrive(String.fromCharCode(END_OF_SESSION) + 'info\n');
    for (let i = 0; i < 100; i++) line.drain(4096);
    const after = new TextDecoder().decode(Uint8Array.from(line.wire));
    expect(after).toMatch(/^board b$/m);
    expect(after).not.toMatch(/this text/);
    c.close();
  });
});
