// Who provides ECMA-419's `embedded:io/*` on the device (`vllsi build --io`, or APP_DIR's
// package.json "vllsi": { "io" }):
//   moddable (the default): Moddable's native classes, its $(MODDABLE)/modules/io manifest;
//   vllsi: vllsi's portable classes (src/io/<chip>.ts, over the registers), written into the
//     project as the module "vllsi-io", one module per `embedded:io/<name>` re-exporting its
//     class, `embedded:provider/builtin` (the board's host provider, from its board.json "io")
//     and "system" (the `device` and `System` globals, as Moddable's modules/io/system sets
//     them), all preloaded like Moddable's own.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Plugin } from 'rollup';
import { InvalidArgument } from '../src/errors.js';
import { ioModuleNames, type IoClasses } from '../src/io/provider.js';
import { ioClassesOf } from '../host-sim/moddable.js';
import { IO_PROVIDERS, packageRoot, type IoProvider } from './moddable.js';

export const DEFAULT_IO_PROVIDER: IoProvider = 'moddable';

/** Moddable's own ECMA-419 manifest (the `moddable` provider). */
export const MODDABLE_IO_MANIFEST = '$(MODDABLE)/modules/io/manifest.json';
/** The manifest of the `vllsi` provider, inside the project. */
export const VLLSI_IO_MANIFEST = './vllsi-io/manifest.json';

/** APP_DIR/package.json's "vllsi" section ({} when there is none). */
export function appVllsiConfig(appDir: string): Readonly<Record<string, unknown>> {
  const file = path.join(appDir, 'package.json');
  if (!existsSync(file)) return {};
  let pkg: unknown;
  try {
    pkg = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new InvalidArgument('package.json', path.basename(appDir), `${file} is not JSON (${(e as Error).message})`);
  }
  const v = (pkg as { vllsi?: unknown } | null)?.vllsi;
  if (v === undefined) return {};
  if (v === null || typeof v !== 'object' || Array.isArray(v))
    throw new InvalidArgument('"vllsi" section', v, `in ${file}: it must be an object, e.g. { "io": "vllsi" }`);
  return v as Record<string, unknown>;
}

/** The provider: `option` (--io, already checked by the CLI) first, else package.json's "vllsi": { "io" }, else moddable. */
export function ioProviderOf(option: IoProvider | undefined, appDir: string): IoProvider {
  if (option !== undefined) return option;
  const v = appVllsiConfig(appDir).io;
  if (v === undefined) return DEFAULT_IO_PROVIDER;
  if (typeof v !== 'string' || !(IO_PROVIDERS as readonly string[]).includes(v)) {
    throw new InvalidArgument(
      '"vllsi": { "io" }',
      v,
      `in ${path.join(appDir, 'package.json')}: it must be one of ${IO_PROVIDERS.map((p) => `"${p}"`).join(', ')}`,
    );
  }
  return v as IoProvider;
}

/** The class names a chip's src/io module defines (Digital, DigitalBank, ...). */
export function ioClassNames(chip: string): (keyof IoClasses)[] {
  const classes = ioClassesOf(chip);
  return [...new Set(Object.values(ioModuleNames))].filter((n) => classes[n] !== undefined);
}

interface BuildPlugins {
  portableGuard(): Plugin;
  srcAsVllsiModule(): Plugin;
  transpileTs(): Plugin;
}

/**
 * The project files of the `vllsi` provider for a chip (relative path -> text): the classes
 * bundled as "vllsi-io" (the core left as the module "vllsi"), the `embedded:*` modules, "system"
 * and their manifest.
 */
export function vllsiIoFiles(chip: string): Promise<Readonly<Record<string, string>>> {
  // Per chip, once per process: the sources do not change under a build.
  let files = ioFilesByChip.get(chip);
  if (files === undefined) ioFilesByChip.set(chip, (files = writeIoFiles(chip)));
  return files;
}
const ioFilesByChip = new Map<string, Promise<Readonly<Record<string, string>>>>();

async function writeIoFiles(chip: string): Promise<Record<string, string>> {
  const [{ rollup }, { nodeResolve }, plugins] = await Promise.all([
    import('rollup'),
    import('@rollup/plugin-node-resolve'),
    import(pathToFileURL(path.join(packageRoot, 'tools/rollup-plugins.js')).href) as Promise<BuildPlugins>,
  ]);
  const names = ioClassNames(chip);
  const ENTRY = '\0vllsi-io';
  const src = (f: string) => JSON.stringify(path.join(packageRoot, 'src/io', f));
  const bundle = await rollup({
    input: ENTRY,
    onwarn(w) {
      throw new Error(`bundling vllsi's ${chip} IO classes: ${w.message}`);
    },
    plugins: [
      {
        name: 'vllsi-io-entry',
        resolveId: (id) => (id === ENTRY ? ENTRY : null),
        load: (id) =>
          id === ENTRY ? `export { ${names.join(', ')} } from ${src(`${chip}.ts`)};\nexport { hostProvider } from ${src('provider.ts')};\n` : null,
      },
      plugins.srcAsVllsiModule(),
      plugins.portableGuard(),
      nodeResolve({ extensions: ['.ts', '.js'] }),
      plugins.transpileTs(),
    ],
  });
  let code;
  try {
    code = (await bundle.generate({ format: 'es' })).output[0].code;
  } finally {
    await bundle.close();
  }
  const files: Record<string, string> = {
    'vllsi-io/vllsi-io.js': `// vllsi's ECMA-419 classes for the ${chip} (src/io), generated by \`vllsi build --io vllsi\`.\n${code}`,
  };
  const modules: Record<string, string> = {
    'vllsi-io': './vllsi-io',
    'embedded:provider/builtin': './provider',
    system: './system',
  };
  for (const [m, cls] of Object.entries(ioModuleNames)) {
    if (!names.includes(cls)) continue;
    files[`vllsi-io/io/${m}.js`] = `export { ${cls} as default } from "vllsi-io";\n`;
    modules[`embedded:io/${m}`] = `./io/${m}`;
  }
  files['vllsi-io/provider.js'] = `// The board's host provider (board.json "io"): device.io, device.pin, device.I2C.default...
import { hostProvider, ${names.join(', ')} } from "vllsi-io";
import board from "board";

export default hostProvider({ ${names.join(', ')} }, board.io);
`;
  // What Moddable's modules/io/system does: the `device` global and System's timer functions.
  files['vllsi-io/system.js'] = `import Timer from "timer";
import device from "embedded:provider/builtin";

globalThis.device = device;
globalThis.System = Object.freeze({
  setTimeout: (callback, delay) => Timer.set(callback, delay),
  clearTimeout: (id) => Timer.clear(id),
  setInterval: (callback, delay) => Timer.repeat(callback, delay),
  clearInterval: (id) => Timer.clear(id),
});
`;
  const manifest = {
    '//': `ECMA-419 IO for the ${chip} from vllsi's classes (src/io over the registers), instead of ${MODDABLE_IO_MANIFEST}. Generated by \`vllsi build --io vllsi\`.`,
    modules,
    preload: Object.keys(modules),
  };
  files['vllsi-io/manifest.json'] = JSON.stringify(manifest, null, '\t') + '\n';
  return files;
}
