// A stand-in for Moddable's xsbug on the debug link of an emulated firmware (`vllsi emulate`).
// A debug build of an XS app logs in over its serial link (USB CDC on the Pico) and then waits
// for the debugger: the machine's messages are framed "\r\n<xsbug>...</xsbug>\r\n" between the
// firmware's plain text. This answers the login with xsbug's default (break on exceptions),
// answers every break with <go/>, and reports what xsbug would show: trace() output,
// exceptions, errors and warnings (with path:line when XS gives one) and each break.
// What XS sends is in moddable/xs/sources/xsDebug.c (fxLogin, fxDebugLoop, fxVReport*).

export interface XsbugEvent {
  readonly kind: 'login' | 'log' | 'break';
  /** Source path and line, when XS names them (exceptions, errors, warnings, breaks; not trace()). */
  readonly path: string | undefined;
  readonly line: number | undefined;
  readonly text: string;
}

const START = '\r\n<xsbug>';
const END = '</xsbug>';
const ANSWER_LOGIN = '\r\n<xsbug><set-all-breakpoints><breakpoint path="exceptions" line="0"/></set-all-breakpoints></xsbug>\r\n';
const ANSWER_BREAK = '\r\n<xsbug><go/></xsbug>\r\n';

function unescapeXml(s: string): string {
  return s.replace(/&(#x[0-9a-f]+|#\d+|amp|lt|gt|quot|apos);/gi, (_m, e: string) => {
    const named: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
    if (e[0] !== '#') return named[e.toLowerCase()]!;
    return String.fromCodePoint(e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10));
  });
}

/** Splits a debug link's byte stream into plain text (passed on) and xsbug messages (answered). */
export class XsbugStandIn {
  readonly events: XsbugEvent[] = [];
  private match = 0;
  private message: number[] | undefined;
  /** Bytes of the "\r\n" that ends a message still to be dropped (2: none expected). */
  private trail = 2;
  /** Bytes of START[0..match) already passed on as text. */
  private emitted = 0;
  private lineStart = true;

  constructor(
    /** Plain text bytes (printf output between messages). */
    private readonly text: (byte: number) => void,
    /** Sends bytes to the firmware over the same link. */
    private readonly send: (bytes: string) => void,
    private readonly onEvent: (e: XsbugEvent) => void = () => {},
  ) {}

  push(byte: number): void {
    if (this.message !== undefined) {
      this.message.push(byte);
      const m = this.message;
      if (byte === 0x3e && m.length >= END.length && String.fromCharCode(...m.slice(-END.length)) === END) {
        this.message = undefined;
        this.trail = 0;
        this.handle(new TextDecoder().decode(Uint8Array.from(m.slice(0, -END.length))));
      }
      return;
    }
    if (this.trail < 2) {
      if (byte === (this.trail === 0 ? 0x0d : 0x0a)) {
        this.trail++;
        return;
      }
      if (this.trail === 1) this.match = 1; // the '\r' may begin the next message's start
      this.trail = 2;
    }
    if (byte === START.charCodeAt(this.match)) {
      // The "\r\n" before "<xsbug>" ends a line of text that is not yet ended: pass it on at once
      // (the line is complete); at the start of a line it is held, to drop an empty line.
      if (this.match < 2 && this.emitted === this.match && !this.lineStart) {
        this.emitted++;
        this.out(byte);
      }
      if (++this.match === START.length) {
        this.match = 0;
        this.emitted = 0;
        this.message = [];
      }
      return;
    }
    // Not a message start after all: what was held back is text, and this byte may begin a start.
    const held = this.match;
    for (let i = this.emitted; i < held; i++) this.out(START.charCodeAt(i));
    this.match = 0;
    this.emitted = 0;
    if (byte === START.charCodeAt(0)) this.push(byte);
    else this.out(byte);
  }

  private out(byte: number): void {
    this.lineStart = byte === 0x0a;
    this.text(byte);
  }

  private emit(kind: XsbugEvent['kind'], path: string | undefined, line: string | undefined, text: string): void {
    const e = { kind, path: path === undefined ? undefined : unescapeXml(path), line: line === undefined ? undefined : Number(line), text: unescapeXml(text).replace(/\n$/, '') };
    this.events.push(e);
    this.onEvent(e);
  }

  private handle(xml: string): void {
    const login = /<login name="([^"]*)" value="([^"]*)"/.exec(xml);
    if (login) {
      this.emit('login', undefined, undefined, `${login[1]} (${login[2]})`);
      this.send(ANSWER_LOGIN);
    }
    for (const m of xml.matchAll(/<log(?: path="([^"]*)" line="(\d+)")?>([\s\S]*?)<\/log>/g)) this.emit('log', m[1], m[2], m[3]!);
    const brk = /<break(?: path="([^"]*)" line="(\d+)")?>([\s\S]*?)<\/break>/.exec(xml);
    if (brk) {
      this.emit('break', brk[1], brk[2], brk[3]!);
      this.send(ANSWER_BREAK);
    }
  }
}

/** `path:line: text`, or the text alone. */
export function formatXsbugEvent(e: XsbugEvent): string {
  const at = e.path !== undefined ? `${e.path}:${e.line}: ` : '';
  return e.kind === 'login' ? `xsbug login: ${e.text}` : `${at}${e.text}`;
}
