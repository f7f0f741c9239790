// An app bundled for the device, as `vllsi build APP_DIR` puts it in the Moddable project: one ES
// module with the app's own code, the register definitions it imports and its JSON, the core left
// as the modules "vllsi" and "vllsi/console", Moddable's own modules (embedded:*, timer...) left
// to the Moddable build, and bitfield, register and Digital calls inlined (tools/xs-inline.js).
// APP_DIR is a vllsi app (index.ts or index.js exporting main(hal, board)) or a Moddable app
// (manifest.json and main.js, whose body runs when imported); `embedded:io/*` comes from
// Moddable's native classes or vllsi's (tools/device-io.ts).
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Plugin } from 'rollup';
import { InvalidArgument, VllsiError } from '../src/errors.js';
import { ioModuleNames } from '../src/io/provider.js';
import { REGMAP_FORMAT } from '../src/register_map.js';
import { loadBoard } from '../boards/index.js';
import { appVllsiConfig, ioClassNames, ioProviderOf, MODDABLE_IO_MANIFEST, VLLSI_IO_MANIFEST, vllsiIoFiles } from './device-io.js';
import { appModules, isModdableApp } from './moddable-link.js';
import { packageRoot, ToolchainMissing, type DeviceApp, type IoProvider } from './moddable.js';

/** Moddable modules every platform vllsi builds for has (the pico and esp32 device manifests). */
const MODDABLE_BASE_MODULES = ['timer', 'time', 'mc/config', 'instrumentation'];

/** The app's code could not be bundled for the device (a Node import, a missing module, a syntax error...). */
export class AppBundleError extends VllsiError<'AppBundleError'> {
  constructor(
    readonly app: string,
    readonly detail: string,
  ) {
    super('AppBundleError', `cannot bundle ${app} for the device: ${detail}`);
  }
}

export interface DeviceAppOptions {
  /** The board the app is built for (needed by `io: 'vllsi'` and by Digital inlining). */
  readonly board?: string;
  /** --io; else APP_DIR's package.json "vllsi": { "io" }, else 'moddable'. */
  readonly io?: IoProvider;
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
  xsInline(o: { digital?: DigitalContext }): Plugin & { api: { inlinedCount(): { bitfield: number; register: number; digital: number } } };
}
/** What the Digital inliner knows of the target (tools/xs-inline-digital.js). */
interface DigitalContext {
  readonly chip: string;
  /** The host provider is vllsi's: `device.io.Digital` and `embedded:io/digital` are src/io's Digital, `device.pin.X` the board's. */
  readonly provider: boolean;
  readonly pins: Readonly<Record<string, number>>;
}
const load = <T>(file: string) => import(pathToFileURL(path.join(packageRoot, file)).href) as Promise<T>;

/** Bundles the app in `appDir` for the device. */
export async function bundleDeviceApp(appDir: string, options: DeviceAppOptions = {}): Promise<DeviceApp> {
  const moddableApp = existsSync(appDir) && statSync(appDir).isDirectory() && isModdableApp(appDir);
  const ownModules = moddableApp ? appModules(appDir) : new Map<string, string>();
  const entry = moddableApp ? ownModules.get('main')! : appEntry(appDir);
  const io = ioProviderOf(options.io, appDir);
  const spec = options.board === undefined ? undefined : loadBoard(options.board);
  if (io === 'vllsi' && spec === undefined) throw new InvalidArgument('IO provider', io, "needs the board: vllsi's classes are per chip");
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
  const inliner = xsInline(spec === undefined ? {} : { digital: { chip: spec.chip, provider: io === 'vllsi', pins: spec.io.pin } });
  const where = path.relative(process.cwd(), appDir) || '.';
  // A Moddable app's manifest includes the ECMA-419 manifest for `device` and `System`; --io vllsi always brings vllsi's.
  const includes = new Set<string>(io === 'vllsi' ? [VLLSI_IO_MANIFEST] : moddableApp ? [MODDABLE_IO_MANIFEST] : []);
  const embedded = io === 'vllsi' ? vllsiEmbedded(spec!.chip) : undefined;
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
        appOwnModules(ownModules),
        moddableModules(includes, where, embedded),
        plugins.srcAsVllsiModule(),
        plugins.portableGuard(),
        nodeResolve({ extensions: ['.ts', '.js'] }),
        plugins.transpileTs(),
        jsonModules(appDir),
        inliner,
      ],
    });
  } catch (e) {
    if (e instanceof AppBundleError || e instanceof InvalidArgument) throw e;
    throw new AppBundleError(where, e instanceof Error ? e.message : String(e));
  }
  try {
    const { output } = await bundle.generate({ format: 'es' });
    if (!moddableApp && !/export\s*\{[^}]*\bas default\b|export default/.test(output[0].code)) {
      throw new AppBundleError(where, `${path.basename(entry)} has no default export: export main(hal, board) as default`);
    }
    const registers = path.join(packageRoot, 'src', 'registers') + path.sep;
    const chips = [
      ...new Set(
        output[0].moduleIds.filter((id) => id.startsWith(registers)).map((id) => path.relative(registers, id).split(path.sep)[0]!.replace(/\.ts$/, '')),
      ),
    ];
    return {
      entry,
      kind: moddableApp ? 'moddable' : 'vllsi',
      io,
      ioFiles: io === 'vllsi' ? await vllsiIoFiles(spec!.chip) : {},
      code: output[0].code,
      imports: output[0].imports,
      chips,
      includes: [...includes],
      inlined: inliner.api.inlinedCount(),
    };
  } finally {
    await bundle.close();
  }
}

/** The `embedded:*` names vllsi's classes provide for a chip. */
function vllsiEmbedded(chip: string): string[] {
  const names = ioClassNames(chip);
  return ['embedded:provider/builtin', ...Object.entries(ioModuleNames).flatMap(([m, cls]) => (names.includes(cls) ? [`embedded:io/${m}`] : []))];
}

/** A Moddable app's other modules, by the names its manifest gives them. */
function appOwnModules(modules: ReadonlyMap<string, string>): Plugin {
  return { name: 'vllsi-app-modules', resolveId: (source, importer) => (importer !== undefined && modules.has(source) ? modules.get(source)! : null) };
}

/**
 * Leaves Moddable's modules to the Moddable build (external) and records the manifests they need:
 * `embedded:*` is ECMA-419's, from Moddable's manifest, or with `vllsi` (the names in `embedded`)
 * from vllsi's; a name vllsi does not provide is refused.
 */
function moddableModules(includes: Set<string>, where: string, embedded: readonly string[] | undefined): Plugin {
  return {
    name: 'vllsi-moddable-modules',
    resolveId(source, importer) {
      if (importer === undefined || source.startsWith('.') || source.startsWith('/')) return null;
      if (source.startsWith('embedded:')) {
        if (embedded !== undefined && !embedded.includes(source)) {
          throw new AppBundleError(
            where,
            `"${source}" is not among the modules vllsi's IO classes provide (${embedded.join(', ')}): build with --io moddable for Moddable's own`,
          );
        }
        includes.add(embedded === undefined ? MODDABLE_IO_MANIFEST : VLLSI_IO_MANIFEST);
        return { id: source, external: true };
      }
      return MODDABLE_BASE_MODULES.includes(source) ? { id: source, external: true } : null;
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
  const list = appVllsiConfig(appDir).registerMap;
  if (list === undefined) return undefined;
  if (!Array.isArray(list) || !list.every((n) => typeof n === 'string'))
    throw new AppBundleError(path.join(appDir, 'package.json'), '"vllsi": { "registerMap" } must be a list of peripheral names');
  return list;
}
