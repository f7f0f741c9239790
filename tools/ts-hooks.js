// Node module hooks that load TypeScript sources directly (type stripping with the
// TypeScript compiler, no type check), for development only: worker threads and
// child processes started by tests run src/ and host-sim/ without a build.
// `import x from './a.js'` from a .ts file resolves to a.ts when a.js does not exist.
// Used by host-sim/threads.ts (entries ending in .ts) and `node --import ./tools/ts-register.js`.
// Outputs are cached by content hash in the OS temp folder: each worker thread has its
// own hooks, and loading the compiler in every one would cost a second per thread.
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const cacheDir = path.join(os.tmpdir(), `vllsi-ts-cache-${process.getuid?.() ?? 'user'}`);
let ts;

export async function resolve(specifier, context, next) {
  const parent = context.parentURL;
  if (parent?.endsWith('.ts') && specifier.startsWith('.') && specifier.endsWith('.js')) {
    const url = new URL(specifier, parent);
    const tsUrl = new URL(url.href.slice(0, -3) + '.ts');
    if (!fs.existsSync(fileURLToPath(url)) && fs.existsSync(fileURLToPath(tsUrl))) return { url: tsUrl.href, shortCircuit: true };
  }
  return next(specifier, context);
}

export async function load(url, context, next) {
  if (!url.startsWith('file:') || !url.endsWith('.ts')) return next(url, context);
  const file = fileURLToPath(url);
  const source = fs.readFileSync(file, 'utf8');
  const cached = path.join(cacheDir, crypto.createHash('sha256').update(file).update('\0').update(source).digest('hex') + '.js');
  if (fs.existsSync(cached)) return { format: 'module', source: fs.readFileSync(cached, 'utf8'), shortCircuit: true };
  ts ??= (await import('typescript')).default;
  const out = ts.transpileModule(source, {
    fileName: file,
    compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext, verbatimModuleSyntax: true },
  }).outputText;
  fs.mkdirSync(cacheDir, { recursive: true });
  const tmp = `${cached}.${process.pid}.${Math.random().toString(36).slice(2)}`;
  fs.writeFileSync(tmp, out);
  fs.renameSync(tmp, cached); // atomic: concurrent threads never read half a file
  return { format: 'module', source: out, shortCircuit: true };
}
