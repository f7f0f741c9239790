// Threads on the host: each vllsi thread is a Node worker thread. Join blocks
// the caller (Atomics.wait on a status word the worker sets when its entry
// returns), as the reference's thread_join does. Inside a worker the same
// provider is installed before the entry runs, so threads can spawn threads.
//
// Limits: an entry that calls process.exit() or crashes the worker never sets
// its status, and joining it blocks; threadYield cannot yield the OS thread from
// JS and returns at once.
import { Worker, threadId } from 'node:worker_threads';
import os from 'node:os';
import { OSError } from '../src/errors.js';
import { confineThread, type PermissionPolicy } from '../src/permissions.js';
import { ThreadFailed, setThreadProvider, type ThreadEntry, type ThreadHandle, type ThreadProvider } from '../src/threads.js';
import { workerHooks } from './worker-hooks.js';

const RUNNING = 0;
const DONE = 1;
const FAILED = 2;
const MESSAGE_BYTES = 1024;

class HostThread implements ThreadHandle {
  state: 'running' | 'joined' | 'detached' = 'running';
  constructor(
    readonly id: number,
    readonly worker: Worker,
    /** [status, message length, message bytes...] shared with the worker. */
    readonly status: Int32Array,
  ) {}
}

// The worker's first code (CommonJS, evaluated): load the TypeScript hooks when
// needed, install this provider, run the entry, publish the outcome.
const BOOTSTRAP = `
const { workerData } = require('node:worker_threads');
const status = new Int32Array(workerData.status);
function finish(code, text) {
  if (text !== undefined) {
    const bytes = new TextEncoder().encode(text).subarray(0, ${MESSAGE_BYTES});
    new Uint8Array(workerData.status, 8, bytes.length).set(bytes);
    status[1] = bytes.length;
  }
  Atomics.store(status, 0, code);
  Atomics.notify(status, 0);
}
(async () => {
  if (workerData.hooks) require('node:module').register(workerData.hooks);
  (await import(workerData.provider)).installHostThreads(workerData.policies);
  const mod = await import(workerData.module);
  const fn = mod[workerData.export];
  if (typeof fn !== 'function') throw new Error('module ' + workerData.module + ' exports no function ' + JSON.stringify(workerData.export));
  await fn(workerData.arg);
})().then(() => finish(${DONE}), (e) => finish(${FAILED}, e instanceof Error ? e.name + ': ' + e.message : String(e)));
`;

function moduleUrl(spec: string): string {
  return /^[a-z]+:/i.test(spec) ? spec : new URL(spec, `file://${process.cwd()}/`).href;
}

export function hostThreadProvider(): ThreadProvider {
  const own = (h: ThreadHandle): HostThread => {
    if (!(h instanceof HostThread)) throw new OSError(3, `no such thread: ${JSON.stringify(h)} was not started here`, 'ESRCH');
    return h;
  };
  return {
    name: 'host:worker_threads',
    threadId: () => threadId,
    numOnlineCpus: () => os.availableParallelism(),
    yieldNow: () => {},
    spawn(entry: ThreadEntry, arg: unknown, stackSize: number, policies: PermissionPolicy[]): ThreadHandle {
      const module = moduleUrl(entry.module);
      const status = new SharedArrayBuffer(8 + MESSAGE_BYTES);
      let worker: Worker;
      try {
        worker = new Worker(BOOTSTRAP, {
          eval: true,
          workerData: { module, export: entry.export ?? 'default', arg, status, policies, provider: import.meta.url, hooks: workerHooks(module) },
          // Node's minimum is about 1 MiB; below that a worker cannot even load its modules.
          ...(stackSize > 0 ? { resourceLimits: { stackSizeMb: Math.max(1, stackSize / 2 ** 20) } } : {}),
        });
      } catch (e) {
        // DataCloneError: arg cannot be sent to another thread.
        throw new OSError(22, `cannot start a thread for ${module}: ${(e as Error).message}`, 'EINVAL');
      }
      return new HostThread(worker.threadId, worker, new Int32Array(status));
    },
    join(handle: ThreadHandle): void {
      const t = own(handle);
      if (t.state !== 'running') throw new OSError(22, `thread ${t.id} is ${t.state} and cannot be joined`, 'EINVAL');
      while (Atomics.load(t.status, 0) === RUNNING) Atomics.wait(t.status, 0, RUNNING);
      t.state = 'joined';
      if (t.status[0] === FAILED) {
        const text = new TextDecoder().decode(new Uint8Array(t.status.buffer, 8, t.status[1]).slice());
        throw new ThreadFailed(t.id, text);
      }
    },
    detach(handle: ThreadHandle): void {
      const t = own(handle);
      if (t.state !== 'running') throw new OSError(22, `thread ${t.id} is ${t.state} and cannot be detached`, 'EINVAL');
      t.state = 'detached';
      t.worker.unref();
    },
  };
}

/** Makes host threads the platform's threads (every host worker calls this first, under its parent's sandboxes). */
export function installHostThreads(policies: PermissionPolicy[] = []): ThreadProvider {
  confineThread(policies);
  return setThreadProvider(hostThreadProvider());
}
