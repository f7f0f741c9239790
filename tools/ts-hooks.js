// Node module hooks that run TypeScript sources without a build (development only):
// child processes (`node --import ./tools/ts-register.js file.ts`, tools/crash-test.js)
// and the worker threads of host-sim/threads.ts and host-sim/cores.ts, which register
// this file in each worker. Types are erased file by file, without checking
// (`npm run typecheck` does that). A `.js` import that does not exist resolves to the
// `.ts` beside it, as tsc's NodeNext resolution does.
// Outputs are cached in the OS temp dir, keyed by path, content, options and compiler
// version: each worker thread has its own hooks, and loading the compiler in every one
// would cost about a second per thread.
import crypto from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const options = { target: 'es2022', module: 'esnext', verbatimModuleSyntax: true, sourceMap: false };
const tsVersion = createRequire(import.meta.url)('typescript/package.json').version;
const cacheDir = path.join(os.tmpdir(), `vllsi-ts-cache-${process.getuid?.() ?? 'user'}`);
let ts;
/** package.json of the vllsi that runs a user's app (`vllsi sim APP_DIR`): 'vllsi' imports resolve to it. */
let vllsiPackage;

/** `register(hooks, { data: { vllsiPackage } })`: map the app's 'vllsi' and 'vllsi/…' to the running package. */
export function initialize(data) {
  vllsiPackage = data?.vllsiPackage;
}

/** TypeScript to JavaScript, one file (also the transform of rollup-plugins.js transpileTs). */
export async function transpile(source, fileName) {
  ts ??= (await import('typescript')).default;
  return ts.transpileModule(source, { fileName, compilerOptions: options }).outputText;
}

export async function resolve(specifier, context, next) {
  // One copy of vllsi in the process: the app's imports get the simulator's modules (the bound
  // HAL lives there), whether or not the app's folder has vllsi installed, by self-reference.
  if (vllsiPackage && (specifier === 'vllsi' || specifier.startsWith('vllsi/'))) return next(specifier, { ...context, parentURL: vllsiPackage });
  try {
    return await next(specifier, context);
  } catch (e) {
    if (!specifier.endsWith('.js') || !/^(\.|\/|file:)/.test(specifier)) throw e;
    const url = new URL(`${specifier.slice(0, -3)}.ts`, context.parentURL);
    if (url.protocol !== 'file:' || !fs.existsSync(url)) throw e;
    return { url: url.href, shortCircuit: true };
  }
}

export async function load(url, context, next) {
  if (!url.startsWith('file:') || !url.endsWith('.ts')) return next(url, context);
  const file = fileURLToPath(url);
  const source = fs.readFileSync(file, 'utf8');
  const key = crypto
    .createHash('sha256')
    .update(JSON.stringify([file, options, tsVersion, source]))
    .digest('hex');
  const cached = path.join(cacheDir, `${key}.js`);
  if (fs.existsSync(cached)) return { format: 'module', source: fs.readFileSync(cached, 'utf8'), shortCircuit: true };
  const out = await transpile(source, file);
  fs.mkdirSync(cacheDir, { recursive: true });
  const tmp = `${cached}.${process.pid}.${Math.random().toString(36).slice(2)}`;
  fs.writeFileSync(tmp, out);
  fs.renameSync(tmp, cached); // atomic: concurrent threads never read half a file
  return { format: 'module', source: out, shortCircuit: true };
}
