// `vllsi flash`: writes the board's Moddable project and runs mcconfig in it.
import { UsageError, parseCommandArgs, type Command } from '../command.js';
import { buildFirmware, checkToolchain, deployFirmware, moddableTargets } from '../moddable.js';
import { projectArgs, projectHelp, projectOptions, writeProjectFor } from './build.js';

export const flash: Command = {
  name: 'flash',
  summary: 'build the board project with the Moddable SDK (mcconfig) and install it on the board',
  help: `usage: vllsi flash --board NAME [--build-only] [--release] [--wait SECONDS] [--port PORT] [-o DIR] [--profile NAME] [--io PROVIDER] [APP_DIR]

Writes the project as \`vllsi build\` does (APP_DIR: see \`vllsi build --help\`), builds
the firmware with \`mcconfig -d -m -p <platform> -o DIR/build -t build\` and prints its path
(.uf2 for the Pico, .bin for the ESP32), then installs it (\`-t deploy\`). Needs the Moddable
SDK ($MODDABLE, mcconfig on PATH) and the board's SDK (pico: $PICO_SDK_DIR, pico-sdk 2.2.0;
esp32: $IDF_PATH, ESP-IDF v6.0); when one is missing it says what and how to get it, and
exits 1. The board counts as flashed only when mcconfig exits 0.

${projectHelp}
  --build-only      build the firmware and print its path; no board needed
  --release         a release build (mcconfig without -d): no xsbug; the Pico's stdio is
                    on USB CDC (the examples print on UART0, GPIO0/1, either way)
  --wait SECONDS    how long to wait for the board (Pico: its BOOTSEL drive) (default 60)
  --port PORT       serial port of an ESP32 board (UPLOAD_PORT for mcconfig); the Pico
                    is installed over its USB drive instead
  -h, --help        this text`,
  async run(args) {
    const { values, positionals } = parseCommandArgs(args, {
      ...projectOptions,
      port: { type: 'string' },
      'build-only': { type: 'boolean' },
      release: { type: 'boolean' },
      wait: { type: 'string' },
    });
    const p = projectArgs(values, positionals);
    if (values.port !== undefined && !moddableTargets[p.board]!.portVariable) {
      throw new UsageError(`--port does not apply to ${p.board}: it is installed over its USB drive, not a serial port`);
    }
    const wait = values.wait === undefined ? 60 : Number(values.wait);
    if (!(wait > 0 && wait <= 3600)) throw new UsageError(`--wait takes a number of seconds in (0, 3600], got '${values.wait}'`);
    checkToolchain(p.board, process.env);
    for (const w of (await writeProjectFor(p)).warnings) console.error(`vllsi flash: warning: ${w}`);
    console.log(`building ${p.board} firmware in ${p.outDir}`);
    const release = values.release === true;
    const firmware = buildFirmware(p.board, p.outDir, process.env, release);
    console.log(`built: ${firmware}`);
    if (values['build-only']) return 0;
    console.log(`installing on ${p.board}: waiting up to ${wait} s for ${moddableTargets[p.board]!.waitsFor}`);
    await deployFirmware(p.board, p.outDir, process.env, values.port, wait * 1000, release);
    console.log(`mcconfig finished (exit 0) for ${p.board}: flashed`);
    return 0;
  },
};
