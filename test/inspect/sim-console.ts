// A simulated board (rpi-pico by default) running the console example firmware, its console UART served on
// a loopback TCP port, simulated time advancing while the event loop stays free for I/O.
import { randomBytes } from 'node:crypto';
import { vi } from 'vitest';
import { createBoard, type Duration, type SimBoard, type UartPort } from '../../host-sim/index.js';
import type { SimClock } from '../../host-sim/time.js';
import { main } from '../../tools/cli.js';
import { serveUartOnTcp } from '../../host-sim/tcp-console.js';
import consoleApp from '../../examples/console/index.js';

export interface SimConsole {
  readonly board: SimBoard;
  readonly port: number;
  /** The console unlock token of this run. */
  readonly token: string;
  stop(): Promise<void>;
}

export async function startSimConsole(name = 'rpi-pico'): Promise<SimConsole> {
  const token = randomBytes(16).toString('hex');
  const board = createBoard(name, { consoleToken: token });
  board.boot(consoleApp);
  return { board, token, ...(await serveWhileRunning(board, board.machine.clock, board.console.port)) };
}

/** Serves `uart` on a loopback port while `board` runs 2 ms of simulated time per turn of the event loop. */
export async function serveWhileRunning(
  board: { runFor(d: Duration): unknown },
  clock: SimClock,
  uart: UartPort,
): Promise<{ port: number; stop(): Promise<void> }> {
  const tcp = await serveUartOnTcp(clock, uart, 0);
  let running = true;
  const loop = (async () => {
    while (running) {
      board.runFor('2ms');
      await new Promise((r) => setImmediate(r));
    }
  })();
  return {
    port: tcp.port,
    async stop() {
      running = false;
      await loop;
      await tcp.close();
    },
  };
}

/** Runs `vllsi inspect ...args` in-process (real links, real serialport); returns the exit code and output. */
export function runInspect(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  return runCli('inspect', ...args);
}

/** Runs `vllsi ...args` in-process through the CLI's main; returns the exit code and output. */
export async function runCli(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const log = vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void out.push(a.join(' ')));
  const error = vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => void err.push(a.join(' ')));
  try {
    const code = await main(args);
    return { code, out: out.join('\n'), err: err.join('\n') };
  } finally {
    log.mockRestore();
    error.mockRestore();
  }
}
