// An app bundled for the device, as `vllsi build APP_DIR` puts it in the Moddable project: one ES
// module with the app's own code, the register definitions it imports and its JSON, the core left
// as the modules "vllsi" and "vllsi/console", Moddable's own modules (embedded:*, timer...) left
// to the Moddable build, and bitfield and register calls inlined (tools/xs-inline.js).
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Plugin } from 'rollup';
import { InvalidArgument, VllsiError } from '../src/errors.js';
import { REGMAP_FORMAT } from '../src/register_map.js';
import { packageRoot, ToolchainMissing, type DeviceApp } from './moddable.js';

/**
 * Moddable modules an app may import, and the manifest that brings each in (none: every platform
 * vllsi builds for has it). Any other bare name that is not a file or an npm package is refused.
 */
const MODDABLE_MODULES: readonly { readonly test: (name: string) => boolean; readonly include?: string }[] = [
  { test: (n) => n.startsWith('embedded:'), include: '$(MODDABLE)/modules/io/manifest.json' }, // ECMA-419
  { test: (n) => ['timer', 'time', 'mc/config', 'instrumentation'].includes(n) }, // the pico and esp32 device manifests
];

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
  if (!existsSync(appDir)) throw new InvalidArgument('app directory', appDir, 'does not exist: give the folder of your app (`vllsi init DIR` makes one)');
  if (!statSync(appDir).isDirectory()) throw new InvalidArgument('app directory', appDir, 'is a file: give the folder that holds index.ts or index.js');
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
    tools = await Promise.all([
      import('rollup'),
      import('@rollup/plugin-node-resolve'),
      load<BuildPlugins>('tools/rollup-plugins.js'),
      load<Inliner>('tools/xs-inline.js'),
    ]);
  } catch (e) {
    // An installed package has neither vllsi's build tools (devDependencies) nor its sources.
    throw new ToolchainMissing(
      'build tools',
      `bundling an app needs vllsi's build tools and sources (${e instanceof Error ? e.message : String(e)}): run \`vllsi build\` from a clone of vllsi after \`npm ci\``,
    );
  }
  const [{ rollup }, { nodeResolve }, plugins, { xsInline }] = tools;
  const inliner = xsInline();
  const where = path.relative(process.cwd(), appDir) || '.';
  const includes = new Set<string>();
  let bundle;
  try {
    bundle = await rollup({
      input: entry,
      // A module left unresolved or a name it lacks would fail the link on the device: refuse them
      // here. (Imports the inliner left unused are expected.)
      onwarn(w) {
        if (w.code === 'UNRESOLVED_IMPORT' || w.code === 'MISSING_EXPORT') throw new AppBundleError(where, w.message);
      },
      plugins: [
        moddableModules(includes),
        plugins.srcAsVllsiModule(),
        plugins.portableGuard(),
        nodeResolve({ extensions: ['.ts', '.js'] }),
        plugins.transpileTs(),
        jsonModules(appDir),
        inliner,
      ],
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
    const registers = path.join(packageRoot, 'src', 'registers') + path.sep;
    const chips = [
      ...new Set(
        output[0].moduleIds.filter((id) => id.startsWith(registers)).map((id) => path.relative(registers, id).split(path.sep)[0]!.replace(/\.ts$/, '')),
      ),
    ];
    return { entry, code: output[0].code, imports: output[0].imports, chips, includes: [...includes], inlined: inliner.api.inlinedCount() };
  } finally {
    await bundle.close();
  }
}

/** Leaves Moddable's modules to the Moddable build (external) and records the manifests they need. */
function moddableModules(includes: Set<string>): Plugin {
  return {
    name: 'vllsi-moddable-modules',
    resolveId(source, importer) {
      if (importer === undefined || source.startsWith('.') || source.startsWith('/')) return null;
      const known = MODDABLE_MODULES.find((m) => m.test(source));
      if (known === undefined) return null;
      if (known.include !== undefined) includes.add(known.include);
      return { id: source, external: true };
    },
  };
}

/**
 * JSON imports become data modules. A register map keeps the peripherals APP_DIR's package.json
 * lists under "vllsi": { "registerMap": [...] }, else those the bundle uses (the definitions it
 * imports from vllsi/registers/<chip>), with the bases they derive from: the whole RP2040 map is
 * 363 KB, and xsl (Moddable HEAD) crashes preloading even IO_BANK0's 118 KB of it.
 */
function jsonModules(appDir: string): Plugin {
  const maps = new Map<string, { peripherals: { name: string; derivedFrom?: string }[] }>();
  const registers = path.join(packageRoot, 'src', 'registers') + path.sep;
  return {
    name: 'vllsi-json',
    load(id) {
      if (!id.endsWith('.json')) return null;
      const data = JSON.parse(readFileSync(id, 'utf8')) as unknown;
      if ((data as { format?: unknown })?.format !== REGMAP_FORMAT) return `export default ${JSON.stringify(data)};`;
      // Filled in once the bundle is known (renderChunk): which definitions survived tree-shaking.
      const key = `__vllsiRegisterMap${maps.size}__`;
      maps.set(key, data as { peripherals: { name: string; derivedFrom?: string }[] });
      return `export default ${key};`;
    },
    renderChunk(code, chunk) {
      if (maps.size === 0) return null;
      const listed = listedPeripherals(appDir);
      const used = new Set<string>(listed ?? []);
      if (listed === undefined)
        for (const [id, m] of Object.entries(chunk.modules)) if (id.startsWith(registers)) m.renderedExports.forEach((n) => used.add(n));
      for (const [key, map] of maps) {
        const byName = new Map(map.peripherals.map((p) => [p.name, p]));
        for (const name of [...used]) for (let p = byName.get(name); p?.derivedFrom !== undefined; p = byName.get(p.derivedFrom)) used.add(p.derivedFrom);
        code = code.replace(key, JSON.stringify({ ...map, peripherals: map.peripherals.filter((p) => used.has(p.name)) }));
      }
      return { code, map: null };
    },
  };
}

/** APP_DIR/package.json's "vllsi": { "registerMap": [peripheral names] }, if any. */
function listedPeripherals(appDir: string): string[] | undefined {
  const file = path.join(appDir, 'package.json');
  if (!existsSync(file)) return undefined;
  const list = (JSON.parse(readFileSync(file, 'utf8')) as { vllsi?: { registerMap?: unknown } }).vllsi?.registerMap;
  if (list === undefined) return undefined;
  if (!Array.isArray(list) || !list.every((n) => typeof n === 'string'))
    throw new AppBundleError(file, '"vllsi": { "registerMap" } must be a list of peripheral names');
  return list;
}
