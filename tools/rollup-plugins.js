// Rollup plugins shared by rollup.config.js (dist/xs) and tools/xs-test.js (XS test bundle).
import { builtinModules } from 'node:module';
import path from 'node:path';
import typescript from '@rollup/plugin-typescript';

const builtins = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));
const root = path.resolve(import.meta.dirname, '..');

/** Fails the build when a module of an XS bundle imports a Node built-in. */
export function portableGuard() {
  return {
    name: 'vllsi-portable-guard',
    resolveId(source, importer) {
      if (importer && (builtins.has(source) || source.startsWith('node:'))) {
        this.error(`${path.relative(root, importer)} imports the Node module '${source}': code bundled for XS (src/, test/portable/) must not use Node modules`);
      }
      return null;
    },
  };
}

/**
 * TypeScript for XS bundles: ES2022 output, no declarations. Only files in tsconfig.xs.json's
 * `include` are compiled (the plugin emits from the TS program): add folders there.
 */
export function typescriptForXs() {
  return typescript({ tsconfig: path.join(root, 'tsconfig.xs.json'), noEmitOnError: true, outputToFilesystem: false });
}

/**
 * The runtime-profile define: replaces src/build_profile.ts with a constant so rollup
 * folds every `RUNTIME_PROFILE === ...` branch and drops the other profiles' code.
 */
export function runtimeProfileDefine(profile) {
  if (!['full', 'embedded', 'no_runtime'].includes(profile)) throw new Error(`unknown runtime profile '${profile}'`);
  const file = path.join(root, 'src/build_profile.ts');
  return {
    name: 'vllsi-runtime-profile',
    load: (id) => (path.resolve(id) === file ? `export const BUILD_PROFILE = ${JSON.stringify(profile)};\n` : null),
  };
}
