// `vllsi`: simulate, build, flash and inspect. Dispatches to tools/commands/*.
import { readFileSync } from 'node:fs';
import { UsageError } from './command.js';
import { commands } from './commands/index.js';
import { VllsiError } from '../src/errors.js';
import { didYouMean } from '../src/suggest.js';
import { explainSystemError } from './files.js';

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

function usage(): string {
  const width = Math.max(8, ...commands.map((c) => c.name.length));
  return [
    'usage: vllsi <command> [options]',
    '',
    'commands:',
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'Run `vllsi <command> --help` for the options of one command.',
  ].join('\n');
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    console.log(usage());
    return name === undefined ? 2 : 0;
  }
  if (name === '--version' || name === '-v') {
    console.log(version());
    return 0;
  }
  const cmd = commands.find((c) => c.name === name);
  if (!cmd) {
    console.error(
      `vllsi: unknown command '${name}'${didYouMean(
        name,
        commands.map((c) => c.name),
      )}\n\n${usage()}`,
    );
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    console.log(cmd.help);
    return 0;
  }
  try {
    return await cmd.run(rest);
  } catch (e) {
    return reportError(name, e);
  }
}

/**
 * What a failed command prints: one line with the fix, never a stack trace. Bad arguments
 * exit 2, typed errors and refusals by the OS (a path, a port) 1; anything else is a bug in
 * vllsi, said as such (VLLSI_DEBUG=1 shows its stack).
 */
export function reportError(command: string, e: unknown): number {
  if (e instanceof UsageError) {
    console.error(`vllsi ${command}: ${e.message}\n(\`vllsi ${command} --help\` lists the options)`);
    return 2;
  }
  if (e instanceof VllsiError) {
    console.error(`vllsi ${command}: ${e.name}: ${e.message}`);
    return 1;
  }
  const system = explainSystemError(e);
  if (system !== undefined) {
    console.error(`vllsi ${command}: ${system}`);
    return 1;
  }
  console.error(
    `vllsi ${command}: internal error: ${e instanceof Error ? e.message : String(e)} (a bug in vllsi: please report it; VLLSI_DEBUG=1 prints where)`,
  );
  if (process.env.VLLSI_DEBUG && e instanceof Error) console.error(e.stack);
  return 1;
}
