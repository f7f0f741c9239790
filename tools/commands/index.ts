import type { Command } from '../command.js';
import { build } from './build.js';
import { flash } from './flash.js';
import { sim } from './sim.js';
import { svd } from './svd.js';
import { init } from './init.js';
import { inspect } from './inspect.js';
import { monitor } from './monitor.js';
import { emulate } from './emulate.js';

/** Every `vllsi` subcommand, in `--help` order. */
export const commands: Command[] = [init, sim, emulate, build, flash, monitor, svd, inspect];
