// Moddable projects for the boards: what `vllsi build` writes and what `vllsi flash`
// runs. A project is an app manifest including a copy of vllsi's manifest.json, the
// XS bundles of dist/xs, the native HAL sources, the board's description and the
// app (the blink example unless one is given); `mcconfig -d -m -p <platform>` in it
// builds and installs it.
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadBoard } from '../boards/index.js';
import { VllsiError } from '../src/errors.js';
import { RUNTIME_PROFILES, type RuntimeProfile } from '../src/profile.js';

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
}

export const moddableTargets: Readonly<Record<string, ModdableTarget>> = {
  'rpi-pico': {
    platform: 'pico',
    sdk: [{ variable: 'PICO_SDK_DIR', what: 'the Raspberry Pi pico-sdk (see $MODDABLE/documentation/devices/pico.md)' }],
  },
  'esp32-devkitc': {
    platform: 'esp32',
    sdk: [{ variable: 'IDF_PATH', what: 'ESP-IDF 5, with its export.sh sourced (see $MODDABLE/documentation/devices/esp32.md)' }],
    portVariable: 'UPLOAD_PORT',
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
export interface DeviceApp {
  /** The app's entry module (APP_DIR/index.ts or index.js). */
  readonly entry: string;
  /** The bundle: an ES module whose default export is main(hal, board). */
  readonly code: string;
  /** The modules it imports: 'vllsi', and 'vllsi/console' if it uses the console. */
  readonly imports: readonly string[];
  /** Calls the inliner rewrote. */
  readonly inlined: { readonly bitfield: number; readonly register: number };
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
  put('board.js', `// ${board}: generated by \`vllsi build\` from boards/${board}/board.json.\nexport default ${JSON.stringify(loadBoard(board), null, 2)};\n`);
  put('main.js', mainSource(profile));
  const usesConsole = app?.imports.includes('vllsi/console') ?? false;
  put('manifest.json', JSON.stringify(appManifest(board, usesConsole), null, '\t') + '\n');
  return written.sort();
}

interface LibraryManifest {
  modules: Record<string, string>;
  config: { vllsi: { profile: string } };
}

function appManifest(board: string, usesConsole: boolean) {
  return {
    '//': `A vllsi app for ${board}, generated by \`vllsi build\`. Build and install: mcconfig -d -m -p ${moddableTargets[board]!.platform}`,
    include: ['$(MODDABLE)/examples/manifest_base.json', './vllsi/manifest.json', ...(usesConsole ? ['./vllsi/manifest_console.json'] : [])],
    modules: { '*': ['./main', './board', './app'] },
  };
}

// The project's entry: bind the native HAL, start the runtime (with the manifest's arena
// size, except in no_runtime, which has no arena), run the app.
function mainSource(profile: RuntimeProfile): string {
  const init = profile === 'no_runtime' ? 'init({ hal });' : 'init({ hal, stackArena: config.vllsi.stackArena });';
  return `// Generated by \`vllsi build\` (${profile} profile).
${profile === 'no_runtime' ? '' : 'import config from "mc/config";\n'}import hal from "vllsi-hal";
import { init } from "vllsi";
import board from "board";
import app from "app";

${init}
app(hal, board);
`;
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
    problems.push('MODDABLE is not set. Install the Moddable SDK (git clone https://github.com/Moddable-OpenSource/moddable), build its tools as its documentation/Moddable SDK - Getting Started.md says, then `export MODDABLE=<that folder>`.');
  } else if (!isDir(moddable) || !isDir(path.join(moddable, 'tools'))) {
    problems.push(`MODDABLE=${moddable} is not a Moddable SDK folder (no tools/ in it).`);
  }
  if (!onPath('mcconfig', env)) {
    problems.push('mcconfig is not on PATH. Build the Moddable tools and add $MODDABLE/build/bin/<lin|mac>/release to PATH.');
  }
  for (const { variable, what } of target.sdk) {
    if (!env[variable] || !isDir(env[variable]!)) problems.push(`${variable} is ${env[variable] ? `not a folder (${env[variable]})` : 'not set'}: install ${what} and export ${variable}.`);
  }
  if (problems.length) {
    throw new ToolchainMissing(problems.map((p) => p.split(' ')[0]).join(', '), `cannot build for ${board} (Moddable platform ${target.platform}):\n  - ${problems.join('\n  - ')}`);
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

/** Runs mcconfig in the project; returns only when it exited 0. */
export function runMcconfig(board: string, projectDir: string, env: NodeJS.ProcessEnv, port: string | undefined): void {
  const { command, args } = mcconfigCommand(board);
  const target = moddableTargets[board]!;
  const childEnv = port !== undefined && target.portVariable ? { ...env, [target.portVariable]: port } : env;
  const r = spawnSync(command, args, { cwd: projectDir, env: childEnv, stdio: 'inherit' });
  if (r.error) throw new ToolchainMissing('mcconfig', `could not run mcconfig: ${r.error.message}`);
  if (r.status !== 0) {
    throw new FlashFailed(r.status, `\`${command} ${args.join(' ')}\` in ${projectDir} exited with ${r.status ?? r.signal}: ${board} was not flashed`);
  }
}
