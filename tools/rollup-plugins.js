// Rollup plugins shared by rollup.config.js (dist/xs), tools/xs-test.js (XS test bundle) and
// `vllsi build APP_DIR` (tools/device-app.ts): an installed package ships this file, so it
// imports only the package's dependencies (rollup, typescript through ts-hooks.js).
import { builtinModules } from 'node:module';
import path from 'node:path';
import fs from 'node:fs';
import { transpile } from './ts-hooks.js';

const builtins = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));
const root = path.resolve(import.meta.dirname, '..');

/** Fails the build when a module of an XS bundle imports a Node built-in. */
export function portableGuard() {
  return {
    name: 'vllsi-portable-guard',
    resolveId(source, importer) {
      if (importer && (builtins.has(source) || source.startsWith('node:'))) {
        this.error(
          `${path.relative(root, importer)} imports the Node module '${source}': code bundled for XS (src/, test/portable/) must not use Node modules`,
        );
      }
      return null;
    },
  };
}

/**
 * For the device bundles (dist/xs/vllsi-hal.js, vllsi-console.js, apps): imports of src/ become
 * the Moddable modules that hold them, so the core's classes exist once on the device:
 * src/console/ (and src/register_map.ts, the maps it reads) is "vllsi/console", the rest "vllsi" (the runtime-profile bundle). Register
 * definitions (src/registers/) are plain data: they stay in the bundle, tree-shaken to the
 * peripherals it uses, and the register inliner can read them. Imports inside the module being
 * built stay internal. An app outside this package imports the same by the package's names:
 * 'vllsi', 'vllsi/console' and 'vllsi/registers/<chip>' (its sources here).
 */
export function srcAsVllsiModule() {
  const src = path.join(root, 'src') + path.sep;
  const registers = path.join(src, 'registers') + path.sep;
  const console = path.join(src, 'console') + path.sep;
  const io = path.join(src, 'io') + path.sep;
  const registerMap = path.join(src, 'register_map');
  let chipList;
  const chips = () =>
    (chipList ??= fs
      .readdirSync(registers)
      .filter((f) => f.endsWith('.ts'))
      .map((f) => f.slice(0, -3)));
  return {
    name: 'vllsi-src-as-module',
    resolveId(source, importer) {
      if (!importer) return null;
      if (source === 'vllsi' || source === 'vllsi/console') return { id: source, external: true };
      if (source.startsWith('vllsi/registers/')) {
        const chip = source.slice('vllsi/registers/'.length);
        if (chips().includes(chip)) return path.join(registers, `${chip}.ts`);
        this.error(
          `${path.relative(process.cwd(), importer)} imports '${source}': vllsi has register definitions for ${chips().join(', ')} (vllsi/registers/<chip>)`,
        );
      }
      // vllsi/io/<chip>: the ECMA-419 classes of a chip, bundled into the app like register definitions.
      if (source.startsWith('vllsi/io/')) {
        const chip = source.slice('vllsi/io/'.length);
        if (chips().includes(chip)) return path.join(io, `${chip}.ts`);
        this.error(`${path.relative(process.cwd(), importer)} imports '${source}': vllsi has IO classes for ${chips().join(', ')} (vllsi/io/<chip>)`);
      }
      if (!source.startsWith('.')) return null;
      const target = path.resolve(path.dirname(importer), source);
      if (!target.startsWith(src) || target.startsWith(registers) || target.startsWith(io)) return null;
      // The register map model travels with the console (its only device user): the core stays small.
      const consolePart = target.startsWith(console) || target.replace(/\.[jt]s$/, '') === registerMap;
      if (consolePart) return importer.startsWith(console) || importer.replace(/\.[jt]s$/, '') === registerMap ? null : { id: 'vllsi/console', external: true };
      return { id: 'vllsi', external: true };
    },
  };
}

/**
 * The runtime-profile define: replaces src/build_profile.ts with a constant so rollup
 * folds every `RUNTIME_PROFILE === ...` branch and drops the other profiles' code.
 */
export function runtimeProfileDefine(profile) {
  const file = path.join(root, 'src/build_profile.ts');
  // The names as src/build_profile.ts spells them, once (its BUILD_PROFILE type).
  const type = /BUILD_PROFILE:([^=]*)=/.exec(fs.readFileSync(file, 'utf8'))?.[1] ?? '';
  const names = [...type.matchAll(/'([a-z_]+)'/g)].map((m) => m[1]);
  if (!names.includes(profile)) throw new Error(`unknown runtime profile '${profile}' (${names.join(', ')})`);
  return {
    name: 'vllsi-runtime-profile',
    load: (id) => (path.resolve(id) === file ? `export const BUILD_PROFILE = ${JSON.stringify(profile)};\n` : null),
  };
}

/**
 * TypeScript by transpilation only (file by file, as tools/ts-hooks.js does): for bundles that are
 * type-checked elsewhere (`npm run typecheck`) — the XS test bundle, benches, build-time
 * evaluation — where building a language service for the whole project per bundle is too slow.
 * Resolves `./x.js` to `./x.ts` as tsc does.
 */
export function transpileTs() {
  return {
    name: 'vllsi-transpile-ts',
    resolveId(source, importer) {
      if (!importer || !source.startsWith('.') || !source.endsWith('.js')) return null;
      const candidate = path.resolve(path.dirname(importer), source.slice(0, -3) + '.ts');
      return fs.existsSync(candidate) ? candidate : null;
    },
    async transform(code, id) {
      if (!id.endsWith('.ts') || id.endsWith('.d.ts')) return null;
      return { code: await transpile(code, id), map: null };
    },
  };
}
