// The Node half of the sandbox escape suite (the portable half, run in Node and XS, is
// test/portable/sandbox-escapes.test.ts): real files, real descriptors (opened before the
// sandbox, by vllsi or by Node, their numbers reused), the OS backend view over the host
// backend, and a second copy of the library (the bundle imported again under another URL).
// An attempt escapes when the denied file changed or was read, or when a bus access acting on
// the denied register reached the HAL.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { rollup } from 'rollup';
import { nodeResolve } from '@rollup/plugin-node-resolve';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { installHostOs } from '../../host-sim/os/index.js';
import { MemHal } from '../support/mem-hal.js';
import {
  PermissionDenied,
  fileDesc,
  bindHal,
  currentHal,
  fileSize,
  fullFsync,
  osBackend,
  pread,
  pwrite,
  sandbox,
  truncate,
  tryLock,
  unbindHal,
  volatileStore,
  type FileDesc,
  type OsBackend,
  type PermissionPolicy,
} from '../../src/index.js';
// @ts-expect-error plain JS build tooling
import { transpileTs } from '../../tools/rollup-plugins.js';

const root = path.resolve(import.meta.dirname, '../..');
let D: string;
let secret: string;
let view: OsBackend;
const R = 0x40000010;
const fds: FileDesc[] = [];

beforeAll(() => {
  installHostOs();
  view = osBackend()!;
  D = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'vllsi-escape-')));
  for (const d of ['secret', 'other', 'allowed']) fs.mkdirSync(path.join(D, d));
  secret = path.join(D, 'secret', 'f');
  fs.writeFileSync(secret, 'secret');
  fs.writeFileSync(path.join(D, 'allowed', 'a'), 'a');
  fs.symlinkSync(path.join(D, 'secret'), path.join(D, 'allowed', 'link'));
});
afterAll(() => {
  fs.rmSync(D, { recursive: true, force: true });
});

const DENY_SECRET = (): PermissionPolicy => ({
  deny: [
    { scope: 'file', prefix: `${D}/secret` },
    { scope: 'lock', prefix: `${D}/secret` },
  ],
});
const ALLOW_ALLOWED = (): PermissionPolicy => ({
  allow: [
    { scope: 'file', prefix: `${D}/allowed/` },
    { scope: 'lock', prefix: `${D}/allowed/` },
  ],
});

/** The attempts against real files; each gets descriptors made before its sandbox. */
function fileAttempts(): { name: string; policy: PermissionPolicy; attack: () => unknown }[] {
  const nodeFd = fileDesc(fs.openSync(secret, 'r+'));
  const viewFd = fileDesc(view.open(secret, { read: true, write: true }, 0));
  fds.push(nodeFd, viewFd);
  const buf = new Uint8Array([0x58]);
  const out: { name: string; policy: PermissionPolicy; attack: () => unknown }[] = [];
  for (const [policyName, policy] of [
    ['deny D/secret', DENY_SECRET()],
    ['allow D/allowed/', ALLOW_ALLOWED()],
  ] as const) {
    for (const [fdName, fd] of [
      ['opened by Node before', nodeFd],
      ['opened through osBackend() before', viewFd],
    ] as const) {
      out.push(
        { name: `${policyName}: pwrite of a descriptor ${fdName}`, policy, attack: () => pwrite(fd, buf, 0) },
        { name: `${policyName}: pread of a descriptor ${fdName}`, policy, attack: () => pread(fd, new Uint8Array(6), 0) },
        { name: `${policyName}: truncate of a descriptor ${fdName}`, policy, attack: () => truncate(fd, 0) },
        { name: `${policyName}: fileSize of a descriptor ${fdName}`, policy, attack: () => fileSize(fd) },
        { name: `${policyName}: fullFsync of a descriptor ${fdName}`, policy, attack: () => fullFsync(fd) },
        { name: `${policyName}: tryLock of a descriptor ${fdName}`, policy, attack: () => tryLock(fd, { start: 0, length: 1 }, 'Exclusive') },
        { name: `${policyName}: the backend view's pwrite of a descriptor ${fdName}`, policy, attack: () => view.pwrite(fd, buf, 0) },
        { name: `${policyName}: the backend view's tryLockRegion of a descriptor ${fdName}`, policy, attack: () => view.tryLockRegion(fd, 'Exclusive', 0, 1) },
      );
    }
    for (const spelling of [
      `${D}/secret/f`,
      `${D}/./secret/f`,
      `${D}//secret/f`,
      `${D}/other/../secret/f`,
      `${D}/allowed/../secret/f`,
      `${D}/allowed/link/f`,
      path.relative(process.cwd(), secret),
    ]) {
      out.push({ name: `${policyName}: the backend view opens ${spelling}`, policy, attack: () => view.open(spelling, { read: true, write: true }, 0) });
    }
    out.push(
      { name: `${policyName}: the view renames the secret away`, policy, attack: () => view.rename(secret, `${D}/allowed/stolen`) },
      { name: `${policyName}: the view renames a file over the secret`, policy, attack: () => view.rename(`${D}/allowed/a`, `${D}/allowed/link/f`) },
      { name: `${policyName}: the view unlinks the secret through a symlink`, policy, attack: () => view.unlink(`${D}/allowed/link/f`) },
      {
        name: `${policyName}: the view makes a file not there yet in the secret directory`,
        policy,
        attack: () => view.open(`${D}/allowed/link/new`, { write: true, create: true }, 0o600),
      },
      { name: `${policyName}: the view lists the secret directory`, policy, attack: () => view.listDirectory(`${D}/allowed/link`) },
    );
  }
  return out;
}

describe('sandbox escapes against real files and descriptors', () => {
  it('no attempt reads, changes or makes anything under D/secret', () => {
    const attempts = fileAttempts();
    const escapes: string[] = [];
    for (const a of attempts) {
      const before = fs.readdirSync(path.join(D, 'secret')).join();
      let result: unknown;
      let threw: unknown;
      try {
        result = sandbox(a.policy, a.attack);
      } catch (e) {
        threw = e;
      }
      const after = fs.readdirSync(path.join(D, 'secret')).join();
      const changed = fs.existsSync(secret) ? fs.readFileSync(secret, 'utf8') !== 'secret' : true;
      if (threw === undefined || changed || before !== after)
        escapes.push(`${a.name}: ${threw === undefined ? `returned ${String(result)}` : 'threw but changed the directory'}`);
      else if (!(threw instanceof PermissionDenied)) escapes.push(`${a.name}: refused with ${String(threw)}, not PermissionDenied`);
    }
    expect(escapes).toEqual([]);
    expect(attempts.length).toBe(NODE_FILE_ATTEMPTS);
    for (const fd of fds) fs.closeSync(fd as unknown as number);
  });

  it("a descriptor's number reused for the secret is judged by the file it now is", () => {
    const fd = fileDesc(view.open(`${D}/allowed/a`, { read: true, write: true }, 0));
    sandbox(DENY_SECRET(), () => pwrite(fd, new Uint8Array([0x61]), 0)); // allowed file: goes through
    fs.closeSync(fd as unknown as number); // closed behind vllsi's back
    const reused = fileDesc(fs.openSync(secret, 'r+'));
    try {
      expect(reused).toBe(fd);
      expect(() => sandbox(DENY_SECRET(), () => pwrite(reused, new Uint8Array([0x58]), 0))).toThrow(PermissionDenied);
      expect(fs.readFileSync(secret, 'utf8')).toBe('secret');
    } finally {
      fs.closeSync(reused as unknown as number);
    }
  });

  it('a signal handler installed inside a sandbox through the view runs under it', () => {
    const hal = new MemHal({ regions: [{ name: 'P', base: 0x40000000, size: 0x100, atomicAliases: true }] });
    const previous = bindHal(hal);
    let remove: (() => void) | undefined;
    let seen: unknown;
    try {
      sandbox({ deny: [{ scope: 'register', from: R, to: R + 4 }] }, () => {
        remove = view.onSignal('SIGHUP', () => {
          try {
            volatileStore(R, 1);
          } catch (e) {
            seen = e;
          }
        });
      });
      process.emit('SIGHUP', 'SIGHUP');
      expect(seen).toBeInstanceOf(PermissionDenied);
      expect(hal.load32(R)).toBe(0);
    } finally {
      remove?.();
      if (previous) bindHal(previous);
      else unbindHal();
    }
  });
});

/** Attempts in fileAttempts() (docs/sandbox.md quotes it). */
const NODE_FILE_ATTEMPTS = 56;

describe('a second copy of the library', () => {
  let bundleFile: string;
  beforeAll(async () => {
    // The package as one module (what a bundler makes of it), with the in-memory HAL.
    const entry = path.join(D, 'entry.ts');
    fs.writeFileSync(
      entry,
      `export * from ${JSON.stringify(path.join(root, 'src/index.ts'))};\nexport { MemHal } from ${JSON.stringify(path.join(root, 'test/support/mem-hal.ts'))};\n`,
    );
    const bundle = await rollup({ input: entry, plugins: [transpileTs(), nodeResolve({ extensions: ['.ts', '.js'] })], onwarn: () => {} });
    bundleFile = path.join(D, 'vllsi.bundle.mjs');
    await bundle.write({ file: bundleFile, format: 'es' });
    await bundle.close();
  }, 60_000);

  it('a copy imported again under another URL reaches the hardware only through the first copy, gated', async () => {
    type Lib = typeof import('../../src/index.js') & { MemHal: typeof MemHal };
    const A = (await import(`${pathToFileURL(bundleFile).href}?copy=a`)) as Lib;
    const B = (await import(`${pathToFileURL(bundleFile).href}?copy=b`)) as Lib;
    expect(A.sandbox).not.toBe(B.sandbox); // two copies, two module states
    const hal = new A.MemHal({ regions: [{ name: 'P', base: 0x40000000, size: 0x100, atomicAliases: true }], trace: true });
    A.bindHal(hal);
    const deny = { deny: [{ scope: 'register' as const, from: R, to: R + 4 }] };
    const escapes: string[] = [];
    const attempts: [string, () => void][] = [
      ['B.volatileStore with no HAL bound in B', () => B.volatileStore(R, 1)],
      ['B.bindHal(A.currentHal()), B.volatileStore', () => (B.bindHal(A.currentHal()), B.volatileStore(R, 1))],
      ['B.bindHal(A.directHal captured before), B.volatileStore at the SET alias', () => (B.bindHal(directA!), B.volatileStore(R + 0x2000, 1))],
      ['B.Register.at(R).write through the HAL B bound', () => B.Register.at(R).write(1)],
      ['B.sandbox widening inside A.sandbox', () => B.sandbox({ allow: [{ scope: 'register' }] }, () => A.currentHal().store32(R, 1))],
    ];
    const directA = A.directHal;
    A.installOsBackend(osBackend());
    try {
      for (const [name, attack] of attempts) {
        hal.accesses.length = 0;
        try {
          A.sandbox({ ...deny, deny: [...deny.deny, { scope: 'random' }] }, attack);
        } catch {
          // refused (or failed): what counts is whether the bus or the OS was reached
        }
        if (hal.accesses.some((a) => (a.addr & ~0x3000) >>> 0 === R)) escapes.push(name);
      }
      expect(escapes).toEqual([]);
      expect(hal.load32(R)).toBe(0);
      // B given A's backend view: every call passes A's gate.
      expect(() => A.sandbox({ deny: [{ scope: 'random' }] }, () => (B.installOsBackend(A.osBackend()), B.randomBytes(new Uint8Array(1))))).toThrow(
        /permission denied: random/,
      );
    } finally {
      B.unbindHal();
      B.installOsBackend(undefined);
      A.unbindHal();
      A.installOsBackend(undefined);
    }
  });
});

describe('what is not exported', () => {
  it('the internal gate hook and the raw backend are not part of the package', async () => {
    const api = (await import('../../src/index.js')) as Record<string, unknown>;
    for (const name of ['os', 'installSandboxGate', 'sandboxGate', 'openedPath']) expect(api[name], name).toBeUndefined();
    expect(currentHal).toBeTypeOf('function');
  });
});
