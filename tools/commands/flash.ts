// `vllsi flash`: writes the board's Moddable project and runs mcconfig in it.
import { UsageError, parseCommandArgs, type Command } from '../command.js';
import { checkToolchain, mcconfigCommand, moddableTargets, runMcconfig } from '../moddable.js';
import { projectArgs, projectHelp, projectOptions, writeProjectFor } from './build.js';

export const flash: Command = {
  name: 'flash',
  summary: 'build the board project with the Moddable SDK (mcconfig) and install it on the board',
  help: `usage: vllsi flash --board NAME [--port PORT] [-o DIR] [--profile NAME] [APP_DIR]

Writes the project as \`vllsi build\` does (APP_DIR: see \`vllsi build --help\`), then
runs \`mcconfig -d -m -p <platform>\` in it. Needs the Moddable SDK ($MODDABLE, mcconfig
on PATH) and the board's SDK (pico: $PICO_SDK_DIR; esp32: $IDF_PATH); when one is
missing it says what and how to get it, and exits 1. The board counts as flashed only when mcconfig exits 0.

${projectHelp}
  --port PORT       serial port of an ESP32 board (UPLOAD_PORT for mcconfig); the Pico
                    is installed over its USB drive instead
  -h, --help        this text`,
  async run(args) {
    const { values, positionals } = parseCommandArgs(args, { ...projectOptions, port: { type: 'string' } });
    const p = projectArgs(values, positionals);
    if (values.port !== undefined && !moddableTargets[p.board]!.portVariable) {
      throw new UsageError(`--port does not apply to ${p.board}: it is installed over its USB drive, not a serial port`);
    }
    checkToolchain(p.board, process.env);
    for (const w of (await writeProjectFor(p)).warnings) console.error(`vllsi flash: warning: ${w}`);
    const { command, args: mc } = mcconfigCommand(p.board);
    console.log(`running ${command} ${mc.join(' ')} in ${p.outDir}`);
    runMcconfig(p.board, p.outDir, process.env, values.port);
    console.log(`${command} finished (exit 0) for ${p.board}`);
    return 0;
  },
};
