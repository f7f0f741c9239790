// Serves a simulated UART on a loopback TCP port (`vllsi sim --console tcp:PORT`): bytes
// from the client enter the UART's receiver one character time apart in simulated time, as
// on a real line, and only while the receiver has taken the previous one (hardware flow
// control: the host's CTS follows an empty RX FIFO), so a firmware that stops reading stops
// the input instead of losing it; bytes the UART transmits go to the client.
//
// Sessions: one client at a time. A client that connects while another is attached (or
// while the last one's session is still ending) waits, its input unread, until the line is
// free; more than MAX_WAITING waiting are refused. When a client leaves, its input not yet
// on the wire is dropped and END_OF_SESSION goes on the wire first (the console service
// re-locks, drops the partial line and its queued answers). What the firmware transmits is
// dropped until it has read that byte and its line has been quiet for SESSION_QUIET_NS (the
// answers already in its TX FIFO are out), so that no answer to one client reaches the next.
// The next client is let in then (or after SESSION_END_NS, its input still behind the
// END_OF_SESSION byte and its answers still dropped until then).
//
// Bounds: at most INPUT_CAP bytes wait for the wire per client (then the socket is paused:
// TCP backpressure), and as much again for the client to read our output; at most
// READ_BUDGET bytes are read per 100 ms of wall time. Bytes of a line
// beyond maxLine + 1 are dropped as they arrive (the service answers TOOLONG for the line),
// so an endless line costs neither memory nor wire time.
import net from 'node:net';
import { END_OF_SESSION, MAX_LINE } from '../src/console/protocol.js';
import type { UartPort } from './ports.js';
import type { SimAlarm, SimClock } from './time.js';

export interface TcpConsole {
  readonly port: number;
  close(): Promise<void>;
}

/** Bytes sent to a simulated UART's receiver one character time apart, as on a real line, each once the receiver has taken the last. */
export interface UartFeeder {
  push(bytes: Uint8Array): void;
  /** Bytes not yet received. */
  readonly pending: number;
  cancel(): void;
}

/** `clock`: the board's simulated clock (Machine.clock, or the emulator's). */
export function uartFeeder(clock: SimClock, uart: UartPort, baud = 115200): UartFeeder {
  const charNs = (10 * 1e9) / baud; // start + 8 data + stop bits
  const pending: number[] = [];
  const alarm = clock.createAlarm(() => {
    // Flow control, as the TCP bridge: the next byte waits until the receiver has taken the last.
    const b = uart.rxEmpty() ? pending.shift() : undefined;
    if (b !== undefined) uart.receive(Uint8Array.of(b));
    if (pending.length > 0) alarm.schedule(charNs);
  });
  return {
    push(bytes) {
      const idle = pending.length === 0;
      for (const b of bytes) pending.push(b);
      if (idle && pending.length > 0) alarm.schedule(charNs);
    },
    get pending() {
      return pending.length;
    },
    cancel: () => alarm.cancel(),
  };
}

export interface TcpConsoleOptions {
  /** Paces the receive side (default 115200). */
  readonly baud?: number;
  /** Longest line passed on whole (default: the console's MAX_LINE). */
  readonly maxLine?: number;
  /** Flow control (like CTS): input waits while this says false, e.g. while the simulator lags the wall clock. */
  readonly clearToSend?: () => boolean;
  /** Sees what the client sends (before the UART receives it): `vllsi sim --verbose` decodes it. */
  readonly onData?: (bytes: Uint8Array) => void;
}

/** Bytes waiting for the simulated wire, per client, before its socket is paused. */
export const INPUT_CAP = 4096;
/** Bytes read from a client per READ_WINDOW_MS, dropped ones included: a flood must not starve the simulation. */
export const READ_BUDGET = 256 * 1024;
const READ_WINDOW_MS = 100;
/** Clients waiting for the line before further ones are refused. */
export const MAX_WAITING = 4;
/** Simulated time after a client leaves before the next is let in, if its session has not ended by then. */
const SESSION_END_NS = 1e9;
/** A session has ended once the firmware has read END_OF_SESSION and then transmitted nothing for this long. */
export const SESSION_QUIET_NS = 2e6;

/** Listens on 127.0.0.1:port (0 picks a free port; see `.port`). */
export function serveUartOnTcp(clock: SimClock, uart: UartPort, port: number, options: TcpConsoleOptions = {}): Promise<TcpConsole> {
  const charNs = (10 * 1e9) / (options.baud ?? 115200); // start + 8 data + stop bits
  const maxLine = options.maxLine ?? MAX_LINE;
  const clearToSend = options.clearToSend ?? (() => true);
  const ring = new Uint8Array(INPUT_CAP);
  let head = 0;
  let count = 0;
  /** Bytes of the current line accepted so far (lines end at CR or LF). */
  let lineLength = 0;
  /** The rest of a received chunk that did not fit the ring (its socket is paused). */
  let held: Uint8Array | undefined;
  let client: net.Socket | undefined;
  /** END_OF_SESSION waits to go on the wire (before any other byte). */
  let endToSend = false;
  /** A leaving client's session is ending: output is dropped (and nobody is admitted for SESSION_END_NS). */
  let ending = false;
  let endingSince = 0;
  /** When the firmware was last seen to have read END_OF_SESSION (-1: not yet). */
  let endReadAt = -1;
  let lastTxNs = -Infinity;
  const waiting: net.Socket[] = [];
  let outbox: number[] = [];
  let windowStart = 0;
  let windowBytes = 0;
  let throttle: NodeJS.Timeout | undefined;

  const accept = (bytes: Uint8Array): number => {
    let i = 0;
    for (; i < bytes.length && count < INPUT_CAP; i++) {
      if (lineLength > maxLine) {
        // Overlong: dropped as it arrives, up to the line's end (found natively: floods are long).
        const lf = bytes.indexOf(0x0a, i);
        const cr = bytes.indexOf(0x0d, i);
        const end = lf < 0 ? cr : cr < 0 ? lf : Math.min(lf, cr);
        if (end < 0) return bytes.length;
        i = end;
      }
      const b = bytes[i]!;
      const eol = b === 0x0a || b === 0x0d;
      lineLength = eol ? 0 : lineLength + 1;
      ring[(head + count++) % INPUT_CAP] = b;
    }
    return i;
  };
  const refill = () => {
    if (!held) return;
    const n = accept(held);
    held = n < held.length ? held.subarray(n) : undefined;
    if (!held && !throttle && client && client.writableLength < INPUT_CAP) client.resume();
  };
  const feeder: SimAlarm = clock.createAlarm(() => {
    if (count === 0 && !endToSend) return;
    // CTS: the receiver has not taken the last byte yet (the firmware stopped reading: its queue is full).
    if (!uart.rxEmpty()) return feeder.schedule(charNs);
    if (endToSend) {
      endToSend = false;
      uart.receive(Uint8Array.of(END_OF_SESSION));
    } else if (count > 0) {
      // Also waits while the simulator lags the wall clock (the flood slows the client, not simulated time).
      if (!clearToSend()) return feeder.schedule(charNs);
      const b = ring[head]!;
      head = (head + 1) % INPUT_CAP;
      count--;
      uart.receive(Uint8Array.of(b));
      refill();
    }
    if (count > 0 || endToSend) feeder.schedule(charNs);
  });
  // Checks each character time whether the firmware has read END_OF_SESSION and its line has gone quiet since.
  const sessionEnded: SimAlarm = clock.createAlarm(() => {
    const now = clock.nanos;
    if (endReadAt < 0 && !endToSend && uart.rxEmpty()) endReadAt = now;
    if (endReadAt >= 0 && now - Math.max(endReadAt, lastTxNs) >= SESSION_QUIET_NS) {
      ending = false;
      setImmediate(admit);
      return;
    }
    if (!client && waiting.length > 0 && now - endingSince >= SESSION_END_NS) setImmediate(admit);
    sessionEnded.schedule(charNs);
  });
  const offByte = uart.onByte((b, t) => {
    lastTxNs = t;
    if (!client || ending) return;
    if (outbox.length === 0) setImmediate(flush);
    outbox.push(b);
  });
  function flush(): void {
    if (client && outbox.length) {
      client.write(Uint8Array.from(outbox));
      // A client that does not read its answers gets no more input read.
      if (client.writableLength >= INPUT_CAP) client.pause();
    }
    outbox = [];
  }
  function admit(): void {
    if (client || (ending && clock.nanos - endingSince < SESSION_END_NS)) return;
    const next = waiting.shift();
    if (!next) return;
    client = next;
    next.resume();
  }
  function leave(socket: net.Socket): void {
    const w = waiting.indexOf(socket);
    if (w >= 0) waiting.splice(w, 1);
    if (client !== socket) return;
    client = undefined;
    head = count = lineLength = 0;
    held = undefined;
    outbox = [];
    ending = endToSend = true;
    endingSince = clock.nanos;
    endReadAt = -1;
    sessionEnded.schedule(charNs);
    feeder.schedule(charNs);
  }
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.setNoDelay(true);
    socket.pause();
    socket.on('data', (data: Buffer) => {
      if (client !== socket) return;
      const now = performance.now();
      if (now - windowStart >= READ_WINDOW_MS) {
        windowStart = now;
        windowBytes = 0;
      }
      windowBytes += data.length;
      if (windowBytes >= READ_BUDGET && !throttle) {
        socket.pause();
        throttle = setTimeout(
          () => {
            throttle = undefined;
            if (client === socket && !held && socket.writableLength < INPUT_CAP) socket.resume();
          },
          READ_WINDOW_MS - (now - windowStart),
        );
      }
      options.onData?.(new Uint8Array(data.buffer, data.byteOffset, data.length));
      const idle = count === 0 && !endToSend;
      const n = accept(data);
      if (n < data.length) {
        held = data.subarray(n);
        socket.pause();
      }
      if (idle && count > 0) feeder.schedule(charNs);
    });
    socket.on('drain', () => {
      if (client === socket && !held && !throttle) socket.resume();
    });
    const gone = () => {
      sockets.delete(socket);
      leave(socket);
    };
    socket.on('close', gone);
    socket.on('error', gone);
    if (waiting.length >= MAX_WAITING) {
      socket.end('ERR BUSY the console has too many clients waiting: try again later\n');
      return;
    }
    waiting.push(socket);
    if (client || ending) socket.write('vllsi sim: console busy: waiting for the current client to leave\n');
    admit();
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      const address = server.address() as net.AddressInfo;
      resolve({
        port: address.port,
        close: () =>
          new Promise<void>((r) => {
            offByte();
            feeder.cancel();
            sessionEnded.cancel();
            clearTimeout(throttle);
            for (const s of sockets) s.destroy();
            server.close(() => r());
          }),
      });
    });
  });
}
