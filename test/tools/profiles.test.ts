// The runtime-profile define: one bundle per profile, the other profiles' code
// tree-shaken away, and each bundle run in the real XS engine reports its profile.
import { describe, it, expect, beforeAll } from 'vitest';
import { rollup, type Plugin } from 'rollup';
import { nodeResolve } from '@rollup/plugin-node-resolve';
import ts from 'typescript';
import path from 'node:path';
// @ts-expect-error plain JS build tooling
import { runtimeProfileDefine } from '../../tools/rollup-plugins.js';
// @ts-expect-error plain JS build tooling
import { xsWorker } from '../../tools/xs.js';

const root = path.resolve(import.meta.dirname, '../..');

// Type stripping only (the real build type-checks; here we test the define and tree-shaking).
const stripTypes: Plugin = {
  name: 'strip-types',
  transform(code, id) {
    if (!id.endsWith('.ts')) return null;
    return {
      code: ts.transpileModule(code, { compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext, verbatimModuleSyntax: true } })
        .outputText,
      map: null,
    };
  },
};

async function build(profile: string, format: 'es' | 'iife'): Promise<string> {
  const bundle = await rollup({
    input: path.join(root, 'src/index.ts'),
    plugins: [runtimeProfileDefine(profile), nodeResolve({ extensions: ['.ts', '.js'] }), stripTypes],
  });
  const { output } = await bundle.generate({ format, name: 'vllsi' });
  await bundle.close();
  return output[0].code;
}

const bundles: Record<string, string> = {};
beforeAll(async () => {
  for (const p of ['full', 'embedded', 'no_runtime']) bundles[p] = await build(p, 'iife');
});

describe('runtime profiles (rollup define)', () => {
  it('the no_runtime bundle contains no allocator and no blockOn driver; the others do', () => {
    expect(bundles.no_runtime).not.toContain('class StackAllocator');
    expect(bundles.no_runtime).not.toContain('allocOffset');
    expect(bundles.no_runtime).not.toContain('out of OS memory'); // nor the OS page allocator
    expect(bundles.no_runtime).toContain('function refuse(');
    for (const p of ['full', 'embedded']) {
      expect(bundles[p]).toContain('class StackAllocator');
      expect(bundles[p]).toContain('out of OS memory');
      expect(bundles[p]).not.toContain('function refuse(');
    }
    expect(bundles.no_runtime.length).toBeLessThan(bundles.embedded.length);
  });

  it('an unknown profile is refused at build time', () => {
    expect(() => runtimeProfileDefine('tiny')).toThrow(/unknown runtime profile 'tiny'/);
  });

  it('each bundle, run in XS, reports its profile and behaves as it', async () => {
    const seen: string[] = [];
    const worker = await xsWorker({ onCommand: (msg: Uint8Array) => seen.push(new TextDecoder().decode(msg)) });
    try {
      for (const p of ['full', 'embedded', 'no_runtime']) {
        await worker.compute(`(function(){ ${bundles[p]}
          let alloc;
          try { vllsi.initStackArena(64); alloc = String(vllsi.stackAlloc(8, 8)?.length); } catch (e) { alloc = e.kind; }
          issueCommand(new TextEncoder().encode(JSON.stringify([vllsi.runtimeProfile(), alloc])).buffer);
        })()`);
      }
    } finally {
      await worker.close();
    }
    expect(seen.map((s) => JSON.parse(s))).toEqual([
      ['full', '8'],
      ['embedded', '8'],
      ['no_runtime', 'NoRuntime'],
    ]);
  });
});
