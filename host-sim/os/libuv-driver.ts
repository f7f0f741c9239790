// The Node I/O driver: libuv through Node's fs and net. It is not io_uring, epoll, kqueue
// or IOCP driven by us — those are what libuv uses underneath (epoll on Linux, kqueue on
// macOS, IOCP on Windows, for sockets and timers; its thread pool for file reads and
// writes). See docs/os-backends.md.
//
// Sockets: Node has no descriptor-level socket API, so the engine's socket descriptors
// are driver-local handles numbered from SOCKET_FD_BASE, kept apart from file descriptors.
import fs from 'node:fs';
import net from 'node:net';
import { fileDesc, type FileDesc } from '../../src/common.js';
import type { CompletionOp, IoDriver, IoEngineConfig, SocketAddress } from '../../src/io_driver.js';
import type { OSError } from '../../src/errors.js';

/** First engine-local socket descriptor: far above the file descriptors a process has open. */
export const SOCKET_FD_BASE = 0x4000_0000;

type Done = (result: number, address?: SocketAddress) => void;

interface Conn {
  readonly socket: net.Socket;
  connected: boolean;
  chunks: Buffer[];
  ended: boolean;
  error: number | undefined;
  readers: { buf: Uint8Array; len: number; done: Done }[];
}

interface Listener {
  readonly server: net.Server;
  backlog: net.Socket[];
  acceptors: Done[];
}

const HIGH_WATER = 1 << 16;

/** What the driver needs of its OS backend (node-backend.ts): the platform's name and errno mapping. */
export interface ErrnoSource {
  readonly table: { readonly name: 'linux' | 'darwin' | 'windows' };
  errno(name: string): number;
  osError(e: unknown, what: string): OSError;
}

export class LibuvDriver implements IoDriver {
  readonly kind = 'libuv';
  readonly description: string;
  #nextSocket = SOCKET_FD_BASE;
  #conns = new Map<number, Conn>();
  #listeners = new Map<number, Listener>();

  constructor(
    private readonly backend: ErrnoSource,
    _config: IoEngineConfig,
  ) {
    const poller = { linux: 'epoll', darwin: 'kqueue', windows: 'IOCP' }[backend.table.name];
    this.description = `libuv ${process.versions.uv} (Node ${process.version}): ${poller} for sockets and timers, the libuv thread pool for file reads and writes`;
  }

  /** −errno for a Node error, in the platform's numbers. */
  #neg(e: unknown): number {
    return -this.backend.osError(e, 'io').code;
  }
  #negName(name: string): number {
    return -this.backend.errno(name);
  }

  start(op: Exclude<CompletionOp, { op: 'Timeout' }>, done: Done): void {
    const later = (r: number): void => void setImmediate(done, r);
    switch (op.op) {
      case 'Read':
      case 'Write': {
        if (op.fd >= SOCKET_FD_BASE) return later(this.#negName('ESPIPE'));
        const cb = (err: NodeJS.ErrnoException | null, n: number) => done(err ? this.#neg(err) : n);
        if (op.op === 'Read') fs.read(op.fd, op.buf, 0, op.len, op.offset, cb);
        else fs.write(op.fd, op.buf, 0, op.len, op.offset, cb);
        return;
      }
      case 'Close': {
        const conn = this.#conns.get(op.fd);
        const listener = this.#listeners.get(op.fd);
        if (conn) {
          this.#conns.delete(op.fd);
          this.#endReaders(conn, this.#negName('EBADF'));
          conn.socket.destroy();
          return later(0);
        }
        if (listener) {
          this.#listeners.delete(op.fd);
          for (const a of listener.acceptors) a(this.#negName('EBADF'));
          for (const s of listener.backlog) s.destroy();
          listener.server.close();
          return later(0);
        }
        if (op.fd >= SOCKET_FD_BASE) return later(this.#negName('EBADF'));
        fs.close(op.fd, (err) => done(err ? this.#neg(err) : 0));
        return;
      }
      case 'Connect': {
        const conn = this.#conns.get(op.fd);
        if (!conn) return later(this.#negName(this.#listeners.has(op.fd) ? 'EINVAL' : 'EBADF'));
        if (conn.connected || conn.socket.connecting) return later(this.#negName(conn.connected ? 'EISCONN' : 'EALREADY'));
        const onError = (err: Error) => done(this.#neg(err));
        conn.socket.once('error', onError);
        conn.socket.connect({ host: op.address.host, port: op.address.port }, () => {
          conn.socket.off('error', onError);
          conn.connected = true;
          done(0);
        });
        return;
      }
      case 'Accept': {
        const l = this.#listeners.get(op.fd);
        if (!l) return later(this.#negName(this.#conns.has(op.fd) ? 'EINVAL' : 'EBADF'));
        const s = l.backlog.shift();
        if (s) return void setImmediate(() => this.#accepted(s, done));
        l.acceptors.push(done);
        return;
      }
      case 'Send': {
        const conn = this.#conns.get(op.fd);
        if (!conn) return later(this.#negName(op.fd >= SOCKET_FD_BASE ? 'EBADF' : 'ENOTSOCK'));
        if (!conn.connected) return later(this.#negName('ENOTCONN'));
        if (conn.error !== undefined) return later(conn.error);
        if (op.len === 0) return later(0);
        conn.socket.write(Buffer.from(op.buf.subarray(0, op.len)), (err) => done(err ? this.#neg(err) : op.len));
        return;
      }
      case 'Recv': {
        const conn = this.#conns.get(op.fd);
        if (!conn) return later(this.#negName(op.fd >= SOCKET_FD_BASE ? 'EBADF' : 'ENOTSOCK'));
        if (!conn.connected) return later(this.#negName('ENOTCONN'));
        conn.readers.push({ buf: op.buf, len: op.len, done });
        setImmediate(() => this.#serve(conn));
        return;
      }
    }
  }

  timer(ms: number, fn: () => void): () => void {
    const t = setTimeout(fn, ms);
    return () => clearTimeout(t);
  }

  socket(): FileDesc {
    const fd = this.#nextSocket++;
    this.#conns.set(fd, this.#track(new net.Socket(), false));
    return fileDesc(fd);
  }

  listen(address: SocketAddress, backlog: number): Promise<{ fd: FileDesc; address: SocketAddress }> {
    const fd = fileDesc(this.#nextSocket++);
    const l: Listener = { server: net.createServer(), backlog: [], acceptors: [] };
    l.server.on('connection', (s) => {
      const a = l.acceptors.shift();
      if (a) this.#accepted(s, a);
      else l.backlog.push(s);
    });
    return new Promise((resolve, reject) => {
      l.server.once('error', (e) => reject(this.backend.osError(e, `listen on ${address.host}:${address.port}`)));
      l.server.listen({ host: address.host, port: address.port, backlog }, () => {
        this.#listeners.set(fd, l);
        const bound = l.server.address() as net.AddressInfo;
        resolve({ fd, address: { host: bound.address, port: bound.port } });
      });
    });
  }

  shutdown(): void {
    for (const c of this.#conns.values()) c.socket.destroy();
    for (const l of this.#listeners.values()) {
      for (const s of l.backlog) s.destroy();
      l.server.close();
    }
    this.#conns.clear();
    this.#listeners.clear();
  }

  #accepted(s: net.Socket, done: Done): void {
    const fd = this.#nextSocket++;
    this.#conns.set(fd, this.#track(s, true));
    done(fd, { host: s.remoteAddress ?? '', port: s.remotePort ?? 0 });
  }

  #track(socket: net.Socket, connected: boolean): Conn {
    const conn: Conn = { socket, connected, chunks: [], ended: false, error: undefined, readers: [] };
    socket.on('data', (chunk: Buffer) => {
      conn.chunks.push(chunk);
      if (conn.chunks.reduce((n, c) => n + c.length, 0) >= HIGH_WATER) socket.pause();
      this.#serve(conn);
    });
    socket.on('end', () => {
      conn.ended = true;
      this.#serve(conn);
    });
    socket.on('error', (e) => {
      conn.error = this.#neg(e);
      this.#serve(conn);
    });
    return conn;
  }

  /** Hands buffered bytes (or end of stream, or the error) to waiting Recvs, in order. */
  #serve(conn: Conn): void {
    while (conn.readers.length > 0) {
      if (conn.chunks.length > 0) {
        const r = conn.readers.shift()!;
        let n = 0;
        while (n < r.len && conn.chunks.length > 0) {
          const c = conn.chunks[0]!;
          const take = Math.min(r.len - n, c.length);
          r.buf.set(c.subarray(0, take), n);
          n += take;
          if (take === c.length) conn.chunks.shift();
          else conn.chunks[0] = c.subarray(take);
        }
        r.done(n);
      } else if (conn.error !== undefined) {
        conn.readers.shift()!.done(conn.error);
      } else if (conn.ended) {
        conn.readers.shift()!.done(0);
      } else {
        break;
      }
    }
    if (conn.socket.isPaused() && conn.chunks.reduce((n, c) => n + c.length, 0) < HIGH_WATER) conn.socket.resume();
  }

  #endReaders(conn: Conn, result: number): void {
    for (const r of conn.readers.splice(0)) r.done(result);
  }
}
