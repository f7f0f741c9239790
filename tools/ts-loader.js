// Node module hooks that load TypeScript sources (for simulator worker threads
// started from a TypeScript test run: core 1's program and its imports). A `.js`
// import that does not exist but has a `.ts` sibling resolves to it, and `.ts`
// files are transpiled with TypeScript (types erased, no checking). Registered by
// host-sim/cores.ts only when running from sources. Transpiled files are cached on
// disk by path, size and mtime, so most workers never load TypeScript at all.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync, renameSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

let typescriptUrl;
let ts;
const cacheDir = path.join(tmpdir(), 'vllsi-ts-loader');

export async function initialize(data) {
  typescriptUrl = data.typescript;
}

export async function resolve(specifier, context, next) {
  try {
    return await next(specifier, context);
  } catch (e) {
    if (specifier.endsWith('.js') && context.parentURL?.startsWith('file:')) {
      const url = new URL(specifier.replace(/\.js$/, '.ts'), context.parentURL);
      if (existsSync(fileURLToPath(url))) return { url: url.href, shortCircuit: true };
    }
    throw e;
  }
}

export async function load(url, context, next) {
  if (!url.startsWith('file:') || !url.endsWith('.ts')) return next(url, context);
  const file = fileURLToPath(url);
  const st = statSync(file);
  const cached = path.join(cacheDir, createHash('sha1').update(`${file}\0${st.size}\0${st.mtimeMs}`).digest('hex') + '.js');
  if (existsSync(cached)) return { format: 'module', source: readFileSync(cached, 'utf8'), shortCircuit: true };
  ts ??= (await import(typescriptUrl)).default;
  const { outputText } = ts.transpileModule(readFileSync(file, 'utf8'), {
    fileName: file,
    compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, verbatimModuleSyntax: true, sourceMap: false },
  });
  mkdirSync(cacheDir, { recursive: true });
  const tmp = `${cached}.${process.pid}.${Math.random().toString(36).slice(2)}`;
  writeFileSync(tmp, outputText);
  renameSync(tmp, cached); // atomic: concurrent workers never read a half-written file
  return { format: 'module', source: outputText, shortCircuit: true };
}
