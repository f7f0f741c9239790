// The byte link to a device console: a serial device opened with `serialport` (its real
// bindings), or `tcp://HOST:PORT` (the simulator's console, `vllsi sim --console tcp:PORT`).
import net from 'node:net';
import { SerialPort } from 'serialport';
import { VllsiError } from '../../src/errors.js';

/** The link could not be opened or broke: `reason` says which (absent, refused, closed...). */
export class LinkError extends VllsiError<'LinkError'> {
  constructor(
    readonly port: string,
    message: string,
  ) {
    super('LinkError', `${port}: ${message}`);
  }
}

export interface Link {
  readonly name: string;
  write(bytes: Uint8Array): void;
  /** Received bytes; one listener. */
  onData(listener: (bytes: Uint8Array) => void): void;
  /** Called once if the link closes or fails after opening. */
  onClose(listener: (reason: string) => void): void;
  close(): Promise<void>;
}

export async function openLink(port: string, baud: number): Promise<Link> {
  const tcp = /^tcp:\/\/([^:/]+):(\d+)$/.exec(port);
  if (tcp) return openTcp(port, tcp[1]!, Number(tcp[2]));
  if (port.startsWith('tcp:')) throw new LinkError(port, 'expected tcp://HOST:PORT');
  return openSerial(port, baud);
}

function openTcp(name: string, host: string, port: number): Promise<Link> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host, port });
    socket.setNoDelay(true);
    const fail = (e: NodeJS.ErrnoException) => reject(new LinkError(name, e.code === 'ECONNREFUSED' ? 'connection refused: is the simulator running with --console?' : e.message));
    socket.once('error', fail);
    socket.once('connect', () => {
      socket.off('error', fail);
      let closed: ((reason: string) => void) | undefined;
      let reason = 'closed by the other end';
      socket.on('error', (e) => (reason = e.message));
      socket.on('close', () => closed?.(reason));
      resolve({
        name,
        write: (bytes) => void socket.write(bytes),
        onData: (l) => void socket.on('data', (b: Buffer) => l(new Uint8Array(b.buffer, b.byteOffset, b.length))),
        onClose: (l) => void (closed = l),
        close: () => new Promise<void>((r) => (socket.destroyed ? r() : socket.end(() => r()))),
      });
    });
  });
}

function openSerial(name: string, baudRate: number): Promise<Link> {
  return new Promise((resolve, reject) => {
    const sp = new SerialPort({ path: name, baudRate, autoOpen: false });
    sp.open((err) => {
      if (err) {
        const absent = /no such file|ENOENT|cannot open/i.test(err.message);
        return reject(new LinkError(name, absent ? `no such serial port (${err.message})` : err.message));
      }
      let closed: ((reason: string) => void) | undefined;
      sp.on('close', () => closed?.('serial port closed'));
      resolve({
        name,
        write: (bytes) => void sp.write(Buffer.from(bytes)),
        onData: (l) => void sp.on('data', (b: Buffer) => l(new Uint8Array(b.buffer, b.byteOffset, b.length))),
        onClose: (l) => void (closed = l),
        close: () => new Promise<void>((r) => (sp.isOpen ? sp.close(() => r()) : r())),
      });
    });
  });
}
