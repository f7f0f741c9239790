import type { Command } from '../command.js';

/** Every `vllsi` subcommand, in `--help` order. */
export const commands: Command[] = [];
