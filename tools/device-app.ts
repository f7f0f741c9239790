// An app bundled for the device, as `vllsi build APP_DIR` puts it in the Moddable project: one ES
// module with the app's own code and the register definitions it imports, the core left as the
// modules "vllsi" and "vllsi/console", and bitfield and register calls inlined (tools/xs-inline.js).
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Plugin } from 'rollup';
import { InvalidArgument, VllsiError } from '../src/errors.js';
import { packageRoot, ToolchainMissing, type DeviceApp } from './moddable.js';

/** The app's code could not be bundled for the device (a Node import, a missing module, a syntax error...). */
export class AppBundleError extends VllsiError<'AppBundleError'> {
  constructor(
    readonly app: string,
    readonly detail: string,
  ) {
    super('AppBundleError', `cannot bundle ${app} for the device: ${detail}`);
  }
}

/** APP_DIR's entry module: index.ts, else index.js (the contract of `vllsi sim APP_DIR` too). */
export function appEntry(appDir: string): string {
  if (!existsSync(appDir) || !statSync(appDir).isDirectory()) throw new InvalidArgument('app directory', appDir, 'is not a directory');
  for (const name of ['index.ts', 'index.js']) {
    const entry = path.join(appDir, name);
    if (existsSync(entry)) return entry;
  }
  throw new InvalidArgument('app directory', appDir, 'has no index.ts or index.js exporting main(hal, board)');
}

// The build plugins are plain JS beside the sources (not in dist/node): found from the package root.
interface BuildPlugins {
  portableGuard(): Plugin;
  srcAsVllsiModule(): Plugin;
  transpileTs(): Plugin;
}
interface Inliner {
  xsInline(): Plugin & { api: { inlinedCount(): { bitfield: number; register: number } } };
}
const load = <T>(file: string) => import(pathToFileURL(path.join(packageRoot, file)).href) as Promise<T>;

/** Bundles the app in `appDir` for the device. */
export async function bundleDeviceApp(appDir: string): Promise<DeviceApp> {
  const entry = appEntry(appDir);
  let tools;
  try {
    tools = await Promise.all([import('rollup'), import('@rollup/plugin-node-resolve'), load<BuildPlugins>('tools/rollup-plugins.js'), load<Inliner>('tools/xs-inline.js')]);
  } catch (e) {
    // An installed package has neither vllsi's build tools (devDependencies) nor its sources.
    throw new ToolchainMissing('build tools', `bundling an app needs vllsi's build tools and sources (${e instanceof Error ? e.message : String(e)}): run \`vllsi build\` from a clone of vllsi after \`npm ci\``);
  }
  const [{ rollup }, { nodeResolve }, plugins, { xsInline }] = tools;
  const inliner = xsInline();
  const where = path.relative(process.cwd(), appDir) || '.';
  let bundle;
  try {
    bundle = await rollup({
      input: entry,
      // A module left unresolved or a name it lacks would fail the link on the device: refuse them
      // here. (Imports the inliner left unused are expected.)
      onwarn(w) {
        if (w.code === 'UNRESOLVED_IMPORT' || w.code === 'MISSING_EXPORT') throw new AppBundleError(where, w.message);
      },
      plugins: [plugins.srcAsVllsiModule(), plugins.portableGuard(), nodeResolve({ extensions: ['.ts', '.js'] }), plugins.transpileTs(), inliner],
    });
  } catch (e) {
    if (e instanceof AppBundleError) throw e;
    throw new AppBundleError(where, e instanceof Error ? e.message : String(e));
  }
  try {
    const { output } = await bundle.generate({ format: 'es' });
    if (!/export\s*\{[^}]*\bas default\b|export default/.test(output[0].code)) {
      throw new AppBundleError(where, `${path.basename(entry)} has no default export: export main(hal, board) as default`);
    }
    return { entry, code: output[0].code, imports: output[0].imports, inlined: inliner.api.inlinedCount() };
  } finally {
    await bundle.close();
  }
}
