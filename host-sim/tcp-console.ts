// Serves a simulated UART on a loopback TCP port (`vllsi sim --console tcp:PORT`): bytes
// from the client enter the UART's receiver one character time apart in simulated time
// (as they would arrive on a real line, so the RX FIFO is not flooded); bytes the UART
// transmits go to the client. One client at a time; a new one replaces the old.
import net from 'node:net';
import type { UartPort } from './ports.js';
import type { SimClock } from './time.js';

export interface TcpConsole {
  readonly port: number;
  close(): Promise<void>;
}

/** Bytes sent to a simulated UART's receiver one character time apart, as on a real line. */
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
    const b = pending.shift();
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
  /** Line rate that paces the receive side (default 115200). */
  baud?: number;
  /** Sees what the client sends (before the UART receives it). */
  onData?: (bytes: Uint8Array) => void;
}

/** Listens on 127.0.0.1:port (0 picks a free port; see `.port`). */
export function serveUartOnTcp(clock: SimClock, uart: UartPort, port: number, options: TcpConsoleOptions = {}): Promise<TcpConsole> {
  const feeder = uartFeeder(clock, uart, options.baud);
  let client: net.Socket | undefined;
  let outbox: number[] = [];
  const offByte = uart.onByte((b) => {
    if (!client) return;
    if (outbox.length === 0) setImmediate(flush);
    outbox.push(b);
  });
  function flush(): void {
    if (client && outbox.length) client.write(Uint8Array.from(outbox));
    outbox = [];
  }
  const server = net.createServer((socket) => {
    client?.destroy();
    client = socket;
    socket.setNoDelay(true);
    socket.on('data', (data: Buffer) => {
      const bytes = new Uint8Array(data.buffer, data.byteOffset, data.length);
      options.onData?.(bytes);
      feeder.push(bytes);
    });
    const gone = () => {
      if (client === socket) client = undefined;
    };
    socket.on('close', gone);
    socket.on('error', gone);
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
            client?.destroy();
            server.close(() => r());
          }),
      });
    });
  });
}
