// XS debug messages in a board's serial output, as lines a person reads. A Moddable debug build
// talks to xsbug over its serial link: each message is announced by a processing instruction
// ("<?xs.MACHINE?>", moddable/xs/platforms/*/xsPlatform.c) and sent as "<xsbug>…</xsbug>"
// (xs/sources/xsDebug.c): <log> carries trace() output, exceptions and errors; <break> a stop.
// Plain text between them is the board's own.

export interface XsbugOutput {
  text(line: string): void;
  /** A decoded message: trace() text, or `PATH:LINE: message` for a report with a place. */
  xs(line: string): void;
}

function unescapeXml(s: string): string {
  return s.replace(/&(#x[0-9a-f]+|#\d+|amp|lt|gt|quot|apos);/gi, (_m, e: string) => {
    const named: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
    if (e[0] !== '#') return named[e.toLowerCase()]!;
    return String.fromCodePoint(e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10));
  });
}

export class XsbugLines {
  /** The text of an xsbug message spread over several lines. */
  private message: string | undefined;

  constructor(private readonly out: XsbugOutput) {}

  /** One line of the board's output. */
  line(line: string): void {
    let rest = line.replace(/<\?xs[^?]*\?>/g, '');
    if (this.message === undefined && rest.trim() === '' && rest !== line) return; // a bare PI
    while (rest !== '') {
      if (this.message === undefined) {
        const start = rest.indexOf('<xsbug>');
        if (start < 0) return this.out.text(rest);
        if (start > 0) this.out.text(rest.slice(0, start));
        this.message = '';
        rest = rest.slice(start + '<xsbug>'.length);
      }
      const end = rest.indexOf('</xsbug>');
      if (end < 0) {
        this.message += rest + '\n';
        return;
      }
      this.decode(this.message + rest.slice(0, end));
      this.message = undefined;
      rest = rest.slice(end + '</xsbug>'.length);
    }
  }

  /** Ends an unfinished message (the link closed). */
  flush(): void {
    if (this.message !== undefined) this.out.text(`<xsbug>${this.message}`);
    this.message = undefined;
  }

  private decode(body: string): void {
    for (const m of body.matchAll(/<(log|break)((?:\s+\w+="[^"]*")*)\s*(?:\/>|>([\s\S]*?)<\/\1>)/g)) {
      const attrs = Object.fromEntries([...m[2]!.matchAll(/(\w+)="([^"]*)"/g)].map((a) => [a[1], unescapeXml(a[2]!)]));
      const where = attrs.path ? `${attrs.path}${attrs.line ? `:${attrs.line}` : ''}: ` : '';
      const text = unescapeXml(m[3] ?? '').replace(/\n$/, '');
      for (const l of (m[1] === 'break' ? `break: ${text}` : text).split('\n')) this.out.xs(`${where}${l}`);
    }
  }
}
