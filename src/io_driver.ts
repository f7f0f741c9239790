// The I/O driver contract: what the I/O engine (src/io_engine.ts) needs from a platform, which
// the OS backend (src/os.ts) provides. Types only; the engine logic is in io_engine.ts.
import type { FileDesc } from './common.js';

/** A TCP endpoint (the reference's `addr`/`addrlen` pair). */
export interface SocketAddress {
  readonly host: string;
  readonly port: number;
}

export type CompletionOp =
  | { readonly op: 'Read'; readonly fd: FileDesc; readonly buf: Uint8Array; readonly len: number; readonly offset: number }
  | { readonly op: 'Write'; readonly fd: FileDesc; readonly buf: Uint8Array; readonly len: number; readonly offset: number }
  /** Result: the accepted socket's descriptor; `address` is the peer. */
  | { readonly op: 'Accept'; readonly fd: FileDesc }
  | { readonly op: 'Connect'; readonly fd: FileDesc; readonly address: SocketAddress }
  | { readonly op: 'Send'; readonly fd: FileDesc; readonly buf: Uint8Array; readonly len: number; readonly flags: number }
  /** Result: bytes received, 0 at end of stream. */
  | { readonly op: 'Recv'; readonly fd: FileDesc; readonly buf: Uint8Array; readonly len: number; readonly flags: number }
  /** Completes with 0 after `durationMs` milliseconds. */
  | { readonly op: 'Timeout'; readonly durationMs: number }
  | { readonly op: 'Close'; readonly fd: FileDesc };

export interface IoEngineConfig {
  /** Most operations in flight at once; `submit` refuses beyond it. Default 256. */
  readonly queueDepth?: number;
}

/** What the engine needs from a platform: start an operation, report its result once. */
export interface IoDriver {
  /** The driver picked (`'libuv'` in Node). */
  readonly kind: string;
  /** What the driver sits on, in plain words (for `engine.describe`). */
  readonly description: string;
  /** Starts `op` (never Timeout); calls `done` exactly once, later, never synchronously. */
  start(op: Exclude<CompletionOp, { op: 'Timeout' }>, done: (result: number, address?: SocketAddress) => void): void;
  /** Calls `fn` after `ms` milliseconds; returns a canceller. */
  timer(ms: number, fn: () => void): () => void;
  /** A new, unconnected TCP socket descriptor for Connect. */
  socket(): FileDesc;
  /** A listening TCP socket for Accept; port 0 picks a free one, reported in `address`. */
  listen(address: SocketAddress, backlog: number): Promise<{ fd: FileDesc; address: SocketAddress }>;
  /** Releases everything the driver holds (sockets); later completions are dropped by the engine. */
  shutdown(): void;
}
