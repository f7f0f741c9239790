// A stand-in for Moddable's xsbug on the debug link of an emulated firmware (`vllsi emulate`).
// A debug build of an XS app logs in over its serial link (USB CDC on the Pico) and waits for
// the debugger. On that link (moddable/xs/platforms/pico/xsPlatform.c, as serial2xsbug reads
// it) each message is announced by a processing instruction naming the machine,
// "\r\n<?xs.MMMMMMMM?>" ('-' at reset and logout, '#' before a binary message: CR LF, a 16-bit
// length and the bytes), followed by "\r\n<xsbug>...</xsbug>\r\n" (xsDebug.c: fxLogin,
// fxDebugLoop, fxVReport*); the firmware's plain text runs between. Commands go back as
// "\r\n<?xs.MMMMMMMM?>\r\n<command/>\r\n". This answers the login with xsbug's default (break on
// exceptions), answers every break with <go/>, and reports what xsbug would show: trace()
// output, exceptions, errors and warnings (with path:line when XS gives one), and each break.

export interface XsbugEvent {
  readonly kind: 'login' | 'log' | 'break';
  /** Source path and line, when XS names them (exceptions, errors, warnings, breaks; not trace()). */
  readonly path: string | undefined;
  readonly line: number | undefined;
  readonly text: string;
}

const PI = '<?xs';
const MESSAGE = '<xsbug>';
const END = '</xsbug>';
const SET_BREAKPOINTS = '<set-all-breakpoints><breakpoint path="exceptions" line="0"/></set-all-breakpoints>';
const GO = '<go/>';

function unescapeXml(s: string): string {
  return s.replace(/&(#x[0-9a-f]+|#\d+|amp|lt|gt|quot|apos);/gi, (_m, e: string) => {
    const named: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
    if (e[0] !== '#') return named[e.toLowerCase()]!;
    return String.fromCodePoint(e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10));
  });
}

type Mode = 'text' | 'pi' | 'message' | 'length' | 'binary';

/** Splits a debug link's byte stream into plain text (passed on) and xsbug traffic (answered). */
export class XsbugStandIn {
  readonly events: XsbugEvent[] = [];
  private mode: Mode = 'text';
  /** Text mode: the start of a tag held back ("\r\n" at a line start, then a prefix of PI or MESSAGE). */
  private held = '';
  /** How many leading characters of `held` were already passed on as text. */
  private emitted = 0;
  private lineStart = true;
  /** The body of the PI or message being read. */
  private body: number[] = [];
  /** Bytes of an optional "\r\n" still to drop after a PI or message. */
  private trail = 2;
  private binaryLeft = 0;
  private lengthBytes = 0;
  /** The machine named by the last PI (commands are addressed to it). */
  private machine: string | undefined;

  constructor(
    /** Plain text bytes (printf output between messages). */
    private readonly text: (byte: number) => void,
    /** Sends bytes to the firmware over the same link. */
    private readonly send: (bytes: string) => void,
    private readonly onEvent: (e: XsbugEvent) => void = () => {},
  ) {}

  push(byte: number): void {
    switch (this.mode) {
      case 'message':
        this.body.push(byte);
        if (byte === 0x3e && this.body.length >= END.length && String.fromCharCode(...this.body.slice(-END.length)) === END) {
          this.handle(new TextDecoder().decode(Uint8Array.from(this.body.slice(0, -END.length))));
          this.toText();
        }
        return;
      case 'pi':
        this.body.push(byte);
        if (byte === 0x3e && this.body.at(-2) === 0x3f) {
          this.body.pop();
          this.body.pop();
          const pi = String.fromCharCode(...this.body); // ".0002AB10", "-00000000", "#..."
          if (pi[0] === '.' || pi[0] === '#') this.machine = pi.slice(1);
          if (pi[0] === '#') {
            this.mode = 'length';
            this.lengthBytes = 0;
            this.binaryLeft = 0;
            this.trail = 0;
          } else this.toText();
        } else if (this.body.length > 16) this.toText(); // not a PI after all: drop it
        return;
      case 'length':
        if (this.trail < 2 && byte === (this.trail === 0 ? 0x0d : 0x0a)) {
          this.trail++;
          return;
        }
        this.trail = 2;
        this.binaryLeft = (this.binaryLeft << 8) | byte;
        if (++this.lengthBytes === 2) this.mode = this.binaryLeft ? 'binary' : 'text';
        return;
      case 'binary':
        if (--this.binaryLeft === 0) this.mode = 'text';
        return;
    }
    if (this.trail < 2) {
      // The optional "\r\n" after a PI or message.
      if (byte === (this.trail === 0 ? 0x0d : 0x0a)) {
        this.trail++;
        return;
      }
      this.trail = 2;
    }
    this.textByte(byte);
  }

  private toText(): void {
    this.mode = 'text';
    this.body = [];
    this.trail = 0;
  }

  /** Text mode: holds back what may start a PI or message; passes everything else on. */
  private textByte(byte: number): void {
    const c = String.fromCharCode(byte);
    const candidate = this.held + c;
    const tag = candidate.startsWith('\r\n') ? candidate.slice(2) : candidate;
    if (candidate === '\r' || candidate === '\r\n' || (tag !== '' && (PI.startsWith(tag) || MESSAGE.startsWith(tag)))) {
      // A "\r\n" that ends a line of text is passed on at once (the line is complete); at a line
      // start it is held, to drop XS's own "\r\n" before a PI or message.
      if (candidate.length <= 2 && c !== '<' && this.emitted === candidate.length - 1 && !this.lineStart) {
        this.emitted++;
        this.out(byte);
      }
      this.held = candidate;
      if (tag === PI || tag === MESSAGE) {
        this.held = '';
        this.emitted = 0;
        this.mode = tag === PI ? 'pi' : 'message';
        this.body = [];
      }
      return;
    }
    const held = this.held;
    const from = this.emitted;
    this.held = '';
    this.emitted = 0;
    for (let i = from; i < held.length; i++) this.out(held.charCodeAt(i));
    if (held === '') this.out(byte);
    else this.textByte(byte);
  }

  private out(byte: number): void {
    this.lineStart = byte === 0x0a;
    this.text(byte);
  }

  private command(body: string): void {
    this.send(this.machine === undefined ? `\r\n${body}\r\n` : `\r\n<?xs.${this.machine}?>\r\n${body}\r\n`);
  }

  private emit(kind: XsbugEvent['kind'], path: string | undefined, line: string | undefined, text: string): void {
    const e = {
      kind,
      path: path === undefined ? undefined : unescapeXml(path),
      line: line === undefined ? undefined : Number(line),
      text: unescapeXml(text).replace(/\n$/, ''),
    };
    this.events.push(e);
    this.onEvent(e);
  }

  private handle(xml: string): void {
    const login = /<login name="([^"]*)" value="([^"]*)"/.exec(xml);
    if (login) {
      this.emit('login', undefined, undefined, `${login[1]} (${login[2]})`);
      this.command(SET_BREAKPOINTS);
    }
    for (const m of xml.matchAll(/<log(?: path="([^"]*)" line="(\d+)")?>([\s\S]*?)<\/log>/g)) this.emit('log', m[1], m[2], m[3]!);
    const brk = /<break(?: path="([^"]*)" line="(\d+)")?>([\s\S]*?)<\/break>/.exec(xml);
    if (brk) {
      this.emit('break', brk[1], brk[2], brk[3]!);
      this.command(GO);
    }
  }
}

/** `path:line: text`, or the text alone. */
export function formatXsbugEvent(e: XsbugEvent): string {
  const at = e.path !== undefined ? `${e.path}:${e.line}: ` : '';
  return e.kind === 'login' ? `xsbug login: ${e.text}` : `${at}${e.text}`;
}
