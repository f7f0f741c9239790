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

/** Listens on 127.0.0.1:port (0 picks a free port; see `.port`). `baud` paces the receive side on the board's `clock`. */
export function serveUartOnTcp(clock: SimClock, uart: UartPort, port: number, baud = 115200): Promise<TcpConsole> {
  const charNs = (10 * 1e9) / baud; // start + 8 data + stop bits
  const pending: number[] = [];
  let client: net.Socket | undefined;
  let outbox: number[] = [];
  const feeder = clock.createAlarm(() => {
    const b = pending.shift();
    if (b !== undefined) uart.receive(Uint8Array.of(b));
    if (pending.length > 0) feeder.schedule(charNs);
  });
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
      const idle = pending.length === 0;
      for (const b of data) pending.push(b);
      if (idle) feeder.schedule(charNs);
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
