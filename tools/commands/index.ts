import type { Command } from '../command.js';
import { sim } from './sim.js';
import { svd } from './svd.js';

/** Every `vllsi` subcommand, in `--help` order. */
export const commands: Command[] = [sim, svd];
