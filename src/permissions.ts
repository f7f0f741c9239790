// Permission gating (reference: "Permission gating"). Every syscall-category
// operation — register load/store, file, lock, random, I/O engine, thread spawn,
// OS memory, process exit and signals — calls a check before it acts; time, platform queries and logging
// never do. Outside any sandbox a check is one comparison; inside,
// `sandbox(policy, fn)` decides each (scope, target) once and caches the answer
// for the sandbox's lifetime, so the warm path is a Map lookup.
//
// A policy is an allow-list, a deny-list, or both (allowed = matches `allow`, if
// given, and matches no `deny` rule). Rules name a scope and optionally a target:
// an address range [from, to) for numeric targets (registers, memory), a prefix
// for string targets (file paths, module specifiers). Sandboxes nest: inner ones
// can only narrow. A sandbox covers the synchronous run of fn on this thread and
// the threads spawned from it (host-sim passes the active policies along).
//
// The registry ENTRY_POINTS lists every entry point with its category; it is
// pinned at load time like the reference's intrinsic registry (a syscall entry
// without a scope, or a time/platform/logging entry with one, fails loudly), and
// test/permissions/registry.test.ts checks the code agrees with it.
import { InvalidArgument, VllsiError, describe, requireObject } from './errors.js';
import { setRegisterGate } from './platform.js';
import { osBackend, type OsBackend } from './os.js';

export type PermissionScope = 'register' | 'memory' | 'file' | 'lock' | 'random' | 'io' | 'thread' | 'process';
export const PERMISSION_SCOPES: readonly PermissionScope[] = ['register', 'memory', 'file', 'lock', 'random', 'io', 'thread', 'process'];

export type PermissionTarget = number | string;

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

/** A gated operation was refused by the active sandbox. Nothing happened. */
export class PermissionDenied extends VllsiError<'PermissionDenied'> {
  constructor(
    readonly scope: PermissionScope,
    readonly target: PermissionTarget,
  ) {
    super('PermissionDenied', `permission denied: ${scope} ${describe(target)} is outside the sandbox policy`);
  }
}

function ruleMatches(r: PermissionRule, scope: PermissionScope, target: PermissionTarget): boolean {
  if (r.scope !== scope) return false;
  if (r.from !== undefined) return typeof target === 'number' && target >= r.from && target < r.to!;
  if (r.prefix !== undefined) return typeof target === 'string' && target.startsWith(r.prefix);
  return true;
}

/** The decision of one policy, without caching (the law the cache must agree with). */
export function policyAllows(policy: PermissionPolicy, scope: PermissionScope, target: PermissionTarget): boolean {
  requireObject('policy', policy);
  if (policy.allow && !policy.allow.some((r) => ruleMatches(r, scope, target))) return false;
  return !(policy.deny && policy.deny.some((r) => ruleMatches(r, scope, target)));
}

function checkRule(r: PermissionRule, where: string): PermissionRule {
  if (r === null || typeof r !== 'object' || !PERMISSION_SCOPES.includes(r.scope)) {
    throw new InvalidArgument(`${where} rule scope`, r?.scope, `must be one of ${PERMISSION_SCOPES.join(', ')}`);
  }
  if ((r.from === undefined) !== (r.to === undefined)) throw new InvalidArgument(`${where} rule range`, r.from ?? r.to, 'needs both from and to');
  if (r.from !== undefined && (!Number.isSafeInteger(r.from) || !Number.isSafeInteger(r.to) || r.from < 0 || r.to! < r.from)) {
    throw new InvalidArgument(`${where} rule range`, r.from, `must be integers with 0 <= from <= to (to ${describe(r.to)})`);
  }
  if (r.prefix !== undefined && (typeof r.prefix !== 'string' || r.from !== undefined)) {
    throw new InvalidArgument(`${where} rule prefix`, r.prefix, 'must be a string, and not combined with a range');
  }
  return Object.freeze({ ...r });
}

/** A policy stacked on its parent, with its decision cache: one Map per scope. */
class ActiveSandbox {
  private readonly cache = new Map<PermissionScope, Map<PermissionTarget, boolean>>();
  /** The register scope's map, held directly: it is the hottest. */
  private readonly registers = new Map<PermissionTarget, boolean>();
  /** The last register address allowed: a driver polling one register skips even the Map. */
  lastRegister = -1;
  /** Bytes of the last allowed access at lastRegister. */
  lastSize = 0;

  constructor(
    readonly policy: PermissionPolicy,
    readonly parent: ActiveSandbox | undefined,
  ) {
    for (const s of PERMISSION_SCOPES) this.cache.set(s, s === 'register' ? this.registers : new Map());
  }

  allows(scope: PermissionScope, target: PermissionTarget): boolean {
    const c = this.cache.get(scope)!;
    let d = c.get(target);
    if (d === undefined) {
      d = policyAllows(this.policy, scope, target) && (this.parent === undefined || this.parent.allows(scope, target));
      c.set(target, d);
    }
    return d;
  }

  /** Every byte an access touches is checked: a rule on part of a register covers accesses that overlap it. */
  checkRegister(addr: number, size: number): void {
    if (typeof addr !== 'number' || (size !== 1 && size !== 2 && size !== 4))
      throw new InvalidArgument('register access', typeof addr !== 'number' ? addr : size, 'needs a numeric address and a size of 1, 2 or 4 bytes');
    for (let i = 0; i < size; i++) {
      let d = this.registers.get(addr + i);
      if (d === undefined) d = this.allows('register', addr + i);
      if (!d) throw new PermissionDenied('register', addr);
    }
    this.lastRegister = addr;
    this.lastSize = size;
  }
}

let active: ActiveSandbox | undefined;

/** Makes `s` the active sandbox; register accesses are gated exactly while one is active. */
function activate(s: ActiveSandbox | undefined): void {
  active = s;
  setRegisterGate(s === undefined ? undefined : checkRegister);
}

/** The gate every syscall-category entry point calls before acting. */
export function checkPermission(scope: PermissionScope, target: PermissionTarget): void {
  if (active !== undefined && !active.allows(checkScope(scope), fileTarget(scope, target))) throw new PermissionDenied(scope, target);
}

/** The gate of descriptor operations: target `fd:N`, a string built only inside a sandbox. */
export function checkFdPermission(scope: PermissionScope, fd: number): void {
  if (active !== undefined) checkPermission(scope, `fd:${fd}`);
}

/** The gate of the register access path (a specialisation of checkPermission('register', addr)). */
export function checkRegister(addr: number, size = 1): void {
  const a = active;
  if (a !== undefined && (addr !== a.lastRegister || size > a.lastSize)) a.checkRegister(addr, size);
}

/** Whether the operation would pass the gate, without throwing. */
export function isPermitted(scope: PermissionScope, target: PermissionTarget): boolean {
  return active === undefined || active.allows(checkScope(scope), fileTarget(scope, target));
}

/**
 * File paths are judged as the OS will resolve them: the real path (symlinks, `.`, `..`,
 * repeated separators, relative paths resolved), or for a path not made yet the real path
 * of its nearest existing parent plus the rest, normalised. `fd:N` targets stay as they are.
 */
function fileTarget(scope: PermissionScope, target: PermissionTarget): PermissionTarget {
  if (scope !== 'file' || typeof target !== 'string' || target.startsWith('fd:') || target === '') return target;
  const backend = osBackend();
  return backend === undefined ? target : realFilePath(backend, target);
}

function realFilePath(backend: OsBackend, path: string): string {
  try {
    return backend.realPath(path);
  } catch {
    // Not there (yet): resolve the parent, then add this component.
  }
  const cut = Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\'));
  const parent = cut < 0 ? '.' : cut === 0 ? path.slice(0, 1) : path.slice(0, cut);
  if (parent === path) return path;
  const name = path.slice(cut + 1);
  const base = realFilePath(backend, parent);
  if (name === '' || name === '.') return base;
  if (name === '..') return base.slice(0, Math.max(base.lastIndexOf('/'), 1));
  return base.endsWith('/') ? base + name : `${base}/${name}`;
}

/** A file rule's prefix resolved like its targets (a trailing separator kept). */
function resolveRule(r: PermissionRule): PermissionRule {
  const p = r.prefix;
  if (r.scope !== 'file' || p === undefined || p === '' || p.startsWith('fd:')) return r;
  const backend = osBackend();
  if (backend === undefined) return r;
  const dir = p.endsWith('/') || p.endsWith('\\');
  const real = realFilePath(backend, dir && p.length > 1 ? p.slice(0, -1) : p);
  return Object.freeze({ ...r, prefix: dir && !real.endsWith('/') ? `${real}/` : real });
}

function checkScope(scope: PermissionScope): PermissionScope {
  if (!PERMISSION_SCOPES.includes(scope)) throw new InvalidArgument('permission scope', scope, `must be one of ${PERMISSION_SCOPES.join(', ')}`);
  return scope;
}

function compile(policy: PermissionPolicy): PermissionPolicy {
  if (policy === null || typeof policy !== 'object' || (policy.allow === undefined && policy.deny === undefined)) {
    throw new InvalidArgument('sandbox policy', policy, 'needs an allow list, a deny list, or both');
  }
  return Object.freeze({
    ...(policy.allow ? { allow: Object.freeze(policy.allow.map((r) => resolveRule(checkRule(r, 'allow')))) } : {}),
    ...(policy.deny ? { deny: Object.freeze(policy.deny.map((r) => resolveRule(checkRule(r, 'deny')))) } : {}),
  });
}

/** Runs fn under `policy` (narrowing any sandbox already active) and returns its result. */
export function sandbox<T>(policy: PermissionPolicy, fn: () => T): T {
  const outer = active;
  activate(new ActiveSandbox(compile(policy), outer));
  try {
    return fn();
  } finally {
    activate(outer);
  }
}

/** The active policies, outermost first (passed to spawned threads). */
export function activePolicies(): PermissionPolicy[] {
  const out: PermissionPolicy[] = [];
  for (let s = active; s !== undefined; s = s.parent) out.unshift(s.policy);
  return out;
}

/** Puts the calling thread under `policies` (outermost first) for good: a spawned thread inherits its parent's sandboxes. */
export function confineThread(policies: readonly PermissionPolicy[]): void {
  const compiled = policies.map(compile); // all validated before any takes effect
  let s = active;
  for (const p of compiled) s = new ActiveSandbox(p, s);
  activate(s);
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
