// The three backends' logic, run here on whatever host we are: each maps the errors it sees
// to its own OS's numbers, knows which lock errors are conflicts, how it syncs, and which
// signals exist. (Only the running platform's backend can do real OS work faithfully; the
// others are exercised for their tables and decisions, which are the platform-specific part.)
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { linuxBackend, darwinBackend, windowsBackend, installHostOs } from '../../../host-sim/os/index.js';
import { linuxTable } from '../../../host-sim/os/linux.js';
import { darwinTable } from '../../../host-sim/os/darwin.js';
import { windowsTable } from '../../../host-sim/os/windows.js';
import { access, F_OK, fileDesc, fileSize, installOsBackend, onSignal, syncDirectory, OSError, UnsupportedSignal, type OsBackend } from '../../../src/index.js';

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vllsi-backends-'));
});
afterEach(() => {
  installHostOs();
});
afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

function thrown(f: () => unknown): OSError {
  try {
    f();
  } catch (e) {
    if (e instanceof OSError) return e;
    throw e;
  }
  throw new Error('expected an OSError');
}

/** A real symlink loop: every backend sees ELOOP from the host and reports it in its OS's numbers. */
function loopPath(): string {
  const p = path.join(dir, `loop-${Math.random().toString(36).slice(2)}`);
  fs.symlinkSync(p, p);
  return p;
}

describe.each([
  ['linux', linuxBackend, { ELOOP: 40, EBADF: 9, ECANCELED: 125, EAGAIN: 11 }],
  ['darwin', darwinBackend, { ELOOP: 62, EBADF: 9, ECANCELED: 89, EAGAIN: 35 }],
  ['windows', windowsBackend, { ELOOP: 1921, EBADF: 6, ECANCELED: 995, EAGAIN: 10035 }],
] as const)('%s backend', (name, make, codes) => {
  it('names itself and gives its own errno numbers', () => {
    const b = make();
    expect(b.name).toBe(name);
    for (const [n, c] of Object.entries(codes)) expect([n, b.errno(n)]).toEqual([n, c]);
    expect(() => b.errno('ENOTANERROR')).toThrow(OSError);
  });

  it('a real failure reaches the caller as an OSError with this OS’s code and name', () => {
    installOsBackend(make());
    const e = thrown(() => access(loopPath(), F_OK));
    expect(e.code).toBe(codes.ELOOP);
    expect(e.errname).toBe('ELOOP');
    expect(e.message).toContain(`(${codes.ELOOP})`);
    const closed = fileDesc(fs.openSync(path.join(dir, 'x'), 'w'));
    fs.closeSync(closed);
    expect(thrown(() => fileSize(closed)).code).toBe(codes.EBADF);
  });
});

describe('platform decisions', () => {
  it('lock conflicts: EAGAIN or EACCES on POSIX (per OS numbers), ERROR_LOCK_VIOLATION on Windows', () => {
    expect(linuxTable.lockConflictCodes).toEqual([11, 13]);
    expect(darwinTable.lockConflictCodes).toEqual([35, 13]);
    expect(windowsTable.lockConflictCodes).toEqual([33]);
    expect(windowsTable.nameOf(33)).toBe('ERROR_LOCK_VIOLATION');
    expect(windowsTable.nameOf(158)).toBe('ERROR_NOT_LOCKED');
    expect(darwinTable.nameOf(35)).toBe('EAGAIN');
    expect(linuxTable.nameOf(95)).toBe('EOPNOTSUPP');
  });

  it('full sync: fdatasync on Linux; libuv fsync (F_FULLFSYNC / FlushFileBuffers) on macOS and Windows', () => {
    expect(linuxTable.fullSync).toBe('fdatasync');
    expect(darwinTable.fullSync).toBe('fsync');
    expect(windowsTable.fullSync).toBe('fsync');
  });

  it('Windows syncDirectory does no flush but still refuses a missing path or a file', () => {
    installOsBackend(windowsBackend());
    syncDirectory(dir);
    expect(thrown(() => syncDirectory(path.join(dir, 'missing'))).code).toBe(2); // ERROR_FILE_NOT_FOUND
    fs.writeFileSync(path.join(dir, 'plain'), '');
    expect(thrown(() => syncDirectory(path.join(dir, 'plain'))).code).toBe(267); // ERROR_DIRECTORY
  });

  it('signals: SIGTERM does not exist on Windows; non-portable signals are refused everywhere', () => {
    const handler = () => {};
    for (const b of [linuxBackend(), darwinBackend(), windowsBackend()] as OsBackend[]) {
      installOsBackend(b);
      expect(() => onSignal('SIGKILL' as 'SIGINT', handler)).toThrow(UnsupportedSignal);
      expect(() => onSignal('SIGUSR1' as 'SIGINT', handler)).toThrow(/SIGUSR1.*cannot be handled on/);
    }
    installOsBackend(windowsBackend());
    expect(() => onSignal('SIGTERM', handler)).toThrow(UnsupportedSignal);
    onSignal('SIGHUP', handler)();
  });

  it('an error name Windows has no entry for keeps the libuv number, negated', () => {
    const e = windowsBackend().osError(Object.assign(new Error('x'), { code: 'EFBIG', errno: -27 }), 'write');
    expect(e.code).toBe(27);
    expect(e.errname).toBe('EFBIG');
  });
});
