// sys.durability on the real host: atomicWrite's contract, and the crash test (a child
// rewriting a file in a loop, SIGKILLed at random moments) in its short form.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { installHostOs } from '../../../host-sim/os/index.js';
import { atomicWrite, parentDirectory, NotRegularFile, OSError, InvalidArgument } from '../../../src/index.js';
import { runCrashTest, formatReport } from '../../../tools/crash/harness.js';
import { checkVersion, versionBytes } from '../../../tools/crash/content.js';

let dir: string;
beforeAll(() => {
  installHostOs();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vllsi-durable-'));
});
afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('atomicWrite', () => {
  it('creates or replaces the file with exactly the bytes, leaving no temp file', () => {
    const file = path.join(dir, 'a');
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 20000 }), (bytes) => {
        atomicWrite(file, bytes);
        expect(new Uint8Array(fs.readFileSync(file))).toEqual(bytes);
      }),
      { numRuns: 50 },
    );
    expect(fs.readdirSync(dir)).toEqual(['a']);
  });

  it('a failure leaves the target untouched and removes the temp file', () => {
    const target = path.join(dir, 'is-a-dir');
    fs.mkdirSync(target);
    fs.writeFileSync(path.join(target, 'inside'), 'keep');
    expect(() => atomicWrite(target, new Uint8Array([1]))).toThrow(NotRegularFile); // refused before any effect
    expect(fs.readFileSync(path.join(target, 'inside'), 'utf8')).toBe('keep');
    expect(fs.readdirSync(dir).filter((f) => f.includes('.tmp-'))).toEqual([]);
    expect(() => atomicWrite(path.join(dir, 'no/such/dir/f'), new Uint8Array([1]))).toThrow(OSError);
    expect(() => atomicWrite(path.join(dir, 'x'), 'text' as unknown as Uint8Array)).toThrow(InvalidArgument);
    expect(fs.existsSync(path.join(dir, 'x'))).toBe(false);
  });

  it.each([
    ['/a/b/c', '/a/b'],
    ['/a', '/'],
    ['name', '.'],
    ['dir/name', 'dir'],
    ['C:\\data\\f', 'C:\\data'],
    ['C:\\f', 'C:\\'],
  ])('parentDirectory(%s) is %s', (p, want) => {
    expect(parentDirectory(p)).toBe(want);
  });

  it('crash content checks itself: any single changed or missing byte is torn', () => {
    const good = versionBytes(41);
    expect(checkVersion(good)).toBe(41);
    expect(checkVersion(good.subarray(0, good.length - 1))).toBe('torn');
    const flipped = good.slice();
    flipped[flipped.length - 3]! ^= 1;
    expect(checkVersion(flipped)).toBe('torn');
    expect(checkVersion(new Uint8Array(0))).toBe('torn');
  });
});

describe('crash test (short form; `npm run test:crash` runs 1000)', () => {
  it('50 SIGKILLs at random moments: never torn, never missing, never older', async () => {
    const r = await runCrashTest(50);
    expect(formatReport(r)).toBe('50 crashes, 0 torn, 0 missing');
    expect(r.wentBack).toBe(0);
    expect(r.versions).toBeGreaterThan(0); // the child really was writing between kills (how many depends on machine load)
  }, 120_000);
});
