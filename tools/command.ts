// The shape of a `vllsi` subcommand. Each lives in tools/commands/<name>.ts and is
// listed in tools/commands/index.ts.
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { VllsiError } from '../src/errors.js';

export interface Command {
  readonly name: string;
  /** One line for `vllsi --help`. */
  readonly summary: string;
  /** Full `vllsi <name> --help` text. */
  readonly help: string;
  /** Returns the process exit code. Throw UsageError for bad arguments. */
  run(args: string[]): Promise<number>;
}

/** Bad command-line input: printed with the command's usage, exit code 2. */
export class UsageError extends VllsiError<'UsageError'> {
  constructor(message: string) {
    super('UsageError', message);
  }
}

type Options = NonNullable<ParseArgsConfig['options']>;
// Named so that declarations can be emitted (node:util does not export its result types).
type Parsed<O extends Options> = ReturnType<typeof parseArgs<{ args: string[]; options: O; allowPositionals: true; strict: true }>>;

/**
 * The commands' argument parsing: node:util parseArgs (strict, positionals allowed), its
 * errors (unknown option, missing value) thrown as UsageError so they exit 2 with the usage.
 */
export function parseCommandArgs<const O extends Options>(args: string[], options: O): Parsed<O> {
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
}
