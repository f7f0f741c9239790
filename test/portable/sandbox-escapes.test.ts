// The adversarial sandbox escape suite, in both engines (vitest in Node, real XS through
// `npm run test:xs`). Each attempt is code an attacker runs inside sandbox(policy, fn) (or
// installs there to run later) to reach a register or an OS operation the policy denies. The
// bound HAL records every bus access; an attempt escapes when an access acting on a denied
// register byte reaches the bus (whatever the attempt threw), or when a denied OS operation
// reaches the backend, or when it changed what outlives the sandbox (the HAL binding, the gate).
// The figures (attempts, escapes) are in docs/sandbox.md. The Node-only classes (real files and
// descriptors, a second copy of the library, threads) are test/security/sandbox-escapes.test.ts.
//
// Out of the suite on purpose: MemHal's own test instruments (peek32/poke32/raise, its private
// arrays), which stand in for a chip's debugger, not for anything a device has.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MemHal } from '../support/mem-hal.js';
import {
  PermissionDenied,
  SandboxUnconfinable,
  activePolicies,
  checkPermission,
  confineThread,
  isPermitted,
  policyAllows,
  sandbox,
  type PermissionPolicy,
} from '../../src/permissions.js';
import { bindHal, boundHal, currentHal, directHal, registerGate, setRegisterGate, unbindHal } from '../../src/platform.js';
import { installOsBackend, osBackend, type OsBackend, type OpenFlags, type PortableSignal } from '../../src/os.js';
import { volatileLoad, volatileStore } from '../../src/mmio.js';
import { peripheral } from '../../src/peripheral.js';
import { Register } from '../../src/register.js';
import { MemoryRegion } from '../../src/memory_region.js';
import { setInterruptHandler } from '../../src/interrupt.js';
import { pwrite, randomBytes } from '../../src/sys_common.js';
import { tryLock } from '../../src/locking.js';
import type { Hal } from '../../src/hal.js';
import { fileDesc } from '../../src/common.js';

const BASE = 0x40000000; // a peripheral block with RP2040-style atomic aliases
const R = BASE + 0x10; // the denied register
const Q = BASE + 0x20; // an allowed one
const IRQ = 5;
/** Attempts in this file (docs/sandbox.md quotes it). */
const SUITE_SIZE = 155;
const DENY_R: PermissionPolicy = { deny: [{ scope: 'register', from: R, to: R + 4 }] };
const DENY_R_HALF: PermissionPolicy = { deny: [{ scope: 'register', from: R + 2, to: R + 3 }] };
const ALLOW_Q: PermissionPolicy = { allow: [{ scope: 'register', from: Q, to: Q + 4 }] };
const SECRET = '/data/secret';
const DENY_FILES: PermissionPolicy = { deny: [{ scope: 'file', prefix: SECRET }, { scope: 'lock' }, { scope: 'random' }, { scope: 'process' }] };
const DENY_ALL: PermissionPolicy = {
  deny: [{ scope: 'register', from: R, to: R + 4 }, { scope: 'file', prefix: SECRET }, { scope: 'lock' }, { scope: 'random' }, { scope: 'process' }],
};

/**
 * A strict in-memory file system for the engine without one (XS): paths normalised as a POSIX
 * kernel does, descriptors numbered from 3 and reused like the OS's, every call recorded.
 */
class RecordingOs implements OsBackend {
  readonly name = 'recording';
  readonly calls: string[] = [];
  readonly files = new Map<string, Uint8Array>([
    [`${SECRET}/key`, new Uint8Array(4)],
    ['/data/open/log', new Uint8Array(4)],
  ]);
  readonly fds = new Map<number, string>();
  private record(call: string, path: string): void {
    this.calls.push(`${call} ${path}`);
  }
  private norm(p: string): string {
    const out: string[] = [];
    for (const part of p.split('/')) {
      if (part === '' || part === '.') continue;
      if (part === '..') out.pop();
      else out.push(part);
    }
    return `/${out.join('/')}`;
  }
  private pathOf(fd: number): string {
    const p = this.fds.get(fd);
    if (p === undefined) throw new Error(`EBADF ${fd}`);
    return p;
  }
  errno(): number {
    return 1;
  }
  open(path: string, _flags: OpenFlags): number {
    const p = this.norm(path);
    this.record('open', p);
    if (!this.files.has(p)) this.files.set(p, new Uint8Array(0));
    let fd = 3;
    while (this.fds.has(fd)) fd++;
    this.fds.set(fd, p);
    return fd;
  }
  close(fd: number): void {
    this.fds.delete(fd);
  }
  rename(from: string, to: string): void {
    this.record('rename', `${this.norm(from)} ${this.norm(to)}`);
  }
  unlink(path: string): void {
    this.record('unlink', this.norm(path));
  }
  pread(fd: number): number {
    this.record('pread', this.pathOf(fd));
    return 0;
  }
  pwrite(fd: number, buf: Uint8Array): number {
    this.record('pwrite', this.pathOf(fd));
    return buf.length;
  }
  fileSize(fd: number): number {
    return this.files.get(this.pathOf(fd))!.length;
  }
  truncate(fd: number): void {
    this.record('truncate', this.pathOf(fd));
  }
  access(path: string): boolean {
    this.record('access', this.norm(path));
    return true;
  }
  fullFsync(fd: number): void {
    this.record('fsync', this.pathOf(fd));
  }
  syncDirectory(path: string): void {
    this.record('syncDirectory', this.norm(path));
  }
  tryLockRegion(fd: number): { ok: true } {
    this.record('lock', this.pathOf(fd));
    return { ok: true };
  }
  unlockRegion(fd: number): void {
    this.record('lock', this.pathOf(fd));
  }
  randomBytes(buf: Uint8Array): void {
    this.record('random', String(buf.length));
  }
  fileKind(path: string): 'file' | 'missing' {
    return this.files.has(this.norm(path)) ? 'file' : 'missing';
  }
  realPath(path: string): string {
    const p = this.norm(path);
    if (!this.files.has(p) && ![...this.files.keys()].some((f) => f.startsWith(`${p}/`))) throw new Error(`ENOENT ${p}`);
    return p;
  }
  fileIdentity(fd: number): string {
    return `id:${this.pathOf(fd)}`;
  }
  listDirectory(path: string): string[] {
    this.record('list', this.norm(path));
    return [];
  }
  getpid(): number {
    return 1;
  }
  gettid(): number {
    return 1;
  }
  exit(code: number): never {
    this.record('exit', String(code));
    throw new Error('exited');
  }
  clockGettime(): { sec: number; nsec: number } {
    return { sec: 0, nsec: 0 };
  }
  onSignal(signal: PortableSignal, handler: (s: PortableSignal) => void): () => void {
    this.record('onSignal', signal);
    this.handlers.push(() => handler(signal));
    return () => {};
  }
  readonly handlers: (() => void)[] = [];
  ioDriver(): never {
    throw new Error('no I/O driver');
  }
}

let hal: MemHal;
let fsys: RecordingOs;
let previousHal: Hal | undefined;
let previousOs: OsBackend | undefined;

beforeEach(() => {
  hal = new MemHal({ regions: [{ name: 'P', base: BASE, size: 0x100, atomicAliases: true }], trace: true });
  previousHal = bindHal(hal);
  fsys = new RecordingOs();
  previousOs = installOsBackend(fsys);
});
afterEach(() => {
  if (previousHal) bindHal(previousHal);
  else unbindHal();
  installOsBackend(previousOs);
});

/** The register byte an access at `addr` acts on in the aliased block (the test's own decoder, not the HAL's). */
const plainOf = (addr: number): number => (addr >= BASE && addr < BASE + 0x4000 ? BASE + ((addr - BASE) & 0xfff) : addr);

/** The bus accesses that acted on a register byte `policy` denies (a byte is denied when any address naming it is). */
function reached(policy: PermissionPolicy): string[] {
  const denied = (plain: number): boolean => [0, 0x1000, 0x2000, 0x3000].some((k) => !policyAllows(policy, 'register', plain + k));
  return hal.accesses
    .filter((a) => {
      for (let i = 0; i < a.size; i++) if (denied(plainOf(a.addr + i))) return true;
      return false;
    })
    .map((a) => `${a.op}${a.size * 8} 0x${a.addr.toString(16)}`);
}

/** The OS operations that reached the backend although `policy` denies them. */
function reachedOs(policy: PermissionPolicy): string[] {
  return fsys.calls.filter((c) => {
    const [op, arg = ''] = c.split(' ');
    if (op === 'lock') return !policyAllows(policy, 'lock', 'x');
    if (op === 'random') return !policyAllows(policy, 'random', 'randomBytes');
    if (op === 'exit') return !policyAllows(policy, 'process', `exit:${arg}`);
    if (op === 'onSignal') return !policyAllows(policy, 'process', arg);
    return c.includes(SECRET) && !policyAllows(policy, 'file', `${SECRET}/key`);
  });
}

/** Effects an attempt made outside the bus and the OS (code that should never have run). */
const effects: string[] = [];

/** Whatever escaped, with what the attempt threw (an escape is what reached the bus or the OS, not what was thrown). */
function outcome(attack: () => void, policy: PermissionPolicy = DENY_ALL, later?: () => void): { escaped: string[]; threw: unknown } {
  hal.accesses.length = 0;
  fsys.calls.length = 0;
  effects.length = 0;
  let threw: unknown;
  try {
    sandbox(policy, attack);
  } catch (e) {
    threw = e;
  }
  try {
    later?.();
  } catch (e) {
    threw ??= e;
  }
  const escaped = [...reached(policy), ...reachedOs(policy), ...effects];
  if (boundHal() !== hal) escaped.push('the HAL binding changed');
  if (registerGate !== undefined) escaped.push('a register gate outlived the sandbox');
  if (osBackend() === undefined) escaped.push('the OS backend was removed');
  return { escaped, threw };
}

interface Attempt {
  readonly name: string;
  readonly policy?: PermissionPolicy;
  readonly attack: () => void;
  /** Runs after the sandbox ended (later execution). */
  readonly later?: () => void;
}

const P = () => peripheral({ name: 'P', baseAddress: BASE, atomicAliases: true, registers: { CTRL: { addressOffset: 0x10 }, OK: { addressOffset: 0x20 } } });
const evilHal = (): Hal => Object.assign(Object.create(hal) as Hal, { name: 'evil', load32: () => 0xdead });

// --- Aliases, sub-word and overlapping accesses ----------------------------------------------
const ALIASES: Attempt[] = [
  { name: 'P.CTRL.atomicSet', attack: () => P().CTRL.atomicSet(1) },
  { name: 'P.CTRL.atomicClear', attack: () => P().CTRL.atomicClear(1) },
  { name: 'P.CTRL.atomicXor', attack: () => P().CTRL.atomicXor(1) },
  ...[0x1000, 0x2000, 0x3000].flatMap((k): Attempt[] => [
    { name: `volatileStore(R + 0x${k.toString(16)})`, attack: () => volatileStore(R + k, 1) },
    { name: `volatileLoad(R + 0x${k.toString(16)})`, attack: () => void volatileLoad(R + k) },
    { name: `Register.at(R + 0x${k.toString(16)}).write`, attack: () => Register.at(R + k).write(1) },
    { name: `MemoryRegion over the alias window: store at R + 0x${k.toString(16)}`, attack: () => new MemoryRegion(BASE, 0x4000).store(R + k - BASE, 1) },
    { name: `allow-list of Q: volatileStore(R + 0x${k.toString(16)})`, policy: ALLOW_Q, attack: () => volatileStore(R + k, 1) },
  ]),
  { name: 'volatileStore(R + 1) 8-bit', attack: () => volatileStore(R + 1, 1, 8) },
  { name: 'volatileStore(R + 2) 16-bit', attack: () => volatileStore(R + 2, 1, 16) },
  { name: 'volatileLoad(R + 3) 8-bit', attack: () => void volatileLoad(R + 3, 8) },
  { name: 'volatileStore(R + 0x2002) 16-bit (sub-word through an alias)', attack: () => volatileStore(R + 0x2002, 1, 16) },
  { name: 'deny [R+2, R+3): 32-bit store at R', policy: DENY_R_HALF, attack: () => volatileStore(R, 1) },
  { name: 'deny [R+2, R+3): 16-bit store at R+2', policy: DENY_R_HALF, attack: () => volatileStore(R + 2, 1, 16) },
  { name: 'deny [R+2, R+3): 32-bit load at R', policy: DENY_R_HALF, attack: () => void volatileLoad(R) },
  { name: 'deny [R+2, R+3): store through the SET alias of R', policy: DENY_R_HALF, attack: () => volatileStore(R + 0x2000, 1) },
  { name: 'deny [R+2, R+3): 8-bit store at R then a warm 32-bit one', policy: DENY_R_HALF, attack: () => (volatileStore(R + 1, 1, 8), volatileStore(R, 1)) },
  {
    name: 'a rule naming the alias denies the register',
    policy: { deny: [{ scope: 'register', from: R + 0x3000, to: R + 0x3004 }] },
    attack: () => volatileStore(R, 1),
  },
  { name: 'allow-list of Q: atomicSet of CTRL', policy: ALLOW_Q, attack: () => P().CTRL.atomicSet(1) },
  { name: 'allow-list of Q: 32-bit store straddling Q - 2', policy: ALLOW_Q, attack: () => volatileStore(Q - 4, 1) },
];

// --- Public escape hatches --------------------------------------------------------------------
const HATCHES: Attempt[] = [
  { name: 'setRegisterGate(undefined), then volatileStore', attack: () => (setRegisterGate(undefined), volatileStore(R, 1)) },
  { name: 'setRegisterGate(allow everything), then volatileStore', attack: () => (setRegisterGate(() => {}), volatileStore(R, 1)) },
  { name: 'currentHal().store32', attack: () => currentHal().store32(R, 1) },
  { name: 'currentHal().store8 / load16', attack: () => (currentHal().store8(R + 3, 1), void currentHal().load16(R + 2)) },
  { name: 'boundHal().store32', attack: () => boundHal()!.store32(R, 1) },
  { name: 'currentHal().store32 at the SET alias', attack: () => currentHal().store32(R + 0x2000, 1) },
  { name: 'the HAL prototype method called on the HAL', attack: () => Object.getPrototypeOf(currentHal()).store32.call(currentHal(), R, 1) },
  {
    name: 'the HAL protected store(addr, size, v)',
    attack: () => (currentHal() as unknown as { store(a: number, s: number, v: number): void }).store(R, 4, 1),
  },
  { name: 'an address past 2^32 that a HAL could wrap', attack: () => currentHal().store32(R + 2 ** 32, 1) },
  { name: 'a fractional address', attack: () => currentHal().store32(R + 0.5, 1) },
  { name: 'bindHal(evil) inside (would intercept after the sandbox)', attack: () => void bindHal(evilHal()) },
  { name: 'unbindHal() then bindHal(evil)', attack: () => (unbindHal(), void bindHal(evilHal())) },
  { name: 'installOsBackend(undefined) / (evil)', attack: () => void installOsBackend(undefined) },
  { name: 'confineThread([]) inside, then volatileStore', attack: () => (confineThread([]), volatileStore(R, 1)) },
  { name: 'a nested sandbox allowing every register', attack: () => sandbox({ allow: [{ scope: 'register' }] }, () => volatileStore(R, 1)) },
  { name: 'a nested sandbox with an empty deny list', attack: () => sandbox({ deny: [] }, () => volatileStore(R, 1)) },
  {
    name: 'catching the denial and retrying through an alias',
    attack: () => {
      try {
        volatileStore(R, 1);
      } catch {
        volatileStore(R + 0x1000, 1);
      }
    },
  },
  { name: 'osBackend() inside: open the secret', attack: () => void osBackend()!.open(`${SECRET}/key`, { write: true }, 0) },
  {
    name: 'osBackend() inside: rename and unlink the secret',
    attack: () => (osBackend()!.rename(`${SECRET}/key`, '/data/x'), osBackend()!.unlink(`${SECRET}/key`)),
  },
  { name: 'osBackend() inside: randomBytes', attack: () => osBackend()!.randomBytes(new Uint8Array(4)) },
  { name: 'osBackend() inside: exit', attack: () => osBackend()!.exit(3) },
  { name: 'osBackend() inside: onSignal', attack: () => void osBackend()!.onSignal('SIGINT', () => {}) },
  { name: 'osBackend() inside: list the secret directory', attack: () => void osBackend()!.listDirectory(SECRET) },
  { name: 'osBackend() inside: the secret through dot segments', attack: () => void osBackend()!.open(`/data/open/../secret/./key`, { read: true }, 0) },
  { name: 'osBackend() inside: the secret through doubled separators', attack: () => void osBackend()!.open(`/data//secret//key`, { read: true }, 0) },
  {
    name: 'osBackend() inside: a file not made yet in the secret directory',
    attack: () => void osBackend()!.open(`${SECRET}/new`, { write: true, create: true }, 0o600),
  },
  { name: 'randomBytes()', attack: () => randomBytes(new Uint8Array(4)) },
];

// Made before the sandbox: a captured directHal, HAL, backend view and descriptors.
function captured(): Attempt[] {
  const direct = directHal!;
  const view = osBackend()!;
  const secretFd = fileDesc(view.open(`${SECRET}/key`, { write: true }, 0));
  fsys.calls.length = 0;
  return [
    { name: 'a directHal captured before: store32', attack: () => direct.store32(R, 1) },
    { name: 'a directHal captured before: store32 at the CLR alias', attack: () => direct.store32(R + 0x3000, 1) },
    { name: 'a directHal captured before: store16 into R', attack: () => direct.store16(R + 2, 1) },
    { name: 'a backend view captured before: open the secret', attack: () => void view.open(`${SECRET}/key`, { write: true }, 0) },
    { name: 'a backend view captured before: pwrite a descriptor of the secret opened before', attack: () => void view.pwrite(secretFd, new Uint8Array(1), 0) },
    { name: 'a backend view captured before: tryLockRegion', attack: () => void view.tryLockRegion(secretFd, 'Exclusive', 0, 1) },
    { name: 'a backend view captured before: randomBytes', attack: () => view.randomBytes(new Uint8Array(4)) },
    { name: 'a backend view captured before: truncate and fsync the secret', attack: () => (view.truncate(secretFd, 0), view.fullFsync(secretFd)) },
    { name: 'pwrite() of a descriptor of the secret opened before the sandbox', attack: () => void pwrite(secretFd, new Uint8Array(1), 0) },
    { name: 'tryLock() of a descriptor of the secret opened before the sandbox', attack: () => void tryLock(secretFd, { start: 0, length: 1 }, 'Exclusive') },
    {
      name: "the view's methods replaced inside",
      attack: () => {
        (view as { pwrite: unknown }).pwrite = () => 0;
        view.pwrite(secretFd, new Uint8Array(1), 0);
      },
    },
  ];
}

// --- Prototype poisoning inside fn ------------------------------------------------------------
type Poison = readonly [object, PropertyKey, unknown];
const POISONS: readonly (readonly [string, () => Poison])[] = [
  ['Map.prototype.get answers true', () => [Map.prototype, 'get', () => true]],
  ['Map.prototype.get answers undefined, set does nothing', () => [Map.prototype, 'get', () => undefined]],
  [
    'Map.prototype.set throws',
    () => [
      Map.prototype,
      'set',
      () => {
        throw new Error('set');
      },
    ],
  ],
  ['Map.prototype.has answers true', () => [Map.prototype, 'has', () => true]],
  ['Array.prototype.some answers false', () => [Array.prototype, 'some', () => false]],
  ['Array.prototype.includes answers true', () => [Array.prototype, 'includes', () => true]],
  ['Array.prototype.map returns []', () => [Array.prototype, 'map', () => []]],
  ['String.prototype.startsWith answers false', () => [String.prototype, 'startsWith', () => false]],
  ['String.prototype.slice returns /', () => [String.prototype, 'slice', () => '/']],
  ['Function.prototype.call does nothing', () => [Function.prototype, 'call', () => undefined]],
  ['Function.prototype.apply does nothing', () => [Function.prototype, 'apply', () => undefined]],
  ['Function.prototype.bind returns a no-op', () => [Function.prototype, 'bind', () => () => undefined]],
  ['Reflect.apply does nothing', () => [Reflect, 'apply', () => undefined]],
  ['Object.hasOwn answers false', () => [Object, 'hasOwn', () => false]],
  ['Object.freeze is the identity', () => [Object, 'freeze', (o: unknown) => o]],
  ['Object.getPrototypeOf answers null', () => [Object, 'getPrototypeOf', () => null]],
  ['Number.isSafeInteger answers true', () => [Number, 'isSafeInteger', () => true]],
  ['Object.prototype.from/to = 0 (a bare rule would become an empty range)', () => [Object.prototype, 'from', 0]],
  ['Object.prototype.prefix = "" ', () => [Object.prototype, 'prefix', '']],
  ['Object.prototype.allow = [every scope]', () => [Object.prototype, 'allow', [{ scope: 'register' }, { scope: 'file' }]]],
];

/** Runs attack with `poison` in place inside the sandbox, and restores the original. */
function poisoned([name, make]: readonly [string, () => Poison], what: string, attack: () => void): Attempt {
  return {
    name: `${name}: ${what}`,
    attack: () => {
      const [target, key, value] = make();
      const had = Object.getOwnPropertyDescriptor(target, key);
      const extra: (readonly [object, PropertyKey])[] = [];
      Object.defineProperty(target, key, { value, configurable: true, writable: true });
      if (key === 'from') {
        Object.defineProperty(Object.prototype, 'to', { value: 0, configurable: true, writable: true });
        extra.push([Object.prototype, 'to']);
      }
      if (key === 'get') {
        const set = Object.getOwnPropertyDescriptor(Map.prototype, 'set')!;
        Object.defineProperty(Map.prototype, 'set', {
          value: function (this: Map<unknown, unknown>) {
            return this;
          },
          configurable: true,
          writable: true,
        });
        extra.push([Map.prototype, 'set']);
        try {
          attack();
        } finally {
          Object.defineProperty(Map.prototype, 'set', set);
          if (had) Object.defineProperty(target, key, had);
        }
        return;
      }
      try {
        attack();
      } finally {
        for (const [t, k] of extra) delete (t as Record<PropertyKey, unknown>)[k];
        if (had) Object.defineProperty(target, key, had);
        else delete (target as Record<PropertyKey, unknown>)[key];
      }
    },
  };
}

const POISONED: Attempt[] = POISONS.flatMap((p) => [
  poisoned(p, 'volatileStore(R)', () => volatileStore(R, 1)),
  poisoned(p, 'the SET alias of R', () => volatileStore(R + 0x2000, 1)),
  poisoned(p, 'open the secret', () => void osBackend()!.open(`${SECRET}/key`, { read: true }, 0)),
  poisoned(p, 'a nested sandbox allowing everything', () => sandbox({ allow: [{ scope: 'register' }, { scope: 'file' }] }, () => volatileStore(R, 1))),
]);

// --- Later execution --------------------------------------------------------------------------
const raiseIrq = (): void => {
  hal.irqSetEnabled(IRQ, true);
  hal.raise(IRQ);
};
const LATER: Attempt[] = [
  { name: 'setInterruptHandler inside; the IRQ comes after', attack: () => setInterruptHandler(IRQ, () => volatileStore(R, 1)), later: raiseIrq },
  {
    name: 'currentHal().irqSetHandler inside; the IRQ comes after',
    attack: () => currentHal().irqSetHandler(IRQ, () => currentHal().store32(R, 1)),
    later: raiseIrq,
  },
  {
    name: 'a handler installed inside installs another when it runs',
    attack: () => setInterruptHandler(IRQ, () => setInterruptHandler(IRQ + 1, () => volatileStore(R, 1))),
    later: () => {
      raiseIrq();
      hal.irqSetEnabled(IRQ + 1, true);
      hal.raise(IRQ + 1);
    },
  },
  {
    name: 'a handler installed inside writes through a directHal it finds',
    attack: () => setInterruptHandler(IRQ, () => directHal?.store32(R, 1) ?? currentHal().store32(R, 1)),
    later: raiseIrq,
  },
  {
    name: 'a signal handler installed inside through the backend view',
    attack: () => void osBackend()!.onSignal('SIGINT', () => volatileStore(R, 1)),
    policy: DENY_R,
    later: () => fsys.handlers.forEach((h) => h()),
  },
  {
    name: 'sandbox(policy, async fn) with the write after an await',
    attack: () =>
      void sandbox(DENY_R, (async () => {
        effects.push('the async fn started');
        await null;
        volatileStore(R, 1);
      }) as unknown as () => void),
  },
  { name: 'fn returning a thenable', attack: () => void sandbox(DENY_R, () => ({ then: (ok: (v: unknown) => void) => ok(volatileStore(R, 1)) })) },
];

describe('sandbox escape suite (both engines)', () => {
  const run = (attempts: () => Attempt[]) => {
    const rows = attempts().map((a) => ({ name: a.name, ...outcome(a.attack, a.policy ?? DENY_ALL, a.later) }));
    return rows;
  };

  const groups: readonly (readonly [string, () => Attempt[]])[] = [
    ['aliases, sub-word and overlapping accesses', () => ALIASES],
    ['public escape hatches', () => HATCHES],
    ['HAL, backend view and descriptors captured before the sandbox', captured],
    ['prototype poisoning inside fn', () => POISONED],
    ['later execution', () => LATER],
  ];
  for (const [group, attempts] of groups) {
    it(`${group}: no attempt reaches the bus or the OS`, () => {
      const rows = run(attempts);
      const escapes = rows.filter((r) => r.escaped.length > 0).map((r) => `${r.name}: ${r.escaped.join(', ')} (threw ${String(r.threw)})`);
      expect(escapes).toEqual([]);
      expect(rows.length).toBeGreaterThan(0);
    });
  }

  it('the suite size (docs/sandbox.md)', () => {
    expect(ALIASES.length + HATCHES.length + captured().length + POISONED.length + LATER.length).toBe(SUITE_SIZE);
  });

  it('the refusals are typed and the allowed paths still work (controls)', () => {
    const denied = outcome(() => volatileStore(R + 0x2000, 1));
    expect(denied.threw).toBeInstanceOf(PermissionDenied);
    expect(outcome(() => P().CTRL.atomicSet(1)).threw).toBeInstanceOf(PermissionDenied);
    expect(outcome(() => setRegisterGate(undefined)).threw).toBeInstanceOf(PermissionDenied);
    expect(outcome(() => bindHal(evilHal())).threw).toBeInstanceOf(PermissionDenied);
    expect(outcome(() => sandbox(DENY_R, (async () => 1) as unknown as () => number)).threw).toBeInstanceOf(SandboxUnconfinable);
    // Allowed: Q and its aliases under an allow-list of Q, R outside one denying it.
    hal.accesses.length = 0;
    sandbox(ALLOW_Q, () => {
      P().OK.atomicSet(2);
      volatileStore(Q + 0x1000, 1);
      expect(volatileLoad(Q)).toBe(3);
    });
    sandbox(DENY_R, () => volatileStore(Q, 7));
    expect(hal.load32(Q)).toBe(7);
    expect(hal.load32(R)).toBe(0);
    // The hatches work again outside, and the sandbox left nothing behind.
    expect(registerGate).toBeUndefined();
    expect(directHal).toBe(hal);
    expect(activePolicies()).toEqual([]);
    const remove = setRegisterGate(() => {});
    remove();
    expect(directHal).toBe(hal);
  });

  it('a handler installed inside a sandbox runs under it later and its allowed work is done', () => {
    sandbox(DENY_R, () => setInterruptHandler(IRQ, () => volatileStore(Q, 9)));
    raiseIrq();
    expect(hal.load32(Q)).toBe(9);
    sandbox(DENY_R, () => setInterruptHandler(IRQ, () => expect(isPermitted('register', R)).toBe(false)));
    raiseIrq();
    setInterruptHandler(IRQ, () => expect(isPermitted('register', R)).toBe(true)); // installed outside: unconfined
    raiseIrq();
    setInterruptHandler(IRQ, undefined);
  });

  it('a file descriptor opened before a sandbox is judged by its path; its number reused for another file is not', () => {
    const view = osBackend()!;
    const open = fileDesc(view.open('/data/open/log', { write: true }, 0));
    sandbox(DENY_FILES, () => pwrite(open, new Uint8Array(1), 0)); // an allowed file
    view.close(open);
    const secret = fileDesc(view.open(`${SECRET}/key`, { write: true }, 0));
    expect(secret).toBe(open); // the same number
    expect(() => sandbox(DENY_FILES, () => pwrite(secret, new Uint8Array(1), 0))).toThrow(PermissionDenied);
    expect(() => sandbox(DENY_FILES, () => checkPermission('file', `/data/open/../secret/key`))).toThrow(PermissionDenied);
  });
});
