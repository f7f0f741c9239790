// docs/first-driver.md, run as written: its sh blocks are run in order in a folder outside the
// repository (the packed vllsi beside it, as the guide says), its `ts file=NAME` blocks are
// written into the app, and the outputs it shows must appear. This is also the test of the
// package as a user installs it: `npm pack`'s tarball, installed into a project outside the
// repo, builds apps (its build tooling comes with it), and its types check the app.
import { execFileSync, execSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { built, needsBuild, removeUserDirs, root, userDir } from './vllsi-bin.js';

const guide = readFileSync(path.join(root, 'docs/first-driver.md'), 'utf8');
const blocks = [...guide.matchAll(/```(\w+)([^\n]*)\n([\s\S]*?)```/g)].map((m) => ({ lang: m[1]!, info: m[2]!.trim(), body: m[3]! }));

describe('docs/first-driver.md', () => {
  afterAll(removeUserDirs);

  it('has commands, files and shown output to check', () => {
    expect(blocks.filter((b) => b.lang === 'sh').length).toBeGreaterThanOrEqual(4);
    expect(blocks.filter((b) => /^file=/.test(b.info)).map((b) => b.info)).toEqual(['file=button.ts', 'file=button.test.ts']);
  });

  it.skipIf(!built)(
    `runs as written: init, npm test, vllsi sim, a driver and its test, vllsi build${needsBuild}`,
    () => {
      const home = userDir();
      execFileSync('npm', ['pack', '--ignore-scripts', '--silent', '--pack-destination', home], { cwd: root, encoding: 'utf8', timeout: 120_000 });
      let cwd = home;
      let last = '';
      const env = {
        ...process.env,
        NO_COLOR: '1',
        npm_config_prefer_offline: 'true',
        npm_config_audit: 'false',
        npm_config_fund: 'false',
        npm_config_update_notifier: 'false',
      };
      for (const b of blocks) {
        if (b.lang === 'sh') {
          for (const line of b.body
            .split('\n')
            .map((l) => l.replace(/\s+#.*$/, '').trim())
            .filter(Boolean)) {
            const cd = /^cd (\S+)$/.exec(line);
            if (cd) cwd = path.resolve(cwd, cd[1]!);
            else last = execSync(line, { cwd, env, encoding: 'utf8', timeout: 300_000, stdio: ['ignore', 'pipe', 'pipe'] });
            if (/npm test/.test(line)) expect(last).toMatch(/Tests\s+\d+ passed/);
          }
        } else if (b.lang === 'text') {
          for (const shown of b.body.trim().split('\n')) expect(last).toContain(shown);
        } else if (/^file=/.test(b.info)) {
          writeFileSync(path.join(cwd, b.info.slice('file='.length)), b.body);
        }
      }
      expect(last).toMatch(/wrote \d+ files to \S*\/build \(rpi-pico, embedded profile, app: index\.ts/);
      // The last npm test ran both files.
      expect(execSync('npm test', { cwd, env, encoding: 'utf8', timeout: 120_000 })).toMatch(/Tests\s+2 passed/);
      expect(readFileSync(path.join(cwd, 'build/app.js'), 'utf8')).toMatch(/from ["']vllsi["']/);
      // The app typechecks against the installed package's types (AppMain, Hal, BoardSpec, registers).
      execFileSync(process.execPath, [path.join(cwd, 'node_modules/typescript/bin/tsc'), '-p', cwd], { cwd, encoding: 'utf8', timeout: 120_000 });
      // The installed binary makes apps too.
      expect(execSync('npx vllsi init --board esp32-devkitc second', { cwd, env, encoding: 'utf8', timeout: 60_000 })).toMatch(
        /wrote 6 files to second \(esp32-devkitc\)/,
      );
    },
    600_000,
  );
});
