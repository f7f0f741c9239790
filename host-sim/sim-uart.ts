// A byte stream out of a board as a test sees it: a UART (or USB CDC stdio), with waiting for
// lines in simulated time on a simulated (SimBoard) or emulated (EmulatedBoard) board.
import { describe } from '../src/errors.js';
import { SimTimeout } from './errors.js';
import type { UartPort } from './ports.js';
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
    this.port.receive(data);
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
      throw new SimTimeout(timeout, `no line matching ${String(pattern)} on ${this.label} within ${formatNs(timeout)} of simulated time (output so far: ${describe(this.port.output.slice(-80))})${where ? `; ${where}` : ''}`);
    }
    return found!;
  }
}
