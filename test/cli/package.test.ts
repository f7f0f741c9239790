// The package as a user gets it: `npm pack`, installed from the tarball into a project outside
// the repository. `vllsi init`'s app passes its own `npm test` there, runs in `vllsi sim` and
// builds with `vllsi build` (the build tooling comes with the package).
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { built, needsBuild, removeUserDirs, root, userDir, vllsi } from './vllsi-bin.js';

const npm = (args: string[], cwd: string, timeout = 240_000) =>
  execFileSync('npm', args, { cwd, encoding: 'utf8', timeout, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, npm_config_audit: 'false', npm_config_fund: 'false', npm_config_update_notifier: 'false' } });

describe('the installed package', () => {
  afterAll(removeUserDirs);
  it.skipIf(!built)(`vllsi init's app: npm test passes, vllsi sim runs it, vllsi build bundles it${needsBuild}`, () => {
    const home = userDir();
    // --ignore-scripts: dist/ is built already (prepare would rebuild it).
    const tgz = npm(['pack', '--ignore-scripts', '--silent', '--pack-destination', home], root).trim().split('\n').at(-1)!;
    const tarball = path.join(home, tgz);
    expect(existsSync(tarball)).toBe(true);

    const init = vllsi(['init', 'my-driver'], { cwd: home });
    expect(init.err).toBe('');
    expect(init.code).toBe(0);
    const app = path.join(home, 'my-driver');
    expect(readdirSync(app).sort()).toEqual(['.gitignore', 'README.md', 'app.test.ts', 'index.ts', 'package.json', 'tsconfig.json']);

    // The registry cache first (npm ci filled it with the same vitest): bounded in time.
    npm(['install', '--prefer-offline', tarball], app);
    const test = npm(['test'], app, 120_000);
    expect(test).toMatch(/1 passed/);

    const npx = (args: string[]) => execFileSync('npx', ['vllsi', ...args], { cwd: app, encoding: 'utf8', timeout: 60_000, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1' } });
    const sim = npx(['sim', '--duration', '5ms', '.']);
    expect(sim).toMatch(/LED GPIO25 -> on/);
    expect(sim).toMatch(/uart0: hello from rpi-pico/);
    const build = npx(['build', '--board', 'rpi-pico', '-o', 'build', '.']);
    expect(build).toMatch(/wrote \d+ files to .*build \(rpi-pico, embedded profile, app: index\.ts \(\d+ bitfield and [1-9]\d* register calls inlined\)\)/);
    expect(readFileSync(path.join(app, 'build/app.js'), 'utf8')).toMatch(/from ["']vllsi["']/);
    // The app typechecks against the package's exported types (AppMain, Hal, BoardSpec).
    execFileSync(process.execPath, [path.join(app, 'node_modules/typescript/bin/tsc'), '-p', app], { cwd: app, encoding: 'utf8', timeout: 120_000 });
    // init from the installed package too.
    expect(npx(['init', '--board', 'esp32-devkitc', 'second'])).toMatch(/wrote 6 files to second \(esp32-devkitc\)/);
  }, 600_000);
});
