// Permission gating (reference: "Permission gating"). Every syscall-category
// operation — register load/store, file, lock, random, I/O engine, thread spawn,
// OS memory, process exit and signals — calls a check before it acts; time, platform
// queries and logging never do. Outside any sandbox a check is one comparison; inside,
// `sandbox(policy, fn)` decides each (scope, target) once and caches the answer
// for the sandbox's lifetime, so the warm path is a Map lookup.
//
// A policy is an allow-list, a deny-list, or both (allowed = matches `allow`, if
// given, and matches no `deny` rule). Rules name a scope and optionally a target:
// an address range [from, to) for numeric targets (registers, memory), a prefix
// for string targets (file paths, module specifiers). Sandboxes nest: inner ones
// can only narrow. What a sandbox covers, and what it does not, is docs/sandbox.md:
// the synchronous run of fn on this thread, the threads spawned from it, the handlers
// installed through vllsi inside it (they run under it later), every bus access of
// vllsi's HALs however the HAL was reached, and the OS backend view.
//
// The registry ENTRY_POINTS lists every entry point with its category; it is
// pinned at load time like the reference's intrinsic registry (a syscall entry
// without a scope, or a time/platform/logging entry with one, fails loudly), and
// test/permissions/registry.test.ts checks the code agrees with it.
import { InvalidArgument, describe, requireObject } from './errors.js';
import { boundHal, setRegisterGate } from './platform.js';
import { openedPath, os, osBackend, type OsBackend } from './os.js';
import {
  PERMISSION_SCOPES,
  PermissionDenied,
  applyFn,
  bindFn,
  endsWith,
  freeze,
  getPrototypeOf,
  installSandboxGate,
  isSafeInteger,
  lastIndexOf,
  mapGet,
  mapSet,
  slice,
  startsWith,
  type PermissionScope,
  type PermissionTarget,
  type SandboxGate,
} from './gate.js';

export { PERMISSION_SCOPES, PermissionDenied, type PermissionScope, type PermissionTarget } from './gate.js';

export interface PermissionRule {
  readonly scope: PermissionScope;
  /** Numeric targets in [from, to) (both given, or neither). */
  readonly from?: number;
  readonly to?: number;
  /** String targets starting with this prefix. */
  readonly prefix?: string;
}

export interface PermissionPolicy {
  readonly allow?: readonly PermissionRule[];
  readonly deny?: readonly PermissionRule[];
}

/** A sandbox was asked to run something it cannot confine (an async function: its continuations run after the sandbox ended). */
export class SandboxUnconfinable extends InvalidArgument {}

// Only captured intrinsics and plain loops from here on: fn may have replaced Array.prototype.some…
function ruleMatches(r: PermissionRule, scope: PermissionScope, target: PermissionTarget): boolean {
  if (r.scope !== scope) return false;
  if (r.from !== undefined) return typeof target === 'number' && target >= r.from && target < r.to!;
  if (r.prefix !== undefined) return typeof target === 'string' && startsWith(target, r.prefix);
  return true;
}

function anyMatches(rules: readonly PermissionRule[], scope: PermissionScope, targets: readonly PermissionTarget[]): boolean {
  for (let i = 0; i < rules.length; i++) {
    for (let j = 0; j < targets.length; j++) if (ruleMatches(rules[i]!, scope, targets[j]!)) return true;
  }
  return false;
}

/** One policy's decision on a target known by several names (a register and its alias addresses): a rule naming any of them covers all. */
function policyAllowsAll(policy: PermissionPolicy, scope: PermissionScope, targets: readonly PermissionTarget[]): boolean {
  if (policy.allow && !anyMatches(policy.allow, scope, targets)) return false;
  return !(policy.deny && anyMatches(policy.deny, scope, targets));
}

/** The decision of one policy, without caching (the law the cache must agree with). */
export function policyAllows(policy: PermissionPolicy, scope: PermissionScope, target: PermissionTarget): boolean {
  requireObject('policy', policy);
  return policyAllowsAll(policy, scope, [target]);
}

function checkRule(r: PermissionRule, where: string): PermissionRule {
  if (r === null || typeof r !== 'object' || !isScope(r.scope)) {
    throw new InvalidArgument(`${where} rule scope`, r?.scope, `must be one of ${PERMISSION_SCOPES.join(', ')}`);
  }
  const { scope, from, to, prefix } = r; // read once: a getter cannot answer differently later
  if ((from === undefined) !== (to === undefined)) throw new InvalidArgument(`${where} rule range`, from ?? to, 'needs both from and to');
  if (from !== undefined && (!isSafeInteger(from) || !isSafeInteger(to) || from < 0 || to! < from)) {
    throw new InvalidArgument(`${where} rule range`, from, `must be integers with 0 <= from <= to (to ${describe(to)})`);
  }
  if (prefix !== undefined && (typeof prefix !== 'string' || from !== undefined)) {
    throw new InvalidArgument(`${where} rule prefix`, prefix, 'must be a string, and not combined with a range');
  }
  // Every key its own, even when undefined: a rule must not inherit a `from` or `prefix` put on Object.prototype.
  return freeze({ scope, from, to, prefix });
}

function isScope(scope: unknown): scope is PermissionScope {
  for (let i = 0; i < PERMISSION_SCOPES.length; i++) if (PERMISSION_SCOPES[i] === scope) return true;
  return false;
}

/** How the bound HAL decodes an address: the register an access there acts on (RP2040 atomic aliases). */
type RegisterOf = (addr: number) => number;
/** Not yet known: no HAL was bound when the sandbox began (a confined thread binds its own later). */
const UNRESOLVED = 0;

/** The HAL's decoder, captured (bound) so that replacing the method later changes nothing; null when it has none. */
function captureRegisterOf(): RegisterOf | null | typeof UNRESOLVED {
  const hal = boundHal();
  if (hal === undefined) return UNRESOLVED;
  const f = hal.registerOf;
  return typeof f === 'function' ? bindFn(f, hal) : null;
}

const ALIAS_STRIDE = 0x1000;

/** A policy stacked on its parent, with its decision cache: one Map per scope. */
class ActiveSandbox {
  private readonly cache = new Map<PermissionScope, Map<PermissionTarget, boolean>>();
  /** Register decisions by byte address (the address accessed, aliases included). */
  private readonly registers = new Map<number, boolean>();
  /** The last register address allowed: a driver polling one register skips even the Map. */
  lastRegister = -1;
  /** Bytes of the last allowed access at lastRegister. */
  lastSize = 0;
  private registerOf: RegisterOf | null | typeof UNRESOLVED;

  constructor(
    readonly policy: PermissionPolicy,
    readonly parent: ActiveSandbox | undefined,
  ) {
    for (let i = 0; i < PERMISSION_SCOPES.length; i++) mapSet(this.cache, PERMISSION_SCOPES[i], new Map());
    this.registerOf = parent !== undefined && parent.registerOf !== UNRESOLVED ? parent.registerOf : captureRegisterOf();
  }

  allows(scope: PermissionScope, target: PermissionTarget): boolean {
    if (scope === 'register' && typeof target === 'number') return this.allowsByte(target);
    const c = mapGet(this.cache, scope) as Map<PermissionTarget, boolean>;
    let d = mapGet(c, target) as boolean | undefined;
    if (d === undefined) {
      d = policyAllowsAll(this.policy, scope, [target]) && (this.parent === undefined || this.parent.allows(scope, target));
      mapSet(c, target, d);
    }
    return d;
  }

  /** One byte of the bus: judged as the register it acts on, known by every address that reaches it. */
  private allowsByte(addr: number): boolean {
    let d = mapGet(this.registers, addr) as boolean | undefined;
    if (d !== undefined) return d;
    if (this.registerOf === UNRESOLVED) this.registerOf = captureRegisterOf();
    const names = this.registerOf ? aliasNames(this.registerOf, addr) : [addr];
    d = policyAllowsAll(this.policy, 'register', names);
    for (let s = this.parent; s !== undefined && d; s = s.parent) d = policyAllowsAll(s.policy, 'register', names);
    // Cached once the decoder is known: a HAL bound later could make the same address another register.
    if (this.registerOf !== UNRESOLVED) mapSet(this.registers, addr, d);
    return d;
  }

  /** Every byte an access touches is checked: a rule on part of a register covers accesses that overlap it. */
  checkRegister(addr: number, size: number): void {
    // Integers of the 32-bit bus only: an address a HAL would wrap or truncate is refused here.
    if (typeof addr !== 'number' || addr >>> 0 !== addr || (size !== 1 && size !== 2 && size !== 4) || addr + size > 0x100000000) {
      throw new InvalidArgument(
        'register access',
        typeof addr !== 'number' || addr >>> 0 !== addr ? addr : size,
        'needs a 32-bit bus address and a size of 1, 2 or 4 bytes',
      );
    }
    for (let i = 0; i < size; i++) {
      if (!this.allowsByte(addr + i)) throw new PermissionDenied('register', addr);
    }
    this.lastRegister = addr;
    this.lastSize = size;
  }

  /** The active policies, outermost first. */
  policies(): PermissionPolicy[] {
    let n = 1;
    for (let s = this.parent; s !== undefined; s = s.parent) n++;
    const out: PermissionPolicy[] = [];
    out.length = n;
    out[--n] = this.policy;
    for (let s = this.parent; s !== undefined; s = s.parent) out[--n] = s.policy;
    return out;
  }
}

/** `addr` and every address that acts on the same register byte (its plain address and its XOR/SET/CLR aliases). */
function aliasNames(registerOf: RegisterOf, addr: number): number[] {
  const plain = registerOf(addr);
  const names = [addr];
  if (plain !== addr) names[names.length] = plain;
  for (let k = 1; k <= 3; k++) {
    const a = plain + k * ALIAS_STRIDE;
    if (a !== addr && a <= 0xffffffff && registerOf(a) === plain) names[names.length] = a;
  }
  return names;
}

let active: ActiveSandbox | undefined;

/** The hooks of the outermost sandbox: removing them is the only way out, and only its sandbox() holds them. */
function enter(s: ActiveSandbox): () => void {
  const removeRegisterGate = setRegisterGate(checkRegister);
  let removeGate: () => void;
  try {
    removeGate = installSandboxGate(GATE);
  } catch (e) {
    removeRegisterGate();
    throw e;
  }
  active = s;
  return () => {
    active = undefined;
    removeGate();
    removeRegisterGate();
  };
}

const GATE: SandboxGate = freeze({
  check: (scope: PermissionScope, target: PermissionTarget): void => checkPermission(scope, target),
  checkFd: (scope: PermissionScope, fd: number): void => checkFdPermission(scope, fd),
  later: <F extends (...args: never[]) => unknown>(fn: F): F => {
    const policies = activePolicies();
    return function confined(this: unknown, ...args: unknown[]): unknown {
      return underPolicies(policies, () => applyFn(fn, this, args));
    } as unknown as F;
  },
});

/** The gate every syscall-category entry point calls before acting. */
export function checkPermission(scope: PermissionScope, target: PermissionTarget): void {
  const a = active;
  if (a !== undefined && !a.allows(checkScope(scope), judged(scope, target))) throw new PermissionDenied(scope, target);
}

/** The gate of descriptor operations: judged by the path the descriptor was opened on where that is known, else as `fd:N`. */
export function checkFdPermission(scope: PermissionScope, fd: number): void {
  if (active !== undefined) checkPermission(scope, fdTarget(scope, fd));
}

/** The gate of the register access path (a specialisation of checkPermission('register', addr)). */
export function checkRegister(addr: number, size = 1): void {
  const a = active;
  if (a !== undefined && (addr !== a.lastRegister || size > a.lastSize)) a.checkRegister(addr, size);
}

/** Whether the operation would pass the gate, without throwing. */
export function isPermitted(scope: PermissionScope, target: PermissionTarget): boolean {
  return active === undefined || active.allows(checkScope(scope), judged(scope, target));
}

/** A target as the policy judges it: numbers and strings only (anything else could convert differently each time). */
function judged(scope: PermissionScope, target: PermissionTarget): PermissionTarget {
  if (typeof target !== 'number' && typeof target !== 'string') throw new InvalidArgument('permission target', target, 'must be a number or a string');
  return fileTarget(scope, target);
}

/**
 * What a descriptor operation is judged by: the real path the descriptor is open on, as the OS
 * says (Linux: /proc/self/fd) or as osBackend().open recorded it (checked against the file's
 * identity, so a number reused for another file is not mistaken for it), else `fd:N`.
 */
function fdTarget(scope: PermissionScope, fd: number): PermissionTarget {
  if ((scope !== 'file' && scope !== 'lock') || typeof fd !== 'number' || fd >>> 0 !== fd) return `fd:${fd}`;
  const backend = installedBackend();
  if (backend !== undefined && backend.name === 'linux') {
    try {
      return backend.realPath(`/proc/self/fd/${fd}`);
    } catch {
      // Not open: the operation fails on its own (EBADF).
    }
  }
  return openedPath(fd) ?? `fd:${fd}`;
}

function installedBackend(): OsBackend | undefined {
  return osBackend() === undefined ? undefined : os('permission gate');
}

/**
 * File paths are judged as the OS will resolve them: the real path (symlinks, `.`, `..`,
 * repeated separators, relative paths resolved), or for a path not made yet the real path
 * of its nearest existing parent plus the rest, normalised. `fd:N` targets stay as they are.
 */
function fileTarget(scope: PermissionScope, target: PermissionTarget): PermissionTarget {
  if (scope !== 'file' || typeof target !== 'string' || startsWith(target, 'fd:') || target === '') return target;
  const backend = installedBackend();
  return backend === undefined ? target : realFilePath(backend, target);
}

function realFilePath(backend: OsBackend, path: string): string {
  try {
    return backend.realPath(path);
  } catch {
    // Not there (yet): resolve the parent, then add this component.
  }
  const slash = lastIndexOf(path, '/');
  const backslash = lastIndexOf(path, '\\');
  const cut = slash > backslash ? slash : backslash;
  const parent = cut < 0 ? '.' : cut === 0 ? slice(path, 0, 1) : slice(path, 0, cut);
  if (parent === path) return path;
  const name = slice(path, cut + 1);
  const base = realFilePath(backend, parent);
  if (name === '' || name === '.') return base;
  if (name === '..') {
    const up = lastIndexOf(base, '/');
    return slice(base, 0, up > 1 ? up : 1);
  }
  return endsWith(base, '/') ? base + name : `${base}/${name}`;
}

/** A file rule's prefix resolved like its targets (a trailing separator kept). */
function resolveRule(r: PermissionRule): PermissionRule {
  const p = r.prefix;
  if (r.scope !== 'file' || p === undefined || p === '' || startsWith(p, 'fd:')) return r;
  const backend = installedBackend();
  if (backend === undefined) return r;
  const dir = endsWith(p, '/') || endsWith(p, '\\');
  const real = realFilePath(backend, dir && p.length > 1 ? slice(p, 0, -1) : p);
  return freeze({ scope: r.scope, from: undefined, to: undefined, prefix: dir && !endsWith(real, '/') ? `${real}/` : real });
}

function checkScope(scope: PermissionScope): PermissionScope {
  if (!isScope(scope)) throw new InvalidArgument('permission scope', scope, `must be one of ${PERMISSION_SCOPES.join(', ')}`);
  return scope;
}

function compileRules(rules: readonly PermissionRule[], where: string): readonly PermissionRule[] {
  if (rules === null || typeof rules !== 'object' || typeof rules.length !== 'number')
    throw new InvalidArgument(`${where} list`, rules, 'must be an array of rules');
  const n = rules.length;
  const out: PermissionRule[] = [];
  for (let i = 0; i < n; i++) out[i] = resolveRule(checkRule(rules[i]!, where));
  return freeze(out);
}

function compile(policy: PermissionPolicy): PermissionPolicy {
  if (policy === null || typeof policy !== 'object') throw new InvalidArgument('sandbox policy', policy, 'needs an allow list, a deny list, or both');
  const { allow, deny } = policy;
  if (allow === undefined && deny === undefined) throw new InvalidArgument('sandbox policy', policy, 'needs an allow list, a deny list, or both');
  // Both keys own (undefined when not given), for the same reason as the rules' keys.
  return freeze({ allow: allow === undefined ? undefined : compileRules(allow, 'allow'), deny: deny === undefined ? undefined : compileRules(deny, 'deny') });
}

const ASYNC_FUNCTION = getPrototypeOf(async () => {}) as unknown;
const ASYNC_GENERATOR = getPrototypeOf(async function* () {}) as unknown;

/**
 * Runs fn under `policy` (narrowing any sandbox already active) and returns its result. An async
 * function is refused before it runs (SandboxUnconfinable): the code after its first `await`
 * would run after the sandbox ended.
 */
export function sandbox<T>(policy: PermissionPolicy, fn: () => T): T {
  if (typeof fn !== 'function') throw new InvalidArgument('sandbox fn', fn, 'must be a function');
  const proto = getPrototypeOf(fn) as unknown;
  if (proto === ASYNC_FUNCTION || proto === ASYNC_GENERATOR) {
    throw new SandboxUnconfinable(
      'sandbox fn',
      describe(fn),
      'is an async function: what runs after its first await would be outside the sandbox; sandbox each synchronous step',
    );
  }
  return underPolicies([policy], () => {
    const result = fn();
    // Looked at inside the sandbox (`then` may be a getter). Its continuations would run unconfined.
    if ((typeof result === 'object' && result !== null) || typeof result === 'function') {
      if (typeof (result as { then?: unknown }).then === 'function') {
        throw new SandboxUnconfinable('sandbox fn result', 'a thenable', 'its continuations would run after the sandbox ended; sandbox each synchronous step');
      }
    }
    return result;
  });
}

/** fn under `policies` (outermost first, each narrowing the active sandbox); all validated before any takes effect. */
function underPolicies<T>(policies: readonly PermissionPolicy[], fn: () => T): T {
  const compiled: PermissionPolicy[] = [];
  for (let i = 0; i < policies.length; i++) compiled[i] = compile(policies[i]!);
  const outer = active;
  let s = outer;
  for (let i = 0; i < compiled.length; i++) s = new ActiveSandbox(compiled[i]!, s);
  if (s === outer) return fn();
  const exit = outer === undefined ? enter(s!) : undefined;
  active = s;
  try {
    return fn();
  } finally {
    if (exit !== undefined) exit();
    else active = outer;
  }
}

/** The active policies, outermost first (passed to spawned threads). */
export function activePolicies(): PermissionPolicy[] {
  return active === undefined ? [] : active.policies();
}

/** Puts the calling thread under `policies` (outermost first) for good: a spawned thread inherits its parent's sandboxes. */
export function confineThread(policies: readonly PermissionPolicy[]): void {
  const compiled: PermissionPolicy[] = [];
  for (let i = 0; i < policies.length; i++) compiled[i] = compile(policies[i]!); // all validated before any takes effect
  let s = active;
  for (let i = 0; i < compiled.length; i++) s = new ActiveSandbox(compiled[i]!, s);
  if (s === active || s === undefined) return;
  if (active === undefined) enter(s); // the remover is dropped: the thread stays confined
  active = s;
}

// --- The registry of entry points ----------------------------------------------------

export type EntryCategory = 'syscall' | 'time' | 'platform' | 'logging';

export interface EntryPoint {
  /** `module.export`, the module being the file under src/ (or `hal` for HAL methods). */
  readonly name: string;
  readonly category: EntryCategory;
  /** The scope checked; exactly the syscall entries have one. */
  readonly scope?: PermissionScope;
}

/** Builds the registry and pins its two rules; a mistake fails at load time. */
export function defineEntryPoints(entries: readonly EntryPoint[]): readonly EntryPoint[] {
  const seen = new Set<string>();
  for (const e of entries) {
    if (seen.has(e.name)) throw new InvalidArgument('entry point', e.name, 'is registered twice');
    seen.add(e.name);
    if (e.category === 'syscall' && (e.scope === undefined || !PERMISSION_SCOPES.includes(e.scope))) {
      throw new InvalidArgument('entry point', e.name, 'is a syscall-category operation and must carry a permission scope');
    }
    if (e.category !== 'syscall' && e.scope !== undefined) {
      throw new InvalidArgument('entry point', e.name, `is a ${e.category} operation and must not be permission-gated`);
    }
  }
  return Object.freeze(entries.map((e) => Object.freeze({ ...e })));
}

const gated = (scope: PermissionScope, ...names: string[]): EntryPoint[] => names.map((name) => ({ name, category: 'syscall', scope }));
const free = (category: Exclude<EntryCategory, 'syscall'>, ...names: string[]): EntryPoint[] => names.map((name) => ({ name, category }));

export const ENTRY_POINTS: readonly EntryPoint[] = defineEntryPoints([
  // Registers: every bus access of src/ goes through the one load/store path of src/bus.ts, gated there.
  ...gated(
    'register',
    'mmio.volatileLoad',
    'mmio.volatileStore',
    'mmio.MemoryRegion#load',
    'mmio.MemoryRegion#store',
    'mmio.Register#read',
    'mmio.Register#write',
    'mmio.Register#modify',
    'mmio.Register#get',
    'mmio.Register#getEnum',
    'mmio.Register#isSet',
    'mmio.Register#matches',
    'mmio.Register#atomicSet',
    'mmio.Register#atomicClear',
    'mmio.Register#atomicXor',
    'mmio.Register#writeMasked',
    'mmio.Register#modifyMasked',
    'mmio.Field#read',
    'mmio.Field#readEnum',
    'mmio.Field#is',
    'mmio.Field#isSet',
    'mmio.Field#write',
    'mmio.Field#modify',
  ),
  ...free('platform', 'mmio.barrier', 'mmio.dmb', 'mmio.dsb', 'mmio.isb'),
  ...gated('thread', 'threads.threadSpawn'),
  ...gated('memory', 'os_memory.osAlloc', 'os_memory.osAllocAligned', 'os_memory.osAllocHuge', 'os_memory.osFree', 'os_memory.osProtect', 'os_memory.osAdvise'),
  ...free('platform', 'os_memory.osProtection', 'os_memory.osMemoryInfo'),
  // Files are named by path, or `fd:N` for descriptor operations.
  ...gated(
    'file',
    'sys_common.pread',
    'sys_common.pwrite',
    'sys_common.fileSize',
    'sys_common.truncate',
    'sys_common.access',
    'sys_common.fullFsync',
    'sys_common.syncDirectory',
    'durability.atomicWrite',
    'durability.removeStaleTempFiles',
  ),
  ...gated('lock', 'locking.tryLock', 'locking.unlock', 'locking.tryLockByteExclusive', 'locking.tryLockByteShared'),
  ...gated('random', 'sys_common.randomBytes'),
  ...gated('io', 'io_engine.createIoEngine', 'io_engine.IoEngine#submit', 'io_engine.IoEngine#socket', 'io_engine.IoEngine#listen'),
  ...gated('process', 'process.exit', 'process.onSignal'),
  ...free('platform', 'process.getpid', 'process.gettid'),
  ...free('time', 'process.clockGettime'),
  ...free('platform', 'threads.getThreadId', 'threads.threadSelf', 'threads.numOnlineCpus', 'threads.threadYield', 'profile.runtimeProfile'),
]);
