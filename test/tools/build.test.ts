// `vllsi build` and `vllsi flash`: the generated Moddable project, checked the way
// mcconfig reads it (manifest platforms matching as in Moddable's tools/mcmanifest.js,
// module names to files, named imports that must exist), and the mcconfig command
// flash builds, run against a stand-in `mcconfig` that only records its arguments.
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { main } from '../../tools/cli.js';
import { packageRoot } from '../../tools/moddable.js';
import { ensureBuilt } from './moddable-project.js';
import { linkProject, resolveProject, type Manifest } from '../../tools/moddable-link.js';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'vllsi-build-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

beforeAll(ensureBuilt, 120_000);

/** Runs the CLI in-process; returns exit code and everything printed. */
async function vllsi(...args: string[]): Promise<{ code: number; out: string }> {
  const lines: string[] = [];
  const log = vi.spyOn(console, 'log').mockImplementation((...a) => void lines.push(a.join(' ')));
  const err = vi.spyOn(console, 'error').mockImplementation((...a) => void lines.push(a.join(' ')));
  try {
    return { code: await main(args), out: lines.join('\n') };
  } finally {
    log.mockRestore();
    err.mockRestore();
  }
}

describe('vllsi build', () => {
  const pico = path.join(tmp, 'pico');
  const esp32 = path.join(tmp, 'esp32');

  it('writes the pico project and prints the mcconfig command', async () => {
    const { code, out } = await vllsi('build', '--board', 'rpi-pico', '-o', pico);
    expect(code).toBe(0);
    expect(out).toContain(`cd ${pico} && mcconfig -d -m -p pico`);
    const app = JSON.parse(readFileSync(path.join(pico, 'manifest.json'), 'utf8')) as Manifest;
    expect(app.include).toEqual(['$(MODDABLE)/examples/manifest_base.json', './vllsi/manifest.json']);
    expect(readFileSync(path.join(pico, 'vllsi/hal/rp2040/rp2040_sync.c'), 'utf8')).toBe(readFileSync(path.join(packageRoot, 'hal/rp2040/rp2040_sync.c'), 'utf8'));
  });

  it('on pico and pico/<sub>, the manifest gives the RP2040 HAL sources, the bundles and the embedded profile', async () => {
    for (const platform of ['pico', 'pico/pico_w']) {
      const { modules, errors, config, creation, missing } = resolveProject(pico, platform);
      expect([...errors, ...missing]).toEqual([]);
      expect([...modules.keys()].sort()).toEqual(['app', 'board', 'main', 'rp2040_sdk', 'rp2040_sync', 'vllsi', 'vllsi-hal', 'vllsi_xs']);
      expect(path.relative(pico, modules.get('vllsi')!)).toBe('vllsi/dist/xs/vllsi-embedded.js');
      expect(config).toEqual({ vllsi: { profile: 'embedded', stackArena: 16384 } });
      expect(creation.stack).toBeGreaterThan(0);
    }
  });

  it('esp32 and esp32/<sub> get the ESP32 sources; any other platform is a clear manifest error', async () => {
    expect((await vllsi('build', '--board', 'esp32-devkitc', '-o', esp32, '--profile', 'full')).code).toBe(0);
    for (const platform of ['esp32', 'esp32/esp32c3']) {
      const { modules, errors } = resolveProject(esp32, platform);
      expect(errors).toEqual([]);
      expect([...modules.keys()].filter((m) => m.startsWith('esp32'))).toEqual(['esp32_hal', 'esp32_xtensa', 'esp32_riscv']);
      expect(path.basename(modules.get('vllsi')!)).toBe('vllsi-full.js');
    }
    for (const platform of ['lin', 'mac', 'nrf52/moddable_four', 'esp']) {
      const { modules, errors } = resolveProject(esp32, platform);
      expect(errors).toEqual([expect.stringMatching(/^vllsi: no native HAL for this platform\. Supported: esp32 .* pico .*npx vllsi sim$/)]);
      expect(modules.has('vllsi-hal')).toBe(false);
    }
  });

  it.each(['embedded', 'full', 'no_runtime'])('the %s app links: every import names a module of the manifest, every named import exists', async (profile) => {
    const dir = path.join(tmp, `link-${profile}`);
    expect((await vllsi('build', '--board', 'rpi-pico', '--profile', profile, '-o', dir)).code).toBe(0);
    const project = resolveProject(dir, 'pico');
    expect(project.missing).toEqual([]);
    expect(await linkProject(project)).toContain("native('xs_vllsi_load32')");
  });

  it('refuses an unknown board, profile or option with its usage (exit 2), and writes nothing', async () => {
    const out = path.join(tmp, 'none');
    expect(await vllsi('build', '--board', 'arduino-uno', '-o', out)).toMatchObject({ code: 2, out: expect.stringContaining("unknown board 'arduino-uno' (known: rpi-pico, esp32-devkitc)") });
    expect(await vllsi('build', '--board', 'rpi-pico', '--profile', 'tiny', '-o', out)).toMatchObject({ code: 2, out: expect.stringContaining("unknown runtime profile 'tiny'") });
    expect((await vllsi('build')).code).toBe(2);
    expect(await vllsi('build', '--board', 'rpi-pico', '-o', out, '--bogus')).toMatchObject({ code: 2, out: expect.stringContaining("Unknown option '--bogus'") });
    expect(existsSync(out)).toBe(false);
  });
});

/** An app outside this package, importing vllsi by its package names; returns its folder. */
function writeApp(name: string, source: string): string {
  const dir = path.join(tmp, 'apps', name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'index.ts'), source);
  return dir;
}

describe('vllsi build APP_DIR', () => {
  it('bundles an app that imports vllsi by its package names: definitions in, core external, calls inlined; the project links', async () => {
    const app = path.join(packageRoot, 'test/tools/fixtures/led-app');
    const out = path.join(tmp, 'app-led');
    const r = await vllsi('build', '--board', 'rpi-pico', '-o', out, app);
    expect(r.code).toBe(0);
    const [, bitfield, register] = /app: .*index\.js \((\d+) bitfield and (\d+) register calls inlined\)/.exec(r.out) ?? [];
    expect(Number(bitfield)).toBe(1);
    expect(Number(register)).toBe(3);
    const code = readFileSync(path.join(out, 'app.js'), 'utf8');
    expect(code).not.toMatch(/extractBits\(/);
    expect(code.match(/^import .* from '([^']+)';$/gm)).toEqual([expect.stringMatching(/ from 'vllsi';$/)]);
    expect(code).toMatch(/name: 'IO_BANK0'/);
    expect(code).not.toMatch(/name: 'UART0'/); // only the definitions it imports
    const project = resolveProject(out, 'pico');
    expect(project.missing).toEqual([]);
    expect(await linkProject(project)).toContain('store32(0x400140cc, ');
  });

  it('an app that uses the console gets the console manifest included', async () => {
    const app = writeApp('with-console', `import { serveConsoleOnSerial } from 'vllsi/console';\nexport default function main(): void { void serveConsoleOnSerial; }\n`);
    const out = path.join(tmp, 'app-console');
    expect((await vllsi('build', '--board', 'rpi-pico', '-o', out, app)).code).toBe(0);
    const manifest = JSON.parse(readFileSync(path.join(out, 'manifest.json'), 'utf8')) as Manifest;
    expect(manifest.include).toContain('./vllsi/manifest_console.json');
    expect(resolveProject(out, 'pico').modules.has('vllsi/console')).toBe(true);
  });

  it('refuses a missing app, a Node import, an unknown chip, a missing module or default export (exit 1), and writes nothing', async () => {
    const cases: [string, string][] = [
      [path.join(tmp, 'apps', 'nowhere'), 'is not a directory'],
      [writeApp('node', `import fs from 'node:fs';\nexport default function main(): void { fs.existsSync('x'); }\n`), "imports the Node module 'node:fs'"],
      [writeApp('chip', `import { GPIO } from 'vllsi/registers/stm32';\nexport default function main(): void { void GPIO; }\n`), "vllsi has register definitions for esp32, rp2040"],
      [writeApp('missing', `import { helper } from './helper.js';\nexport default function main(): void { helper(); }\n`), 'helper'],
      [writeApp('no-default', `export function main(): void {}\n`), 'has no default export'],
    ];
    for (const [app, message] of cases) {
      const out = path.join(tmp, `bad-${path.basename(app)}`);
      const r = await vllsi('build', '--board', 'rpi-pico', '-o', out, app);
      expect(r.code, r.out).toBe(1);
      expect(r.out).toContain(message);
      expect(existsSync(out)).toBe(false);
    }
    expect(await vllsi('build', '--board', 'rpi-pico', 'a', 'b')).toMatchObject({ code: 2, out: expect.stringContaining('one APP_DIR at most') });
  });
});

describe('vllsi flash', () => {
  const saved = { ...process.env };
  afterEach(() => {
    for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
    Object.assign(process.env, saved);
  });

  /** A Moddable SDK folder, a board SDK folder and an `mcconfig` that records argv, cwd and UPLOAD_PORT. */
  function fakeSdk(exitCode: number) {
    const root = mkdtempSync(path.join(tmp, 'sdk-'));
    mkdirSync(path.join(root, 'moddable/tools'), { recursive: true });
    mkdirSync(path.join(root, 'idf'));
    mkdirSync(path.join(root, 'bin'));
    const log = path.join(root, 'mcconfig.log');
    const script = path.join(root, 'bin/mcconfig');
    writeFileSync(script, `#!/bin/sh\nprintf '%s\\n' "$*" "$PWD" "\${UPLOAD_PORT:-none}" > '${log}'\nexit ${exitCode}\n`);
    chmodSync(script, 0o755);
    return { root, log, bin: path.join(root, 'bin') };
  }

  it('without the Moddable SDK: says exactly what is missing and how to get it, exit 1, mcconfig never runs', async () => {
    delete process.env.MODDABLE;
    delete process.env.IDF_PATH;
    process.env.PATH = '/nonexistent';
    const out = path.join(tmp, 'flash-none');
    const r = await vllsi('flash', '--board', 'esp32-devkitc', '-o', out);
    expect(r.code).toBe(1);
    expect(r.out).toContain('ToolchainMissing: cannot build for esp32-devkitc (Moddable platform esp32)');
    expect(r.out).toContain('MODDABLE is not set. Install the Moddable SDK (git clone https://github.com/Moddable-OpenSource/moddable)');
    expect(r.out).toContain('mcconfig is not on PATH');
    expect(r.out).toContain('IDF_PATH is not set: install ESP-IDF 5');
    expect(existsSync(out)).toBe(false);
  });

  it('with the SDKs: runs `mcconfig -d -m -p esp32` in the project with the port as UPLOAD_PORT', async () => {
    const sdk = fakeSdk(0);
    Object.assign(process.env, { MODDABLE: path.join(sdk.root, 'moddable'), IDF_PATH: path.join(sdk.root, 'idf'), PATH: `${sdk.bin}${path.delimiter}/usr/bin:/bin` });
    const out = path.join(tmp, 'flash-esp32');
    const r = await vllsi('flash', '--board', 'esp32-devkitc', '--port', '/dev/ttyUSB3', '-o', out);
    expect(r).toMatchObject({ code: 0, out: expect.stringContaining('mcconfig finished (exit 0) for esp32-devkitc') });
    expect(readFileSync(sdk.log, 'utf8').split('\n').slice(0, 3)).toEqual(['-d -m -p esp32', out, '/dev/ttyUSB3']);
    expect(existsSync(path.join(out, 'vllsi/hal/esp32/esp32_hal.c'))).toBe(true);
  });

  it('a failing mcconfig is reported as not flashed (exit 1)', async () => {
    const sdk = fakeSdk(3);
    mkdirSync(path.join(sdk.root, 'pico-sdk'));
    Object.assign(process.env, { MODDABLE: path.join(sdk.root, 'moddable'), PICO_SDK_DIR: path.join(sdk.root, 'pico-sdk'), PATH: `${sdk.bin}${path.delimiter}/usr/bin:/bin` });
    const r = await vllsi('flash', '--board', 'rpi-pico', '-o', path.join(tmp, 'flash-pico'));
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/FlashFailed: `mcconfig -d -m -p pico` in .* exited with 3: rpi-pico was not flashed/);
    expect(r.out).not.toContain('finished');
    expect(readFileSync(sdk.log, 'utf8').split('\n')[0]).toBe('-d -m -p pico');
  });

  it('--port is refused for the Pico (installed over USB mass storage)', async () => {
    expect(await vllsi('flash', '--board', 'rpi-pico', '--port', '/dev/ttyACM0')).toMatchObject({ code: 2, out: expect.stringContaining('--port does not apply to rpi-pico') });
  });
});
