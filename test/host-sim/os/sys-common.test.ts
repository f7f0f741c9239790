// sys.common on the real host: positional I/O, metadata, access, durability calls and
// randomness against real files, through the public API and the running platform's backend.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { hostOsBackend, installHostOs } from '../../../host-sim/os/index.js';
import {
  pread,
  pwrite,
  fileSize,
  truncate,
  access,
  fullFsync,
  syncDirectory,
  randomBytes,
  fileDesc,
  F_OK,
  R_OK,
  W_OK,
  X_OK,
  OSError,
  InvalidArgument,
  installOsBackend,
  type FileDesc,
} from '../../../src/index.js';

let dir: string;
let file: string;
let fd: FileDesc;
beforeAll(() => {
  installHostOs();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vllsi-common-'));
  file = path.join(dir, 'data');
  fd = fileDesc(fs.openSync(file, 'w+'));
});
afterAll(() => {
  fs.closeSync(fd);
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('sys.common: positional I/O', () => {
  it('pread/pwrite round-trip at any offset and never move the descriptor offset', () => {
    const probe = fileDesc(fs.openSync(path.join(dir, 'probe'), 'w+'));
    try {
      fs.writeSync(probe, Buffer.from('abc')); // offset now 3
      fc.assert(
        fc.property(fc.uint8Array({ minLength: 1, maxLength: 300 }), fc.nat({ max: 5000 }), (bytes, at) => {
          expect(pwrite(probe, bytes, at + 3)).toBe(bytes.length);
          const back = new Uint8Array(bytes.length);
          expect(pread(probe, back, at + 3)).toBe(bytes.length);
          expect(back).toEqual(bytes);
        }),
        { numRuns: 200 },
      );
      // A relative write lands at offset 3: pread/pwrite left the offset alone.
      fs.writeSync(probe, Buffer.from('Z'));
      const b = Buffer.alloc(4);
      pread(probe, b, 0);
      expect(b.toString()).toBe('abcZ');
    } finally {
      fs.closeSync(probe);
    }
  });

  it('pread at or past end of file returns 0; a short read returns what is there', () => {
    truncate(fd, 0);
    pwrite(fd, new Uint8Array([1, 2, 3]), 0);
    const buf = new Uint8Array(8);
    expect(pread(fd, buf, 3)).toBe(0);
    expect(pread(fd, buf, 100)).toBe(0);
    expect(pread(fd, buf, 1)).toBe(2);
    expect(Array.from(buf.subarray(0, 2))).toEqual([2, 3]);
  });

  it('fileSize follows pwrite past the end and truncate both ways', () => {
    truncate(fd, 0);
    expect(fileSize(fd)).toBe(0);
    pwrite(fd, new Uint8Array(10), 4090);
    expect(fileSize(fd)).toBe(4100);
    truncate(fd, 5);
    expect(fileSize(fd)).toBe(5);
    truncate(fd, 1 << 20);
    expect(fileSize(fd)).toBe(1 << 20);
    const tail = new Uint8Array(4);
    pread(fd, tail, (1 << 20) - 4);
    expect(Array.from(tail)).toEqual([0, 0, 0, 0]);
  });

  it('a closed descriptor is an OSError with EBADF and the OS number', () => {
    const f = fileDesc(fs.openSync(file, 'r'));
    fs.closeSync(f);
    for (const call of [() => pread(f, new Uint8Array(1), 0), () => fileSize(f), () => fullFsync(f)]) {
      expect(call).toThrow(OSError);
      try {
        call();
      } catch (e) {
        expect((e as OSError).code).toBe(os.constants.errno.EBADF);
        expect((e as OSError).errname).toBe('EBADF');
        expect((e as OSError).message).toMatch(/EBADF \(9\): bad file descriptor/);
      }
    }
  });

  it('bad arguments are refused before the OS is asked', () => {
    expect(() => pread(fd, new Uint8Array(1), -1)).toThrow(InvalidArgument);
    expect(() => pwrite(fd, [1] as unknown as Uint8Array, 0)).toThrow(InvalidArgument);
    expect(() => truncate(fd, 1.5)).toThrow(InvalidArgument);
    expect(() => fileSize(-1 as FileDesc)).toThrow(InvalidArgument);
    expect(() => access(file, 8)).toThrow(InvalidArgument);
    expect(() => access('', F_OK)).toThrow(InvalidArgument);
  });
});

describe('sys.common: access', () => {
  it('true for what is allowed, false for a plain no', () => {
    fs.chmodSync(file, 0o640);
    expect(access(file, F_OK)).toBe(true);
    expect(access(file, R_OK | W_OK)).toBe(true);
    expect(access(path.join(dir, 'nope'), F_OK)).toBe(false);
    expect(access(path.join(file, 'under-a-file'), F_OK)).toBe(false); // ENOTDIR is a plain no
    expect(access(file, X_OK)).toBe(false); // no x bit at all: a no even for root
  });

  it('a real failure (name too long, symlink loop) is an OSError', () => {
    expect(() => access(path.join(dir, 'x'.repeat(5000)), F_OK)).toThrow(OSError);
    const loop = path.join(dir, 'loop');
    fs.symlinkSync(loop, loop);
    try {
      access(loop, F_OK);
      expect.unreachable();
    } catch (e) {
      expect((e as OSError).errname).toBe('ELOOP');
      expect((e as OSError).code).toBe(os.constants.errno.ELOOP);
    }
  });
});

describe('sys.common: durability calls and randomness', () => {
  it('fullFsync and syncDirectory succeed on real files and directories, fail on missing ones', () => {
    pwrite(fd, new Uint8Array([9]), 0);
    fullFsync(fd);
    syncDirectory(dir);
    expect(() => syncDirectory(path.join(dir, 'missing'))).toThrow(OSError);
  });

  it('randomBytes fills the buffer with fresh bytes', () => {
    const a = new Uint8Array(64);
    const b = new Uint8Array(64);
    randomBytes(a);
    randomBytes(b);
    expect(a).not.toEqual(b);
    expect(new Set(a).size).toBeGreaterThan(16); // 64 random bytes: ~55 distinct values expected
    randomBytes(new Uint8Array(0));
  });

  it('with no backend installed every call refuses with NoOsBackend, and works again once installed', () => {
    const prev = installOsBackend(undefined);
    try {
      expect(() => fileSize(fd)).toThrow(expect.objectContaining({ kind: 'NoOsBackend' }));
      expect(() => randomBytes(new Uint8Array(1))).toThrow(/no OS backend is installed/);
    } finally {
      installOsBackend(prev);
    }
    expect(fileSize(fd)).toBeGreaterThan(0);
  });

  it('the running platform picks its backend', () => {
    expect(hostOsBackend().name).toBe(process.platform === 'win32' ? 'windows' : process.platform);
    expect(() => hostOsBackend('plan9')).toThrow(InvalidArgument);
  });
});
