// Adversarial tests of file and lock integrity on the real host: atomicWrite's refusals come
// before any effect, non-regular targets, symlinks, long names, stale temp files, a
// directory sync of a file, and lock handles whose descriptor number was reused.
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { installHostOs } from '../../../host-sim/os/index.js';
import {
  atomicWrite,
  removeStaleTempFiles,
  syncDirectory,
  sandbox,
  fileDesc,
  tryLock,
  unlock,
  osBackend,
  LockKind,
  LockHandleStale,
  LockAlreadyReleased,
  LockConflict,
  NotRegularFile,
  OSError,
  PermissionDenied,
  InvalidArgument,
} from '../../../src/index.js';

let dir: string;
beforeAll(() => {
  installHostOs();
  dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'vllsi-integrity-')));
});
afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

const listing = () => fs.readdirSync(dir).sort();
const bytes = (s: string) => new TextEncoder().encode(s);

describe('atomicWrite: every check before the first effect', () => {
  it('works under an allow policy naming only the path (no fd: rules needed)', () => {
    const file = path.join(dir, 'allowed.json');
    sandbox({ allow: [{ scope: 'file', prefix: file }, { scope: 'random' }] }, () => atomicWrite(file, bytes('new')));
    expect(fs.readFileSync(file, 'utf8')).toBe('new');
    expect(listing().filter((n) => n.includes('.tmp-'))).toEqual([]);
  });

  it('a denied path is refused with nothing created, no temp file, the old content intact', () => {
    const file = path.join(dir, 'denied.json');
    fs.writeFileSync(file, 'old');
    const before = listing();
    expect(() => sandbox({ deny: [{ scope: 'file', prefix: file }] }, () => atomicWrite(file, bytes('new')))).toThrow(PermissionDenied);
    expect(fs.readFileSync(file, 'utf8')).toBe('old');
    expect(listing()).toEqual(before);
  });
});

describe('atomicWrite: non-regular targets are refused with a typed error', () => {
  it('a FIFO, a socket, a directory and a device node stay what they were', async () => {
    const fifo = path.join(dir, 'fifo');
    execFileSync('mkfifo', [fifo]);
    const sock = path.join(dir, 'sock');
    const server = net.createServer();
    await new Promise<void>((r) => server.listen(sock, r));
    const sub = path.join(dir, 'sub');
    fs.mkdirSync(sub);
    try {
      for (const [target, kind] of [
        [fifo, 'fifo'],
        [sock, 'socket'],
        [sub, 'directory'],
        ['/dev/null', 'device'],
        ['/dev/full', 'device'],
      ] as const) {
        const e = (() => {
          try {
            atomicWrite(target, bytes('x'));
          } catch (err) {
            return err;
          }
        })();
        expect(e, target).toBeInstanceOf(NotRegularFile);
        expect((e as NotRegularFile).fileKind).toBe(kind);
      }
      expect(fs.lstatSync(fifo).isFIFO()).toBe(true);
      expect(fs.lstatSync(sock).isSocket()).toBe(true);
      expect(fs.statSync('/dev/null').isCharacterDevice()).toBe(true);
      expect(listing().filter((n) => n.includes('.tmp-'))).toEqual([]);
    } finally {
      server.close();
    }
  });

  it('a symlink is written through: the link stays, the file it names gets the bytes', () => {
    const real = path.join(dir, 'real.txt');
    const link = path.join(dir, 'link.txt');
    fs.writeFileSync(real, 'old');
    fs.symlinkSync(real, link);
    atomicWrite(link, bytes('through'));
    expect(fs.lstatSync(link).isSymbolicLink()).toBe(true);
    expect(fs.readFileSync(real, 'utf8')).toBe('through');
  });

  it('a dangling symlink and a symlink to a device are refused', () => {
    const dangling = path.join(dir, 'dangling');
    fs.symlinkSync(path.join(dir, 'nowhere'), dangling);
    expect(() => atomicWrite(dangling, bytes('x'))).toThrow(NotRegularFile);
    const dev = path.join(dir, 'to-null');
    fs.symlinkSync('/dev/null', dev);
    expect(() => atomicWrite(dev, bytes('x'))).toThrow(/a device, not a regular file/);
    expect(fs.existsSync(path.join(dir, 'nowhere'))).toBe(false);
  });
});

describe('atomicWrite: names up to NAME_MAX', () => {
  it('property: any name of 1..255 UTF-8 bytes is written, its temp name fits, none is left', () => {
    const sub = fs.mkdtempSync(path.join(dir, 'names-'));
    const char = fc.constantFrom('a', 'é', '文', '😀', '-', '_');
    fc.assert(
      fc.property(fc.array(char, { minLength: 1, maxLength: 255 }), fc.uint8Array({ maxLength: 64 }), (chars, data) => {
        let name = '';
        for (const c of chars) if (Buffer.byteLength(name + c) <= 255) name += c;
        const file = path.join(sub, name);
        atomicWrite(file, data);
        expect(new Uint8Array(fs.readFileSync(file))).toEqual(data);
        fs.unlinkSync(file);
        expect(fs.readdirSync(sub)).toEqual([]);
      }),
      { numRuns: 150 },
    );
  });

  it('removeStaleTempFiles removes the temp files a crash left (long names too) and nothing else', () => {
    const sub = fs.mkdtempSync(path.join(dir, 'stale-'));
    const long = 'n'.repeat(250);
    const file = path.join(sub, long);
    fs.writeFileSync(file, 'data');
    const cut = long.slice(0, 255 - 17);
    const stale = [`${cut}.tmp-0123456789ab`, `${cut}.tmp-ffffffffffff`];
    const keep = [
      `${cut}.tmp-0123`,
      `${cut}.tmp-0123456789a`,
      `${cut.slice(1)}.tmp-0123456789ab`,
      `${cut}.tmp-XYZ456789abc`.slice(0, 255),
      'other.tmp-0123456789ab',
      long,
    ];
    for (const n of [...stale, ...keep]) if (!fs.existsSync(path.join(sub, n))) fs.writeFileSync(path.join(sub, n), '');
    fs.mkdirSync(path.join(sub, `${cut}.tmp-aaaaaaaaaaaa`)); // a directory of that shape is not ours
    expect(
      removeStaleTempFiles(file)
        .map((p) => path.basename(p))
        .sort(),
    ).toEqual(stale.sort());
    expect(fs.readdirSync(sub).sort()).toEqual([...keep, `${cut}.tmp-aaaaaaaaaaaa`].sort());
    expect(removeStaleTempFiles(path.join(sub, 'short'))).toEqual([]);
  });
});

describe('syncDirectory', () => {
  it('of a regular file is an OSError (ENOTDIR), not a silent success', () => {
    const file = path.join(dir, 'plain');
    fs.writeFileSync(file, '');
    expect(() => syncDirectory(file)).toThrow(OSError);
    expect(() => syncDirectory(file)).toThrow(/ENOTDIR/);
    syncDirectory(dir);
  });
});

describe('lock handles are bound to the file they locked', () => {
  it('a stale handle (fd closed, number reused for another file) is LockHandleStale and frees nothing', () => {
    const a = path.join(dir, 'lock-a');
    const b = path.join(dir, 'lock-b');
    fs.writeFileSync(a, Buffer.alloc(16));
    fs.writeFileSync(b, Buffer.alloc(16));
    let stale = 0;
    for (let round = 0; round < 50; round++) {
      const fd1 = fileDesc(fs.openSync(a, 'r+'));
      const h1 = tryLock(fd1, { start: 0, length: 4 }, LockKind.Exclusive);
      fs.closeSync(fd1);
      const fd2 = fileDesc(fs.openSync(b, 'r+'));
      expect(fd2).toBe(fd1); // the number was reused
      const h2 = tryLock(fd2, { start: 0, length: 4 }, LockKind.Exclusive);
      try {
        unlock(h1);
      } catch (e) {
        expect(e).toBeInstanceOf(LockHandleStale);
        stale++;
      }
      expect(h1.held).toBe(true); // nothing was unlocked through it
      expect(h2.held).toBe(true);
      // Another open file description cannot take b's lock: h2 still holds it.
      const other = fileDesc(fs.openSync(b, 'r+'));
      expect(() => tryLock(other, { start: 0, length: 4 }, LockKind.Exclusive)).toThrow(LockConflict);
      fs.closeSync(other);
      unlock(h2);
      expect(() => unlock(h2)).toThrow(LockAlreadyReleased);
      fs.closeSync(fd2);
    }
    expect(stale).toBe(50);
  });

  it('a handle whose fd was closed and not reused is stale too', () => {
    const a = path.join(dir, 'lock-c');
    fs.writeFileSync(a, Buffer.alloc(16));
    const fd = fileDesc(fs.openSync(a, 'r+'));
    const h = tryLock(fd, { start: 0, length: 1 }, LockKind.Shared);
    fs.closeSync(fd);
    expect(() => unlock(h)).toThrow(LockHandleStale);
    expect(osBackend()).toBeDefined();
  });

  it('an out-of-range start is reported as the start, an overflowing end as the end', () => {
    const a = path.join(dir, 'lock-d');
    fs.writeFileSync(a, '');
    const fd = fileDesc(fs.openSync(a, 'r+'));
    try {
      for (const start of [-1, 1.5, NaN, Infinity, 2 ** 53, '0' as unknown as number]) {
        expect(() => tryLock(fd, { start, length: 1 }, LockKind.Shared)).toThrow(/invalid lock region start/);
      }
      expect(() => tryLock(fd, { start: Number.MAX_SAFE_INTEGER, length: 2 }, LockKind.Shared)).toThrow(/invalid lock region end/);
      for (const length of [0, -2, 0.5, NaN]) expect(() => tryLock(fd, { start: 0, length }, LockKind.Shared)).toThrow(InvalidArgument);
    } finally {
      fs.closeSync(fd);
    }
  });
});
