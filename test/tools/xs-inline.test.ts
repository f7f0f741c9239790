// The inliner must not change results: for random constant arguments, inlined and called forms
// give identical results in real XS (xsnap).
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import fc from 'fast-check';
import path from 'node:path';
import { rollup } from 'rollup';
import { nodeResolve } from '@rollup/plugin-node-resolve';
// @ts-expect-error plain JS build tooling
import { inlineBitfieldCalls, xsInline, INLINED_PRIMITIVES } from '../../tools/xs-inline.js';
// @ts-expect-error plain JS build tooling
import { bundleForXs, xsWorker } from '../../tools/xs.js';
// @ts-expect-error plain JS build tooling
import { portableGuard, srcAsVllsiModule, transpileTs } from '../../tools/rollup-plugins.js';

type Worker = { compute(code: string): Promise<number>; close(): Promise<void> };
let worker: Worker;
let last: unknown;
const names = new Map<string, string>((INLINED_PRIMITIVES as string[]).map((n) => [n, n]));

beforeAll(async () => {
  worker = await xsWorker({ onCommand: (msg: Uint8Array) => (last = JSON.parse(new TextDecoder().decode(msg))) });
  await worker.compute(await bundleForXs('src/index.ts', 'vllsi'));
});
afterAll(() => worker?.close());

async function opNames(bundle: string): Promise<string[]> {
  last = undefined;
  await worker.compute(`${bundle}; issueCommand(new TextEncoder().encode(JSON.stringify(regs.OP_NAMES)).buffer);`);
  return last as string[];
}

async function runInXs(body: string): Promise<unknown> {
  last = undefined;
  await worker.compute(`(function(){ const { ${[...names.keys()].join(', ')} } = vllsi; ${body} })();`);
  return last;
}

const VALUES = [0, 1, 0xffffffff, 0x80000000, 0xa5a5a5a5, 0x12345678, 0x7fffffff, 0xdeadbeef];
// One call site with constant shape arguments that keep the caller contract.
// Biased toward the boundary table's rows (width 0, full width, fields touching bit 31).
const offset = fc.nat({ max: 32 });
const field = fc.oneof(
  offset.chain((o) => fc.tuple(fc.constant(o), fc.nat({ max: 32 - o }))),
  fc.constant([0, 32] as [number, number]),
  offset.map((o) => [o, 0] as [number, number]),
  offset.map((o) => [o, 32 - o] as [number, number]),
);
const bit = fc.nat({ max: 31 });
const u32 = fc.nat({ max: 0xffffffff });
const site = fc.oneof(
  field.map(([o, w]) => `extractBits(v, ${o}, ${w})`),
  field.map(([o, w]) => `insertBits(v, b, ${o}, ${w})`),
  fc.tuple(u32, field).map(([k, [o, w]]) => `insertBits(v, ${k}, ${o}, ${w})`),
  bit.map((n) => `testBit(v, ${n})`),
  bit.map((n) => `setBit(v, ${n})`),
  bit.map((n) => `clearBit(v, ${n})`),
  bit.map((n) => `toggleBit(v, ${n})`),
  u32.map((m) => `setBits(v, ${m})`),
  u32.map((m) => `clearBits(v, ${m})`),
  fc.constant('setBits(v, b)'),
  fc.constant('clearBits(v, b ^ 5)'),
  field.map(([o, w]) => `fieldMask(${o}, ${w})`),
  field.map(([o, w]) => `extractBits(insertBits(v, b, ${o}, ${w}), ${o}, ${w})`),
  field.map(([o, w]) => `extractBits(v + b * 3, ${o}, ${w})`),
);

describe('xs-inline: inlined and called forms agree in XS', () => {
  it('for random constant arguments (fast-check)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(site, { minLength: 1, maxLength: 25 }), async (sites) => {
        const body = `const out = []; for (const v of ${JSON.stringify(VALUES)}) for (const b of ${JSON.stringify(VALUES)}) out.push(${sites.join(', ')});
          issueCommand(new TextEncoder().encode(JSON.stringify(out)).buffer);`;
        const inlined = inlineBitfieldCalls(body, names);
        // Every site keeps the contract with literal shapes, so every outermost call is inlined.
        expect(inlined).toBeDefined();
        expect(inlined.code).not.toMatch(new RegExp(`\\b(${[...names.keys()].join('|')})\\(`));
        const called = await runInXs(body);
        expect(called).toBeInstanceOf(Array);
        expect(await runInXs(inlined.code)).toEqual(called);
      }),
      { numRuns: 150 },
    );
  });

  it('keeps calls it cannot prove: non-literal shapes, broken contracts, side effects, shadowing', () => {
    const keep = [
      'extractBits(v, o, 5)',
      'extractBits(v, 30, 5)',
      'testBit(v, 32)',
      'extractBits(f(), 1, 2)',
      'extractBits(v++, 1, 2)',
      'insertBits(v, b = 1, 0, 4)',
      'extractBits(...args)',
      'extractBits(v, 1)',
    ];
    for (const k of keep) expect(inlineBitfieldCalls(`x = ${k};`, names)).toBeUndefined();
    expect(inlineBitfieldCalls('function g(extractBits) { return extractBits(v, 1, 2); }', names)).toBeUndefined();
    expect(inlineBitfieldCalls('x = extractBits(v, 1, 2); y = obj.extractBits(v, 1, 2);', names)!.code).toBe(
      'x = ((v >>> 1) & 3); y = obj.extractBits(v, 1, 2);',
    );
  });

  it('as a rollup plugin: finds the imports (renamed too), inlines, and the bundle runs the same in XS', async () => {
    const entry = 'test/tools/fixtures/inline-app.ts';
    const plugin = xsInline();
    const bundle = await rollup({ input: entry, plugins: [transpileTs(), nodeResolve({ extensions: ['.ts', '.js'] }), plugin] });
    const { output } = await bundle.generate({ format: 'iife', name: 'app' });
    await bundle.close();
    expect(plugin.api.inlinedCount()).toEqual({ bitfield: 4, register: 0, digital: 0 });
    const plain = await bundleForXs(entry, 'app');
    const results: unknown[] = [];
    for (const code of [output[0].code, plain]) {
      last = undefined;
      await worker.compute(`${code}; issueCommand(new TextEncoder().encode(JSON.stringify(app.run())).buffer);`);
      results.push(last);
    }
    expect(results[0]).toEqual([(0x123a >>> 3) & 0x1ff, true, 0xa, 0x123, 0x123a]);
    expect(results[1]).toEqual(results[0]);
  });

  it('register field reads and writes: inlined and called bundles behave the same in XS for random scripts', async () => {
    const entry = 'test/tools/fixtures/inline-regs.ts';
    const plugin = xsInline();
    const inlinedCode = await bundleForXs(entry, 'regs', [plugin]);
    // Every read, modify and write site on a register whose rules allow it is inlined; the
    // refused ones (modify of a read-only register) and plain-number writes stay calls.
    expect(plugin.api.inlinedCount().register).toBe(38);
    const calledCode = await bundleForXs(entry, 'regs');
    expect(calledCode).not.toContain('directHal.load32');
    const inlined = await xsWorker({ onCommand: (m: Uint8Array) => (lastInlined = JSON.parse(new TextDecoder().decode(m))) });
    let lastInlined: unknown;
    try {
      await inlined.compute(inlinedCode);
      const names = await opNames(calledCode);
      const value = fc.oneof(fc.constantFrom(0, 1, 2, 3, -1, 1.5, 0xffffffff, 2 ** 32), fc.nat({ max: 0xffffffff }));
      await fc.assert(
        fc.asyncProperty(
          fc.array(fc.tuple(fc.constantFrom(...names), value), { minLength: 1, maxLength: 30 }),
          fc.array(fc.nat({ max: 0xffffffff }), { minLength: 17, maxLength: 17 }),
          async (script, initial) => {
            const call = `issueCommand(new TextEncoder().encode(JSON.stringify(regs.run(${JSON.stringify(script)}, ${JSON.stringify(initial)}))).buffer);`;
            lastInlined = undefined;
            last = undefined;
            await inlined.compute(call);
            await worker.compute(call);
            expect(lastInlined).toBeDefined();
            expect(lastInlined).toEqual(last);
          },
        ),
        { numRuns: 150 },
      );
    } finally {
      await inlined.close();
    }
  }, 180_000);

  it('device app bundle (examples/blink): register calls inlined, the core stays the external module "vllsi", only the definitions used are bundled', async () => {
    const plugin = xsInline();
    const bundle = await rollup({
      input: 'examples/blink/index.ts',
      plugins: [srcAsVllsiModule(), portableGuard(), transpileTs(), nodeResolve({ extensions: ['.ts', '.js'] }), plugin],
    });
    const { output } = await bundle.generate({ format: 'es' });
    await bundle.close();
    const code = output[0].code;
    expect(plugin.api.inlinedCount().register).toBeGreaterThan(10);
    expect(code).toMatch(/^import \{[^}]*\bdirectHal\b[^}]*\} from 'vllsi';/);
    expect(code).toContain('directHal.load32(');
    expect(code).not.toContain('class VllsiError');
    const rendered = Object.entries(output[0].modules).filter(([, m]) => m.renderedLength > 0);
    const modules = rendered.map(([id]) => path.relative(process.cwd(), id).split(path.sep).join('/'));
    expect(modules.filter((m) => !m.startsWith('examples/')).sort()).toEqual([
      ...['gpio', 'timg0', 'uart0'].map((p) => `src/registers/esp32/${p}.ts`),
      ...['io_bank0', 'resets', 'sio', 'timer', 'uart0'].map((p) => `src/registers/rp2040/${p}.ts`),
    ]);
    expect(code).not.toMatch(/name: '(ADC|PADS_BANK0|UART1|LEDC|SENS)'/); // peripherals blink does not import
  });
});
