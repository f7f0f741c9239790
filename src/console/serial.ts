// The console on an ECMA-419 serial port (`embedded:io/serial` on Moddable XS): received
// bytes go to the service, answers are queued and written as the port has room.
import { END_OF_SESSION } from './protocol.js';
import { ConsoleService, type ConsoleOptions } from './service.js';

/** The slice of an ECMA-419 Serial instance (format "buffer") the console uses. */
export interface Ecma419Serial {
  read(): ArrayBuffer | undefined;
  write(data: ArrayBuffer): void;
  close(): void;
}

export interface Ecma419SerialOptions {
  readonly port?: number;
  readonly receive?: number;
  readonly transmit?: number;
  readonly baud: number;
  readonly format?: 'buffer';
  readonly onReadable?: (this: Ecma419Serial, count: number) => void;
  readonly onWritable?: (this: Ecma419Serial, count: number) => void;
}

export type Ecma419SerialClass = new (options: Ecma419SerialOptions) => Ecma419Serial;

export interface SerialConsole {
  readonly service: ConsoleService;
  close(): void;
}

/** Answers queued beyond this many bytes stop the reading of further lines until the port drains them. */
export const SERIAL_ANSWER_LOW = 256;

/**
 * Serves the console on a serial port: `new Serial({...port, format: 'buffer', onReadable,
 * onWritable})`. Output waits in a queue until onWritable reports room; lines are answered
 * only while that queue holds fewer than SERIAL_ANSWER_LOW bytes, the rest of what was read
 * waits (and the port's own receive buffer, then its flow control, holds what follows), so a
 * flood is paced by the line, not buffered. END_OF_SESSION in what was read acts at once: the
 * input before it and the session's queued answers are dropped.
 */
export function serveConsoleOnSerial(
  Serial: Ecma419SerialClass,
  port: Omit<Ecma419SerialOptions, 'format' | 'onReadable' | 'onWritable'>,
  options: Omit<ConsoleOptions, 'send' | 'onSessionEnd'>,
): SerialConsole {
  const queue: Uint8Array[] = [];
  let queued = 0;
  let room = 0;
  let serial: Ecma419Serial | undefined;
  /** Received bytes not fed yet (the answers queued were too many). */
  let unread: Uint8Array | undefined;
  const fits = () => queued < SERIAL_ANSWER_LOW;
  const flush = () => {
    while (serial && room > 0 && queue.length > 0) {
      const head = queue[0]!;
      const n = Math.min(room, head.length);
      serial.write(head.slice(0, n).buffer);
      room -= n;
      queued -= n;
      if (n === head.length) queue.shift();
      else queue[0] = head.subarray(n);
    }
  };
  const service = new ConsoleService({
    ...options,
    send(bytes) {
      queue.push(bytes);
      queued += bytes.length;
      flush();
    },
    onSessionEnd() {
      queue.length = 0;
      queued = 0;
    },
  });
  const feed = () => {
    while (serial) {
      unread ??= readBytes(serial);
      if (unread === undefined) return;
      // END_OF_SESSION acts at once, answers queued or not: the input before it and those answers go.
      const end = unread.lastIndexOf(END_OF_SESSION);
      if (end > 0) unread = unread.subarray(end);
      if (end < 0 && !fits()) return;
      const n = service.receive(unread, fits);
      unread = n < unread.length ? unread.subarray(n) : undefined;
    }
  };
  serial = new Serial({
    ...port,
    format: 'buffer',
    onReadable: feed,
    onWritable(count) {
      room = count;
      flush();
      feed();
    },
  });
  return {
    service,
    close() {
      serial?.close();
      serial = undefined;
    },
  };
}

function readBytes(serial: Ecma419Serial): Uint8Array | undefined {
  const data = serial.read();
  return data && data.byteLength > 0 ? new Uint8Array(data) : undefined;
}
