// Builds vllsi's bare-metal RP2040 test firmware (test/fixtures/firmware) with arm-none-eabi-gcc
// into an ELF and a UF2, for the `vllsi emulate` tests and bench. Nothing built is committed:
// builds go to the OS temp folder, one per variant and source hash (reused within a run).
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { encodeUf2, parseElf } from '../host-sim/firmware.js';
import { ToolchainMissing, packageRoot } from './moddable.js';

export type FirmwareVariant = 'normal' | 'fault' | 'lockup' | 'silent';

const DEFINES: Record<FirmwareVariant, string[]> = { normal: [], fault: ['-DFAULT_BUILD'], lockup: ['-DLOCKUP_BUILD'], silent: ['-DSILENT_BUILD'] };
const CC = 'arm-none-eabi-gcc';

/** True when arm-none-eabi-gcc runs (tests SKIP without it; CI installs gcc-arm-none-eabi). */
export function haveArmGcc(): boolean {
  return spawnSync(CC, ['--version'], { stdio: 'ignore' }).status === 0;
}

/** Builds one variant; returns the paths of its ELF and UF2 (FIRMWARE.elf beside FIRMWARE.uf2). */
export function buildTestFirmware(variant: FirmwareVariant = 'normal'): { elf: string; uf2: string } {
  if (!haveArmGcc()) throw new ToolchainMissing(CC, `${CC} not found: install gcc-arm-none-eabi (apt-get install gcc-arm-none-eabi libnewlib-arm-none-eabi)`);
  const src = path.join(packageRoot, 'test/fixtures/firmware');
  const sources = ['firmware.c', 'link.ld'].map((f) => path.join(src, f));
  const hash = createHash('sha256');
  for (const f of sources) hash.update(readFileSync(f));
  hash.update(variant);
  const dir = path.join(os.tmpdir(), `vllsi-test-firmware-${hash.digest('hex').slice(0, 16)}`);
  const elf = path.join(dir, `${variant}.elf`);
  const uf2 = path.join(dir, `${variant}.uf2`);
  if (existsSync(uf2)) return { elf, uf2 };
  mkdirSync(dir, { recursive: true });
  const tmp = `${elf}.${process.pid}`;
  const r = spawnSync(
    CC,
    [
      '-mcpu=cortex-m0plus',
      '-mthumb',
      '-Os',
      '-g',
      '-ffreestanding',
      '-nostdlib',
      '-Wall',
      '-Wextra',
      '-Werror',
      '-Wno-override-init',
      '-ffunction-sections',
      '-Wl,--gc-sections',
      '-T',
      sources[1]!,
      ...DEFINES[variant],
      sources[0]!,
      '-lgcc',
      '-o',
      tmp,
    ],
    { encoding: 'utf8' },
  );
  if (r.status !== 0) throw new Error(`${CC} failed to build the ${variant} test firmware:\n${r.stderr}`);
  const image = parseElf(readFileSync(tmp), tmp, [{ name: 'flash', base: 0x10000000, size: 0x200000 }]);
  writeFileSync(`${uf2}.${process.pid}`, encodeUf2(image.segments));
  renameSync(tmp, elf);
  renameSync(`${uf2}.${process.pid}`, uf2); // last: its presence means the build is complete
  return { elf, uf2 };
}
