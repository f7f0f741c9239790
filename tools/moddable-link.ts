// Reading a Moddable project the way mcconfig does: manifests merged with the platform matching
// of Moddable's mcmanifest.js, module names mapped to files, and the app linked over those names with
// rollup (a missing module or named export fails the link, as it would fail xsl on the device).
// Used by the tests of `vllsi build` and by tools/xs-device.ts, which runs the linked app in XS.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { rollup, type ModuleFormat } from 'rollup';
import { InvalidArgument } from '../src/errors.js';

export interface Manifest {
  include?: string | string[];
  error?: string;
  modules?: Record<string, string | string[]>;
  config?: Record<string, unknown>;
  creation?: Record<string, unknown>;
  preload?: string[];
  platforms?: Record<string, Manifest>;
}

/** mcmanifest.js's matchPlatform: exact name or "name/*" prefix, from the full platform up to its first part; then "...". */
export function matchPlatform(platforms: Record<string, Manifest>, full: string): Manifest | undefined {
  const parts = full.split('/');
  while (parts.length) {
    const partial = parts.join('/');
    for (const n of Object.keys(platforms)) {
      if (n.endsWith('/*') ? partial.startsWith(n.slice(0, -1)) : partial === n) return platforms[n];
    }
    parts.length -= 1;
  }
  return platforms['...'];
}

export interface ResolvedProject {
  /** Module name → file (.js or .c). */
  modules: Map<string, string>;
  errors: string[];
  config: Record<string, unknown>;
  creation: Record<string, unknown>;
  /** Names of the modules xsl runs at build time (their objects go to flash). */
  preload: string[];
  /** Module paths that name no .js or .c file. */
  missing: string[];
}

/** The project's manifests merged for one platform ($(MODDABLE) includes are the SDK's own and are skipped). */
export function resolveProject(dir: string, platform: string): ResolvedProject {
  const r: ResolvedProject = { modules: new Map(), errors: [], config: {}, creation: {}, preload: [], missing: [] };
  const visit = (file: string) => {
    const m = JSON.parse(readFileSync(file, 'utf8')) as Manifest;
    const here = path.dirname(file);
    for (const inc of [m.include ?? []].flat()) if (!inc.startsWith('$(MODDABLE)')) visit(path.join(here, inc));
    for (const p of [m, m.platforms ? matchPlatform(m.platforms, platform) : undefined]) {
      if (!p) continue;
      if (p.error) r.errors.push(p.error);
      Object.assign(r.config, p.config);
      Object.assign(r.creation, p.creation);
      r.preload.push(...(p.preload ?? []));
      for (const [name, paths] of Object.entries(p.modules ?? {})) {
        for (const rel of [paths].flat()) {
          const base = path.join(here, rel);
          const ext = ['.js', '.c'].find((e) => existsSync(base + e));
          if (ext === undefined) r.missing.push(`${rel} (in ${path.relative(dir, file)})`);
          else r.modules.set(name === '*' ? path.basename(rel) : name, base + ext);
        }
      }
    }
  };
  visit(path.join(dir, 'manifest.json'));
  return r;
}

/** Links the project's `main` over the manifest's module names; returns the linked code. */
export async function linkProject(project: ResolvedProject, format: ModuleFormat = 'es'): Promise<string> {
  return link(project, project.modules.get('main')!, { format });
}

/**
 * The project as xsl splits it: `preload`, a script that runs the bodies of the preloaded modules
 * (as xsl does at build time) and defines `__vllsiPreloaded` (their namespaces), and `main`, a
 * script that runs main over them. `bindings` are the preloaded code's module-level names: after
 * preload the harness freezes what they hold (in flash on the device).
 */
export async function linkPreloaded(project: ResolvedProject): Promise<{ preload: string; main: string; bindings: string[] }> {
  const names = project.preload.filter((n) => project.modules.has(n));
  const key = (n: string) => `m${names.indexOf(n)}`;
  const entry = `${names.map((n) => `import * as ${key(n)} from ${JSON.stringify(n)};`).join('\n')}\nglobalThis.__vllsiPreloaded = { ${names.map(key).join(', ')} };\n`;
  const preload = await link(project, '\0preload', { format: 'es' }, entry);
  const main = await link(project, project.modules.get('main')!, {
    format: 'iife',
    external: names,
    // A preloaded module's namespace: its default export is `.default`.
    globals: (id) => `__vllsiPreloaded.${key(id)}`,
    interop: 'esModule',
  });
  const { parseAst } = await import('rollup/parseAst');
  const bindings = (
    parseAst(preload).body as unknown as { type: string; id?: { name: string }; declarations?: { id: { type: string; name: string } }[] }[]
  ).flatMap((s) =>
    s.type === 'VariableDeclaration' ? s.declarations!.filter((d) => d.id.type === 'Identifier').map((d) => d.id.name) : s.id ? [s.id.name] : [],
  );
  return { preload: `(function () {\n'use strict';\n${preload}\n__vllsiHarness.preloaded([${bindings.join(', ')}]);\n})();\n`, main, bindings };
}

async function link(
  project: ResolvedProject,
  input: string,
  output: { format: ModuleFormat; external?: string[]; globals?: (id: string) => string; interop?: 'esModule' },
  entry?: string,
): Promise<string> {
  const bundle = await rollup({
    input,
    external: output.external,
    onwarn(w) {
      throw new Error(`rollup: ${w.message}`);
    },
    plugins: [
      {
        name: 'moddable-modules',
        resolveId(source, importer) {
          if (importer === undefined) return entry === undefined ? null : source; // the entry
          if (output.external?.includes(source)) return { id: source, external: true };
          if (source === 'mc/config') return '\0mc/config';
          const file = project.modules.get(source);
          if (file === undefined) throw new Error(`import '${source}' is not a module of the manifest`);
          return file;
        },
        load(id) {
          if (id === input && entry !== undefined) return entry;
          return id === '\0mc/config' ? `export default ${JSON.stringify(project.config)};` : null;
        },
      },
    ],
  });
  try {
    const { output: out } = await bundle.generate({ format: output.format, globals: output.globals, interop: output.interop });
    return out[0].code;
  } finally {
    await bundle.close();
  }
}

/** True when `dir` is a Moddable app: a manifest.json and the main module it names. */
export function isModdableApp(dir: string): boolean {
  return existsSync(path.join(dir, 'manifest.json')) && !existsSync(path.join(dir, 'index.js')) && !existsSync(path.join(dir, 'index.ts'));
}

/** The app's modules by name from manifest.json's "modules" ("*": "./main" or a list): name -> file. */
export function appModules(dir: string): Map<string, string> {
  let manifest: { modules?: Record<string, string | string[]> };
  try {
    manifest = JSON.parse(readFileSync(path.join(dir, 'manifest.json'), 'utf8'));
  } catch (e) {
    throw new InvalidArgument('Moddable app manifest', path.join(dir, 'manifest.json'), (e as Error).message);
  }
  const files = new Map<string, string>();
  for (const [name, v] of Object.entries(manifest.modules ?? { '*': './main' })) {
    for (const p of Array.isArray(v) ? v : [v]) {
      if (p.includes('$(')) continue; // SDK paths: not the app's own
      const file = ['.js', '.ts', ''].map((x) => path.resolve(dir, p + x)).find((f) => existsSync(f) && f !== path.resolve(dir, p + '/'));
      if (file !== undefined) files.set(name === '*' ? path.basename(p) : name, file);
    }
  }
  if (!files.has('main')) throw new InvalidArgument('Moddable app', dir, 'its manifest.json names no main module (modules: { "*": "./main" })');
  return files;
}
