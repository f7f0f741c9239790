// Node module hooks that load TypeScript sources (for simulator worker threads
// started from a TypeScript test run: core 1's program and its imports). A `.js`
// import that does not exist but has a `.ts` sibling resolves to it, and `.ts`
// files are transpiled with TypeScript (types erased, no checking). Registered by
// host-sim/cores.ts only when the program is a `.ts` file.
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

let ts;

export async function initialize(data) {
  ts = (await import(data.typescript)).default;
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
  const { outputText } = ts.transpileModule(readFileSync(file, 'utf8'), {
    fileName: file,
    compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, verbatimModuleSyntax: true, sourceMap: false },
  });
  return { format: 'module', source: outputText, shortCircuit: true };
}
