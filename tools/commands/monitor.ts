// `vllsi monitor`: a serial monitor (as idf.py monitor, picocom): the board's text as it comes,
// console protocol traffic decoded, XS trace()/exception reports (xsbug messages) as lines; what
// you type goes to the board. Ctrl-] exits.
import { SerialPort } from 'serialport';
import { UsageError, parseCommandArgs, type Command } from '../command.js';
import { ConsoleTap } from '../console-tap.js';
import { openLink, type Link } from '../inspect/link.js';
import { XsbugLines } from '../xsbug-lines.js';

const CTRL_RBRACKET = 0x1d;

const help = `usage: vllsi monitor [--port PORT] [--baud 115200] [--raw] [--timestamps]

Shows what a board sends on its serial port, a line at a time: its own text, the console
protocol's requests and answers (vllsi inspect's traffic, binary frames decoded) and XS
trace() output and exceptions (xsbug messages of a debug build) as readable lines. What you
type is sent to the board (a line at a time when stdin is not a terminal). Ctrl-] exits.

  --port PORT       a serial device (/dev/ttyACM0, COM3), or tcp:PORT / tcp://HOST:PORT
                    (vllsi sim --console tcp:PORT, the emulated firmware's console). Default:
                    the one USB serial port attached, if there is exactly one.
  --baud RATE       line rate of a serial device (default 115200)
  --raw             print the bytes as they come, without decoding
  --timestamps      prefix each line with the time of day
  -h, --help        this text`;

/** The one USB serial port attached (Pico, ESP32 dev boards), or a UsageError listing them. */
async function defaultPort(): Promise<string> {
  let ports: { path: string; vendorId?: string }[];
  try {
    ports = await SerialPort.list();
  } catch (e) {
    throw new UsageError(`cannot list serial ports (${(e as Error).message}): give --port PORT`);
  }
  const usb = ports.filter((p) => p.vendorId !== undefined);
  if (usb.length === 1) return usb[0]!.path;
  throw new UsageError(
    usb.length === 0
      ? 'no USB serial port found: plug the board in, or give --port PORT (tcp:PORT for vllsi sim --console)'
      : `several serial ports (${usb.map((p) => p.path).join(', ')}): pick one with --port`,
  );
}

export const monitor: Command = {
  name: 'monitor',
  summary: 'serial monitor: board text, console traffic and XS trace output, decoded; Ctrl-] exits',
  help,
  async run(args) {
    const { values, positionals } = parseCommandArgs(args, {
      port: { type: 'string' },
      baud: { type: 'string', default: '115200' },
      raw: { type: 'boolean', default: false },
      timestamps: { type: 'boolean', default: false },
    });
    if (positionals.length) throw new UsageError(`monitor takes no operands, got '${positionals[0]}'`);
    const baud = Number(values.baud);
    if (!Number.isInteger(baud) || baud <= 0) throw new UsageError(`--baud must be a positive integer, got '${values.baud}'`);
    const port = values.port ?? (await defaultPort());
    const link = await openLink(port, baud);
    const stamp = () => (values.timestamps ? `${new Date().toISOString().slice(11, 23)} ` : '');
    const out = (line: string) => process.stdout.write(`${stamp()}${line}\n`);
    process.stderr.write(`--- vllsi monitor on ${link.name}${port.startsWith('tcp') ? '' : ` at ${baud} baud`} --- Ctrl-] exits ---\n`);
    const xs = new XsbugLines({ text: out, xs: (l) => out(`xs: ${l}`) });
    const tap = new ConsoleTap({ text: (l) => xs.line(l), protocol: (l) => out(`console ${l}`) });
    link.onData((bytes) => (values.raw ? process.stdout.write(bytes) : tap.received(bytes)));
    return new Promise<number>((resolve) => {
      let done = false;
      const finish = async (code: number, why?: string) => {
        if (done) return;
        done = true;
        if (process.stdin.isTTY) process.stdin.setRawMode(false);
        process.stdin.off('data', onInput);
        process.stdin.pause();
        process.off('SIGINT', onSig);
        xs.flush();
        await link.close();
        process.stderr.write(`\n--- vllsi monitor: ${why ?? 'exit'} ---\n`);
        resolve(code);
      };
      const onInput = (d: Buffer) => {
        const i = d.indexOf(CTRL_RBRACKET);
        const bytes = new Uint8Array(d.buffer, d.byteOffset, i < 0 ? d.length : i);
        if (bytes.length) send(link, tap, bytes);
        if (i >= 0) void finish(0);
      };
      const onSig = () => void finish(0);
      link.onClose((reason) => void finish(1, `${link.name}: ${reason}`));
      process.once('SIGINT', onSig);
      // A terminal in raw mode: each key goes to the board at once (Enter as CR), Ctrl-] included.
      if (process.stdin.isTTY) process.stdin.setRawMode(true);
      process.stdin.on('data', onInput);
      process.stdin.resume();
    });
  },
};

function send(link: Link, tap: ConsoleTap, bytes: Uint8Array): void {
  tap.sent(bytes);
  link.write(bytes);
}
