// A Moddable app (a folder with manifest.json and main.js, as the Moddable SDK's examples
// are) run unmodified on a simulated board: bundled with rollup, its `embedded:io/*`,
// `embedded:provider/builtin`, `timer` and `time` imports bound to the ModdableHost's
// modules (host-sim/moddable.ts), then evaluated on core 0 with `device`, `trace`,
// `System` and Moddable's ArrayBuffer.fromString in scope. Any other module it imports
// that the app folder does not hold is an AppBundleError naming it.
import path from 'node:path';
import type { Plugin } from 'rollup';
import type { ModdableHost } from '../host-sim/moddable.js';
import { AppBundleError } from './device-app.js';
import { appModules } from './moddable-link.js';

const VIRTUAL = '\0vllsi-moddable:';

/** Bundles the app as a function body taking (device, trace, System, ArrayBuffer, __modules). */
export async function bundleModdableApp(dir: string, provided: readonly string[]): Promise<string> {
  const modules = appModules(dir);
  const { rollup } = await import('rollup');
  const plugin: Plugin = {
    name: 'vllsi-moddable',
    resolveId(id, importer) {
      if (provided.includes(id)) return VIRTUAL + id;
      if (modules.has(id)) return modules.get(id)!;
      if (importer !== undefined && (id.startsWith('./') || id.startsWith('../'))) return null;
      if (importer === undefined) return null;
      throw new AppBundleError(
        dir,
        `module "${id}" (imported by ${path.relative(dir, importer)}) is not provided by vllsi sim (it provides ${provided.join(', ')}) nor by the app`,
      );
    },
    load(id) {
      if (!id.startsWith(VIRTUAL)) return null;
      return `export default __modules[${JSON.stringify(id.slice(VIRTUAL.length))}];`;
    },
  };
  try {
    const bundle = await rollup({ input: modules.get('main')!, plugins: [plugin], onwarn: () => {} });
    const { output } = await bundle.generate({ format: 'iife', name: '__app' });
    return output[0].code;
  } catch (e) {
    if (e instanceof AppBundleError) throw e;
    throw new AppBundleError(dir, (e as Error).message);
  }
}

/** Moddable's ArrayBuffer, with its fromString (UTF-8) extension; a subclass, so the host's global is untouched. */
class ModdableArrayBuffer extends ArrayBuffer {
  static fromString(s: string): ArrayBuffer {
    const b = new TextEncoder().encode(String(s));
    return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength);
  }
}

/**
 * Bundles the Moddable app in `dir` and runs its main module on the host's board (at the current
 * simulated time); `guard` wraps the run (the CLI's turns the app's own exceptions into AppError).
 */
export async function runModdableApp(dir: string, host: ModdableHost, guard: (run: () => void) => void = (run) => run()): Promise<void> {
  const code = await bundleModdableApp(dir, Object.keys(host.modules));
  const g = host.globals;
  const body = new Function('device', 'trace', 'System', 'ArrayBuffer', '__modules', code);
  guard(() => host.run(() => body(g.device, g.trace, g.System, ModdableArrayBuffer, host.modules)));
}
