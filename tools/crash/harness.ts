// The crash test: a child rewrites a file with atomicWrite in a loop while we SIGKILL it at
// random moments; after every kill the file must hold a complete version — never torn, never
// missing, never older than one seen before. This checks process crashes (the page cache
// survives); power loss is what fullFsync/syncDirectory add on top and cannot be simulated here.
import { spawn } from 'node:child_process';
import { builtinModules } from 'node:module';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { rollup } from 'rollup';
import { atomicWrite } from '../../src/index.js';
import { installHostOs } from '../../host-sim/os/index.js';
// @ts-expect-error plain JS build tooling
import { transpileTs } from '../rollup-plugins.js';
import { checkVersion, versionBytes } from './content.js';

export interface CrashReport {
  crashes: number;
  torn: number;
  missing: number;
  wentBack: number;
  /** Versions completed across all children. */
  versions: number;
  /** Temp files a kill left behind (expected: atomicWrite cannot clean up after SIGKILL). */
  leftovers: number;
}

/**
 * The child as one plain ES module: a kill test spawns it many times, and plain JS starts
 * in a fraction of the time the TypeScript loader hooks would take.
 */
async function bundleChild(out: string): Promise<void> {
  const builtins = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));
  const bundle = await rollup({
    input: path.join(import.meta.dirname, 'child.ts'),
    external: (id) => builtins.has(id),
    plugins: [transpileTs()],
    onwarn: () => {},
  });
  await bundle.write({ file: out, format: 'es' });
  await bundle.close();
}

export async function runCrashTest(iterations: number, maxDelayMs = 30): Promise<CrashReport> {
  installHostOs();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vllsi-crash-'));
  const file = path.join(dir, 'state');
  const report: CrashReport = { crashes: 0, torn: 0, missing: 0, wentBack: 0, versions: 0, leftovers: 0 };
  atomicWrite(file, versionBytes(0));
  let last = 0;
  try {
    const childJs = path.join(dir, 'child.mjs');
    await bundleChild(childJs);
    for (let i = 0; i < iterations; i++) {
      const child = spawn(process.execPath, [childJs, file, String(last + 1)], {
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      const exited = new Promise<void>((r) => child.once('exit', () => r()));
      await new Promise<void>((r) => child.stdout.once('data', () => r()));
      await new Promise((r) => setTimeout(r, Math.random() * maxDelayMs));
      child.kill('SIGKILL');
      await exited;
      report.crashes++;
      for (const f of fs.readdirSync(dir)) {
        if (f.startsWith('state.tmp-')) {
          report.leftovers++;
          fs.rmSync(path.join(dir, f));
        }
      }
      if (!fs.existsSync(file)) {
        report.missing++;
        continue;
      }
      const v = checkVersion(fs.readFileSync(file));
      if (v === 'torn') report.torn++;
      else if (v < last) report.wentBack++;
      else {
        report.versions += v - last;
        last = v;
      }
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  return report;
}

export function formatReport(r: CrashReport): string {
  return `${r.crashes} crashes, ${r.torn} torn, ${r.missing} missing`;
}
