// The simulated rpi-pico running the console example firmware, its console UART served on
// a loopback TCP port, simulated time advancing while the event loop stays free for I/O.
import { randomBytes } from 'node:crypto';
import { vi } from 'vitest';
import { createBoard, type SimBoard } from '../../host-sim/index.js';
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

export async function startSimConsole(): Promise<SimConsole> {
  const token = randomBytes(16).toString('hex');
  const board = createBoard('rpi-pico', { consoleToken: token });
  board.boot(consoleApp);
  const tcp = await serveUartOnTcp(board.machine, board.console.port, 0);
  let running = true;
  const loop = (async () => {
    while (running) {
      board.runFor('2ms');
      await new Promise((r) => setImmediate(r));
    }
  })();
  return {
    board,
    port: tcp.port,
    token,
    async stop() {
      running = false;
      await loop;
      await tcp.close();
    },
  };
}

/** Runs `vllsi inspect ...args` in-process (real links, real serialport); returns the exit code and output. */
export async function runInspect(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const log = vi.spyOn(console, 'log').mockImplementation((s: string) => void out.push(s));
  const error = vi.spyOn(console, 'error').mockImplementation((s: string) => void err.push(s));
  try {
    const code = await main(['inspect', ...args]);
    return { code, out: out.join('\n'), err: err.join('\n') };
  } finally {
    log.mockRestore();
    error.mockRestore();
  }
}
