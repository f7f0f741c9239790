// Threads on real Node worker_threads, and the context system's per-thread state.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { threadId } from 'node:worker_threads';
import os from 'node:os';
import { installHostThreads } from '../../host-sim/threads.js';
import {
  getThreadId,
  numOnlineCpus,
  threadDetach,
  threadJoin,
  threadSelf,
  threadSpawn,
  threadYield,
  setThreadProvider,
  singleThreadProvider,
  ThreadFailed,
  type ThreadProvider,
} from '../../src/threads.js';
import { ctxGet, ctxSet, ctxResetThread } from '../../src/context.js';
import { InvalidArgument, OSError, Unsupported } from '../../src/errors.js';
import { PermissionDenied, sandbox } from '../../src/permissions.js';

const entries = new URL('../fixtures/thread-entries.ts', import.meta.url).href;
let previous: ThreadProvider;
beforeAll(() => void (previous = installHostThreads()));
afterAll(() => void setThreadProvider(previous));

describe('host threads (worker_threads)', () => {
  it('platform queries: thread id, online CPUs, yield', () => {
    expect(getThreadId()).toBe(threadId);
    expect(threadSelf().id).toBe(threadId);
    expect(numOnlineCpus()).toBe(os.availableParallelism());
    expect(() => threadYield()).not.toThrow();
  });

  it('each thread has its own context slots (4 concurrent workers)', () => {
    ctxResetThread();
    ctxSet(5, 999);
    const workers = 4;
    const shared = new SharedArrayBuffer(4 * (1 + workers * 4));
    const handles = Array.from({ length: workers }, (_, index) =>
      threadSpawn({ module: entries, export: 'contextWorker' }, { shared, index, workers, slot: 5, value: 100 + index }),
    );
    for (const h of handles) threadJoin(h);
    const out = new Int32Array(shared);
    expect(out[0]).toBe(workers);
    for (let i = 0; i < workers; i++) {
      const [emptyAtStart, readBack, tid, depth] = out.slice(1 + i * 4, 5 + i * 4);
      expect(emptyAtStart).toBe(1); // the main thread's value is not visible
      expect(readBack).toBe(100 + i); // the others' concurrent writes are not either
      expect(tid).toBe(handles[i]!.id);
      expect(depth).toBe(1);
    }
    expect(ctxGet(5)).toBe(999); // and the workers did not touch the main thread's slot
    ctxResetThread();
  });

  it('join waits for an async entry; threads spawn threads', () => {
    const shared = new SharedArrayBuffer(8);
    const h = threadSpawn({ module: entries, export: 'nested' }, shared);
    threadJoin(h);
    const out = new Int32Array(shared);
    expect(out[0]).toBe(7);
    expect(out[1]).toBe(h.id);
  });

  it('a failing entry is reported by join as ThreadFailed', () => {
    const h = threadSpawn({ module: entries, export: 'failing' });
    expect(() => threadJoin(h)).toThrow(/RangeError: entry refused its argument/);
    const missing = threadSpawn({ module: entries, export: 'nope' });
    let e: unknown;
    try {
      threadJoin(missing);
    } catch (x) {
      e = x;
    }
    expect(e).toBeInstanceOf(ThreadFailed);
    expect((e as ThreadFailed).message).toContain('exports no function "nope"');
  });

  it('join twice, join after detach, foreign handles: OSError; bad arguments: InvalidArgument', () => {
    const shared = new SharedArrayBuffer(8);
    const h = threadSpawn({ module: entries, export: 'asyncEntry' }, shared);
    threadJoin(h);
    expect(() => threadJoin(h)).toThrow(OSError);
    const d = threadSpawn({ module: entries, export: 'asyncEntry' }, new SharedArrayBuffer(8), 2 * 2 ** 20);
    threadDetach(d);
    expect(() => threadJoin(d)).toThrow(/detached/);
    expect(() => threadDetach(d)).toThrow(OSError);
    expect(() => threadJoin({ id: 12345 })).toThrow(expect.objectContaining({ errname: 'ESRCH' }));
    expect(() => threadSpawn({ module: '' })).toThrow(InvalidArgument);
    expect(() => threadSpawn({ module: entries }, undefined, -1)).toThrow(InvalidArgument);
    expect(() => threadSpawn({ module: entries }, () => 1)).toThrow(expect.objectContaining({ errname: 'EINVAL' }));
  });
});

describe('host threads under a sandbox', () => {
  it('a spawn the policy denies is PermissionDenied; a spawned thread inherits the sandbox', () => {
    expect(() => sandbox({ deny: [{ scope: 'thread', prefix: entries }] }, () => threadSpawn({ module: entries, export: 'asyncEntry' }))).toThrow(
      PermissionDenied,
    );
    const shared = new SharedArrayBuffer(16);
    sandbox({ deny: [{ scope: 'random' }, { scope: 'register', from: 0x40014000, to: 0x40015000 }] }, () => {
      threadJoin(threadSpawn({ module: entries, export: 'probePermissions' }, shared));
    });
    expect(Array.from(new Int32Array(shared))).toEqual([1, 0, 0, 1]);
  });
});

describe('single-thread provider (devices)', () => {
  it('answers queries and refuses spawn with Unsupported', () => {
    const p = singleThreadProvider(() => 2);
    const before = setThreadProvider(p);
    try {
      expect(getThreadId()).toBe(0);
      expect(numOnlineCpus()).toBe(2);
      expect(() => threadSpawn({ module: entries })).toThrow(Unsupported);
      expect(() => threadJoin({ id: 1 })).toThrow(Unsupported);
    } finally {
      setThreadProvider(before);
    }
  });
});
