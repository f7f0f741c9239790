// Hostile SVD files (issue #14): every one is refused with a typed error that names the element
// path, within 5 s of CPU time and 512 MB. Each case runs in a child process of its own (heap
// capped at 512 MB) so that its time and peak memory are measured alone.
import { describe, it, expect } from 'vitest';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { cases } from './hostile-cases.js';
import { importSvd, SvdError } from '../../tools/svd/import.js';

const root = path.resolve(import.meta.dirname, '../..');

function runCase(name: string): { kind: string; message: string; ms: number; cpuMs: number; rssMB: number } {
  const child = spawnSync(
    process.execPath,
    ['--max-old-space-size=512', '--stack-size=984', '--import', './tools/ts-register.js', 'test/svd/hostile-child.ts', name],
    { cwd: root, encoding: 'utf8', timeout: 60_000 },
  );
  if (child.status !== 0) throw new Error(`child for '${name}' failed (${child.signal ?? child.status}): ${child.stderr.slice(-2000)}`);
  return JSON.parse(child.stdout.trim().split('\n').at(-1)!);
}

describe('hostile SVD files are refused within 5 s and 512 MB', () => {
  it.each(Object.keys(cases))('%s', (name) => {
    const r = runCase(name);
    console.log(`hostile SVD '${name}': ${r.kind} after ${r.cpuMs.toFixed(0)} ms CPU (${r.ms.toFixed(0)} ms wall), peak RSS ${r.rssMB.toFixed(0)} MB`);
    expect(r.kind).toBe(cases[name]!.kind);
    expect(r.message).toMatch(cases[name]!.message);
    expect(r.cpuMs).toBeLessThan(5000);
    expect(r.rssMB).toBeLessThan(512);
  });

  it('the limits are what refuse them: raised, a smaller copy of a case imports', () => {
    const xml = cases['20,000 derivedFrom copies of a 1,000-register peripheral']!.make() as string;
    const few = xml.replace(/<peripheral derivedFrom="BASE"><name>C(\d{3,})<\/name>.*?<\/peripheral>/g, '');
    expect(importSvd(few).peripherals.length).toBe(101);
    expect(() => importSvd(few, { limits: { registers: 100_000 } })).toThrow(SvdError);
    expect(importSvd(few, { limits: { registers: 101_000 } }).peripherals.length).toBe(101);
  });
});
