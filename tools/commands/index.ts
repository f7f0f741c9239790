import type { Command } from '../command.js';
import { build } from './build.js';
import { flash } from './flash.js';
import { sim } from './sim.js';
import { svd } from './svd.js';
import { inspect } from './inspect.js';
import { emulate } from './emulate.js';

/** Every `vllsi` subcommand, in `--help` order. */
export const commands: Command[] = [sim, emulate, build, flash, svd, inspect];
