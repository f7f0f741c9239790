// `vllsi`: simulate, build, flash and inspect. Dispatches to tools/commands/*.
import { readFileSync } from 'node:fs';
import { UsageError } from './command.js';
import { commands } from './commands/index.js';
import { VllsiError } from '../src/errors.js';

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
    console.error(`vllsi: unknown command '${name}'\n\n${usage()}`);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    console.log(cmd.help);
    return 0;
  }
  try {
    return await cmd.run(rest);
  } catch (e) {
    if (e instanceof UsageError) {
      console.error(`vllsi ${name}: ${e.message}\n\n${cmd.help}`);
      return 2;
    }
    if (e instanceof VllsiError) {
      console.error(`vllsi ${name}: ${e.name}: ${e.message}`);
      return 1;
    }
    throw e;
  }
}
