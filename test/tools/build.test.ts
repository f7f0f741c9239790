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
    expect(readFileSync(path.join(pico, 'vllsi/hal/rp2040/rp2040_sync.c'), 'utf8')).toBe(
      readFileSync(path.join(packageRoot, 'hal/rp2040/rp2040_sync.c'), 'utf8'),
    );
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
    expect(await vllsi('build', '--board', 'arduino-uno', '-o', out)).toMatchObject({
      code: 2,
      out: expect.stringContaining("unknown board 'arduino-uno' (known: rpi-pico, esp32-devkitc)"),
    });
    expect(await vllsi('build', '--board', 'rpi-pico', '--profile', 'tiny', '-o', out)).toMatchObject({
      code: 2,
      out: expect.stringContaining("unknown runtime profile 'tiny'"),
    });
    expect((await vllsi('build')).code).toBe(2);
    expect(await vllsi('build', '--board', 'rpi-pico', '-o', out, '--bogus')).toMatchObject({
      code: 2,
      out: expect.stringContaining("Unknown option '--bogus'"),
    });
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
    const [, bitfield, register] =
      /app: .*index\.js \(embedded:io from moddable; (\d+) bitfield, (\d+) register and 0 Digital calls inlined\)/.exec(r.out) ?? [];
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
    const app = writeApp(
      'with-console',
      `import { serveConsoleOnSerial } from 'vllsi/console';\nexport default function main(): void { void serveConsoleOnSerial; }\n`,
    );
    const out = path.join(tmp, 'app-console');
    expect((await vllsi('build', '--board', 'rpi-pico', '-o', out, app)).code).toBe(0);
    const manifest = JSON.parse(readFileSync(path.join(out, 'manifest.json'), 'utf8')) as Manifest;
    expect(manifest.include).toContain('./vllsi/manifest_console.json');
    expect(resolveProject(out, 'pico').modules.has('vllsi/console')).toBe(true);
  });

  it('refuses a missing app, a Node import, an unknown chip, a missing module or default export (exit 1), and writes nothing', async () => {
    const cases: [string, string][] = [
      [path.join(tmp, 'apps', 'nowhere'), 'does not exist'],
      [writeApp('node', `import fs from 'node:fs';\nexport default function main(): void { fs.existsSync('x'); }\n`), "imports the Node module 'node:fs'"],
      [
        writeApp('chip', `import { GPIO } from 'vllsi/registers/stm32';\nexport default function main(): void { void GPIO; }\n`),
        'vllsi has register definitions for esp32, rp2040',
      ],
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

  /**
   * A Moddable SDK folder, a board SDK folder and an `mcconfig` that records argv, cwd, UPLOAD_PORT
   * and MAKEFLAGS per call; `-t build` makes the platform's firmware file under `-o DIR` as
   * mcconfig does, `-t deploy` waits `deploySeconds` (a board that never shows up).
   */
  function fakeSdk(exitCode: number, deploySeconds = 0) {
    const root = mkdtempSync(path.join(tmp, 'sdk-'));
    mkdirSync(path.join(root, 'moddable/tools'), { recursive: true });
    mkdirSync(path.join(root, 'idf'));
    mkdirSync(path.join(root, 'bin'));
    const log = path.join(root, 'mcconfig.log');
    const script = path.join(root, 'bin/mcconfig');
    writeFileSync(
      script,
      `#!/bin/sh
printf '%s|%s|%s|%s\\n' "$*" "$PWD" "\${UPLOAD_PORT:-none}" "\${MAKEFLAGS:-}" >> '${log}'
[ ${exitCode} -ne 0 ] && exit ${exitCode}
out=; while [ $# -gt 0 ]; do [ "$1" = -o ] && out=$2; [ "$1" = -p ] && platform=$2; [ "$1" = -t ] && step=$2; shift; done
if [ "$step" = build ]; then
  d="$out/bin/$platform/debug/app"; mkdir -p "$d"
  [ "$platform" = pico ] && touch "$d/xs_pico.uf2" || touch "$d/xs_esp32.bin"
else
  sleep ${deploySeconds}
fi
exit 0
`,
    );
    chmodSync(script, 0o755);
    const calls = () =>
      readFileSync(log, 'utf8')
        .trim()
        .split('\n')
        .map((l) => l.split('|'));
    return { root, log, calls, bin: path.join(root, 'bin') };
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
    expect(r.out).toContain('IDF_PATH is not set: install ESP-IDF v6.0');
    expect(existsSync(out)).toBe(false);
  });

  it('with the SDKs: builds with mcconfig into DIR/build, prints the .bin, then deploys with the port as UPLOAD_PORT', async () => {
    const sdk = fakeSdk(0);
    Object.assign(process.env, {
      MODDABLE: path.join(sdk.root, 'moddable'),
      IDF_PATH: path.join(sdk.root, 'idf'),
      PATH: `${sdk.bin}${path.delimiter}/usr/bin:/bin`,
    });
    const out = path.join(tmp, 'flash-esp32');
    const r = await vllsi('flash', '--board', 'esp32-devkitc', '--port', '/dev/ttyUSB3', '-o', out);
    expect(r).toMatchObject({ code: 0, out: expect.stringContaining('mcconfig finished (exit 0) for esp32-devkitc: flashed') });
    expect(r.out).toContain(`built: ${path.join(out, 'build/bin/esp32/debug/app/xs_esp32.bin')}`);
    expect(sdk.calls().map((c) => c.slice(0, 3))).toEqual([
      [`-d -m -p esp32 -o ${out}/build -t build`, out, 'none'],
      [`-d -m -p esp32 -o ${out}/build -t deploy`, out, '/dev/ttyUSB3'],
    ]);
    expect(existsSync(path.join(out, 'vllsi/hal/esp32/esp32_hal.c'))).toBe(true);
  });

  it('--build-only builds and prints the .uf2 with no board (make runs recipes with bash for make.pico.mk)', async () => {
    const sdk = fakeSdk(0);
    mkdirSync(path.join(sdk.root, 'pico-sdk'));
    Object.assign(process.env, {
      MODDABLE: path.join(sdk.root, 'moddable'),
      PICO_SDK_DIR: path.join(sdk.root, 'pico-sdk'),
      PATH: `${sdk.bin}${path.delimiter}/usr/bin:/bin`,
    });
    const out = path.join(tmp, 'flash-build-only');
    const r = await vllsi('flash', '--board', 'rpi-pico', '--build-only', '-o', out);
    expect(r.code, r.out).toBe(0);
    expect(r.out).toContain(`built: ${path.join(out, 'build/bin/pico/debug/app/xs_pico.uf2')}`);
    expect(sdk.calls()).toEqual([[`-d -m -p pico -o ${out}/build -t build`, out, 'none', 'SHELL=/bin/bash']]);
  });

  it('waiting for a board that never comes ends after --wait with a clear message (exit 1)', async () => {
    const sdk = fakeSdk(0, 30);
    mkdirSync(path.join(sdk.root, 'pico-sdk'));
    Object.assign(process.env, {
      MODDABLE: path.join(sdk.root, 'moddable'),
      PICO_SDK_DIR: path.join(sdk.root, 'pico-sdk'),
      PATH: `${sdk.bin}${path.delimiter}/usr/bin:/bin`,
    });
    const started = Date.now();
    const r = await vllsi('flash', '--board', 'rpi-pico', '--wait', '1', '-o', path.join(tmp, 'flash-wait'));
    expect(r.code).toBe(1);
    expect(Date.now() - started).toBeLessThan(20_000);
    expect(r.out).toMatch(
      /BoardNotFound: no board within 1 s: waited for a Pico in BOOTSEL mode \(the RPI-RP2 drive\): hold BOOTSEL while plugging it in\. The firmware is built/,
    );
    expect(await vllsi('flash', '--board', 'rpi-pico', '--wait', 'soon')).toMatchObject({
      code: 2,
      out: expect.stringContaining('--wait takes a number of seconds'),
    });
  });

  it('a failing mcconfig is reported as not flashed (exit 1)', async () => {
    const sdk = fakeSdk(3);
    mkdirSync(path.join(sdk.root, 'pico-sdk'));
    Object.assign(process.env, {
      MODDABLE: path.join(sdk.root, 'moddable'),
      PICO_SDK_DIR: path.join(sdk.root, 'pico-sdk'),
      PATH: `${sdk.bin}${path.delimiter}/usr/bin:/bin`,
    });
    const r = await vllsi('flash', '--board', 'rpi-pico', '-o', path.join(tmp, 'flash-pico'));
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/FlashFailed: `mcconfig -d -m -p pico -o .*\/build -t build` in .* exited with 3: rpi-pico was not flashed/);
    expect(r.out).not.toContain('finished');
    expect(sdk.calls()).toHaveLength(1);
  });

  it('--port is refused for the Pico (installed over USB mass storage)', async () => {
    expect(await vllsi('flash', '--board', 'rpi-pico', '--port', '/dev/ttyACM0')).toMatchObject({
      code: 2,
      out: expect.stringContaining('--port does not apply to rpi-pico'),
    });
  });
});

describe('vllsi build: apps are Moddable apps', () => {
  it('examples/console builds: its JSON register map is cut to the peripherals it lists, unpacked at preload', async () => {
    const dir = path.join(tmp, 'console');
    const { code, out } = await vllsi('build', '--board', 'rpi-pico', '-o', dir, path.join(packageRoot, 'examples/console'));
    expect(code, out).toBe(0);
    const app = readFileSync(path.join(dir, 'app.js'), 'utf8');
    const names = [...app.matchAll(/"name":"([A-Z0-9_]+)","baseAddress"/g)].map((m) => m[1]).sort();
    // its package.json's list, in each map it imports (RP2040's; ESP32's has only UART0 of it): xsl crashes on IO_BANK0's map
    expect(names).toEqual(['RESETS', 'SIO', 'TIMER', 'UART0', 'UART0']);
    const manifest = JSON.parse(readFileSync(path.join(dir, 'manifest.json'), 'utf8')) as Manifest;
    expect(manifest.preload).toEqual(['board', 'app']);
    expect(resolveProject(dir, 'pico').preload).toEqual(['vllsi', 'vllsi-hal', 'vllsi/console', 'board', 'app']);
  });

  it('the device-side snippet of docs/console.md builds as written: embedded:io/serial left to Moddable (manifest included), a listed peripheral kept with its base', async () => {
    const doc = readFileSync(path.join(packageRoot, 'docs/console.md'), 'utf8');
    const snippet = /## Device side[\s\S]*?```ts\n([\s\S]*?)```/.exec(doc)![1]!;
    const appDir = path.join(tmp, 'snippet-app');
    mkdirSync(appDir, { recursive: true });
    writeFileSync(path.join(appDir, 'index.ts'), snippet);
    writeFileSync(path.join(appDir, 'registers.json'), readFileSync(path.join(packageRoot, 'boards/rpi-pico/registers.json')));
    writeFileSync(path.join(appDir, 'package.json'), JSON.stringify({ vllsi: { registerMap: ['SIO', 'UART1'] } }));
    const dir = path.join(tmp, 'snippet');
    const { code, out } = await vllsi('build', '--board', 'rpi-pico', '-o', dir, appDir);
    expect(code, out).toBe(0);
    const app = readFileSync(path.join(dir, 'app.js'), 'utf8');
    expect(app).toMatch(/^import \w+ from 'embedded:io\/serial';$/m);
    expect([...app.matchAll(/"name":"([A-Z0-9_]+)","baseAddress"/g)].map((m) => m[1]).sort()).toEqual(['SIO', 'UART0', 'UART1']);
    const manifest = JSON.parse(readFileSync(path.join(dir, 'manifest.json'), 'utf8')) as Manifest;
    expect(manifest.include).toEqual([
      '$(MODDABLE)/examples/manifest_base.json',
      '$(MODDABLE)/modules/io/manifest.json',
      './vllsi/manifest.json',
      './vllsi/manifest_console.json',
    ]);
  });

  it('refuses an import that is neither a file, an npm package nor a Moddable module vllsi knows, and a bad registerMap', async () => {
    const appDir = path.join(tmp, 'unknown-import');
    mkdirSync(appDir, { recursive: true });
    writeFileSync(path.join(appDir, 'index.js'), "import x from 'no-such-moddable-module';\nexport default function main() { x(); }\n");
    const r = await vllsi('build', '--board', 'rpi-pico', '-o', path.join(tmp, 'unknown'), appDir);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/AppBundleError: cannot bundle .*no-such-moddable-module/);
    writeFileSync(path.join(appDir, 'index.js'), "import m from './map.json' with { type: 'json' };\nexport default function main() { return m; }\n");
    writeFileSync(path.join(appDir, 'map.json'), JSON.stringify({ format: 'vllsi-regmap/2', peripherals: [] }));
    writeFileSync(path.join(appDir, 'package.json'), JSON.stringify({ vllsi: { registerMap: 'SIO' } }));
    const bad = await vllsi('build', '--board', 'rpi-pico', '-o', path.join(tmp, 'badmap'), appDir);
    expect(bad.code).toBe(1);
    expect(bad.out).toMatch(/"registerMap" } must be a list of peripheral names/);
  });
});

describe('vllsi build --io: who provides embedded:io/* to a Moddable app (examples/io)', () => {
  const blink = path.join(packageRoot, 'examples/io/blink');
  /** A copy of examples/io/<name> with a package.json, in tmp. */
  const appWith = (name: string, pkg: unknown) => {
    const dir = path.join(tmp, 'io-apps', `${name}-${JSON.stringify(pkg).replace(/\W+/g, '')}`);
    mkdirSync(dir, { recursive: true });
    for (const f of ['main.js', 'manifest.json']) writeFileSync(path.join(dir, f), readFileSync(path.join(packageRoot, 'examples/io', name, f)));
    writeFileSync(path.join(dir, 'package.json'), JSON.stringify(pkg));
    return dir;
  };

  it("moddable (the default): Moddable's io manifest is included, embedded:* is left to it, the app runs after the HAL is bound", async () => {
    const dir = path.join(tmp, 'io-moddable');
    const { code, out } = await vllsi('build', '--board', 'rpi-pico', '-o', dir, blink);
    expect(code, out).toBe(0);
    expect(out).toMatch(/embedded:io from moddable; 0 bitfield, 0 register and 0 Digital calls inlined/);
    const manifest = JSON.parse(readFileSync(path.join(dir, 'manifest.json'), 'utf8')) as Manifest;
    expect(manifest.include).toEqual(['$(MODDABLE)/examples/manifest_base.json', '$(MODDABLE)/modules/io/manifest.json', './vllsi/manifest.json']);
    expect(manifest.preload).toEqual(['board']); // a Moddable app's body touches the hardware: not at preload
    expect(existsSync(path.join(dir, 'vllsi-io'))).toBe(false);
    expect(readFileSync(path.join(dir, 'main.js'), 'utf8')).toMatch(/import "start";\nimport "app";\n$/);
    const app = readFileSync(path.join(dir, 'app.js'), 'utf8');
    expect(app).toContain('led.write(on);');
    expect(app).not.toMatch(/directHal/);
  });

  it("vllsi: embedded:io/<name> and embedded:provider/builtin map to vllsi's classes and the board's provider, preloaded; the project links", async () => {
    const dir = path.join(tmp, 'io-vllsi');
    const { code, out } = await vllsi('build', '--board', 'rpi-pico', '--io', 'vllsi', '-o', dir, blink);
    expect(code, out).toBe(0);
    expect(out).toMatch(/embedded:io from vllsi; 0 bitfield, 0 register and 1 Digital calls inlined/);
    const manifest = JSON.parse(readFileSync(path.join(dir, 'manifest.json'), 'utf8')) as Manifest;
    expect(manifest.include).toEqual(['$(MODDABLE)/examples/manifest_base.json', './vllsi-io/manifest.json', './vllsi/manifest.json']);
    const io = JSON.parse(readFileSync(path.join(dir, 'vllsi-io/manifest.json'), 'utf8')) as Manifest;
    const names = ['digital', 'digitalbank', 'serial', 'i2c', 'smbus', 'spi', 'pwm', 'analog'];
    expect(io.modules).toEqual({
      'vllsi-io': './vllsi-io',
      'embedded:provider/builtin': './provider',
      system: './system',
      ...Object.fromEntries(names.map((n) => [`embedded:io/${n}`, `./io/${n}`])),
    });
    expect(io.preload).toEqual(Object.keys(io.modules!));
    expect(readFileSync(path.join(dir, 'vllsi-io/io/digital.js'), 'utf8')).toBe('export { Digital as default } from "vllsi-io";\n');
    expect(readFileSync(path.join(dir, 'vllsi-io/provider.js'), 'utf8')).toMatch(
      /export default hostProvider\(\{ Digital, DigitalBank, Serial, I2C, SMBus, SPI, PWM, Analog \}, board\.io\);/,
    );
    expect(readFileSync(path.join(dir, 'vllsi-io/system.js'), 'utf8')).toMatch(/globalThis\.device = device;/);
    // The classes use the core as the module "vllsi", as every device bundle does.
    expect(readFileSync(path.join(dir, 'vllsi-io/vllsi-io.js'), 'utf8')).toMatch(/^import \{[^}]*\bdirectHal\b[^}]*\} from 'vllsi';$/m);
    const project = resolveProject(dir, 'pico');
    expect([...project.errors, ...project.missing]).toEqual([]);
    expect(project.modules.get('embedded:io/digital')).toBe(path.join(dir, 'vllsi-io/io/digital.js'));
    expect(project.preload).toEqual([
      'vllsi-io',
      'embedded:provider/builtin',
      'system',
      ...names.map((n) => `embedded:io/${n}`),
      'vllsi',
      'vllsi-hal',
      'board',
    ]);
    // The app's write on the board's LED (device.pin.led = GPIO25) is the SIO set/clear store, with the call kept as the fallback.
    const app = readFileSync(path.join(dir, 'app.js'), 'utf8');
    expect(app).toContain('void directHal.store32(on === 1 ? 0xd0000014 : 0xd0000018, 0x2000000) : led.write(on)');
  });

  it('on esp32-devkitc, vllsi provides what its binding has; an embedded:io module it lacks is refused naming --io moddable', async () => {
    const dir = path.join(tmp, 'io-esp32');
    const { code, out } = await vllsi('build', '--board', 'esp32-devkitc', '--io', 'vllsi', '-o', dir, blink);
    expect(code, out).toBe(0);
    const io = JSON.parse(readFileSync(path.join(dir, 'vllsi-io/manifest.json'), 'utf8')) as Manifest;
    expect(Object.keys(io.modules!)).toContain('embedded:io/digital');
    expect(readFileSync(path.join(dir, 'app.js'), 'utf8')).toContain('void directHal.store32(on === 1 ? 0x3ff44008 : 0x3ff4400c, 0x4)'); // GPIO2 on W1TS/W1TC
    const r = await vllsi(
      'build',
      '--board',
      'rpi-pico',
      '--io',
      'vllsi',
      '-o',
      path.join(tmp, 'io-pulse'),
      writeModdableApp('pulse', 'import PulseCount from "embedded:io/pulsecount";\nnew PulseCount({});\n'),
    );
    expect(r.code).toBe(1);
    expect(r.out).toMatch(
      /"embedded:io\/pulsecount" is not among the modules vllsi's IO classes provide \(embedded:provider\/builtin, embedded:io\/digital, .*\): build with --io moddable/,
    );
  });

  it('the app\'s package.json "vllsi": { "io" } chooses when --io is absent; --io wins over it', async () => {
    const app = appWith('blink', { vllsi: { io: 'vllsi' } });
    const r1 = await vllsi('build', '--board', 'rpi-pico', '-o', path.join(tmp, 'io-pkg'), app);
    expect(r1.out).toMatch(/embedded:io from vllsi;/);
    const r2 = await vllsi('build', '--board', 'rpi-pico', '--io', 'moddable', '-o', path.join(tmp, 'io-pkg2'), app);
    expect(r2.out).toMatch(/embedded:io from moddable;/);
  });

  it('refuses a bad --io (usage, exit 2, with a suggestion), --io without APP_DIR, and a bad package.json value (exit 1); writes nothing', async () => {
    const out = path.join(tmp, 'io-none');
    expect(await vllsi('build', '--board', 'rpi-pico', '--io', 'vlsi', '-o', out, blink)).toMatchObject({
      code: 2,
      out: expect.stringContaining("unknown --io 'vlsi'; did you mean vllsi? (known: moddable, vllsi)"),
    });
    expect(await vllsi('build', '--board', 'rpi-pico', '--io', 'vllsi', '-o', out)).toMatchObject({
      code: 2,
      out: expect.stringContaining('--io applies to an APP_DIR'),
    });
    for (const [pkg, why] of [
      [{ vllsi: { io: 'native' } }, /InvalidArgument: invalid "vllsi": \{ "io" \} "native": in \/.*\/package\.json: it must be one of "moddable", "vllsi"/],
      [{ vllsi: { io: 1 } }, /invalid "vllsi": \{ "io" \} 1 \(0x1\): in .*: it must be one of "moddable", "vllsi"/],
      [{ vllsi: ['io'] }, /invalid "vllsi" section .*: in \/.*\/package\.json: it must be an object/],
    ] as const) {
      const r = await vllsi('build', '--board', 'rpi-pico', '-o', out, appWith('blink', pkg));
      expect(r.code, r.out).toBe(1);
      expect(r.out).toMatch(why);
    }
    expect(existsSync(out)).toBe(false);
    expect((await vllsi('build', '--help')).out).toMatch(/--io PROVIDER +who provides ECMA-419's embedded:io\/\*/);
  });
});

/** A Moddable app (manifest.json + main.js) in tmp; returns its folder. */
function writeModdableApp(name: string, main: string): string {
  const dir = path.join(tmp, 'moddable-apps', name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify({ modules: { '*': './main' } }));
  writeFileSync(path.join(dir, 'main.js'), main);
  return dir;
}
