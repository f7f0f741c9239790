// The real `vllsi` binary (bin/vllsi.js over dist/node, as npm installs it), run in folders
// outside the repository, as a user runs it. Needs `npm run build` (npm ci runs it).
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, mkdtempSync, realpathSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const root = path.resolve(import.meta.dirname, '../..');
export const bin = path.join(root, 'bin/vllsi.js');
/** The CLI is built; tests that run the binary skip (loudly, in their names) without it. */
export const built = existsSync(path.join(root, 'dist/node/tools/cli.js'));
export const needsBuild = built ? '' : ' [SKIP: dist/ not built, run npm run build]';

const made: string[] = [];

/** A fresh folder under the OS temp dir (never inside the repository); removeUserDirs() deletes them. */
export function userDir(prefix = 'vllsi-user-'): string {
  const dir = realpathSync(mkdtempSync(path.join(os.tmpdir(), prefix)));
  if (!path.relative(root, dir).startsWith('..')) throw new Error(`${dir} is inside the repository`);
  made.push(dir);
  return dir;
}

/** For afterAll: deletes the folders userDir() made. */
export function removeUserDirs(): void {
  for (const d of made.splice(0)) rmSync(d, { recursive: true, force: true });
}

export interface Run {
  code: number | null;
  out: string;
  err: string;
}

export function vllsi(args: string[], options: { cwd: string; input?: string; timeout?: number; env?: NodeJS.ProcessEnv }): Run {
  const p = spawnSync(process.execPath, [bin, ...args], {
    cwd: options.cwd,
    input: options.input ?? '',
    encoding: 'utf8',
    timeout: options.timeout ?? 30_000,
    env: { ...process.env, NO_COLOR: '1', ...options.env },
  });
  return { code: p.status, out: p.stdout, err: p.stderr };
}

/** vllsi without blocking: for many runs at once. */
export function vllsiAsync(args: string[], options: { cwd: string; timeout?: number }): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [bin, ...args], {
      cwd: options.cwd,
      env: { ...process.env, NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: options.timeout ?? 60_000,
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('close', (code) => resolve({ code, out, err }));
  });
}

/** A long-running vllsi (sim --console...): its output so far, a wait for a pattern, stop. */
export function vllsiProcess(args: string[], cwd: string) {
  const child: ChildProcessWithoutNullStreams = spawn(process.execPath, [bin, ...args], { cwd, env: { ...process.env, NO_COLOR: '1' } });
  let out = '';
  let err = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (err += d));
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  return {
    child,
    get out() {
      return out;
    },
    get err() {
      return err;
    },
    async waitFor(pattern: RegExp, ms = 20_000): Promise<RegExpExecArray> {
      for (const end = Date.now() + ms; Date.now() < end; await new Promise((r) => setTimeout(r, 50))) {
        const m = pattern.exec(out);
        if (m) return m;
        if (child.exitCode !== null) break;
      }
      throw new Error(`no ${pattern} within ${ms} ms; stdout:\n${out}\nstderr:\n${err}`);
    },
    async stop(): Promise<number | null> {
      if (child.exitCode === null) child.kill('SIGINT');
      return exited;
    },
    exited,
  };
}

/** A stack trace in CLI output: Node's `    at fn (file:line:col)` frames or an internal error. */
export const STACK = /^\s+at .+(:\d+:\d+\)?|\(native\)|<anonymous>)$|internal error|node:internal/m;
