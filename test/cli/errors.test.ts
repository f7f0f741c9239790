// Errors as a user meets them: the real `vllsi` binary in a folder outside the repository.
// Each bad input gets one line (a typed error, or usage) with the fix, never a stack trace.
import { mkdirSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { STACK, built, needsBuild, removeUserDirs, root, userDir, vllsi, vllsiAsync, type Run } from './vllsi-bin.js';

const run = (args: string[], cwd: string) => vllsi(args, { cwd, timeout: 60_000 });

describe.skipIf(!built)(`vllsi errors${needsBuild}`, () => {
  afterAll(removeUserDirs);

  it('every command with bad arguments: exit 1 or 2, a short message, never a stack trace', async () => {
    const home = userDir();
    writeFileSync(path.join(home, 'afile'), 'x');
    writeFileSync(path.join(home, 'bad.svd'), '<device><peripherals><peripheral>');
    writeFileSync(path.join(home, 'snap.json'), '{"format": "other"}');
    mkdirSync(path.join(home, 'empty'));
    mkdirSync(path.join(home, 'throws'));
    writeFileSync(
      path.join(home, 'throws/index.ts'),
      'export default function main(): void {\n  const x: { y?: { z: number } } = {};\n  console.log(x.y!.z);\n}\n',
    );
    mkdirSync(path.join(home, 'syntax'));
    writeFileSync(path.join(home, 'syntax/index.ts'), 'export default function main( {\n');
    mkdirSync(path.join(home, 'noimport'));
    writeFileSync(path.join(home, 'noimport/index.js'), "import x from './gone.js';\nexport default () => x;\n");
    const bad: string[][] = [
      ['nope'],
      ['simm'],
      ['--nope'],
      ['init'],
      ['init', 'a', 'b'],
      ['init', '--board', 'uno', 'x'],
      ['init', 'afile'],
      ['init', '--board'],
      ['sim', '--nope'],
      ['sim', '--board', 'rpi-pic'],
      ['sim', '--duration', 'soon'],
      ['sim', '--duration', '-1s'],
      ['sim', 'a', 'b'],
      ['sim', '/missing'],
      ['sim', 'afile'],
      ['sim', 'empty'],
      ['sim', 'throws'],
      ['sim', 'syntax'],
      ['sim', 'noimport'],
      ['sim', '--console', 'tcp:99999'],
      ['sim', '--console', 'serial'],
      ['sim', '--console', 'tcp://10.0.0.1:4000'],
      ['sim', '--forever', '--duration', '1s'],
      ['sim', '--pins', 'x'],
      ['sim', '--pins', '99'],
      ['sim', '--trace', 'NOPE'],
      ['build'],
      ['build', '--board', 'uno'],
      ['build', '--board', 'rpi-pico', '-o', 'afile'],
      ['build', '--board', 'rpi-pico', '-o', 'afile/sub'],
      ['build', '--board', 'rpi-pico', '--profile', 'tiny'],
      ['build', '--board', 'rpi-pico', '/missing'],
      ['build', '--board', 'rpi-pico', 'syntax'],
      ['build', '--board', 'rpi-pico', 'noimport'],
      ['flash'],
      ['flash', '--board', 'rpi-pico'],
      ['svd'],
      ['svd', 'nope'],
      ['svd', 'import'],
      ['svd', 'import', 'missing.svd', '-o', 'x.json'],
      ['svd', 'import', 'bad.svd', '-o', 'x.json'],
      ['svd', 'gen', 'bad.svd', '-o', 'afile'],
      ['inspect'],
      ['inspect', 'nope'],
      ['inspect', 'red', 'SIO.CPUID'],
      ['inspect', 'read', 'SIO.CPUID'],
      ['inspect', '--board', 'rpi-pic', 'list'],
      ['inspect', '--port', 'tcp://127.0.0.1:99999', 'read', 'SIO.CPUID'],
      ['inspect', '--port', 'tcp://nohost.invalid:4000', 'read', 'SIO.CPUID'],
      ['inspect', '--port', 'tcp:1', 'read', 'SIO.CPUID'],
      ['inspect', '--port', 'tcp:1', 'read', '0x40014001'],
      ['inspect', '--port', 'tcp:1', 'read', 'SIO.CPUD'],
      ['inspect', '--port', 'tcp:1', 'read', 'SOI.CPUID'],
      ['inspect', '--port', '/dev/ttyNOPE', 'read', 'SIO.CPUID'],
      ['inspect', '--port', 'tcp:1', '--timeout', 'x', 'read', 'SIO.CPUID'],
      ['inspect', '--port', 'tcp:1', 'write', 'SIO.CPUID=1'],
      ['inspect', '--port', 'tcp:1', 'write', 'SIO.GPIO_OUT=0x1ffffffff'],
      ['inspect', 'diff', 'snap.json', 'missing.json'],
      ['inspect', 'snapshot'],
      ['monitor', '--nope'],
      ['monitor', '--port', 'tcp:99999'],
      ['monitor', '--port', 'tcp:1'],
      ['monitor', '--port', '/dev/ttyNOPE'],
      ['monitor', '--baud', 'fast'],
    ];
    // Three at a time (2 cores shared).
    const results: Run[] = [];
    for (let i = 0; i < bad.length; i += 3) results.push(...(await Promise.all(bad.slice(i, i + 3).map((args) => vllsiAsync(args, { cwd: home })))));
    const failures: string[] = [];
    for (const [i, args] of bad.entries()) {
      const r = results[i]!;
      const text = `${r.out}\n${r.err}`;
      const first = r.err.split('\n')[0] ?? '';
      if (r.code !== 1 && r.code !== 2) failures.push(`vllsi ${args.join(' ')}: exit ${r.code}\n${text}`);
      else if (STACK.test(text)) failures.push(`vllsi ${args.join(' ')}: a stack trace\n${text}`);
      else if (!/^vllsi( [a-z]+)?: /.test(first) || first.length > 300) failures.push(`vllsi ${args.join(' ')}: not one clear line: ${first}`);
    }
    expect(failures).toEqual([]);
    // No command: the usage, exit 2.
    const none = run([], home);
    expect([none.code, none.out]).toEqual([2, expect.stringMatching(/^usage: vllsi <command>/)]);
  }, 300_000);

  it('sim --console on a port in use says so, with the fix', async () => {
    const home = userDir();
    const server = net.createServer().listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    const { port } = server.address() as net.AddressInfo;
    try {
      const r = run(['sim', '--console', `tcp:${port}`], home);
      expect(r.code).toBe(1);
      expect(r.err).toBe(
        `vllsi sim: LinkError: tcp:${port}: port ${port} is in use (another vllsi sim?): stop what listens there or pick another port, e.g. --console tcp:0 for a free one\n`,
      );
    } finally {
      server.close();
    }
  });

  it('the messages name the fix', () => {
    const home = userDir();
    writeFileSync(path.join(home, 'afile'), 'x');
    const cases: [string[], RegExp][] = [
      [['sim', '/missing'], /invalid app directory "\/missing": does not exist: give the folder of your app/],
      [['inspect', '--port', 'tcp://127.0.0.1:99999', 'read', 'SIO.CPUID'], /port 99999 is out of range: use 1-65535/],
      [['build', '--board', 'rpi-pico', '-o', 'afile'], /invalid -o folder "afile": is a file: give a folder/],
      [
        ['inspect', '--port', 'tcp:1', 'read', '0x40014001'],
        /address 0x40014001 is not aligned: it is byte 1 of IO_BANK0.GPIO0_STATUS \(32-bit\): read 0x40014000/,
      ],
      [['inspect', '--port', 'tcp:1', 'read', 'SIO.CPUD'], /no register "CPUD" in SIO; did you mean CPUID\?/],
      [['inspect', '--port', 'tcp:1', 'read', 'SOI.CPUID'], /no peripheral "SOI" in RP2040; did you mean SIO/],
      [['inspect', '--port', 'tcp:1', 'write', 'SIO.CPUID=1'], /SIO.CPUID is read-only \(every field of it is\): nothing was written/],
      [['sim', '--board', 'rpi-pic'], /unknown board 'rpi-pic'; did you mean rpi-pico\?/],
      [['simm'], /unknown command 'simm'; did you mean sim\?/],
      [['inspect', '--port', 'tcp:1', 'read', 'SIO.CPUID'], /connection refused: nothing listens on port 1; start `vllsi sim --console tcp:1` first/],
    ];
    for (const [args, message] of cases) expect(run(args, home).err, args.join(' ')).toMatch(message);
  });

  it('an app that throws is an AppError at its own line', () => {
    const home = userDir();
    mkdirSync(path.join(home, 'app'));
    writeFileSync(
      path.join(home, 'app/index.ts'),
      'export default function main(): void {\n  const x: { y?: { z: number } } = {};\n  console.log(x.y!.z);\n}\n',
    );
    const r = run(['sim', 'app'], home);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/^vllsi sim: AppError: .*app threw TypeError: Cannot read properties of undefined \(reading 'z'\) \(at app\/index.ts:3:\d+\)\n$/);
  });

  it('build warns when the app never touches the chosen chip (and still writes the project)', () => {
    const home = userDir();
    const r = run(['build', '--board', 'esp32-devkitc', '-o', 'out', path.join(root, 'examples/sensor')], home);
    expect(r.code).toBe(0);
    expect(r.err).toMatch(
      /^vllsi build: warning: .*examples\/sensor\/index.ts uses the register definitions of rp2040 only and never touches esp32-devkitc's esp32: is --board right\?/,
    );
    const ok = run(['build', '--board', 'rpi-pico', '-o', 'out2', path.join(root, 'examples/sensor')], home);
    expect(ok.err).toBe('');
  });
});
