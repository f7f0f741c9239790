// `vllsi emulate` end to end: the built CLI as a real process running vllsi's bare-metal test
// firmware (built here with arm-none-eabi-gcc) on the emulated RP2040, its output, exit codes
// and typed errors, and its --console bridge serving `vllsi inspect` and raw TCP clients.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { encodeUf2 } from '../../host-sim/firmware.js';
import { boot2Crc } from '../../host-sim/emulator.js';
import { buildTestFirmware, haveArmGcc } from '../../tools/test-firmware.js';
import { runCli, runInspect } from '../inspect/sim-console.js';

const cli = path.resolve(import.meta.dirname, '../../bin/vllsi.js');
const gcc = haveArmGcc();
if (!gcc) console.warn('SKIP vllsi emulate CLI tests: arm-none-eabi-gcc is not installed (apt-get install gcc-arm-none-eabi); CI installs it');

function vllsi(...args: string[]): { code: number | null; out: string; err: string } {
  const r = spawnSync(process.execPath, [cli, 'emulate', ...args], { encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

/** The same command in-process (the CLI's main), for the many quick refusals. */
const inProcess = (...args: string[]) => runCli('emulate', ...args);

describe.skipIf(!gcc)('vllsi emulate (real process)', () => {
  it('runs the firmware for the given simulated seconds, printing UART0 lines and GPIO changes with timestamps', () => {
    const r = vllsi('--seconds', '0.021', buildTestFirmware('normal').uf2);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/normal\.uf2 \(uf2, with symbols\) on rpi-pico, from its own vector table, 0\.021000000 s of simulated time/);
    expect(r.out).toMatch(/^\[0\.0000\d{5} s\] uart0: vllsi test firmware ready$/m);
    expect(r.out.match(/LED GPIO25 -> (high|low)/g)).toEqual(['LED GPIO25 -> high', 'LED GPIO25 -> low', 'LED GPIO25 -> high', 'LED GPIO25 -> low']);
    expect(r.out).toMatch(/^\[0\.00500\d{4} s\] LED GPIO25 -> high$/m);
    expect(r.out).toMatch(/stopped at 0\.021000000 s simulated after .* s of wall time \(.*x real time; \d+ instructions/);
  });

  it('reports a HardFault, a lockup and a silent firmware with PC and symbol (exit 1), after the output before it', () => {
    const fault = vllsi('--seconds', '1', buildTestFirmware('fault').uf2);
    expect(fault.code).toBe(1);
    expect(fault.out).toMatch(/uart0: faulting now\n.*uart0: HardFault handler\n/);
    expect(fault.err).toMatch(
      /^vllsi emulate: HardFault: HardFault at PC 0x1000[0-9a-f]{4} \(fault_now\+0x[0-9a-f]+\): bus error: read of unmapped address 0xf0000000\n$/,
    );
    const lockup = vllsi('--seconds', '1', buildTestFirmware('lockup').elf);
    expect(lockup.code).toBe(1);
    expect(lockup.err).toMatch(/^vllsi emulate: Lockup: lockup at PC .*\(fault_now/);
    const silent = vllsi('--silence', '0.03', buildTestFirmware('silent').elf);
    expect(silent.code).toBe(1);
    expect(silent.err).toMatch(
      /^vllsi emulate: FirmwareSilent: no UART, USB or GPIO output for 0\.03 s of simulated time; the core is at PC 0x1000[0-9a-f]{4} \(spin_forever\+0x[0-9a-f]+\)\n$/,
    );
  });

  it('refuses a bad file, a wrong family and a bad bootrom with typed errors (exit 1), bad arguments with usage (exit 2)', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'vllsi-emulate-'));
    const esp = path.join(dir, 'esp32.uf2');
    writeFileSync(esp, encodeUf2([{ address: 0x10000000, data: new Uint8Array(256) }], 0x1c5f21b0));
    const junk = path.join(dir, 'junk.uf2');
    writeFileSync(junk, 'not firmware');
    const rom = path.join(dir, 'rom.bin');
    writeFileSync(rom, new Uint8Array(1000));
    const boot2 = new Uint8Array(256);
    new DataView(boot2.buffer).setUint32(252, boot2Crc(boot2.subarray(0, 252)), true);
    const sdk = path.join(dir, 'pico-sdk-like.uf2');
    writeFileSync(sdk, encodeUf2([{ address: 0x10000000, data: boot2 }]));
    expect(vllsi(esp)).toMatchObject({ code: 1, err: `vllsi emulate: WrongFamily: ${esp}: built for esp32, not rp2040 (UF2 family 0xe48bff56)\n` });
    expect(await inProcess(junk)).toMatchObject({ code: 1, err: `vllsi emulate: FirmwareError: ${junk}: neither a UF2 nor an ELF file` });
    expect((await inProcess(path.join(dir, 'absent.uf2'))).err).toMatch(/FirmwareError: .*absent\.uf2: cannot read: ENOENT/);
    expect((await inProcess('--bootrom', rom, buildTestFirmware('normal').uf2)).err).toMatch(
      /FirmwareError: .*rom\.bin: is 1000 bytes; the RP2040 bootrom is 16384/,
    );
    const env = process.env.VLLSI_RP2040_BOOTROM;
    delete process.env.VLLSI_RP2040_BOOTROM;
    const needsRom = await inProcess(sdk);
    if (env !== undefined) process.env.VLLSI_RP2040_BOOTROM = env;
    expect(needsRom).toMatchObject({
      code: 1,
      err: 'vllsi emulate: BootromMissing: the image starts with a boot2 stage (a pico-sdk build), which only the bootrom runs: give the RP2040 bootrom with --bootrom FILE or VLLSI_RP2040_BOOTROM (see docs/emulate.md)',
    });
    expect((await inProcess()).code).toBe(2);
    expect((await inProcess('--seconds', 'soon', esp)).code).toBe(2);
    expect((await inProcess('--forever', '--seconds', '1', esp)).code).toBe(2);
    expect((await inProcess('--board', 'esp32-devkitc', esp)).err).toMatch(/emulation exists for rpi-pico only/);
    expect((await inProcess('--console', 'udp:1', esp)).err).toMatch(/--console takes tcp:PORT/);
    const help = await inProcess('--help');
    expect(help.code).toBe(0);
    expect(help.out).toMatch(/^usage: vllsi emulate/);
    expect(help.out).toMatch(/VLLSI_RP2040_BOOTROM/);
  });

  it('bridges UART0 to TCP while it runs: vllsi inspect reads a register, a raw client gets its echo', async () => {
    const emu = spawn(process.execPath, [cli, 'emulate', '--console', 'tcp:0', '--seconds', '60', buildTestFirmware('normal').uf2], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      let out = '';
      const port = await new Promise<string>((resolve, reject) => {
        emu.stdout!.on('data', (d) => {
          out += d;
          const m = /UART0 on tcp:\/\/127\.0\.0\.1:(\d+)/.exec(out);
          if (m) resolve(m[1]!);
        });
        emu.once('exit', (code) => reject(new Error(`vllsi emulate exited (${code}): ${out}`)));
      });
      const r = await runInspect('--port', `tcp://127.0.0.1:${port}`, 'read', 'IO_BANK0.GPIO25_CTRL', '--json');
      expect(r.err).toBe('');
      expect(JSON.parse(r.out)).toMatchObject({ register: 'IO_BANK0.GPIO25_CTRL', value: 5 });

      const echo = await new Promise<string>((resolve, reject) => {
        const s = net.connect(Number(port), '127.0.0.1', () => s.write('plain bytes\n'));
        let got = '';
        s.on('data', (d) => {
          got += d;
          if (got.includes('echo: plain bytes\r\n')) {
            s.end();
            resolve(got);
          }
        });
        s.on('error', reject);
      });
      expect(echo).toContain('echo: plain bytes');
      // The CLI prints what the firmware sent, to the bridge and to its own output.
      // (after the binary answer frames of inspect, which end no line)
      for (let i = 0; i < 100 && !/uart0: .*echo: plain bytes/.test(out); i++) await new Promise((r) => setTimeout(r, 50));
      expect(out).toMatch(/uart0: .*echo: plain bytes/);
    } finally {
      emu.kill();
    }
  });
});
