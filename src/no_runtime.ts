// The no_runtime profile (reference: "Alternative runtimes" → sys.no_runtime),
// for kernel startup and bootloaders: there is no allocator and no async. Every
// heap entry point refuses: the allocation forms return `undefined` (the
// reference's `None`), the rest throw `NoRuntime`. In a no_runtime build these
// replace the embedded/full implementations (src/runtime.ts), so the bundle
// carries no allocator code.
import { VllsiError } from './errors.js';
import type { StackStats } from './embedded.js';
import type { MemAdvice, OsMemoryConfig } from './os_memory.js';
import type { MemProt } from './bitflags.js';

/** The operation needs a runtime (heap, async executor, threads) this build does not have. */
export class NoRuntime extends VllsiError<'NoRuntime'> {
  constructor(readonly operation: string) {
    super('NoRuntime', `${operation} is not available in the no_runtime profile (no heap, no async)`);
  }
}

function refuse(operation: string): never {
  throw new NoRuntime(operation);
}

export function stackAlloc(_size: number, _align?: number): Uint8Array | undefined {
  return undefined;
}
export function stackAllocOffset(_size: number, _align?: number): number | undefined {
  return undefined;
}
export function stackMark(): number {
  return refuse('stackMark');
}
export function stackReset(_mark?: number): void {
  refuse('stackReset');
}
export function stackStats(): StackStats {
  return refuse('stackStats');
}
export function stackArena(): ArrayBuffer {
  return refuse('stackArena');
}
export function initStackArena(_arena?: ArrayBuffer | number): never {
  return refuse('initStackArena');
}
export function hasStackArena(): boolean {
  return false;
}
export function releaseStackArena(): void {}
/** Async is compiled away: there is nothing to drive. */
export function blockOn(_computation: unknown, _options?: unknown): never {
  return refuse('blockOn');
}

// OS memory is a page allocator: none here either.
export function initOsMemory(_cfg: OsMemoryConfig): never {
  return refuse('initOsMemory');
}
export function osAlloc(_size: number): number {
  return refuse('osAlloc');
}
export function osAllocAligned(_size: number, _align: number): number {
  return refuse('osAllocAligned');
}
export function osAllocHuge(_size: number, _hugePageSize: number): number {
  return refuse('osAllocHuge');
}
export function osFree(_addr: number, _size: number): void {
  refuse('osFree');
}
export function osProtect(_addr: number, _size: number, _prot: MemProt): void {
  refuse('osProtect');
}
export function osAdvise(_addr: number, _size: number, _advice: MemAdvice): void {
  refuse('osAdvise');
}
