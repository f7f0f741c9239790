// The OS-facing API where there is no OS: on a device without a file system (and in XS
// here) every entry point refuses with NoOsBackend; arguments are checked first; and the
// I/O engine's own logic (ids, queue depth, shutdown) runs over a memory-backed driver
// standing in for the absent OS.
import { describe, it, expect, beforeEach, afterEach } from 'vitest';
import fc from 'fast-check';
import {
  pread,
  pwrite,
  fileSize,
  truncate,
  access,
  fullFsync,
  syncDirectory,
  randomBytes,
  tryLock,
  unlock,
  tryLockByteExclusive,
  tryLockByteShared,
  atomicWrite,
  parentDirectory,
  createIoEngine,
  getpid,
  gettid,
  exit,
  clockGettime,
  onSignal,
  installOsBackend,
  osBackend,
  fileDesc,
  NoOsBackend,
  InvalidArgument,
  IoError,
  IoEngine,
  LockHandle,
  LockKind,
  F_OK,
  CLOCK_MONOTONIC,
  type CompletionOp,
  type IoDriver,
  type CompletionResult,
  type SocketAddress,
} from '../../src/index.js';
import { runs } from '../support/env.js';

const fd = fileDesc(3);
const buf = new Uint8Array(4);

describe('os: no backend installed (a device without a file system)', () => {
  beforeEach(() => {
    installOsBackend(undefined);
  });

  it.each([
    { name: 'pread', call: () => pread(fd, buf, 0) },
    { name: 'pwrite', call: () => pwrite(fd, buf, 0) },
    { name: 'fileSize', call: () => fileSize(fd) },
    { name: 'truncate', call: () => truncate(fd, 0) },
    { name: 'access', call: () => access('/x', F_OK) },
    { name: 'fullFsync', call: () => fullFsync(fd) },
    { name: 'syncDirectory', call: () => syncDirectory('/') },
    { name: 'randomBytes', call: () => randomBytes(buf) },
    { name: 'tryLock', call: () => tryLock(fd, { start: 0, length: 1 }, LockKind.Shared) },
    { name: 'tryLock', call: () => tryLockByteExclusive(fd, 9) },
    { name: 'tryLock', call: () => tryLockByteShared(fd, 9) },
    { name: 'atomicWrite', call: () => atomicWrite('/f', buf) },
    { name: 'createIoEngine', call: () => createIoEngine() },
    { name: 'getpid', call: () => getpid() },
    { name: 'gettid', call: () => gettid() },
    { name: 'exit', call: () => exit(0) },
    { name: 'clockGettime', call: () => clockGettime(CLOCK_MONOTONIC) },
    { name: 'onSignal', call: () => onSignal('SIGINT', () => {}) },
  ])('$name refuses with NoOsBackend naming the operation', ({ name, call }) => {
    expect(osBackend()).toBeUndefined();
    expect(call).toThrow(NoOsBackend);
    expect(call).toThrow(`${name}: no OS backend is installed`);
  });

  it('bad arguments are reported before the missing backend', () => {
    expect(() => pread(fd, buf, -1)).toThrow(InvalidArgument);
    expect(() => pwrite(-3 as typeof fd, buf, 0)).toThrow(InvalidArgument);
    expect(() => access('/x', 9)).toThrow(InvalidArgument);
    expect(() => access('a\0b', F_OK)).toThrow(InvalidArgument);
    expect(() => tryLock(fd, { start: 0, length: 0 }, LockKind.Shared)).toThrow(InvalidArgument);
    expect(() => tryLock(fd, { start: 0, length: 1 }, 'Both' as LockKind)).toThrow(InvalidArgument);
    expect(() => unlock({} as LockHandle)).toThrow(InvalidArgument);
    expect(() => exit(300)).toThrow(InvalidArgument);
    expect(() => clockGettime(7 as 0)).toThrow(InvalidArgument);
    expect(() => createIoEngine({ queueDepth: -1 })).toThrow(InvalidArgument);
  });

  it('parentDirectory handles both separators and roots', () => {
    fc.assert(
      fc.property(fc.array(fc.stringMatching(/^[a-z0-9]{1,6}$/), { minLength: 1, maxLength: 5 }), (parts) => {
        const p = '/' + parts.join('/');
        expect(parentDirectory(p)).toBe(parts.length === 1 ? '/' : '/' + parts.slice(0, -1).join('/'));
        expect(parentDirectory(parts.join('\\'))).toBe(parts.length === 1 ? '.' : parts.slice(0, -1).join('\\'));
      }),
      runs(),
    );
  });
});

/** Memory "files" standing in for the OS: fd → bytes. Completions are asynchronous, as drivers must be. */
class MemoryDriver implements IoDriver {
  readonly kind = 'memory';
  readonly description = 'in-memory files for the engine logic tests';
  files = new Map<number, Uint8Array>();
  shutdowns = 0;
  start(op: Exclude<CompletionOp, { op: 'Timeout' }>, done: (r: number, a?: SocketAddress) => void): void {
    const file = 'fd' in op ? this.files.get(op.fd) : undefined;
    let r = -9; // EBADF
    if (file && op.op === 'Read') {
      const n = Math.max(0, Math.min(op.len, file.length - op.offset));
      op.buf.set(file.subarray(op.offset, op.offset + n));
      r = n;
    } else if (file && op.op === 'Write') {
      const grown = new Uint8Array(Math.max(file.length, op.offset + op.len));
      grown.set(file);
      grown.set(op.buf.subarray(0, op.len), op.offset);
      this.files.set(op.fd, grown);
      r = op.len;
    } else if (file && op.op === 'Close') {
      this.files.delete(op.fd);
      r = 0;
    }
    Promise.resolve().then(() => done(r));
  }
  timer(_ms: number, fn: () => void): () => void {
    let live = true;
    Promise.resolve().then(() => live && fn());
    return () => void (live = false);
  }
  socket(): never {
    throw new Error('no sockets in memory');
  }
  listen(): never {
    throw new Error('no sockets in memory');
  }
  shutdown(): void {
    this.shutdowns++;
  }
}

describe('I/O engine logic (memory driver)', () => {
  let driver: MemoryDriver;
  let engine: IoEngine;
  beforeEach(() => {
    driver = new MemoryDriver();
    driver.files.set(5, new Uint8Array(0));
    engine = new IoEngine(driver, { queueDepth: 8 }, 125);
  });
  afterEach(() => {
    engine.shutdown();
  });

  it('every submission completes exactly once with its own id, and writes land where they say', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.nat({ max: 64 }), fc.uint8Array({ minLength: 1, maxLength: 8 })), { minLength: 1, maxLength: 8 }),
        async (writes) => {
          const model = new Uint8Array(80);
          let size = 0;
          const ids = new Set<number>();
          for (const [offset, bytes] of writes) {
            ids.add(engine.submit({ op: 'Write', fd: fileDesc(5), buf: bytes, len: bytes.length, offset }));
            model.set(bytes, offset);
            size = Math.max(size, offset + bytes.length);
          }
          const seen: CompletionResult[] = [];
          while (seen.length < ids.size) seen.push(...(await engine.poll()));
          expect(seen.map((c) => c.submissionId).sort((a, b) => a - b)).toEqual([...ids].sort((a, b) => a - b));
          const file = driver.files.get(5)!;
          expect(file.subarray(0, size)).toEqual(model.subarray(0, size));
          driver.files.set(5, new Uint8Array(0));
        },
      ),
      runs(200, 500),
    );
  });

  it('a bad descriptor completes with a negative errno; the engine goes on', async () => {
    const id = engine.submit({ op: 'Read', fd: fileDesc(77), buf, len: 4, offset: 0 });
    expect(await engine.poll()).toEqual([{ submissionId: id, result: -9, flags: 0 }]);
    const t = engine.submit({ op: 'Timeout', durationMs: 1 });
    expect(await engine.poll()).toEqual([{ submissionId: t, result: 0, flags: 0 }]);
  });

  it('queue depth is enforced and frees up as completions arrive', async () => {
    for (let i = 0; i < 8; i++) engine.submit({ op: 'Timeout', durationMs: 1 });
    expect(() => engine.submit({ op: 'Timeout', durationMs: 1 })).toThrow(IoError);
    expect(engine.pending).toBe(8);
    let got = 0;
    while (got < 8) got += (await engine.poll()).length;
    engine.submit({ op: 'Timeout', durationMs: 1 });
  });

  it('shutdown cancels what is in flight with -ECANCELED, drops late completions, refuses new work', async () => {
    const a = engine.submit({ op: 'Read', fd: fileDesc(5), buf, len: 4, offset: 0 });
    const b = engine.submit({ op: 'Timeout', durationMs: 1 });
    engine.shutdown();
    engine.shutdown(); // idempotent
    expect(driver.shutdowns).toBe(1);
    expect(await engine.poll()).toEqual([
      { submissionId: a, result: -125, flags: 0 },
      { submissionId: b, result: -125, flags: 0 },
    ]);
    await Promise.resolve();
    expect(await engine.poll(0)).toEqual([]); // the Read's own completion was dropped
    expect(engine.isShutdown).toBe(true);
    expect(() => engine.submit({ op: 'Close', fd: fileDesc(5) })).toThrow(IoError);
  });
});
