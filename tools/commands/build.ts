// `vllsi build`: writes a Moddable project (mcconfig) for a board.
import path from 'node:path';
import { UsageError, parseCommandArgs, type Command } from '../command.js';
import { mcconfigCommand, moddableTargets, writeProject } from '../moddable.js';
import { DEVICE_DEFAULT_PROFILE, RUNTIME_PROFILES, type RuntimeProfile } from '../../src/profile.js';

const boards = Object.keys(moddableTargets);

/** --board, -o and --profile, shared with `vllsi flash`. */
export const projectOptions = {
  board: { type: 'string' },
  out: { type: 'string', short: 'o' },
  profile: { type: 'string' },
} as const;

export const projectHelp = `  --board NAME      ${boards.join(' | ')} (required)
  -o, --out DIR     project folder (default: build/<board>)
  --profile NAME    runtime profile: ${RUNTIME_PROFILES.join(' | ')} (default: ${DEVICE_DEFAULT_PROFILE})`;

export interface ProjectArgs {
  board: string;
  outDir: string;
  profile: RuntimeProfile;
}

export function projectArgs(values: { board?: string; out?: string; profile?: string }, positionals: string[]): ProjectArgs {
  if (positionals.length) throw new UsageError(`unexpected argument '${positionals[0]}'`);
  const board = values.board;
  if (board === undefined) throw new UsageError('--board is required');
  if (!boards.includes(board)) throw new UsageError(`unknown board '${board}' (known: ${boards.join(', ')})`);
  const profile = (values.profile ?? DEVICE_DEFAULT_PROFILE) as RuntimeProfile;
  if (!RUNTIME_PROFILES.includes(profile)) throw new UsageError(`unknown runtime profile '${profile}' (known: ${RUNTIME_PROFILES.join(', ')})`);
  return { board, profile, outDir: path.resolve(values.out ?? path.join('build', board)) };
}

export const build: Command = {
  name: 'build',
  summary: 'write a Moddable project (manifest, modules, native HAL, example app) for a board',
  help: `usage: vllsi build --board NAME [-o DIR] [--profile NAME]

Writes a Moddable SDK project for the board: manifest.json (including vllsi's), the
XS bundles, the native HAL sources and the blink example. Build and install it with
\`vllsi flash\` or, in DIR, \`mcconfig -d -m -p <platform>\`.

${projectHelp}
  -h, --help        this text`,
  async run(args) {
    const { values, positionals } = parseCommandArgs(args, projectOptions);
    const p = projectArgs(values, positionals);
    const files = writeProject(p);
    const { command, args: mc } = mcconfigCommand(p.board);
    console.log(`wrote ${files.length} files to ${p.outDir} (${p.board}, ${p.profile} profile)\nbuild and install: cd ${p.outDir} && ${command} ${mc.join(' ')}`);
    return 0;
  },
};
