// Running code in real XS from Node (xsnap): bundling for XS, a worker, and the deterministic
// meter (computrons: same code, same count, any machine) used by benches and XS-side tests.
import '@endo/init';
import { xsnap } from '@agoric/xsnap';
import { rollup } from 'rollup';
import nodeResolve from '@rollup/plugin-node-resolve';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import tmp from 'tmp';
import { portableGuard, transpileTs } from './rollup-plugins.js';

const root = path.resolve(import.meta.dirname, '..');

/** Bundles a TS/JS entry for XS as a script defining the global `name` (its exports). */
export async function bundleForXs(entry, name, extraPlugins = []) {
  const bundle = await rollup({
    input: path.resolve(root, entry),
    plugins: [portableGuard(), transpileTs(), nodeResolve({ extensions: ['.ts', '.js'] }), ...extraPlugins],
  });
  const { output } = await bundle.generate({ format: 'iife', name });
  await bundle.close();
  return output[0].code;
}

/**
 * An xsnap worker with no metering limit; `compute(code)` returns the computrons `code` used.
 * Inside XS, `issueCommand(arrayBuffer)` reaches `onCommand(bytes)` here and returns its
 * reply when that is a Uint8Array.
 */
export async function xsWorker({ onCommand } = {}) {
  const worker = await xsnap({
    os: os.type(),
    spawn,
    fs: { ...fsp, createReadStream: fs.createReadStream, tmpName: tmp.tmpName },
    meteringLimit: 0,
    // onCommand may answer with bytes (issueCommand's result in XS); anything else answers empty.
    ...(onCommand && {
      handleCommand: async (msg) => {
        const reply = await onCommand(msg);
        return reply instanceof Uint8Array ? reply : new Uint8Array();
      },
    }),
  });
  return {
    async compute(code) {
      const { meterUsage } = await worker.evaluate(code);
      return meterUsage.compute;
    },
    async usage(code) {
      return (await worker.evaluate(code)).meterUsage;
    },
    /** The machine's heap snapshot (XS's format: HEAP and BLOC sections hold the live slots and chunks). */
    async snapshot() {
      const chunks = [];
      for await (const c of worker.makeSnapshotStream()) chunks.push(c);
      return Buffer.concat(chunks);
    },
    close: () => worker.close(),
  };
}

/**
 * Cost per iteration of each body against a baseline body, net of the empty loop.
 * `prelude` runs inside the same function before the loop (bind library functions to locals there,
 * so calls are not charged for global lookups). Bodies are expressions whose value is XORed into a sink.
 */
export async function xsLoopCosts(worker, { prelude = '', bodies, iterations = 100_000 }) {
  const loop = (body) => `(function(){ ${prelude}; let acc = 0; for (let i = 0; i < ${iterations}; i++) { acc ^= ${body}; } globalThis.sink = acc; })();`;
  const empty = await worker.compute(loop('i'));
  const out = {};
  for (const [name, body] of Object.entries(bodies)) out[name] = ((await worker.compute(loop(body))) - empty) / iterations;
  return out;
}
