// tools/hal-check.js without the cross compilers and QEMU: every part is reported as
// SKIP with the package to install, and CI's VLLSI_REQUIRE_NATIVE=1 turns that into a
// failure. (With the tools present, `npm run hal:check` itself is the test.)
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { expect, it } from 'vitest';

const script = path.join(import.meta.dirname, '../../tools/hal-check.js');
const run = (env: Record<string, string>) => spawnSync(process.execPath, [script], { env: { PATH: '/nonexistent', ...env }, encoding: 'utf8' });

it('skips each part that lacks its tool, saying which package provides it', () => {
  const r = run({});
  expect(r.status).toBe(0);
  expect(r.stdout).toContain('SKIP rp2040 (Cortex-M0+): arm-none-eabi-gcc not found (apt-get install gcc-arm-none-eabi libnewlib-arm-none-eabi)');
  expect(r.stdout).toContain('SKIP esp32c3 (RISC-V rv32imc): riscv64-unknown-elf-gcc not found (apt-get install gcc-riscv64-unknown-elf)');
  expect(r.stdout).toContain('SKIP esp32 (Xtensa, ISA check with lx106): xtensa-lx106-elf-gcc not found (apt-get install gcc-xtensa-lx106)');
  expect(r.stdout).toContain('SKIP rp2040 HAL on qemu-system-arm -M mps2-an385');
  expect(r.stdout).toMatch(/hal:check: passed \(5 skipped\)\n$/);
});

it('fails instead when VLLSI_REQUIRE_NATIVE=1 (CI, where every tool is installed)', () => {
  const r = run({ VLLSI_REQUIRE_NATIVE: '1' });
  expect(r.status).toBe(1);
  expect(r.stdout).toContain('5 part(s) skipped but VLLSI_REQUIRE_NATIVE=1: failing');
});
