// ESM loader hooks that let a child Node process import the TypeScript sources directly
// (tests that need a second real process: locking, the crash test). `.js` specifiers
// resolve to the `.ts` file beside them, as tsc's NodeNext resolution does. Transpiled
// output is cached on disk by path and mtime, so only the first child pays for loading
// the TypeScript compiler.
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const cacheDir = path.join(os.tmpdir(), 'vllsi-ts-cache');
let ts;

export async function resolve(specifier, context, next) {
  if (specifier.endsWith('.js') && context.parentURL?.endsWith('.ts')) {
    const url = new URL(specifier, context.parentURL);
    if (url.protocol === 'file:' && !fs.existsSync(fileURLToPath(url))) {
      return next(specifier.replace(/\.js$/, '.ts'), context);
    }
  }
  return next(specifier, context);
}

export async function load(url, context, next) {
  if (!url.endsWith('.ts')) return next(url, context);
  const file = fileURLToPath(url);
  const key = crypto.createHash('sha1').update(`${file}\0${fs.statSync(file).mtimeMs}`).digest('hex');
  const cached = path.join(cacheDir, `${key}.js`);
  if (fs.existsSync(cached)) return { format: 'module', source: fs.readFileSync(cached, 'utf8'), shortCircuit: true };
  ts ??= (await import('typescript')).default;
  const out = ts.transpileModule(fs.readFileSync(file, 'utf8'), {
    fileName: file,
    compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, isolatedModules: true },
  }).outputText;
  fs.mkdirSync(cacheDir, { recursive: true });
  const tmp = `${cached}.${process.pid}`;
  fs.writeFileSync(tmp, out);
  fs.renameSync(tmp, cached);
  return { format: 'module', source: out, shortCircuit: true };
}
