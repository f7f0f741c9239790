// `vllsi sim`: runs an app on a simulated board and prints its console UART text
// and each LED change with its simulated timestamp.
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { UsageError, parseCommandArgs, type Command } from '../command.js';
import { boardNames } from '../../boards/index.js';
import { InvalidArgument } from '../../src/errors.js';
import { createBoard, formatNs, parseDuration, type App, type SimBoard } from '../../host-sim/index.js';
import { serveUartOnTcp } from '../../host-sim/tcp-console.js';
import { writeSecret } from '../files.js';

/** The package root: the nearest folder up from here with package.json (works from source and from dist/node). */
const here = path.dirname(fileURLToPath(import.meta.url));
const root = (function up(d: string): string {
  return existsSync(path.join(d, 'package.json')) || path.dirname(d) === d ? d : up(path.dirname(d));
})(here);
/** Running from TypeScript sources (vitest): apps may be imported as .ts too. */
const fromSource = import.meta.url.endsWith('.ts');

const help = `usage: vllsi sim [--board NAME] [--duration TIME | --forever] [--console tcp:PORT [--token-file FILE]] [APP_DIR]

Runs APP_DIR's main on a simulated board and prints the console UART text and each
LED change, each with its simulated timestamp.

  APP_DIR           directory whose index.js default-exports main(hal, board)
                    (default: the blink example, examples/blink)
  --board NAME      ${boardNames.join(' | ')} (default: rpi-pico)
  --duration TIME   simulated time to run, e.g. 2s, 500ms, 250us (default: 2s)
  --forever         run until interrupted (Ctrl-C), paced to real time
  --console tcp:PORT  serve the console UART on 127.0.0.1:PORT while the firmware runs,
                    paced to real time (until interrupted unless --duration is given);
                    the default app is then examples/console (vllsi inspect --port tcp://127.0.0.1:PORT);
                    prints the console unlock token, generated for this run
  --token-file FILE with --console: also writes the token to FILE (mode 0600), for
                    vllsi inspect --token-file FILE
  -h, --help        this text

Exit status: 0 when the run completes, 1 when the app faults (BusFault, halt...),
2 for bad arguments.`;

/** index.js of the app directory; for vllsi's own TypeScript examples, their build under dist/node. */
export function resolveApp(dir: string): string {
  const js = path.join(dir, 'index.js');
  if (existsSync(js)) return js;
  const ts = path.join(dir, 'index.ts');
  if (fromSource && existsSync(ts)) return ts;
  const rel = path.relative(root, dir);
  const built = path.join(root, 'dist/node', rel, 'index.js');
  if (!rel.startsWith('..') && existsSync(path.join(dir, 'index.ts')) && existsSync(built)) return built;
  throw new InvalidArgument('app directory', dir, existsSync(path.join(dir, 'index.ts')) ? 'has only index.ts and no build of it: run `npm run build`' : 'has no index.js exporting main(hal, board)');
}

export async function loadApp(dir: string): Promise<App> {
  const mod = (await import(pathToFileURL(resolveApp(dir)).href)) as { default?: unknown };
  if (typeof mod.default !== 'function') throw new InvalidArgument('app module', dir, 'must default-export main(hal, board)');
  return mod.default as App;
}

/** Prints complete console lines and LED changes as they happen, with simulated timestamps. */
function report(board: SimBoard, print: (line: string) => void): () => void {
  const stamp = (t: number) => `[${formatNs(t)}]`;
  const uart = board.console;
  const label = `uart${board.spec.console.uart}:`;
  // The CLI may run for days: it keeps the current line only, not the whole output.
  uart.port.retainOutput = false;
  const decoder = new TextDecoder();
  let line = '';
  const offByte = uart.onByte((b, t) => {
    if (b !== 0x0a) {
      // A line that never ends is printed in pieces rather than kept.
      if (line.length >= 4096) {
        print(`${stamp(t)} ${label} ${line} (continued)`);
        line = '';
      }
      line += decoder.decode(Uint8Array.of(b), { stream: true });
      return;
    }
    print(`${stamp(t)} ${label} ${line.replace(/\r$/, '')}`);
    line = '';
  });
  const offLed = board.led.onChange((level, t) => print(`${stamp(t)} LED GPIO${board.spec.led.pin} -> ${level ? 'on' : 'off'}`));
  const offDebug = board.onDebug((text, t) => print(`${stamp(t)} debug: ${text.replace(/\n$/, '')}`));
  return () => {
    offByte();
    offLed();
    offDebug();
    if (line) print(`${stamp(board.now)} ${label} ${line} (no newline yet)`);
  };
}

export const sim: Command = {
  name: 'sim',
  summary: 'run an app on a simulated board (rpi-pico, esp32-devkitc)',
  help,
  async run(args) {
    const { values, positionals } = parseCommandArgs(args, {
      board: { type: 'string', default: 'rpi-pico' }, duration: { type: 'string' }, forever: { type: 'boolean', default: false }, console: { type: 'string' },
      'token-file': { type: 'string' },
    });
    if (positionals.length > 1) throw new UsageError(`one APP_DIR at most, got ${positionals.length}`);
    if (values.forever && values.duration !== undefined) throw new UsageError('--duration and --forever exclude each other');
    if (!boardNames.includes(values.board!)) throw new UsageError(`unknown board '${values.board}' (known: ${boardNames.join(', ')})`);
    let duration: number;
    try {
      duration = parseDuration(values.duration ?? '2s', '--duration');
    } catch (e) {
      throw new UsageError((e as Error).message);
    }
    const consolePort = values.console === undefined ? undefined : /^tcp:(\d{1,5})$/.exec(values.console)?.[1];
    if (values.console !== undefined && (consolePort === undefined || Number(consolePort) > 65535)) {
      throw new UsageError(`--console takes tcp:PORT (0 picks a free port), got '${values.console}'`);
    }
    if (values['token-file'] !== undefined && consolePort === undefined) throw new UsageError('--token-file goes with --console');
    const dir = positionals[0] !== undefined ? path.resolve(positionals[0]) : path.join(root, consolePort !== undefined ? 'examples/console' : 'examples/blink');
    const app = await loadApp(dir);
    // A token per run: a fixed one would be in every copy of the docs.
    const token = consolePort === undefined ? undefined : randomBytes(16).toString('hex');
    if (token !== undefined && values['token-file'] !== undefined) writeSecret(values['token-file'], token + '\n');
    const board = createBoard(values.board!, { consoleToken: token });
    const print = (l: string) => console.log(l);
    const paced = values.forever || consolePort !== undefined;
    const until = values.forever || (consolePort !== undefined && values.duration === undefined) ? Infinity : duration;
    console.log(`vllsi sim: ${path.relative(process.cwd(), dir) || '.'} on ${board.spec.name} (${board.spec.description}), ${until === Infinity ? 'until interrupted' : formatNs(duration) + ' of simulated time'}`);
    const done = report(board, print);
    const wall = performance.now();
    board.boot(app);
    const pace = { lagNs: 0 };
    // Flow control: a console client's input waits while the simulator lags the wall clock, so
    // that a flood slows the client, not the firmware's time.
    const tcp = consolePort === undefined ? undefined : await serveUartOnTcp(board.machine, board.console.port, Number(consolePort), { clearToSend: () => pace.lagNs < MAX_LAG_NS });
    if (tcp) {
      console.log(`vllsi sim: console UART${board.spec.console.uart} on tcp://127.0.0.1:${tcp.port}`);
      console.log(`vllsi sim: console token ${token}${values['token-file'] !== undefined ? ` (also in ${values['token-file']})` : ''}`);
    }
    if (paced) {
      await runPaced(board, until, pace);
      await tcp?.close();
    } else {
      board.runFor(duration - board.now > 0 ? duration - board.now : 0);
    }
    done();
    const secs = (performance.now() - wall) / 1000;
    console.log(`vllsi sim: stopped at ${formatNs(board.now)} simulated after ${secs.toFixed(3)} s of wall time (${(board.now / 1e9 / secs).toFixed(1)}x real time)`);
    return 0;
  },
};

/** How far the simulator may lag the wall clock before console input waits. */
const MAX_LAG_NS = 20e6;

/**
 * --forever/--console: simulated time follows the wall clock (catching up at most 100 ms a
 * slice), yielding to I/O between slices, up to `until` ns; `pace.lagNs` is how far behind it is.
 */
async function runPaced(board: SimBoard, until: number, pace: { lagNs: number }): Promise<void> {
  let stop = false;
  const onSig = () => {
    stop = true;
  };
  process.once('SIGINT', onSig);
  process.once('SIGTERM', onSig);
  const start = performance.now() * 1e6 - board.now;
  while (!stop && board.now < until) {
    const behind = performance.now() * 1e6 - start - board.now;
    pace.lagNs = behind;
    if (behind > 0) board.runFor(Math.min(Math.round(behind), 100e6, until - board.now));
    await new Promise((r) => setTimeout(r, 10));
  }
  process.off('SIGINT', onSig);
  process.off('SIGTERM', onSig);
}
