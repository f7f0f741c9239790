// What `vllsi sim` and `vllsi emulate` print and run alike: timestamps, a UART's lines,
// wall-clock pacing and the --console address.
import { UsageError } from './command.js';
import { parseTcpAddress } from './address.js';
import { formatNs } from '../host-sim/time.js';
import type { SimUart } from '../host-sim/sim-uart.js';

export const stamp = (t: number) => `[${formatNs(t)}]`;

/** Prints each complete line a byte stream out of the board transmits, with its simulated timestamp; the returned function stops and prints what is left. */
export function reportLines(uart: SimUart, label: string, now: () => number, print: (line: string) => void): () => void {
  let pending = '';
  const off = uart.onByte((_b, t) => {
    const text = uart.output;
    const nl = text.lastIndexOf('\n');
    if (nl < 0 || nl < text.length - 1) return;
    const line = text.slice(pending.length).replace(/\r?\n$/, '');
    pending = text;
    for (const l of line.split(/\r?\n/)) print(`${stamp(t)} ${label}: ${l}`);
  });
  return () => {
    off();
    const rest = uart.output.slice(pending.length);
    if (rest) print(`${stamp(now())} ${label}: ${rest} (no newline yet)`);
  };
}

/**
 * --forever/--console: simulated time follows the wall clock (catching up at most 100 ms a
 * slice), yielding to I/O between slices, up to `until` ns; `pace.lagNs` is how far behind it
 * is. SIGINT and SIGTERM stop it.
 */
export async function runPaced(
  board: { readonly now: number; runFor(ns: number): unknown },
  until = Infinity,
  pace: { lagNs: number } = { lagNs: 0 },
  run: (ns: number) => void = (ns) => void board.runFor(ns),
): Promise<void> {
  let stop = false;
  const onSig = () => {
    stop = true;
  };
  process.once('SIGINT', onSig);
  process.once('SIGTERM', onSig);
  const start = performance.now() * 1e6 - board.now;
  try {
    while (!stop && board.now < until) {
      const behind = performance.now() * 1e6 - start - board.now;
      pace.lagNs = behind;
      if (behind > 0) run(Math.min(Math.round(behind), 100e6, until - board.now));
      await new Promise((r) => setTimeout(r, 10));
    }
  } finally {
    process.off('SIGINT', onSig);
    process.off('SIGTERM', onSig);
  }
}

/** `--console tcp:PORT` (tcp:HOST:PORT, tcp://HOST:PORT) as a port number (0 picks a free one), or undefined when absent. */
export function consolePortOf(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const port = parseTcpAddress(value, '--console', { listen: true })?.port;
  if (port === undefined) throw new UsageError(`--console takes tcp:PORT (0 picks a free port), got '${value}'`);
  return port;
}
