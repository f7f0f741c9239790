// The console on an ECMA-419 serial port (`embedded:io/serial` on Moddable XS): received
// bytes go to the service, answers are queued and written as the port has room.
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

/**
 * Serves the console on a serial port: `new Serial({...port, format: 'buffer', onReadable,
 * onWritable})`. Output waits in a queue until onWritable reports room.
 */
export function serveConsoleOnSerial(
  Serial: Ecma419SerialClass,
  port: Omit<Ecma419SerialOptions, 'format' | 'onReadable' | 'onWritable'>,
  options: Omit<ConsoleOptions, 'send'>,
): SerialConsole {
  const queue: Uint8Array[] = [];
  let room = 0;
  let serial: Ecma419Serial | undefined;
  const flush = () => {
    while (serial && room > 0 && queue.length > 0) {
      const head = queue[0]!;
      const n = Math.min(room, head.length);
      serial.write(head.slice(0, n).buffer);
      room -= n;
      if (n === head.length) queue.shift();
      else queue[0] = head.subarray(n);
    }
  };
  const service = new ConsoleService({
    ...options,
    send(bytes) {
      queue.push(bytes);
      flush();
    },
  });
  serial = new Serial({
    ...port,
    format: 'buffer',
    onReadable() {
      const data = this.read();
      if (data) service.receive(new Uint8Array(data));
    },
    onWritable(count) {
      room = count;
      flush();
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
