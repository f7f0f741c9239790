// `vllsi emulate`: runs a built firmware (.uf2 or .elf) on an emulated RP2040 (rp2040js's
// Cortex-M0+) and prints its UART0 and USB CDC text, xsbug reports and GPIO changes, each with
// its simulated timestamp, as `vllsi sim` does for an app.
import path from 'node:path';
import { UsageError, parseCommandArgs, type Command } from '../command.js';
import { loadBoard } from '../../boards/index.js';
import { formatNs } from '../../host-sim/time.js';
import { EmulatedBoard, bootromFrom, loadImage, loadRegions } from '../../host-sim/emulate.js';
import { Rp2040Emulator } from '../../host-sim/emulator.js';
import { serveUartOnTcp } from '../../host-sim/tcp-console.js';
import { consolePortOf, reportLines, runPaced, stamp } from '../sim-report.js';

const help = `usage: vllsi emulate [--board rpi-pico] [--bootrom FILE] [--seconds N | --forever]
                     [--console tcp:PORT] [--silence N] [--symbols FILE.elf] FIRMWARE.uf2|FIRMWARE.elf

Runs a built firmware on an emulated RP2040 (rp2040js) and prints its UART0 text, its USB CDC
stdio text (a USB host model enumerates the device), what a debug build of an XS app sends to
xsbug (trace() output, exceptions and breaks with path:line; a stand-in logs it in and answers
each break with go), and each GPIO output change, all with simulated timestamps.

  FIRMWARE          a UF2 (its RP2040-family blocks) or an ELF (its load segments); symbols for
                    fault reports come from the ELF, or FIRMWARE.elf beside FIRMWARE.uf2
  --board NAME      rpi-pico (the only RP2040 board)
  --bootrom FILE    the RP2040 bootrom, 16 KB (default: $VLLSI_RP2040_BOOTROM). vllsi does not
                    ship it. A pico-sdk or Moddable build needs it (it calls ROM routines and
                    starts with a boot2 stage the bootrom runs); a firmware whose image starts
                    with its own vector table runs without it
  --seconds N       simulated seconds to run (default: 1)
  --forever         run until interrupted (Ctrl-C), paced to real time
  --console tcp:PORT  bridge UART0 to 127.0.0.1:PORT (a plain byte stream: vllsi inspect
                    --port tcp://127.0.0.1:PORT, vllsi monitor, nc), paced to real time
  --silence N       stop with FirmwareSilent (and the PC) after N simulated seconds without
                    UART, USB or GPIO output (default: 10; 0: never)
  --symbols FILE    an ELF of the same build, for symbols
  --verbose         list the registers the firmware touched that rp2040js does not model
  -h, --help        this text

Exit status: 0 when the run completes; 1 for a bad or wrong-family file, a missing bootrom, a
HardFault, a lockup or a silent firmware (each reported with the PC and its symbol); 2 for bad
arguments.`;

function seconds(value: string | undefined, option: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (!/^\d+(\.\d+)?$/.test(value)) throw new UsageError(`${option} takes a number of seconds, got '${value}'`);
  return Math.round(Number(value) * 1e9);
}

export const emulate: Command = {
  name: 'emulate',
  summary: 'run a built firmware (.uf2/.elf) on an emulated RP2040',
  help,
  async run(args) {
    const { values, positionals } = parseCommandArgs(args, {
      board: { type: 'string', default: 'rpi-pico' },
      bootrom: { type: 'string' },
      seconds: { type: 'string' },
      forever: { type: 'boolean', default: false },
      console: { type: 'string' },
      silence: { type: 'string' },
      symbols: { type: 'string' },
      verbose: { type: 'boolean', default: false },
    });
    if (positionals.length !== 1) throw new UsageError(positionals.length ? `one FIRMWARE file, got ${positionals.length}` : 'no FIRMWARE file given');
    if (values.forever && values.seconds !== undefined) throw new UsageError('--seconds and --forever exclude each other');
    if (values.board !== 'rpi-pico') throw new UsageError(`--board: emulation exists for rpi-pico only (got '${values.board}')`);
    const duration = seconds(values.seconds, '--seconds', 1e9);
    const silence = seconds(values.silence, '--silence', 10e9);
    const consolePort = consolePortOf(values.console);
    const file = positionals[0]!;

    const spec = loadBoard(values.board);
    const image = loadImage(file, loadRegions(spec), values.symbols);
    const board = new EmulatedBoard(spec, new Rp2040Emulator(image, { bootrom: bootromFrom(values.bootrom), silenceNs: silence === 0 ? Infinity : silence }));
    const paced = values.forever || consolePort !== undefined;
    const until = values.forever || (consolePort !== undefined && values.seconds === undefined) ? Infinity : duration;
    const print = (l: string) => console.log(l);
    console.log(
      `vllsi emulate: ${path.relative(process.cwd(), file) || file} (${image.format}${image.symbols ? ', with symbols' : ''}) on ${spec.name}${board.emulator.hasBootrom ? ' with the bootrom' : ', from its own vector table'}, ${until === Infinity ? 'until interrupted' : formatNs(until) + ' of simulated time'}`,
    );

    const now = () => board.now;
    const offs = [
      reportLines(board.uart(0), 'uart0', now, print),
      reportLines(board.uart(1), 'uart1', now, print),
      reportLines(board.usb, 'usb', now, print),
      board.onDebug((text, t) => print(`${stamp(t)} xsbug: ${text}`)),
      board.onUsbConnected((t) => print(`${stamp(t)} usb: host connected (CDC configured)`)),
      ...Array.from({ length: spec.gpioCount }, (_, n) =>
        board.gpio(n).onChange((level, t) => {
          if (board.gpio(n).isOutput) print(`${stamp(t)} ${n === spec.led.pin ? 'LED ' : ''}GPIO${n} -> ${level ? 'high' : 'low'}`);
        }),
      ),
    ];
    const wall = performance.now();
    const tcp = consolePort === undefined ? undefined : await serveUartOnTcp(board.emulator.clock, board.uart(0).port, consolePort);
    if (tcp) console.log(`vllsi emulate: UART0 on tcp://127.0.0.1:${tcp.port}`);
    try {
      if (paced) await runPaced(board, until);
      else board.runFor(until);
    } finally {
      await tcp?.close();
      for (const off of offs) off();
      const secs = (performance.now() - wall) / 1000;
      const e = board.emulator;
      const notes = e.unmodelled;
      if (notes.size)
        console.log(
          values.verbose
            ? [...notes].map((n) => `vllsi emulate: unmodelled: ${n}`).join('\n')
            : `vllsi emulate: the firmware touched ${notes.size} register(s) rp2040js does not model (--verbose lists them)`,
        );
      console.log(
        `vllsi emulate: stopped at ${formatNs(board.now)} simulated after ${secs.toFixed(3)} s of wall time (${(board.now / 1e9 / secs).toFixed(3)}x real time; ${e.instructions} instructions, ${(e.instructions / secs / 1e6).toFixed(2)} MIPS)`,
      );
    }
    return 0;
  },
};
