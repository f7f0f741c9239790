// Byte-range locks across two real processes: this test process and a child holding
// locks through the same public API on its own descriptor of the same file.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { installHostOs } from '../../../host-sim/os/index.js';
import {
  fileDesc,
  tryLock,
  unlock,
  tryLockByteExclusive,
  tryLockByteShared,
  osBackend,
  LockKind,
  LockConflict,
  LockIoError,
  LockAlreadyReleased,
  InvalidArgument,
  OSError,
  type FileDesc,
} from '../../../src/index.js';

const root = path.resolve(import.meta.dirname, '../../..');
let dir: string;
let file: string;
let fd: FileDesc;

interface Reply {
  ok: boolean;
  id?: number;
  kind?: string;
  ownerPid?: number | null;
  pid?: number;
}

class Peer {
  readonly proc: ChildProcessWithoutNullStreams;
  readonly #lines: AsyncIterator<string>;
  constructor() {
    this.proc = spawn(process.execPath, ['--import', path.join(root, 'tools/ts-register.js'), path.join(import.meta.dirname, 'lock-child.ts'), file], {
      stdio: 'pipe',
    });
    this.#lines = readline.createInterface({ input: this.proc.stdout })[Symbol.asyncIterator]();
  }
  async next(): Promise<Reply> {
    const r = await this.#lines.next();
    if (r.done) throw new Error('lock child ended');
    return JSON.parse(r.value) as Reply;
  }
  async send(cmd: object): Promise<Reply> {
    this.proc.stdin.write(JSON.stringify(cmd) + '\n');
    return this.next();
  }
  lock(start: number, length: number, kind: LockKind) {
    return this.send({ op: 'lock', start, length, kind });
  }
  unlock(id: number) {
    return this.send({ op: 'unlock', id });
  }
  async kill(): Promise<void> {
    if (this.proc.exitCode !== null || this.proc.signalCode !== null) return;
    const gone = new Promise((r) => this.proc.once('exit', r));
    this.proc.kill('SIGKILL');
    await gone;
  }
}

const peers: Peer[] = [];
async function peer(): Promise<Peer> {
  const p = new Peer();
  peers.push(p);
  expect((await p.next()).pid).toBe(p.proc.pid);
  return p;
}

beforeAll(() => {
  installHostOs();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vllsi-lock-'));
  file = path.join(dir, 'db');
  fs.writeFileSync(file, Buffer.alloc(4096));
  fd = fileDesc(fs.openSync(file, 'r+'));
});
afterEach(async () => {
  await Promise.all(peers.splice(0).map((p) => p.kill()));
  osBackend()!.unlockRegion(fd, 0, -1); // whatever this process still holds
});
afterAll(() => {
  fs.closeSync(fd);
  fs.rmSync(dir, { recursive: true, force: true });
});

const conflict = (f: () => unknown) => {
  try {
    f();
  } catch (e) {
    return e;
  }
  throw new Error('expected a conflict');
};

describe('locking: two processes', () => {
  it('an exclusive lock here is a conflict there, and the other way round', async () => {
    const p = await peer();
    const mine = tryLock(fd, { start: 0, length: 10 }, LockKind.Exclusive);
    expect(await p.lock(5, 10, 'Shared')).toMatchObject({ ok: false, kind: 'LockConflict' });
    expect(await p.lock(10, 5, 'Exclusive')).toMatchObject({ ok: true }); // no overlap
    const e = conflict(() => tryLock(fd, { start: 12, length: 1 }, LockKind.Shared));
    expect(e).toBeInstanceOf(LockConflict);
    expect((e as LockConflict).region).toEqual({ start: 12, length: 1 });
    unlock(mine);
  });

  it('shared locks coexist; an exclusive one then conflicts with either', async () => {
    const p = await peer();
    const mine = tryLockByteShared(fd, 100);
    expect(await p.lock(100, 1, 'Shared')).toMatchObject({ ok: true });
    expect(await p.lock(100, 1, 'Exclusive')).toMatchObject({ ok: false, kind: 'LockConflict' });
    // The child's shared lock blocks an exclusive upgrade here too.
    expect(conflict(() => tryLockByteExclusive(fd, 100))).toBeInstanceOf(LockConflict);
    unlock(mine);
  });

  it('unlock releases: the other process gets the bytes afterwards', async () => {
    const p = await peer();
    const got = await p.lock(0, -1, 'Exclusive'); // whole file, to EOF
    expect(got.ok).toBe(true);
    expect(conflict(() => tryLock(fd, { start: 1_000_000, length: 1 }, LockKind.Shared))).toBeInstanceOf(LockConflict); // EOF-relative: beyond the size too
    expect(await p.unlock(got.id!)).toMatchObject({ ok: true });
    const h = tryLock(fd, { start: 0, length: -1 }, LockKind.Exclusive);
    expect(await p.lock(0, 1, 'Shared')).toMatchObject({ ok: false });
    unlock(h);
    expect(await p.lock(0, 1, 'Shared')).toMatchObject({ ok: true });
  });

  it('a lock dies with its process (SIGKILL, no unlock)', async () => {
    const p = await peer();
    expect(await p.lock(200, 50, 'Exclusive')).toMatchObject({ ok: true });
    expect(conflict(() => tryLock(fd, { start: 220, length: 1 }, LockKind.Shared))).toBeInstanceOf(LockConflict);
    await p.kill();
    const h = tryLock(fd, { start: 200, length: 50 }, LockKind.Exclusive);
    unlock(h);
  });

  it('OFD semantics on Linux: two descriptors in one process conflict like two processes', () => {
    if (process.platform !== 'linux') return;
    const other = fileDesc(fs.openSync(file, 'r+'));
    try {
      const h = tryLock(fd, { start: 300, length: 1 }, LockKind.Exclusive);
      expect(conflict(() => tryLock(other, { start: 300, length: 1 }, LockKind.Shared))).toBeInstanceOf(LockConflict);
      unlock(h);
      unlock(tryLock(other, { start: 300, length: 1 }, LockKind.Shared));
    } finally {
      fs.closeSync(other);
    }
  });

  it("walks SQLite's lock protocol: SHARED → RESERVED → PENDING → EXCLUSIVE against a second process", async () => {
    // SQLite's lock bytes (os_unix.c): PENDING_BYTE 0x40000000, RESERVED_BYTE +1, SHARED_FIRST +2, SHARED_SIZE 510.
    const PENDING = 0x40000000;
    const RESERVED = PENDING + 1;
    const SHARED = { start: PENDING + 2, length: 510 };
    const reader = await peer();

    // Writer (this process) to SHARED: take PENDING shared briefly, then the shared range.
    const pend = tryLockByteShared(fd, PENDING);
    const shared = tryLock(fd, SHARED, LockKind.Shared);
    unlock(pend);
    // Reader to SHARED the same way: both readers coexist.
    const rp = await reader.lock(PENDING, 1, 'Shared');
    expect(rp.ok).toBe(true);
    const rs = await reader.lock(SHARED.start, SHARED.length, 'Shared');
    expect(rs.ok).toBe(true);
    expect((await reader.unlock(rp.id!)).ok).toBe(true);

    // Writer to RESERVED; the reader cannot also reserve.
    const reserved = tryLockByteExclusive(fd, RESERVED);
    expect(await reader.lock(RESERVED, 1, 'Exclusive')).toMatchObject({ ok: false, kind: 'LockConflict' });

    // Writer to PENDING: new readers are kept out (they take PENDING shared first) …
    const pending = tryLockByteExclusive(fd, PENDING);
    expect(await reader.lock(PENDING, 1, 'Shared')).toMatchObject({ ok: false, kind: 'LockConflict' });
    // … but EXCLUSIVE waits while the existing reader keeps its SHARED lock.
    expect(conflict(() => tryLock(fd, SHARED, LockKind.Exclusive))).toBeInstanceOf(LockConflict);

    // The reader finishes; EXCLUSIVE succeeds (the shared range is upgraded in place).
    expect((await reader.unlock(rs.id!)).ok).toBe(true);
    const exclusive = tryLock(fd, SHARED, LockKind.Exclusive);
    expect(await reader.lock(SHARED.start + 7, 1, 'Shared')).toMatchObject({ ok: false, kind: 'LockConflict' });

    // Back to no lock: unlock the lot; the reader can start again.
    unlock(exclusive);
    unlock(pending);
    unlock(reserved);
    // The shared handle's bytes went with the upgrade's unlock (POSIX locks do not stack);
    // unlocking it is harmless and consumes it.
    expect(shared.held).toBe(true);
    unlock(shared);
    expect(shared.held).toBe(false);
    expect((await reader.lock(PENDING, 1, 'Shared')).ok).toBe(true);
    expect((await reader.lock(SHARED.start, SHARED.length, 'Shared')).ok).toBe(true);
    expect((await reader.lock(RESERVED, 1, 'Exclusive')).ok).toBe(true);
  });
});

describe('locking: handles and errors', () => {
  it('unlock consumes the handle: a second unlock is LockAlreadyReleased', () => {
    const h = tryLockByteExclusive(fd, 7);
    expect(h.held).toBe(true);
    unlock(h);
    expect(h.held).toBe(false);
    expect(() => unlock(h)).toThrow(LockAlreadyReleased);
  });

  it('a closed descriptor is a LockIoError carrying EBADF', () => {
    const tmp = fileDesc(fs.openSync(file, 'r'));
    fs.closeSync(tmp);
    const e = conflict(() => tryLock(tmp, { start: 0, length: 1 }, LockKind.Shared));
    expect(e).toBeInstanceOf(LockIoError);
    expect((e as LockIoError).cause).toBeInstanceOf(OSError);
    expect((e as LockIoError).cause.errname).toBe('EBADF');
  });

  it('an exclusive lock on a read-only descriptor is an IoError (EBADF), not a conflict', () => {
    const ro = fileDesc(fs.openSync(file, 'r'));
    try {
      expect(conflict(() => tryLock(ro, { start: 0, length: 1 }, LockKind.Exclusive))).toBeInstanceOf(LockIoError);
    } finally {
      fs.closeSync(ro);
    }
  });

  it.each([
    [{ start: -1, length: 1 }],
    [{ start: 0, length: 0 }],
    [{ start: 0, length: -2 }],
    [{ start: 1.5, length: 1 }],
    [{ start: Number.MAX_SAFE_INTEGER, length: 2 }],
  ])('region %j is refused before anything is locked', (region) => {
    expect(() => tryLock(fd, region, LockKind.Exclusive)).toThrow(InvalidArgument);
  });
});
