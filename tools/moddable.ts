// Moddable projects for the boards: what `vllsi build` writes and what `vllsi flash`
// runs. A project is an app manifest including a copy of vllsi's manifest.json, the
// XS bundles of dist/xs, the native HAL sources, the board's description and the
// app (the blink example unless one is given); `mcconfig -d -m -p <platform>` in it
// builds and installs it.
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadBoard } from '../boards/index.js';
import { VllsiError } from '../src/errors.js';
import { RUNTIME_PROFILES, type RuntimeProfile } from '../src/profile.js';
import { checkPreload, MODDABLE_GLOBALS } from './preload-check.js';

/** The package root: the nearest folder up from here with package.json (source or dist/node). */
export const packageRoot = (function up(d: string): string {
  return existsSync(path.join(d, 'package.json')) || path.dirname(d) === d ? d : up(path.dirname(d));
})(path.dirname(fileURLToPath(import.meta.url)));

/** A board `vllsi build` knows: its Moddable platform and the SDK variables that platform needs. */
export interface ModdableTarget {
  readonly platform: string;
  readonly sdk: readonly { readonly variable: string; readonly what: string }[];
  /** Environment variable mcconfig reads for the serial port, when the platform has one. */
  readonly portVariable?: string;
  /** The file the build makes (under the project's build/bin/…), what a board is flashed with. */
  readonly firmware: string;
  /** What `vllsi flash` waits for after the build, in words. */
  readonly waitsFor: string;
  /**
   * The platform's XS creation block (Moddable's build/devices/<platform>/manifest.json), under the
   * project's: the XS device harness holds an app to its heap. Absent where the heap grows from the system's.
   */
  readonly creation?: Readonly<Record<string, unknown>>;
}

export const moddableTargets: Readonly<Record<string, ModdableTarget>> = {
  'rpi-pico': {
    platform: 'pico',
    sdk: [{ variable: 'PICO_SDK_DIR', what: 'the Raspberry Pi pico-sdk 2.2.0 (see $MODDABLE/documentation/devices/pico.md)' }],
    firmware: 'xs_pico.uf2',
    waitsFor: 'a Pico in BOOTSEL mode (the RPI-RP2 drive): hold BOOTSEL while plugging it in',
    // One static block for chunks, slots and the stack: 128 KiB of the Pico's 264 KiB SRAM.
    creation: { static: 131072, chunk: { initial: 1536, incremental: 512 }, heap: { initial: 512, incremental: 64 }, stack: 512 },
  },
  'esp32-devkitc': {
    platform: 'esp32',
    sdk: [{ variable: 'IDF_PATH', what: 'ESP-IDF v6.0, with its export.sh sourced (see $MODDABLE/documentation/devices/esp32.md)' }],
    portVariable: 'UPLOAD_PORT',
    firmware: 'xs_esp32.bin',
    waitsFor: 'the ESP32 on its serial port (esptool)',
  },
};

/** Something `vllsi build`/`flash` needs is not there; the message says what and how to get it. */
export class ToolchainMissing extends VllsiError<'ToolchainMissing'> {
  constructor(
    readonly missing: string,
    message: string,
  ) {
    super('ToolchainMissing', message);
  }
}

/** No board answered within the wait: nothing was flashed (the firmware is built). */
export class BoardNotFound extends VllsiError<'BoardNotFound'> {
  constructor(
    readonly board: string,
    message: string,
  ) {
    super('BoardNotFound', message);
  }
}

/** mcconfig ran and failed: the board was not flashed. */
export class FlashFailed extends VllsiError<'FlashFailed'> {
  constructor(
    readonly exitCode: number | null,
    message: string,
  ) {
    super('FlashFailed', message);
  }
}

/** Files copied from the package into every project (paths relative to the package root). */
const NATIVE_DIRS = ['hal/native', 'hal/rp2040', 'hal/esp32'];
const APP = 'dist/xs/examples/blink.js';
const CONSOLE = 'dist/xs/vllsi-console.js';

function bundle(profile: RuntimeProfile): string {
  return `dist/xs/vllsi-${profile}.js`;
}

/** An app bundled for the device (tools/device-app.ts makes it). */
/** Who provides ECMA-419's `embedded:io/*` on the device (`vllsi build --io`): tools/device-io.ts. */
export const IO_PROVIDERS = ['moddable', 'vllsi'] as const;
export type IoProvider = (typeof IO_PROVIDERS)[number];

/** An app bundled for the device (tools/device-app.ts makes it). */
export interface DeviceApp {
  /** The app's entry module (APP_DIR/index.ts or index.js; a Moddable app's main.js). */
  readonly entry: string;
  /** 'vllsi': the bundle's default export is main(hal, board); 'moddable': its body is the app, run when imported. */
  readonly kind: 'vllsi' | 'moddable';
  /** Who provides `embedded:io/*`. */
  readonly io: IoProvider;
  /** The project files of the `vllsi` provider (relative path -> text); empty with `moddable`. */
  readonly ioFiles: Readonly<Record<string, string>>;
  /** The bundle (an ES module). */
  readonly code: string;
  /** The modules it imports: 'vllsi', 'vllsi/console' if it uses the console, Moddable modules. */
  readonly imports: readonly string[];
  /** The chips whose register definitions (vllsi/registers/<chip>) it uses, e.g. ['rp2040']. */
  readonly chips: readonly string[];
  /** Manifests the Moddable modules it imports need ($(MODDABLE)/…). */
  readonly includes: readonly string[];
  /** Calls the inliner rewrote. */
  readonly inlined: { readonly bitfield: number; readonly register: number; readonly digital: number };
}

export interface ProjectOptions {
  readonly board: string;
  readonly outDir: string;
  readonly profile: RuntimeProfile;
  /** The app, bundled (tools/device-app.ts); the blink example when absent. */
  readonly app?: DeviceApp;
}

/** Writes the Moddable project for `board` into outDir; returns the files written (relative). */
export function writeProject({ board, outDir, profile, app }: ProjectOptions): string[] {
  const target = moddableTargets[board];
  if (target === undefined) throw new ToolchainMissing(board, `no Moddable target for board '${board}' (known: ${Object.keys(moddableTargets).join(', ')})`);
  if (!RUNTIME_PROFILES.includes(profile)) throw new ToolchainMissing(profile, `unknown runtime profile '${profile}' (known: ${RUNTIME_PROFILES.join(', ')})`);
  const needed = [bundle(profile), 'dist/xs/vllsi-hal.js', CONSOLE, ...(app ? [] : [APP])];
  const absent = needed.filter((f) => !existsSync(path.join(packageRoot, f)));
  if (absent.length) throw new ToolchainMissing('dist/xs', `${absent.join(', ')} not built: run \`npm run build\` in ${packageRoot} first`);

  const written: string[] = [];
  const put = (rel: string, text: string) => {
    mkdirSync(path.dirname(path.join(outDir, rel)), { recursive: true });
    writeFileSync(path.join(outDir, rel), text);
    written.push(rel);
  };
  const copy = (from: string, rel: string) => {
    mkdirSync(path.dirname(path.join(outDir, rel)), { recursive: true });
    copyFileSync(path.join(packageRoot, from), path.join(outDir, rel));
    written.push(rel);
  };

  // vllsi/: the library as mcconfig sees it, same layout as the package, so its
  // manifest's relative paths hold. Only the chosen profile's bundle goes in.
  const manifest = JSON.parse(readFileSync(path.join(packageRoot, 'manifest.json'), 'utf8')) as LibraryManifest;
  manifest.modules.vllsi = `./dist/xs/vllsi-${profile}`;
  manifest.config.vllsi.profile = profile;
  put('vllsi/manifest.json', JSON.stringify(manifest, null, '\t') + '\n');
  copy(bundle(profile), `vllsi/${bundle(profile)}`);
  copy('dist/xs/vllsi-hal.js', 'vllsi/dist/xs/vllsi-hal.js');
  // The console is opt-in: its manifest is there for an app to include, blink does not.
  copy('manifest_console.json', 'vllsi/manifest_console.json');
  copy(CONSOLE, `vllsi/${CONSOLE}`);
  for (const dir of NATIVE_DIRS) {
    for (const f of readdirSync(path.join(packageRoot, dir)).filter((n) => /\.[ch]$/.test(n))) copy(`${dir}/${f}`, `vllsi/${dir}/${f}`);
  }

  if (app) put('app.js', app.code);
  else copy(APP, 'app.js');
  for (const [rel, text] of Object.entries(app?.ioFiles ?? {})) put(rel, text);
  put('board.js', `// ${board}: generated by \`vllsi build\` from boards/${board}/board.json.\nexport default ${JSON.stringify(loadBoard(board), null, 2)};\n`);
  // A Moddable app's body is the app: it runs after main has bound the HAL (module "start"), not at preload.
  const moddableApp = app?.kind === 'moddable';
  if (moddableApp) {
    put('start.js', startSource(profile));
    put('main.js', `// Generated by \`vllsi build\` (${profile} profile): bind the HAL, then run the Moddable app.\nimport "start";\nimport "app";\n`);
  } else put('main.js', mainSource(profile));
  const usesConsole = app?.imports.includes('vllsi/console') ?? false;
  put('manifest.json', JSON.stringify(appManifest(board, usesConsole, app?.includes ?? [], moddableApp), null, '\t') + '\n');
  const read = (rel: string) => readFileSync(path.join(outDir, rel), 'utf8');
  // Every module but main (and a Moddable app's start and body) is preloaded: what would fail on the chip after that fails here.
  const ioModules = Object.keys(app?.ioFiles ?? {}).filter((f) => f.endsWith('.js'));
  checkPreload(
    {
      main: read('main.js'),
      board: read('board.js'),
      app: read('app.js'),
      vllsi: read(`vllsi/${bundle(profile)}`),
      'vllsi-hal': read('vllsi/dist/xs/vllsi-hal.js'),
      ...(usesConsole && { 'vllsi/console': read(`vllsi/${CONSOLE}`) }),
      ...Object.fromEntries(ioModules.map((f) => [f, read(f)])),
    },
    // ECMA-419's "system" module (Moddable's or vllsi's) gives a Moddable app `device` and `System`.
    moddableApp ? new Set([...MODDABLE_GLOBALS, 'device', 'System']) : MODDABLE_GLOBALS,
  );
  return written.sort();
}

interface LibraryManifest {
  modules: Record<string, string>;
  config: { vllsi: { profile: string } };
}

function appManifest(board: string, usesConsole: boolean, includes: readonly string[], moddableApp: boolean) {
  return {
    '//': `A vllsi app for ${board}, generated by \`vllsi build\`. Build and install: mcconfig -d -m -p ${moddableTargets[board]!.platform}`,
    include: ['$(MODDABLE)/examples/manifest_base.json', ...includes, './vllsi/manifest.json', ...(usesConsole ? ['./vllsi/manifest_console.json'] : [])],
    modules: { '*': ['./main', './board', './app', ...(moddableApp ? ['./start'] : [])] },
    // In flash, not in the XS heap: the board, the app and the register definitions it holds.
    // main binds the chip's natives, so it runs on the device; so does a Moddable app's body.
    preload: moddableApp ? ['board'] : ['board', 'app'],
  };
}

// The project's entry, the one module not preloaded: bind the native HAL, start the runtime
// (with the manifest's arena size, except in no_runtime, which has no arena), run the app.
function mainSource(profile: RuntimeProfile): string {
  const { imports, body } = bindSource(profile);
  return `// Generated by \`vllsi build\` (${profile} profile).
${imports}import board from "board";
import app from "app";

${body}app(hal, board);
`;
}

// A Moddable app's "start": main imports it before the app, so the HAL is bound when the app's body runs.
function startSource(profile: RuntimeProfile): string {
  const { imports, body } = bindSource(profile);
  return `// Generated by \`vllsi build\` (${profile} profile): binds the HAL before the Moddable app runs.
${imports}
${body}`;
}

function bindSource(profile: RuntimeProfile): { imports: string; body: string } {
  const init = profile === 'no_runtime' ? 'init({ hal });' : 'init({ hal, stackArena: config.vllsi.stackArena });';
  return {
    imports: `${profile === 'no_runtime' ? '' : 'import config from "mc/config";\n'}import deviceHal from "vllsi-hal";\nimport { init } from "vllsi";\n`,
    body: `const hal = deviceHal();\n${init}\n`,
  };
}

/** The exact mcconfig invocation for a board. */
export function mcconfigCommand(board: string): { command: string; args: string[] } {
  const target = moddableTargets[board];
  if (target === undefined) throw new ToolchainMissing(board, `no Moddable target for board '${board}'`);
  return { command: 'mcconfig', args: ['-d', '-m', '-p', target.platform] };
}

/**
 * Checks the Moddable SDK and the board's SDK are installed; throws ToolchainMissing
 * naming each missing piece and how to get it.
 */
export function checkToolchain(board: string, env: NodeJS.ProcessEnv): void {
  const target = moddableTargets[board]!;
  const problems: string[] = [];
  const moddable = env.MODDABLE;
  if (!moddable) {
    problems.push(
      'MODDABLE is not set. Install the Moddable SDK (git clone https://github.com/Moddable-OpenSource/moddable), build its tools as its documentation/Moddable SDK - Getting Started.md says, then `export MODDABLE=<that folder>`.',
    );
  } else if (!isDir(moddable) || !isDir(path.join(moddable, 'tools'))) {
    problems.push(`MODDABLE=${moddable} is not a Moddable SDK folder (no tools/ in it).`);
  }
  if (!onPath('mcconfig', env)) {
    problems.push('mcconfig is not on PATH. Build the Moddable tools and add $MODDABLE/build/bin/<lin|mac>/release to PATH.');
  }
  for (const { variable, what } of target.sdk) {
    if (!env[variable] || !isDir(env[variable]!))
      problems.push(`${variable} is ${env[variable] ? `not a folder (${env[variable]})` : 'not set'}: install ${what} and export ${variable}.`);
  }
  if (problems.length) {
    throw new ToolchainMissing(
      problems.map((p) => p.split(' ')[0]).join(', '),
      `cannot build for ${board} (Moddable platform ${target.platform}):\n  - ${problems.join('\n  - ')}`,
    );
  }
}

function isDir(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

function onPath(tool: string, env: NodeJS.ProcessEnv): boolean {
  return (env.PATH ?? '').split(path.delimiter).some((d) => d !== '' && existsSync(path.join(d, tool)));
}

/**
 * mcconfig's arguments for one step: `build` makes the firmware in DIR/build, `deploy` installs it.
 * A release build (no -d) has no xsbug connection and puts stdio on the Pico's USB CDC.
 */
export function mcconfigStep(board: string, projectDir: string, step: 'build' | 'deploy', release = false): { command: string; args: string[] } {
  const { command, args } = mcconfigCommand(board);
  return { command, args: [...args.filter((a) => !(release && a === '-d')), '-o', path.join(projectDir, 'build'), '-t', step] };
}

// make.pico.mk uses bash's [[ ]]: under dash (Debian's /bin/sh) its recipes fail. make takes
// SHELL from its command line (MAKEFLAGS), never from the environment.
function childEnv(board: string, env: NodeJS.ProcessEnv, port: string | undefined): NodeJS.ProcessEnv {
  const target = moddableTargets[board]!;
  const out = port !== undefined && target.portVariable ? { ...env, [target.portVariable]: port } : { ...env };
  if (target.platform === 'pico' && existsSync('/bin/bash')) out.MAKEFLAGS = `${env.MAKEFLAGS ?? ''} SHELL=/bin/bash`.trim();
  return out;
}

/** Builds the firmware with mcconfig in the project; returns the path of the file to flash. */
export function buildFirmware(board: string, projectDir: string, env: NodeJS.ProcessEnv, release = false): string {
  const { command, args } = mcconfigStep(board, projectDir, 'build', release);
  mkdirSync(path.join(projectDir, 'build'), { recursive: true }); // mcconfig -o wants it to exist
  const r = spawnSync(command, args, { cwd: projectDir, env: childEnv(board, env, undefined), stdio: 'inherit' });
  if (r.error) throw new ToolchainMissing('mcconfig', `could not run mcconfig: ${r.error.message}`);
  if (r.status !== 0) {
    throw new FlashFailed(r.status, `\`${command} ${args.join(' ')}\` in ${projectDir} exited with ${r.status ?? r.signal}: ${board} was not flashed`);
  }
  const name = moddableTargets[board]!.firmware;
  const found = findFile(path.join(projectDir, 'build', 'bin'), name);
  if (found === undefined)
    throw new FlashFailed(0, `mcconfig exited 0 but made no ${name} under ${path.join(projectDir, 'build', 'bin')}: ${board} was not flashed`);
  return found;
}

/**
 * Installs the built firmware (mcconfig's deploy step). Waiting for the board ends after `waitMs`:
 * the step is stopped and BoardNotFound says what was waited for.
 */
export async function deployFirmware(
  board: string,
  projectDir: string,
  env: NodeJS.ProcessEnv,
  port: string | undefined,
  waitMs: number,
  release = false,
): Promise<void> {
  const { command, args } = mcconfigStep(board, projectDir, 'deploy', release);
  const child = spawn(command, args, { cwd: projectDir, env: childEnv(board, env, port), stdio: 'inherit', detached: true });
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    try {
      process.kill(-child.pid!, 'SIGTERM'); // mcconfig, make and the copy/wait scripts they started
    } catch {
      child.kill('SIGTERM');
    }
  }, waitMs);
  const status = await new Promise<number | null>((resolve, reject) => {
    child.once('error', (e) => reject(new ToolchainMissing('mcconfig', `could not run mcconfig: ${e.message}`)));
    child.once('exit', (code) => resolve(code));
  }).finally(() => clearTimeout(timer));
  if (timedOut) {
    throw new BoardNotFound(
      board,
      `no board within ${waitMs / 1000} s: waited for ${moddableTargets[board]!.waitsFor}. The firmware is built: \`vllsi flash --build-only\` prints its path`,
    );
  }
  if (status !== 0) throw new FlashFailed(status, `\`${command} ${args.join(' ')}\` in ${projectDir} exited with ${status}: ${board} was not flashed`);
}

function findFile(dir: string, name: string): string | undefined {
  if (!isDir(dir)) return undefined;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isFile() && e.name === name) return p;
    if (e.isDirectory()) {
      const f = findFile(p, name);
      if (f !== undefined) return f;
    }
  }
  return undefined;
}
