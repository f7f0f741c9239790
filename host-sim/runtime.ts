// The runtime on the host (Node): init with worker-thread threads, and a panic
// that ends the process non-zero with the panic message on stderr.
import { init, setPlatformHalt, type InitConfig } from '../src/init.js';
import { hostThreadProvider } from './threads.js';

/** Exit status of a process that panicked (the same as Rust's). */
export const PANIC_EXIT_CODE = 101;

export function hostHalt(reason: string): never {
  process.stderr.write(`${reason}\n`);
  process.exit(PANIC_EXIT_CODE);
}

/** init() for a Node process: host threads unless cfg gives others; panics exit the process. */
export function initHost(cfg: InitConfig = {}): void {
  init({ threads: hostThreadProvider(), ...cfg });
  setPlatformHalt(hostHalt);
}
