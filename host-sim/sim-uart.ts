// A byte stream out of a board as a test sees it: a UART (or USB CDC stdio), with waiting for
// lines in simulated time on a simulated (SimBoard) or emulated (EmulatedBoard) board.
import { InvalidArgument, describe } from '../src/errors.js';
import { SimTimeout } from './errors.js';
import { UART_RX_BREAK, UART_RX_FRAMING, UART_RX_PARITY, type UartPort } from './ports.js';
import { formatNs, parseDuration, type Duration } from './time.js';

/** What a SimUart waits on: a simulated or emulated board. */
export interface SimRunner {
  /** Simulated time, ns. */
  readonly now: number;
  /** Runs until `deadline` (ns) or until `until()` holds; returns whether it held. */
  runUntil(deadline: number, until: () => boolean): boolean;
  /** Where the program is, for a timeout message (e.g. the emulated core's PC). */
  whereabouts?(): string;
}

/** A UART (or any byte stream out of the board) seen from the test: its output, input, and waiting for lines in simulated time. */
export class SimUart {
  private consumed = 0;
  constructor(
    readonly port: UartPort,
    private readonly board: SimRunner,
    /** How messages name it. */
    readonly label = `UART${port.index}`,
  ) {}
  get output(): string {
    return this.port.output;
  }
  get lines(): string[] {
    return this.port.lines;
  }
  write(data: Uint8Array | string): void {
    if (this.noisy === undefined) return this.port.receive(data);
    for (const b of typeof data === 'string' ? new TextEncoder().encode(data) : data) this.noisy(b);
  }

  /**
   * Sends bytes with line errors, as a faulty other end or line would (fault injection): a
   * framing error (bad stop bit), a parity error, or a break (the line held low).
   */
  writeWithErrors(data: Uint8Array | string | readonly number[], errors: { framing?: boolean; parity?: boolean; break?: boolean }): void {
    const flags = (errors.framing ? UART_RX_FRAMING : 0) | (errors.parity ? UART_RX_PARITY : 0) | (errors.break ? UART_RX_BREAK : 0);
    if (flags === 0) throw new InvalidArgument('UART errors', errors, 'must set framing, parity or break');
    for (const b of typeof data === 'string' ? new TextEncoder().encode(data) : data) this.port.receiveWithErrors(b, flags);
  }

  private noisy: ((byte: number) => void) | undefined;

  /**
   * Line noise on what write() sends (fault injection): each byte's frame is hit with probability
   * `rate`, at one of its 10 bits chosen at random (deterministic from `seed`): a data bit flips;
   * a hit start or stop bit is a framing error. `noise()` without options makes the line clean.
   */
  noise(o?: { rate: number; seed?: number }): void {
    if (o === undefined) return void (this.noisy = undefined);
    if (typeof o.rate !== 'number' || !(o.rate >= 0 && o.rate <= 1)) throw new InvalidArgument('noise rate', o.rate, 'must be a probability 0..1');
    let x = (o.seed ?? 1) >>> 0 || 1;
    const random = () => {
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
      return (x >>> 0) / 2 ** 32;
    };
    this.noisy = (b) => {
      if (random() >= o.rate) return this.port.receiveWithErrors(b, 0);
      const bit = Math.floor(random() * 10); // 0 start, 1-8 data (LSB first), 9 stop
      if (bit === 0 || bit === 9) this.port.receiveWithErrors(b, UART_RX_FRAMING);
      else this.port.receiveWithErrors(b ^ (1 << (bit - 1)), 0);
    };
  }
  onByte(listener: (byte: number, tNs: number) => void): () => void {
    return this.port.onByte(listener);
  }
  /**
   * Runs the simulation until a line (not matched by an earlier wait) matches, and
   * returns it; throws SimTimeout after `timeout` of simulated time (default 1 s).
   */
  async waitForLine(pattern: RegExp | string, options: { timeout?: Duration } = {}): Promise<string> {
    const timeout = parseDuration(options.timeout ?? '1s', 'timeout');
    const test = (l: string) => (typeof pattern === 'string' ? l.includes(pattern) : pattern.test(l));
    let found: string | undefined;
    const seek = () => {
      const lines = this.port.lines;
      for (let i = this.consumed; i < lines.length; i++) {
        if (test(lines[i]!)) {
          this.consumed = i + 1;
          found = lines[i];
          return true;
        }
      }
      return false;
    };
    const start = this.board.now;
    if (!this.board.runUntil(start + timeout, seek)) {
      const where = this.board.whereabouts?.();
      throw new SimTimeout(
        timeout,
        `no line matching ${String(pattern)} on ${this.label} within ${formatNs(timeout)} of simulated time (output so far: ${describe(this.port.output.slice(-80))})${where ? `; ${where}` : ''}`,
      );
    }
    return found!;
  }
}
