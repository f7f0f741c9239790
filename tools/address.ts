// TCP console addresses, spelled the same for `vllsi sim --console` (serving) and
// `vllsi inspect --port` / `vllsi monitor --port` (connecting): tcp:PORT, tcp:HOST:PORT,
// tcp://PORT or tcp://HOST:PORT (HOST defaults to 127.0.0.1).
import { UsageError } from './command.js';

export interface TcpAddress {
  readonly host: string;
  readonly port: number;
}

/** The TCP address in `text`, or undefined when it does not start with `tcp:` (a serial device). */
export function parseTcpAddress(text: string, option: string, { listen = false } = {}): TcpAddress | undefined {
  if (!/^tcp:/i.test(text)) return undefined;
  const m = /^tcp:(?:\/\/)?(?:(\[[0-9a-f:.]+\]|[A-Za-z0-9.-]+):)?(\d{1,5})$/i.exec(text);
  const forms = 'tcp:PORT or tcp://HOST:PORT';
  if (!m) throw new UsageError(`${option} takes ${forms}, got '${text}'`);
  const port = Number(m[2]);
  if (port > 65535) throw new UsageError(`${option} '${text}': port ${port} is out of range: use 1-65535${listen ? ' (0 picks a free one)' : ''}`);
  if (port === 0 && !listen) throw new UsageError(`${option} '${text}': port 0 is no port to connect to: give the port \`vllsi sim --console\` printed`);
  const host = (m[1] ?? '127.0.0.1').replace(/^\[(.*)\]$/, '$1');
  if (listen && !['127.0.0.1', 'localhost'].includes(host.toLowerCase())) {
    throw new UsageError(`${option} '${text}': the simulator serves its console on this machine only: use tcp:${port} (127.0.0.1)`);
  }
  return { host, port };
}

/** `tcp://HOST:PORT`, the one spelling vllsi prints. */
export const formatTcpAddress = (a: TcpAddress): string => `tcp://${a.host.includes(':') ? `[${a.host}]` : a.host}:${a.port}`;
