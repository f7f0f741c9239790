// A user's app for `vllsi sim APP_DIR`: its index.ts (transpiled on the fly, file by file, as
// `vllsi build` does for the device) or index.js, with its imports of 'vllsi', 'vllsi/console'
// and 'vllsi/registers/<chip>' bound to this package's modules.
import { existsSync } from 'node:fs';
import { register } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { InvalidArgument, VllsiError } from '../src/errors.js';
import type { App } from '../host-sim/index.js';
import { appEntry } from './device-app.js';
import { packageRoot } from './moddable.js';

/** Running from TypeScript sources (vitest): vite transpiles the app itself. */
const fromSource = import.meta.url.endsWith('.ts');
let hooked = false;

/** The module to import for APP_DIR: vllsi's own examples run from their build under dist/node. */
function appModule(dir: string): string {
  const entry = appEntry(dir);
  if (fromSource) return entry;
  const rel = path.relative(packageRoot, entry);
  const built = path.join(packageRoot, 'dist/node', rel.replace(/\.ts$/, '.js'));
  if (!rel.startsWith('..') && !path.isAbsolute(rel) && existsSync(built)) return built;
  if (!hooked) {
    register(pathToFileURL(path.join(packageRoot, 'tools/ts-hooks.js')), {
      data: { vllsiPackage: pathToFileURL(path.join(packageRoot, 'package.json')).href },
    });
    hooked = true;
  }
  return entry;
}

export async function loadApp(dir: string): Promise<App> {
  const file = appModule(dir);
  let mod: { default?: unknown };
  try {
    mod = (await import(pathToFileURL(file).href)) as { default?: unknown };
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    if (err.code === 'ERR_MODULE_NOT_FOUND')
      throw new InvalidArgument(
        'app',
        path.relative(process.cwd(), file) || file,
        `imports a module that is not there: ${err.message.replace(/ imported from .*/, '')}`,
      );
    if (e instanceof SyntaxError) throw new InvalidArgument('app', path.relative(process.cwd(), file) || file, `does not parse: ${e.message}`);
    throw e;
  }
  if (typeof mod.default !== 'function') throw new InvalidArgument('app module', file, 'must default-export main(hal, board)');
  return mod.default as App;
}

/** The app itself threw (a TypeError in main, an interrupt handler's exception...): where, in one line. */
export class AppError extends VllsiError<'AppError'> {
  constructor(
    readonly app: string,
    readonly error: unknown,
  ) {
    super('AppError', `${app} threw ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}${whereIn(app, error)}`);
  }
}

/** ` (at index.ts:12:5)`: the app's own frame nearest the throw, or ''. */
function whereIn(app: string, error: unknown): string {
  const stack = error instanceof Error ? (error.stack ?? '') : '';
  const dir = path.resolve(app);
  for (const m of stack.matchAll(/\(?(?:file:\/\/)?(\/[^\s():]+):(\d+):(\d+)\)?/g)) {
    if (m[1]!.startsWith(dir + path.sep)) return ` (at ${path.relative(process.cwd(), m[1]!)}:${m[2]}:${m[3]})`;
  }
  return '';
}

/** Runs part of the app's life (boot, a run of simulated time); its own exceptions become AppError. */
export function asApp<T>(app: string, run: () => T): T {
  try {
    return run();
  } catch (e) {
    if (e instanceof VllsiError) throw e;
    throw new AppError(app, e);
  }
}
