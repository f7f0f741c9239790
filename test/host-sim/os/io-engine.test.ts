// The I/O engine over the Node (libuv) driver: real files and real loopback sockets,
// including the error paths (closed descriptor, refused connection, shutdown).
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { installHostOs } from '../../../host-sim/os/index.js';
import { SOCKET_FD_BASE } from '../../../host-sim/os/libuv-driver.js';
import { createIoEngine, fileDesc, IoError, InvalidArgument, type CompletionResult, type IoEngine, type CompletionOp } from '../../../src/index.js';

let dir: string;
let engine: IoEngine;
const E = os.constants.errno;

beforeAll(() => {
  installHostOs();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vllsi-io-'));
});
afterEach(() => {
  engine?.shutdown();
});
afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

/** Submits and polls until that submission completes. */
async function run(op: CompletionOp): Promise<CompletionResult> {
  const id = engine.submit(op);
  for (;;) {
    const done = (await engine.poll()).find((c) => c.submissionId === id);
    if (done) return done;
  }
}

describe('I/O engine: files', () => {
  it('reports the driver honestly', () => {
    engine = createIoEngine();
    expect(engine.kind).toBe('libuv');
    expect(engine.description).toContain(process.versions.uv);
    expect(engine.description).toMatch(process.platform === 'linux' ? /epoll/ : process.platform === 'darwin' ? /kqueue/ : /IOCP/);
  });

  it('positional Write then Read round-trip; many in flight complete with matching ids', async () => {
    engine = createIoEngine({ queueDepth: 64 });
    const fd = fileDesc(fs.openSync(path.join(dir, 'f'), 'w+'));
    const blocks = Array.from({ length: 32 }, (_, i) => new Uint8Array(4096).fill(i + 1));
    const writes = new Map(blocks.map((b, i) => [engine.submit({ op: 'Write', fd, buf: b, len: b.length, offset: i * 4096 }), i]));
    const seen = new Set<number>();
    while (seen.size < writes.size) {
      for (const c of await engine.poll()) {
        expect(writes.has(c.submissionId)).toBe(true);
        expect(c.result).toBe(4096);
        seen.add(c.submissionId);
      }
    }
    expect(fs.fstatSync(fd).size).toBe(32 * 4096);
    const back = new Uint8Array(4096);
    expect((await run({ op: 'Read', fd, buf: back, len: 100, offset: 7 * 4096 })).result).toBe(100);
    expect(back.subarray(0, 100).every((x) => x === 8)).toBe(true);
    expect((await run({ op: 'Read', fd, buf: back, len: 4096, offset: 32 * 4096 })).result).toBe(0); // EOF
    expect((await run({ op: 'Close', fd })).result).toBe(0);
  });

  it('a closed descriptor completes with -EBADF (Read, Write, Close)', async () => {
    engine = createIoEngine();
    const fd = fileDesc(fs.openSync(path.join(dir, 'g'), 'w+'));
    fs.closeSync(fd);
    const buf = new Uint8Array(8);
    expect((await run({ op: 'Read', fd, buf, len: 8, offset: 0 })).result).toBe(-E.EBADF);
    expect((await run({ op: 'Write', fd, buf, len: 8, offset: 0 })).result).toBe(-E.EBADF);
    expect((await run({ op: 'Close', fd })).result).toBe(-E.EBADF);
  });

  it('Timeout completes after its duration; poll(0) does not wait; poll(ms) gives up', async () => {
    engine = createIoEngine();
    const t0 = performance.now();
    const id = engine.submit({ op: 'Timeout', durationMs: 30 });
    expect(await engine.poll(0)).toEqual([]);
    expect(await engine.poll(5)).toEqual([]);
    expect(await engine.poll()).toEqual([{ submissionId: id, result: 0, flags: 0 }]);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(29);
    expect(await engine.poll()).toEqual([]); // nothing in flight: returns at once
  });
});

describe('I/O engine: loopback sockets', () => {
  it('Accept, Connect, Send, Recv both ways, end of stream, Close', async () => {
    engine = createIoEngine();
    const listener = await engine.listen({ host: '127.0.0.1', port: 0 });
    expect(listener.address.port).toBeGreaterThan(0);
    const client = engine.socket();
    expect(client).toBeGreaterThanOrEqual(SOCKET_FD_BASE);
    const acc = engine.submit({ op: 'Accept', fd: listener.fd });
    const con = engine.submit({ op: 'Connect', fd: client, address: listener.address });
    const got = new Map<number, CompletionResult>();
    while (got.size < 2) for (const c of await engine.poll()) got.set(c.submissionId, c);
    expect(got.get(con)!.result).toBe(0);
    const server = fileDesc(got.get(acc)!.result);
    expect(got.get(acc)!.address).toMatchObject({ host: '127.0.0.1' });

    const msg = new TextEncoder().encode('hello over loopback');
    expect((await run({ op: 'Send', fd: client, buf: msg, len: msg.length, flags: 0 })).result).toBe(msg.length);
    const buf = new Uint8Array(64);
    let n = 0;
    while (n < msg.length) n += (await run({ op: 'Recv', fd: server, buf: buf.subarray(n), len: 64 - n, flags: 0 })).result;
    expect(new TextDecoder().decode(buf.subarray(0, n))).toBe('hello over loopback');

    // A Recv submitted before the data arrives waits for it.
    const pending = engine.submit({ op: 'Recv', fd: client, buf, len: 5, flags: 0 });
    expect(await engine.poll(10)).toEqual([]);
    engine.submit({ op: 'Send', fd: server, buf: msg, len: 5, flags: 0 });
    const both: CompletionResult[] = [];
    while (both.length < 2) both.push(...(await engine.poll()));
    expect(both.find((c) => c.submissionId === pending)!.result).toBe(5);
    expect(new TextDecoder().decode(buf.subarray(0, 5))).toBe('hello');

    // Closing one side: the other reads end of stream (0).
    expect((await run({ op: 'Close', fd: server })).result).toBe(0);
    expect((await run({ op: 'Recv', fd: client, buf, len: 8, flags: 0 })).result).toBe(0);
    expect((await run({ op: 'Close', fd: client })).result).toBe(0);
    expect((await run({ op: 'Close', fd: client })).result).toBe(-E.EBADF);
    expect((await run({ op: 'Close', fd: listener.fd })).result).toBe(0);
  });

  it('a refused connection completes with -ECONNREFUSED', async () => {
    engine = createIoEngine();
    // A port that was just free: bind, note it, close.
    const port = await new Promise<number>((r) => {
      const s = net.createServer().listen(0, '127.0.0.1', () => {
        const p = (s.address() as net.AddressInfo).port;
        s.close(() => r(p));
      });
    });
    const fd = engine.socket();
    expect((await run({ op: 'Connect', fd, address: { host: '127.0.0.1', port } })).result).toBe(-E.ECONNREFUSED);
  });

  it('socket misuse completes with the errno the kernel would give', async () => {
    engine = createIoEngine();
    const fd = engine.socket();
    const buf = new Uint8Array(4);
    expect((await run({ op: 'Send', fd, buf, len: 4, flags: 0 })).result).toBe(-E.ENOTCONN);
    expect((await run({ op: 'Accept', fd })).result).toBe(-E.EINVAL);
    expect((await run({ op: 'Read', fd, buf, len: 4, offset: 0 })).result).toBe(-E.ESPIPE);
    expect((await run({ op: 'Recv', fd: fileDesc(SOCKET_FD_BASE + 99999), buf, len: 4, flags: 0 })).result).toBe(-E.EBADF);
  });
});

describe('I/O engine: shutdown and refusals', () => {
  it('shutdown completes everything pending with -ECANCELED and refuses new work', async () => {
    engine = createIoEngine();
    const listener = await engine.listen({ host: '127.0.0.1', port: 0 });
    const a = engine.submit({ op: 'Accept', fd: listener.fd });
    const t = engine.submit({ op: 'Timeout', durationMs: 60_000 });
    expect(engine.pending).toBe(2);
    engine.shutdown();
    const done = await engine.poll();
    expect(done.map((c) => [c.submissionId, c.result]).sort()).toEqual([
      [a, -E.ECANCELED],
      [t, -E.ECANCELED],
    ]);
    expect(engine.pending).toBe(0);
    expect(() => engine.submit({ op: 'Timeout', durationMs: 1 })).toThrow(IoError);
    expect(() => engine.socket()).toThrow(expect.objectContaining({ reason: 'Shutdown' }));
  });

  it('queue depth and bad operations are refused at submit, with no effect', () => {
    engine = createIoEngine({ queueDepth: 2 });
    engine.submit({ op: 'Timeout', durationMs: 50 });
    engine.submit({ op: 'Timeout', durationMs: 50 });
    expect(() => engine.submit({ op: 'Timeout', durationMs: 50 })).toThrow(expect.objectContaining({ kind: 'IoError', reason: 'QueueFull' }));
    expect(engine.pending).toBe(2);
    const fd = fileDesc(0);
    expect(() => engine.submit({ op: 'Read', fd, buf: new Uint8Array(4), len: 5, offset: 0 })).toThrow(InvalidArgument);
    expect(() => engine.submit({ op: 'Write', fd, buf: new Uint8Array(4), len: 4, offset: -1 })).toThrow(InvalidArgument);
    expect(() => engine.submit({ op: 'Fsync', fd } as unknown as CompletionOp)).toThrow(InvalidArgument);
    expect(() => createIoEngine({ queueDepth: 0 })).toThrow(InvalidArgument);
  });
});
