// The shape of a `vllsi` subcommand. Each lives in tools/commands/<name>.ts and is
// listed in tools/commands/index.ts.

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
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}
