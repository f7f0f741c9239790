// What the permission sandbox (src/permissions.ts) shares with the modules it gates but that must
// not import it (a cycle, or the sandbox pulled into every device bundle): the denial error, the
// hook through which the OS backend view (src/os.ts) and later-running handlers (src/interrupt.ts,
// src/process.ts, the HALs' irqSetHandler) reach the active sandbox, and the intrinsics the gates
// call. Code running inside a sandbox may replace Map.prototype.get, String.prototype.startsWith,
// Function.prototype.call…: the gates only call the originals, captured here when the module loads
// (on a Moddable device the built-ins are frozen after preload; in Node and xsnap they are not).
import { VllsiError, describe } from './errors.js';

export type PermissionScope = 'register' | 'memory' | 'file' | 'lock' | 'random' | 'io' | 'thread' | 'process';
export const PERMISSION_SCOPES: readonly PermissionScope[] = Object.freeze(['register', 'memory', 'file', 'lock', 'random', 'io', 'thread', 'process']);

export type PermissionTarget = number | string;

/** A gated operation was refused by the active sandbox. Nothing happened. */
export class PermissionDenied extends VllsiError<'PermissionDenied'> {
  constructor(
    readonly scope: PermissionScope,
    readonly target: PermissionTarget,
  ) {
    super('PermissionDenied', `permission denied: ${scope} ${describe(target)} is outside the sandbox policy`);
  }
}

// --- Captured intrinsics ------------------------------------------------------------------
// `uncurry(f)(self, ...args)` calls the original f: a bound `call` does not look `call` up again.
const bindCall = Function.prototype.call.bind(Function.prototype.bind) as <F>(f: F, self: unknown) => F;
const uncurry = <S, A extends unknown[], R>(f: (this: S, ...args: A) => R): ((self: S, ...args: A) => R) =>
  bindCall(Function.prototype.call, f) as unknown as (self: S, ...args: A) => R;

export const mapGet = uncurry(Map.prototype.get as (this: Map<unknown, unknown>, key: unknown) => unknown);
export const mapSet = uncurry(Map.prototype.set as (this: Map<unknown, unknown>, key: unknown, value: unknown) => Map<unknown, unknown>);
export const mapDelete = uncurry(Map.prototype.delete as (this: Map<unknown, unknown>, key: unknown) => boolean);
export const startsWith = uncurry(String.prototype.startsWith as (this: string, s: string) => boolean);
export const endsWith = uncurry(String.prototype.endsWith as (this: string, s: string) => boolean);
export const slice = uncurry(String.prototype.slice as (this: string, from: number, to?: number) => string);
export const lastIndexOf = uncurry(String.prototype.lastIndexOf as (this: string, s: string) => number);
export const applyFn = Reflect.apply;
export const bindFn = <F>(f: F, self: unknown): F => bindCall(f, self);
export const freeze = Object.freeze;
export const isSafeInteger = Number.isSafeInteger;
export const getPrototypeOf = Object.getPrototypeOf;

// --- The sandbox hook -----------------------------------------------------------------------

/** What the active sandbox offers the modules it gates from below. */
export interface SandboxGate {
  /** Throws PermissionDenied unless (scope, target) is allowed; file targets are resolved first. */
  check(scope: PermissionScope, target: PermissionTarget): void;
  /** The same for an operation on descriptor `fd` (judged by the path it was opened on, where known). */
  checkFd(scope: PermissionScope, fd: number): void;
  /** `fn`, made to run under the sandboxes active now whenever it is called (a handler installed inside a sandbox). */
  later<F extends (...args: never[]) => unknown>(fn: F): F;
}

/** The hook of the active sandbox, else undefined (one comparison outside any sandbox). */
export let sandboxGate: SandboxGate | undefined;

/**
 * Installs the hook; returns its remover, the only way to take it out again (a capability kept
 * by the sandbox that installed it). Refused while a hook is installed: code inside a sandbox
 * can neither replace nor remove it.
 */
export function installSandboxGate(gate: SandboxGate): () => void {
  if (sandboxGate !== undefined) throw new PermissionDenied('process', 'installSandboxGate');
  sandboxGate = gate;
  let installed = true;
  return () => {
    if (installed) sandboxGate = undefined;
    installed = false;
  };
}

/**
 * A handler installed now: confined to the active sandboxes whenever it runs later (as is,
 * outside any sandbox). Only narrows, so it is public: src/io, bundled with the app on a
 * device, reaches the core through its exports.
 */
export function confineLater<F>(fn: F): F {
  const g = sandboxGate;
  return g === undefined || typeof fn !== 'function' ? fn : (g.later(fn as F & ((...args: never[]) => unknown)) as F);
}
