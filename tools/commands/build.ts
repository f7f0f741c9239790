// `vllsi build`: writes a Moddable project (mcconfig) for a board.
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { loadBoard } from '../../boards/index.js';
import { InvalidArgument } from '../../src/errors.js';
import { didYouMean } from '../../src/suggest.js';
import { UsageError, parseCommandArgs, type Command } from '../command.js';
import { IO_PROVIDERS, mcconfigCommand, moddableTargets, writeProject, type IoProvider, type ProjectOptions } from '../moddable.js';
import { bundleDeviceApp } from '../device-app.js';
import { DEFAULT_IO_PROVIDER, MODDABLE_IO_MANIFEST } from '../device-io.js';
import { DEVICE_DEFAULT_PROFILE, RUNTIME_PROFILES, type RuntimeProfile } from '../../src/profile.js';

const boards = Object.keys(moddableTargets);

/** --board, -o, --profile and --io, shared with `vllsi flash`. */
export const projectOptions = {
  board: { type: 'string' },
  out: { type: 'string', short: 'o' },
  profile: { type: 'string' },
  io: { type: 'string' },
} as const;

export const projectHelp = `  --board NAME      ${boards.join(' | ')} (required)
  -o, --out DIR     project folder (default: build/<board>)
  --profile NAME    runtime profile: ${RUNTIME_PROFILES.join(' | ')} (default: ${DEVICE_DEFAULT_PROFILE})
  --io PROVIDER     who provides ECMA-419's embedded:io/* (and \`device\`) to APP_DIR:
                    moddable: Moddable's native classes (${MODDABLE_IO_MANIFEST})
                    vllsi: vllsi's classes (src/io over the registers) and a host
                    provider from the board's data; Digital.write/read on a constant
                    pin are inlined. Default: APP_DIR's package.json
                    "vllsi": { "io": ... }, else ${DEFAULT_IO_PROVIDER}`;

export interface ProjectArgs {
  board: string;
  outDir: string;
  profile: RuntimeProfile;
  /** APP_DIR, when given. */
  appDir?: string;
  /** --io, when given (else the app's package.json decides). */
  io?: IoProvider;
}

export function projectArgs(values: { board?: string; out?: string; profile?: string; io?: string }, positionals: string[]): ProjectArgs {
  if (positionals.length > 1) throw new UsageError(`one APP_DIR at most, got ${positionals.length}`);
  const board = values.board;
  if (board === undefined) throw new UsageError('--board is required');
  if (!boards.includes(board)) throw new UsageError(`unknown board '${board}'${didYouMean(board, boards)} (known: ${boards.join(', ')})`);
  const profile = (values.profile ?? DEVICE_DEFAULT_PROFILE) as RuntimeProfile;
  if (!RUNTIME_PROFILES.includes(profile)) throw new UsageError(`unknown runtime profile '${profile}' (known: ${RUNTIME_PROFILES.join(', ')})`);
  const appDir = positionals[0] === undefined ? undefined : path.resolve(positionals[0]);
  const io = values.io as IoProvider | undefined;
  if (io !== undefined && !IO_PROVIDERS.includes(io))
    throw new UsageError(`unknown --io '${io}'${didYouMean(io, IO_PROVIDERS)} (known: ${IO_PROVIDERS.join(', ')})`);
  if (io !== undefined && appDir === undefined) throw new UsageError('--io applies to an APP_DIR: the built-in blink example uses no embedded:io module');
  const outDir = path.resolve(values.out ?? path.join('build', board));
  // The project folder, or the first part of its path that exists, must be a folder.
  for (let d = outDir; ; d = path.dirname(d)) {
    if (existsSync(d)) {
      if (!statSync(d).isDirectory())
        throw new InvalidArgument(
          '-o folder',
          values.out ?? outDir,
          `${d === outDir ? 'is a file' : `${d} is a file`}: give a folder (made if absent), e.g. -o build/${board}`,
        );
      break;
    }
    if (path.dirname(d) === d) break;
  }
  return { board, profile, outDir, ...(appDir && { appDir }), ...(io && { io }) };
}

/** Bundles APP_DIR (if any) and writes the project; returns what to tell the user. */
export async function writeProjectFor(p: ProjectArgs): Promise<{ files: string[]; app: string; warnings: string[] }> {
  const options: ProjectOptions = { board: p.board, outDir: p.outDir, profile: p.profile };
  if (p.appDir === undefined) return { files: writeProject(options), app: 'the blink example', warnings: [] };
  const app = await bundleDeviceApp(p.appDir, { board: p.board, ...(p.io && { io: p.io }) });
  const { bitfield, register, digital } = app.inlined;
  const chip = loadBoard(p.board).chip;
  const warnings =
    app.chips.length > 0 && !app.chips.includes(chip)
      ? [
          `${path.relative(process.cwd(), app.entry)} uses the register definitions of ${app.chips.join(', ')} only and never touches ${p.board}'s ${chip}: is --board right?`,
        ]
      : [];
  const inlined = `${bitfield} bitfield, ${register} register and ${digital} Digital calls inlined`;
  return { files: writeProject({ ...options, app }), app: `${path.relative(process.cwd(), app.entry)} (embedded:io from ${app.io}; ${inlined})`, warnings };
}

export const build: Command = {
  name: 'build',
  summary: 'write a Moddable project (manifest, modules, native HAL, your app or the example) for a board',
  help: `usage: vllsi build --board NAME [-o DIR] [--profile NAME] [--io PROVIDER] [APP_DIR]

Writes a Moddable SDK project for the board: manifest.json (including vllsi's), the
XS bundles, the native HAL sources and the app. Build and install it with
\`vllsi flash\` or, in DIR, \`mcconfig -d -m -p <platform>\`.

APP_DIR holds index.ts or index.js whose default export is main(hal, board), as for
\`vllsi sim APP_DIR\`; it imports vllsi as 'vllsi', 'vllsi/console' and
'vllsi/registers/<chip>'. Or it is a Moddable app (manifest.json and main.js, as the
Moddable SDK's examples/io): its main runs once the HAL is bound. It is bundled with
the register definitions it uses, and bitfield and register calls with constant shapes
are inlined (docs/performance.md). Without APP_DIR the project runs the blink example.

${projectHelp}
  -h, --help        this text`,
  async run(args) {
    const { values, positionals } = parseCommandArgs(args, projectOptions);
    const p = projectArgs(values, positionals);
    const { files, app, warnings } = await writeProjectFor(p);
    for (const w of warnings) console.error(`vllsi build: warning: ${w}`);
    const { command, args: mc } = mcconfigCommand(p.board);
    console.log(
      `wrote ${files.length} files to ${p.outDir} (${p.board}, ${p.profile} profile, app: ${app})\nbuild and install: cd ${p.outDir} && ${command} ${mc.join(' ')}`,
    );
    return 0;
  },
};
