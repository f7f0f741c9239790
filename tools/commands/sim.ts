// `vllsi sim`: runs an app on a simulated board and prints its console UART text
// and each LED change with its simulated timestamp (what it shows: tools/sim-watch.ts).
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { UsageError, parseCommandArgs, type Command } from '../command.js';
import { boardNames } from '../../boards/index.js';
import { didYouMean } from '../../src/suggest.js';
import { createBoard, formatNs, parseDuration } from '../../host-sim/index.js';
import { serveUartOnTcp, uartFeeder } from '../../host-sim/tcp-console.js';
import { parseTcpAddress } from '../address.js';
import { asApp, loadApp } from '../app-loader.js';
import { LinkError } from '../inspect/link.js';
import { packageRoot as root } from '../moddable.js';
import { writeSecret } from '../files.js';
import { wavesHelp, wavesOptions, wavesSettings, writeWaves } from '../sim-waves.js';
import { ModdableHost } from '../../host-sim/moddable.js';
import { runModdableApp } from '../moddable-app.js';
import { isModdableApp } from '../moddable-link.js';
import { runPaced } from '../sim-report.js';
import { feedStdin, probeConsole, runWatched, watch, watchHelp, watchOptions, watchSettings } from '../sim-watch.js';

const help = `usage: vllsi sim [--board NAME] [--duration TIME | --forever] [--console tcp:PORT | stdin [--token-file FILE]] [--pins LIST] [--trace LIST] [--vcd FILE] [--plot FILE] [-v] [APP_DIR]

Runs APP_DIR's main on a simulated board and prints the console UART text and each
LED change, each with its simulated timestamp.

  APP_DIR           directory whose index.ts or index.js default-exports main(hal, board)
                    (TypeScript is transpiled on the fly), or a Moddable app (manifest.json +
                    main.js using embedded:io/*, device, timer, trace: see docs/io.md)
                    (default: the blink example)
  --board NAME      ${boardNames.join(' | ')} (default: rpi-pico)
  --duration TIME   simulated time to run, e.g. 2s, 500ms, 250us (default: 2s)
  --forever         run until interrupted (Ctrl-C), paced to real time
  --console tcp:PORT  serve the console UART on 127.0.0.1:PORT (also spelled tcp://127.0.0.1:PORT,
                    as vllsi inspect/monitor --port take it) while the firmware runs, paced to real
                    time (until interrupted unless --duration is given); the default app is then
                    examples/console. Says so at start when the app does not answer on it.
  --console stdin   the same with this terminal (or a pipe) as the other end: what you type goes to
                    the console UART, answers are printed. Either prints the console unlock token,
                    generated for this run
  --token-file FILE with --console: also writes the token to FILE (mode 0600), for
                    vllsi inspect --token-file FILE
${watchHelp}
${wavesHelp}
  -h, --help        this text

Exit status: 0 when the run completes, 1 when the app faults (BusFault, halt...),
2 for bad arguments.`;

export const sim: Command = {
  name: 'sim',
  summary: 'run an app on a simulated board (rpi-pico, esp32-devkitc)',
  help,
  async run(args) {
    const { values, positionals } = parseCommandArgs(args, {
      board: { type: 'string', default: 'rpi-pico' },
      duration: { type: 'string' },
      forever: { type: 'boolean', default: false },
      console: { type: 'string' },
      ...watchOptions,
      'token-file': { type: 'string' },
      ...wavesOptions,
    });
    if (positionals.length > 1) throw new UsageError(`one APP_DIR at most, got ${positionals.length}`);
    if (values.forever && values.duration !== undefined) throw new UsageError('--duration and --forever exclude each other');
    if (!boardNames.includes(values.board!))
      throw new UsageError(`unknown board '${values.board}'${didYouMean(values.board!, boardNames)} (known: ${boardNames.join(', ')})`);
    let duration: number;
    try {
      duration = parseDuration(values.duration ?? '2s', '--duration');
    } catch (e) {
      throw new UsageError((e as Error).message);
    }
    const stdin = values.console === 'stdin';
    const consolePort = values.console === undefined || stdin ? undefined : parseTcpAddress(values.console, '--console', { listen: true })?.port;
    if (values.console !== undefined && !stdin && consolePort === undefined)
      throw new UsageError(`--console takes tcp:PORT (0 picks a free port) or stdin, got '${values.console}'`);
    const served = stdin || consolePort !== undefined;
    if (values['token-file'] !== undefined && !served) throw new UsageError('--token-file goes with --console');
    const dir = positionals[0] !== undefined ? path.resolve(positionals[0]) : path.join(root, served ? 'examples/console' : 'examples/blink');
    // A token per run: a fixed one would be in every copy of the docs.
    const token = served ? randomBytes(16).toString('hex') : undefined;
    if (token !== undefined && values['token-file'] !== undefined) writeSecret(values['token-file'], token + '\n');
    const board = createBoard(values.board!, { consoleToken: token });
    const settings = watchSettings(values, board.spec);
    const moddable = isModdableApp(dir);
    const app = moddable ? undefined : await loadApp(dir);
    const host = moddable ? new ModdableHost(board) : undefined;
    const waves = wavesSettings(values, board.spec.gpioCount);
    const print = (l: string) => console.log(l);
    const paced = values.forever || served;
    const until = values.forever || (served && values.duration === undefined) ? Infinity : duration;
    // With stdin as the console, its answers are what the user asked for: always shown.
    const w = watch(board, settings, print, settings.verbose || stdin);
    // A served console may run for days: the CLI keeps no copy of the whole output, and no more
    // waveform history than a glance needs unless --vcd/--plot will write it.
    if (paced) board.console.port.retainOutput = false;
    if (paced && waves.vcd === undefined && waves.plot === undefined) board.machine.waves.maxChanges = PACED_WAVE_CHANGES;
    const pace = { lagNs: 0 };
    const tcp =
      consolePort === undefined
        ? undefined
        : await serveUartOnTcp(board.machine.clock, board.console.port, consolePort, {
            onData: (b) => w.tap.sent(b),
            clearToSend: () => pace.lagNs < MAX_LAG_NS,
          }).catch((e: NodeJS.ErrnoException) => {
            if (e.code !== 'EADDRINUSE' && e.code !== 'EACCES') throw e;
            const why = e.code === 'EADDRINUSE' ? 'is in use (another vllsi sim?)' : 'needs privileges';
            throw new LinkError(
              `tcp:${consolePort}`,
              `port ${consolePort} ${why}: stop what listens there or pick another port, e.g. --console tcp:0 for a free one`,
            );
          });
    console.log(
      `vllsi sim: ${shown(dir)} on ${board.spec.name} (${board.spec.description}), ${until === Infinity ? 'until interrupted' : formatNs(duration) + ' of simulated time'}`,
    );
    const wall = performance.now();
    let input: ReturnType<typeof feedStdin> | undefined;
    try {
      // The Moddable app's own exceptions (its body runs now) are the app's, as a vllsi app's are.
      if (host !== undefined) await runModdableApp(dir, host, (run) => asApp(dir, run));
      else asApp(dir, () => board.boot(app!));
      if (served) {
        // Let the boot text out first (the UART takes frame time): the tap would take it for the probe's answer.
        asApp(dir, () => runWatched(host ?? board, w, settings, BOOT_TEXT_NS));
        const probe = uartFeeder(board.machine.clock, board.console.port);
        const answers = asApp(dir, () => probeConsole(board, probe, w));
        probe.cancel();
        if (!answers)
          console.log(
            `vllsi sim: warning: ${shown(dir)} does not answer on its console UART${board.spec.console.uart} (no console service in it?): vllsi inspect/monitor will get no answer. Serve one with ConsoleService from 'vllsi/console', as examples/console does.`,
          );
      }
      if (tcp) console.log(`vllsi sim: console UART${board.spec.console.uart} on tcp://127.0.0.1:${tcp.port}`);
      if (token !== undefined)
        console.log(`vllsi sim: console token ${token}${values['token-file'] !== undefined ? ` (also in ${values['token-file']})` : ''}`);
      if (stdin) {
        input = feedStdin(board, w);
        console.log(`vllsi sim: console UART${board.spec.console.uart} on this terminal: type a console command (info, help), Ctrl-C stops`);
      }
      if (paced) await runPaced(board, until, pace, (ns) => asApp(dir, () => runWatched(host ?? board, w, settings, ns)));
      else asApp(dir, () => runWatched(host ?? board, w, settings, duration - board.now > 0 ? duration - board.now : 0));
    } finally {
      input?.stop();
      await tcp?.close();
      w.stop();
    }
    for (const l of writeWaves(board, waves)) console.log(l);
    const secs = (performance.now() - wall) / 1000;
    console.log(
      `vllsi sim: stopped at ${formatNs(board.now)} simulated after ${secs.toFixed(3)} s of wall time (${(board.now / 1e9 / secs).toFixed(1)}x real time)`,
    );
    return 0;
  },
};

/** A folder as the user would write it: relative below the working directory, else absolute. */
function shown(dir: string): string {
  const rel = path.relative(process.cwd(), dir);
  return rel === '' ? '.' : rel.startsWith('..') ? dir : rel;
}

/** Waveform changes kept per signal in a paced run that writes no waveforms. */
const PACED_WAVE_CHANGES = 4096;

/** How far the simulator may lag the wall clock before console input waits (flow control: a flood slows the client, not the firmware's time). */
const MAX_LAG_NS = 20e6;

/** Simulated time the app's boot text gets before the console probe (blink's ready line: ~5.5 ms at 115200 baud). */
const BOOT_TEXT_NS = 20e6;
