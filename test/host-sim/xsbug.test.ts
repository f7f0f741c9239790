// The xsbug stand-in on a debug link: the messages XS sends (framed as xsDebug.c and the pico
// platform's xsPlatform.c frame them: a machine PI, then the message) are taken out of the text
// stream, answered (login: break on exceptions; break: go) and reported with path:line; the
// text around them passes through unchanged.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { XsbugStandIn, formatXsbugEvent } from '../../host-sim/xsbug.js';

const msg = (body: string) => `\r\n<xsbug>${body}</xsbug>\r\n`;
/** What the pico platform sends: fxConnect's reset PI, then per message a PI naming the machine (fxSend), trace() as fx_putc frames it, a binary message. */
const PICO = [
  '<?xs-00000000?>\r\n',
  `\r\n<?xs.20001A2C?>${msg('<login name="main" value="XS 17.2.0 32-bit LE 32-bit ID" flags="e"/>')}`,
  'printf text\r\n',
  '\r\n<?xs.20001A2C?>\r\n<xsbug><log>blink ready&#10;</log></xsbug>\r\n',
  `\r\n<?xs#20001A2C?>\r\n\x00\x03<x>`,
  `\r\n<?xs.20001A2C?>${msg('<frames></frames><break path="/app/main.js" line="7"># Break: debugger!\n</break>')}`,
  'more text\r\n',
].join('');
const LOGIN = msg('<login name="main" value="XS 16.1.0 32-bit LE 32-bit ID" flags="e"/>');
const TRACE = msg('<log>blink ready &amp; waiting &lt;3&gt;\n</log>');
const EXCEPTION = msg('<log path="/app/main.js" line="12"># Exception: write: RangeError: out of range!\n</log>');
const BREAK = msg(
  '<frames><frame name="tick" value="@0x2000" path="/app/main.js" line="20"/></frames><local name="tick"><property flags=" " name="x" value="1"/></local><global></global><grammar></grammar><break path="/app/main.js" line="20"># Break: throw TypeError: no!\n</break>',
);

function run(stream: string, chunks: number[] = []) {
  const text: number[] = [];
  let sent = '';
  const x = new XsbugStandIn(
    (b) => text.push(b),
    (s) => (sent += s),
  );
  const bytes = new TextEncoder().encode(stream);
  let at = 0;
  for (const c of [...chunks, bytes.length]) {
    for (; at < Math.min(c, bytes.length); at++) x.push(bytes[at]!);
  }
  return { text: new TextDecoder().decode(Uint8Array.from(text)), sent, events: x.events };
}

describe('xsbug stand-in', () => {
  it('answers the login with break-on-exceptions, reports logs and breaks with path:line, answers a break with go', () => {
    const r = run(`boot\r\n${LOGIN}${TRACE}hello from printf\r\n${EXCEPTION}${BREAK}after\r\n`);
    expect(r.text).toBe('boot\r\nhello from printf\r\nafter\r\n');
    expect(r.sent).toBe('\r\n<set-all-breakpoints><breakpoint path="exceptions" line="0"/></set-all-breakpoints>\r\n\r\n<go/>\r\n');
    expect(r.events.map(formatXsbugEvent)).toEqual([
      'xsbug login: main (XS 16.1.0 32-bit LE 32-bit ID)',
      'blink ready & waiting <3>',
      '/app/main.js:12: # Exception: write: RangeError: out of range!',
      '/app/main.js:20: # Break: throw TypeError: no!',
    ]);
    expect(r.events.map((e) => e.kind)).toEqual(['login', 'log', 'log', 'break']);
  });

  it("reads the pico platform's framing (machine PIs, binary messages) and addresses its answers to the machine", () => {
    const r = run(PICO);
    expect(r.text).toBe('printf text\r\nmore text\r\n');
    expect(r.events.map(formatXsbugEvent)).toEqual(['xsbug login: main (XS 17.2.0 32-bit LE 32-bit ID)', 'blink ready', '/app/main.js:7: # Break: debugger!']);
    // As serial2xsbug forwards xsbug's commands: the machine's PI, then the command.
    expect(r.sent).toBe(
      '\r\n<?xs.20001A2C?>\r\n<set-all-breakpoints><breakpoint path="exceptions" line="0"/></set-all-breakpoints>\r\n\r\n<?xs.20001A2C?>\r\n<go/>\r\n',
    );
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.nat(PICO.length), { maxLength: 10 }),
        (cuts) =>
          void expect(
            run(
              PICO,
              cuts.sort((a, b) => a - b),
            ),
          ).toEqual(r),
      ),
    );
  });

  it('gives the same text and events however the stream is split', () => {
    const stream = `a\r\n${LOGIN}b\r\r\n\r\n<xsbu${TRACE}c${EXCEPTION}\r\n${BREAK}d`;
    const whole = run(stream);
    fc.assert(
      fc.property(fc.uniqueArray(fc.nat(stream.length), { maxLength: 12 }), (cuts) => {
        const r = run(
          stream,
          cuts.sort((a, b) => a - b),
        );
        expect(r).toEqual(whole);
      }),
    );
    // A message after unfinished text ends its line; at a line start XS's own CR LF before a message is dropped.
    expect(whole.text).toBe('a\r\nb\r\r\n\r\n<xsbu\r\nc\r\n\r\nd');
  });

  it('passes any text without a message through unchanged, ended lines at once', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom('\r', '\n', '<', 'x', 's', 'b', 'u', 'g', '>', ' ', 'a') }), (s) => {
        fc.pre(!s.includes('\r\n<xsbug>'));
        expect(run(`${s}a`).text).toBe(`${s}a`);
        // A line that ends is passed on whole before the next byte comes.
        if (/[^\n]\r\n$/.test(s)) expect(run(s).text).toBe(s);
        expect(run(s).events).toEqual([]);
      }),
      { numRuns: 3000 },
    );
  });
});
