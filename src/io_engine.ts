// The I/O engine: a completion-based interface (submit / poll / shutdown) in the shape
// of io_uring, over a driver the OS backend provides. The engine logic — submission ids,
// the completion queue, queue depth, shutdown cancelling everything pending — is here
// and portable; the driver only starts operations and reports their results.
//
// Results follow the kernel convention: a non-negative count (bytes, a new descriptor,
// 0) or −errno with the platform's errno numbers (−ECANCELED after shutdown).
import { InvalidArgument, VllsiError, requireObject } from './errors.js';
import { fileDesc, type FileDesc } from './common.js';
import type { CompletionOp, IoDriver, IoEngineConfig, SocketAddress } from './io_driver.js';
import { os } from './os.js';
import { checkFdPermission, checkPermission } from './permissions.js';

export type SubmissionId = number;

export interface CompletionResult {
  readonly submissionId: SubmissionId;
  /** ≥ 0 on success, −errno on failure. */
  readonly result: number;
  readonly flags: number;
  /** Accept: the peer's address. */
  readonly address?: SocketAddress;
}

/** `submit` refused: the engine was shut down, or the queue is full. */
export class IoError extends VllsiError<'IoError'> {
  constructor(
    readonly reason: 'Shutdown' | 'QueueFull',
    message: string,
  ) {
    super('IoError', message);
  }
}

const OPS = ['Read', 'Write', 'Accept', 'Connect', 'Send', 'Recv', 'Timeout', 'Close'];

export class IoEngine {
  readonly kind: string;
  readonly description: string;
  readonly queueDepth: number;
  #nextId = 1;
  #inFlight = new Map<SubmissionId, () => void>();
  #ready: CompletionResult[] = [];
  #wake: (() => void) | undefined;
  #down = false;
  readonly #canceled: number;

  /** @internal use createIoEngine */
  constructor(
    readonly driver: IoDriver,
    config: IoEngineConfig,
    ecanceled: number,
  ) {
    requireObject('I/O driver', driver);
    requireObject('I/O engine config', config);
    this.kind = driver.kind;
    this.description = driver.description;
    this.queueDepth = config.queueDepth ?? 256;
    this.#canceled = ecanceled;
  }

  /** Operations submitted and not yet completed. */
  get pending(): number {
    return this.#inFlight.size;
  }

  get isShutdown(): boolean {
    return this.#down;
  }

  submit(op: CompletionOp): SubmissionId {
    if (this.#down) throw new IoError('Shutdown', `submit ${describeOp(op)}: the I/O engine was shut down`);
    checkOp(op);
    if (op.op === 'Timeout') checkPermission('io', 'timeout');
    else checkFdPermission('io', op.fd);
    if (this.#inFlight.size >= this.queueDepth)
      throw new IoError('QueueFull', `submit ${op.op}: ${this.#inFlight.size} operations in flight, the queue depth is ${this.queueDepth}`);
    const id = this.#nextId++;
    const finish = (result: number, address?: SocketAddress) => {
      if (!this.#inFlight.delete(id)) return; // cancelled by shutdown, or reported already
      this.#ready.push(address === undefined ? { submissionId: id, result, flags: 0 } : { submissionId: id, result, flags: 0, address });
      this.#notify();
    };
    if (op.op === 'Timeout') {
      this.#inFlight.set(
        id,
        this.driver.timer(op.durationMs, () => finish(0)),
      );
    } else {
      this.#inFlight.set(id, () => {});
      this.driver.start(op, finish);
    }
    return id;
  }

  /**
   * Completions that are ready. `timeoutMs` 0: do not wait; a number: wait up to that long
   * for at least one; omitted: wait until at least one arrives (returns [] at once when
   * nothing is in flight).
   */
  async poll(timeoutMs?: number): Promise<CompletionResult[]> {
    if (timeoutMs !== undefined && (!Number.isFinite(timeoutMs) || timeoutMs < 0))
      throw new InvalidArgument('poll timeout', timeoutMs, 'must be a non-negative number of milliseconds');
    if (this.#ready.length === 0 && timeoutMs !== 0 && this.#inFlight.size > 0) {
      await new Promise<void>((resolve) => {
        const cancel =
          timeoutMs === undefined
            ? undefined
            : this.driver.timer(timeoutMs, () => {
                this.#wake = undefined;
                resolve();
              });
        this.#wake = () => {
          cancel?.();
          resolve();
        };
      });
    }
    const out = this.#ready;
    this.#ready = [];
    return out;
  }

  /** Completes everything pending with −ECANCELED (collect them with poll) and refuses new work. */
  shutdown(): void {
    if (this.#down) return;
    this.#down = true;
    for (const [id, cancel] of this.#inFlight) {
      cancel();
      this.#ready.push({ submissionId: id, result: -this.#canceled, flags: 0 });
    }
    this.#inFlight.clear();
    this.driver.shutdown();
    this.#notify();
  }

  /** A new unconnected TCP socket for Connect (the reference's net_ops `socket`). */
  socket(): FileDesc {
    if (this.#down) throw new IoError('Shutdown', 'socket: the I/O engine was shut down');
    checkPermission('io', 'socket');
    return this.driver.socket();
  }

  /** A listening TCP socket for Accept (net_ops `bind` + `listen`). */
  listen(address: SocketAddress, backlog = 128): Promise<{ fd: FileDesc; address: SocketAddress }> {
    if (this.#down) throw new IoError('Shutdown', 'listen: the I/O engine was shut down');
    checkAddress(address);
    checkPermission('io', `listen:${address.host}:${address.port}`);
    return this.driver.listen(address, backlog);
  }

  #notify(): void {
    const wake = this.#wake;
    this.#wake = undefined;
    wake?.();
  }
}

/** Creates an engine over the OS backend's driver (Node: libuv). */
export function createIoEngine(config: IoEngineConfig = {}): IoEngine {
  requireObject('I/O engine config', config);
  if (config.queueDepth !== undefined && (!Number.isInteger(config.queueDepth) || config.queueDepth < 1)) {
    throw new InvalidArgument('queue depth', config.queueDepth, 'must be a positive integer');
  }
  checkPermission('io', 'createIoEngine');
  const backend = os('createIoEngine');
  return new IoEngine(backend.ioDriver(config), config, backend.errno('ECANCELED'));
}

function checkOp(op: CompletionOp): void {
  if (op === null || typeof op !== 'object' || !OPS.includes(op.op)) throw new InvalidArgument('operation', op, `must be one of ${OPS.join(' ')}`);
  if (op.op === 'Timeout') {
    if (!Number.isFinite(op.durationMs) || op.durationMs < 0)
      throw new InvalidArgument('timeout duration', op.durationMs, 'must be a non-negative number of milliseconds');
    return;
  }
  fileDesc(op.fd);
  if (op.op === 'Read' || op.op === 'Write' || op.op === 'Send' || op.op === 'Recv') {
    if (!(op.buf instanceof Uint8Array)) throw new InvalidArgument(`${op.op} buffer`, op.buf, 'must be a Uint8Array');
    if (!Number.isInteger(op.len) || op.len < 0 || op.len > op.buf.length)
      throw new InvalidArgument(`${op.op} length`, op.len, `must be an integer in 0..${op.buf.length}`);
  }
  if ((op.op === 'Read' || op.op === 'Write') && (!Number.isSafeInteger(op.offset) || op.offset < 0)) {
    throw new InvalidArgument(`${op.op} offset`, op.offset, 'must be a non-negative safe integer');
  }
  if ((op.op === 'Send' || op.op === 'Recv') && op.flags !== 0)
    throw new InvalidArgument(`${op.op} flags`, op.flags, 'must be 0 (no MSG_* flags are supported)');
  if (op.op === 'Connect') checkAddress(op.address);
}

function checkAddress(a: SocketAddress): void {
  if (a === null || typeof a !== 'object' || typeof a.host !== 'string' || !Number.isInteger(a.port) || a.port < 0 || a.port > 65535) {
    throw new InvalidArgument('socket address', a, 'must be { host, port } with port 0..65535');
  }
}

function describeOp(op: CompletionOp): string {
  return op && typeof op === 'object' && typeof op.op === 'string' ? op.op : 'operation';
}
