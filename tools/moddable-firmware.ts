// Real Moddable firmware for the `vllsi emulate` tests and the device bench: a vllsi app (as
// `vllsi flash --build-only` builds it) or one of Moddable's own examples, built with the SDK the
// user installed ($MODDABLE, $PICO_SDK_DIR) into the OS temp folder, one folder per hash of
// the project mcconfig builds, so an unchanged project is built once (a build takes minutes).
// Nothing built is committed.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { writeProjectFor } from './commands/build.js';
import { FlashFailed, ToolchainMissing, checkToolchain, mcconfigStep } from './moddable.js';
import { DEVICE_DEFAULT_PROFILE } from '../src/profile.js';

const BOARD = 'rpi-pico';

/** Why a Moddable Pico firmware cannot be built and emulated here (tests SKIP with it), or undefined. */
export function moddableSdkMissing(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (!env.VLLSI_RP2040_BOOTROM) return '$VLLSI_RP2040_BOOTROM is not set (the RP2040 bootrom: docs/emulate.md)';
  try {
    checkToolchain(BOARD, env);
  } catch (e) {
    if (e instanceof ToolchainMissing) return `no Moddable SDK for the Pico: ${e.missing}`;
    throw e;
  }
  return undefined;
}

export interface ModdableFirmware {
  readonly uf2: string;
  readonly elf: string;
  /** Whether this call built it (false: an earlier build of the same project). */
  readonly built: boolean;
}

/** A release (default) or debug build of the vllsi app in `appDir` for the Pico. */
export async function vllsiAppFirmware(appDir: string, options: { release?: boolean } = {}): Promise<ModdableFirmware> {
  const release = options.release ?? true;
  const stage = mkdtempSync(path.join(os.tmpdir(), 'vllsi-moddable-stage-'));
  try {
    await writeProjectFor({
      board: BOARD,
      outDir: stage,
      profile: DEVICE_DEFAULT_PROFILE,
      appDir,
    });
    return build(stage, `${path.basename(appDir)}-${release ? 'release' : 'debug'}`, release, true);
  } finally {
    rmSync(stage, { recursive: true, force: true });
  }
}

/** A release (default) or debug build of Moddable's example `$MODDABLE/examples/<name>` (helloworld...) for the Pico. */
export function moddableExampleFirmware(name: string, options: { release?: boolean } = {}): ModdableFirmware {
  const release = options.release ?? true;
  const dir = path.join(process.env.MODDABLE ?? '', 'examples', name);
  if (!existsSync(path.join(dir, 'manifest.json'))) throw new ToolchainMissing('MODDABLE', `no Moddable example ${name} in ${dir}`);
  return build(dir, `moddable-${name}-${release ? 'release' : 'debug'}`, release, false);
}

/** Builds the project in `dir` into the cache (a staged project is moved there first: `movable`). */
function build(dir: string, label: string, release: boolean, movable: boolean): ModdableFirmware {
  const hash = createHash('sha256');
  hash.update(`${label}\0${process.env.MODDABLE}\0${process.env.PICO_SDK_DIR}\0`);
  for (const f of files(dir)) hash.update(`${f}\0`).update(readFileSync(path.join(dir, f)));
  const cache = path.join(os.tmpdir(), `vllsi-moddable-${label}-${hash.digest('hex').slice(0, 16)}`);
  const done = path.join(cache, 'built.json');
  if (existsSync(done))
    return {
      ...(JSON.parse(readFileSync(done, 'utf8')) as {
        uf2: string;
        elf: string;
      }),
      built: false,
    };
  rmSync(cache, { recursive: true, force: true }); // an interrupted build
  if (movable) renameSync(dir, cache);
  // mcconfig builds into PROJECT/build (-o); an example is built where it is, into the cache.
  const projectDir = movable ? cache : path.join(cache, 'project');
  mkdirSync(path.join(projectDir, 'build'), { recursive: true });
  const { command, args } = mcconfigStep(BOARD, projectDir, 'build', release);
  const log = path.join(os.tmpdir(), `${path.basename(cache)}.log`);
  // nice: a build takes minutes of both cores; the machine is shared.
  const r = spawnSync('nice', ['-n', '10', command, ...args], {
    cwd: movable ? cache : dir,
    env: {
      ...process.env,
      MAKEFLAGS: `${process.env.MAKEFLAGS ?? ''} SHELL=/bin/bash`.trim(),
    },
    encoding: 'utf8',
    maxBuffer: 64 << 20,
  });
  writeFileSync(log, `${r.stdout ?? ''}${r.stderr ?? ''}`);
  if (r.error) throw new ToolchainMissing('mcconfig', `could not run mcconfig: ${r.error.message}`);
  if (r.status !== 0) throw new FlashFailed(r.status, `mcconfig failed building ${label} (exit ${r.status ?? r.signal}): see ${log}`);
  const bin = path.join(projectDir, 'build', 'bin');
  const uf2 = files(bin).find((f) => f.endsWith('xs_pico.uf2'));
  if (uf2 === undefined) throw new FlashFailed(0, `mcconfig exited 0 but made no xs_pico.uf2 under ${bin}: see ${log}`);
  const out = {
    uf2: path.join(bin, uf2),
    elf: path.join(bin, uf2.replace(/\.uf2$/, '.elf')),
  };
  writeFileSync(done, JSON.stringify(out)); // last: its presence means the build is complete
  return { ...out, built: true };
}

/** Every file under `dir`, relative, sorted. */
function files(dir: string): string[] {
  const out: string[] = [];
  const walk = (rel: string) => {
    for (const name of readdirSync(path.join(dir, rel)).sort()) {
      const p = path.join(rel, name);
      if (statSync(path.join(dir, p)).isDirectory()) walk(p);
      else out.push(p);
    }
  };
  walk('');
  return out;
}
