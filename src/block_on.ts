// blockOn (reference: "Alternative runtimes" → sys.embedded), the embedded runtime's async:
// runs asynchronous code to completion without an event loop. The allocator is src/embedded.ts.
//
// JS cannot wait for a Promise synchronously, so asynchronous code for
// the embedded runtime is written as a generator: `yield op` where `await op`
// would be. blockOn resumes the generator at once with plain values and polls a
// `Pollable` until it completes (an I/O engine that completes synchronously is
// ready at the first poll). Limits: a yielded Promise cannot be waited for (no
// event loop): it is thrown back into the generator as `WouldBlock`; a Pollable
// still pending after `maxPolls` polls gets `WouldBlock` too.
import { InvalidArgument, VllsiError } from './errors.js';

/** What `poll()` returns while an operation is still in flight. */
export const PENDING: unique symbol = Symbol('vllsi.pending');

/** An operation blockOn can drive: `poll()` makes progress and returns the result once complete. */
export interface Pollable<T> {
  poll(): T | typeof PENDING;
}

/** blockOn cannot complete the computation without an event loop. */
export class WouldBlock extends VllsiError<'WouldBlock'> {
  constructor(message: string) {
    super('WouldBlock', message);
  }
}

export interface BlockOnOptions {
  /** Polls of one Pollable before it is abandoned with WouldBlock (default 1,000,000). */
  maxPolls?: number;
  /** Called between two polls that found the operation pending (e.g. wait for an interrupt, advance the simulator). */
  idle?: () => void;
}

/** An asynchronous computation for blockOn: a generator yielding what it would await. */
export type Blocking<T> = Generator<unknown, T, any>;

function isPollable(x: unknown): x is Pollable<unknown> {
  return typeof x === 'object' && x !== null && typeof (x as Pollable<unknown>).poll === 'function';
}

/**
 * Runs `computation` to completion on the calling stack and returns its result
 * (the embedded runtime's `async { ... }.await`). Errors thrown by a poll are
 * thrown back into the generator at its `yield`, like a rejected await.
 */
export function blockOn<T>(computation: Blocking<T> | (() => Blocking<T>), options: BlockOnOptions = {}): T {
  const maxPolls = options.maxPolls ?? 1_000_000;
  if (!(maxPolls >= 1)) throw new InvalidArgument('maxPolls', maxPolls, 'must be at least 1');
  const gen = typeof computation === 'function' ? computation() : computation;
  if (!gen || typeof gen.next !== 'function' || typeof gen.throw !== 'function') {
    throw new InvalidArgument('computation', gen, 'must be a generator (write `yield` where the async code would `await`)');
  }
  let step = gen.next();
  while (!step.done) {
    const op = step.value;
    let failed = false;
    let value: unknown = op;
    if (isPollable(op)) {
      try {
        let polls = 0;
        while ((value = op.poll()) === PENDING) {
          if (++polls >= maxPolls) throw new WouldBlock(`an operation was still pending after ${polls} polls`);
          options.idle?.();
        }
      } catch (e) {
        failed = true;
        value = e;
      }
    } else if (typeof op === 'object' && op !== null && typeof (op as PromiseLike<unknown>).then === 'function') {
      failed = true;
      value = new WouldBlock('blockOn cannot wait for a Promise (no event loop in this runtime): yield a Pollable instead');
    }
    step = failed ? gen.throw(value) : gen.next(value);
  }
  return step.value;
}
