#!/usr/bin/env node
// `npm run hal:check`: cross-compiles the native HALs with the real compilers against
// the real XS headers (from @agoric/xsnap) and stand-in SDK headers
// (test/native/stubs), checks the HAL instructions are in the objects, then runs
// the RP2040 HAL's critical-section code on QEMU (test/native/qemu).
//
// A missing compiler or QEMU is reported as SKIP and does not fail the run, unless
// VLLSI_REQUIRE_NATIVE=1 (CI sets it: there, every tool is installed).
// `--qemu` runs only the QEMU part. See docs/native-hal.md.
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const require = createRequire(import.meta.url);
const requireAll = process.env.VLLSI_REQUIRE_NATIVE === '1';
const stubs = path.join(root, 'test/native/stubs');
const warnings = ['-Wall', '-Wextra', '-Werror', '-O2', '-std=c11', '-ffreestanding'];

function xsIncludes() {
  const dir = path.join(path.dirname(require.resolve('@agoric/xsnap/package.json')), 'moddable/xs/includes');
  if (!fs.existsSync(path.join(dir, 'xsmc.h'))) throw new Error(`XS headers not found in ${dir} (is @agoric/xsnap installed?)`);
  return dir;
}

function have(tool) {
  return spawnSync(tool, ['--version'], { stdio: 'ignore' }).status === 0;
}

const hal = (...files) => files.map((f) => path.join(root, 'hal', f));
const espFiles = hal('esp32/esp32_hal.c', 'esp32/esp32_riscv.c', 'esp32/esp32_xtensa.c', 'native/vllsi_xs.c');

/** What each target compiles, with which flags, and which instructions must come out. */
const targets = [
  {
    name: 'rp2040 (Cortex-M0+)',
    cc: 'arm-none-eabi-gcc',
    objdump: 'arm-none-eabi-objdump',
    apt: 'gcc-arm-none-eabi libnewlib-arm-none-eabi',
    flags: ['-mcpu=cortex-m0plus', '-mthumb', `-I${stubs}/pico`],
    files: hal('rp2040/rp2040_sync.c', 'rp2040/rp2040_sdk.c', 'native/vllsi_xs.c'),
    expect: ['dmb', 'dsb', 'isb', 'cpsid', 'cpsie', 'mrs', 'msr'],
  },
  {
    // GCC 12 follows the 2019 RISC-V ISA spec, which moved the CSR instructions and
    // fence.i out of "I" into Zicsr/Zifencei: rv32imc alone cannot assemble them.
    // ESP-IDF 5 builds the C3 with exactly this -march.
    name: 'esp32c3 (RISC-V rv32imc)',
    cc: 'riscv64-unknown-elf-gcc',
    objdump: 'riscv64-unknown-elf-objdump',
    apt: 'gcc-riscv64-unknown-elf',
    flags: ['-march=rv32imc_zicsr_zifencei', '-mabi=ilp32', '-DESP_PLATFORM', '-DCONFIG_IDF_TARGET_ESP32C3=1', `-I${stubs}/esp-idf`, `-I${stubs}/libc`],
    files: espFiles,
    expect: ['fence', 'fence.i', 'csrrc', 'csrs'], // objdump prints csrrci/csrsi as csrrc/csrs
  },
  ...['ESP32', 'ESP32S3'].map((chip) => ({
    // An instruction-set check only: lx106 is the ESP8266's core. See docs/native-hal.md.
    name: `${chip.toLowerCase()} (Xtensa, ISA check with lx106)`,
    cc: 'xtensa-lx106-elf-gcc',
    objdump: 'xtensa-lx106-elf-objdump',
    apt: 'gcc-xtensa-lx106',
    flags: ['-DESP_PLATFORM', `-DCONFIG_IDF_TARGET_${chip}=1`, `-I${stubs}/esp-idf`, `-I${stubs}/libc`],
    files: espFiles,
    expect: ['memw', 'dsync', 'isync', 'rsil', 'wsr', 'rsync'],
  })),
];

let failed = 0;
let skipped = 0;
function skip(what, why) {
  skipped++;
  console.log(`SKIP ${what}: ${why}`);
}

function compileTargets(tmp) {
  const xs = xsIncludes();
  for (const t of targets) {
    if (!have(t.cc)) {
      skip(t.name, `${t.cc} not found (apt-get install ${t.apt})`);
      continue;
    }
    const mnemonics = new Set();
    let ok = true;
    for (const file of t.files) {
      const obj = path.join(tmp, `${path.basename(file)}.${t.cc}.o`);
      const args = [...t.flags, ...warnings, `-I${xs}`, `-I${stubs}/moddable`, '-c', file, '-o', obj];
      const r = spawnSync(t.cc, args, { encoding: 'utf8' });
      if (r.status !== 0) {
        ok = false;
        console.log(`FAIL ${t.name}: ${path.relative(root, file)}\n  ${t.cc} ${args.join(' ')}\n${r.stderr}`);
        continue;
      }
      if (have(t.objdump)) {
        const dis = execFileSync(t.objdump, ['-d', obj], { encoding: 'utf8' });
        for (const m of dis.matchAll(/^\s+[0-9a-f]+:\s+(?:[0-9a-f]{2,8}\s)+\s*([a-z][\w.]*)/gm)) mnemonics.add(m[1]);
      }
    }
    const missing = mnemonics.size ? t.expect.filter((m) => !mnemonics.has(m) && ![...mnemonics].some((x) => x.startsWith(`${m}.`))) : [];
    if (ok && missing.length) {
      ok = false;
      console.log(`FAIL ${t.name}: compiled, but the objects lack ${missing.join(', ')}`);
    }
    if (ok)
      console.log(
        `ok   ${t.name}: ${t.files.length} files, ${t.cc} ${t.flags.filter((f) => !f.startsWith('-I')).join(' ')} -Wall -Wextra -Werror${mnemonics.size ? `; has ${t.expect.join(' ')}` : ''}`,
      );
    else failed++;
  }
}

function runQemu(tmp) {
  const name = 'rp2040 HAL on qemu-system-arm -M mps2-an385';
  if (!have('arm-none-eabi-gcc')) return skip(name, 'arm-none-eabi-gcc not found (apt-get install gcc-arm-none-eabi)');
  if (!have('qemu-system-arm')) return skip(name, 'qemu-system-arm not found (apt-get install qemu-system-arm)');
  const q = path.join(root, 'test/native/qemu');
  const elf = path.join(tmp, 'harness.elf');
  const cc = spawnSync(
    'arm-none-eabi-gcc',
    [
      '-mcpu=cortex-m0plus',
      '-mthumb',
      ...warnings,
      '-nostdlib',
      // mps2-an385 has no SIO block: CPUID and the spinlocks are stood in by RAM there.
      '-DVLLSI_SIO_BASE=0x20200000u',
      `-I${root}/hal/rp2040`,
      '-T',
      path.join(q, 'link.ld'),
      path.join(q, 'startup.c'),
      path.join(q, 'harness.c'),
      path.join(root, 'hal/rp2040/rp2040_sync.c'),
      '-lgcc',
      '-o',
      elf,
    ],
    { encoding: 'utf8' },
  );
  if (cc.status !== 0) {
    failed++;
    return console.log(`FAIL ${name}: harness did not build\n${cc.stderr}`);
  }
  const r = spawnSync(
    'qemu-system-arm',
    ['-M', 'mps2-an385', '-nographic', '-monitor', 'none', '-serial', 'none', '-semihosting-config', 'enable=on,target=native', '-kernel', elf],
    { encoding: 'utf8', timeout: 20_000 },
  );
  const out = `${r.stdout}${r.stderr}`;
  const lines = out.split('\n').filter((l) => /^(not )?ok - /.test(l));
  const bad = lines.filter((l) => l.startsWith('not ok'));
  const passed = r.status === 0 && bad.length === 0 && out.includes('ALL PASSED');
  for (const l of lines) console.log(`     ${l}`);
  if (passed) console.log(`ok   ${name}: ${lines.length} checks (SIO stood in by RAM at 0x20200000)`);
  else {
    failed++;
    const why = r.error?.code === 'ETIMEDOUT' ? 'timed out (a critical section never returned?)' : `exit ${r.status}`;
    console.log(`FAIL ${name}: ${why}, ${bad.length} failed checks\n${out}`);
  }
}

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'vllsi-hal-'));
try {
  if (!process.argv.includes('--qemu')) compileTargets(tmp);
  runQemu(tmp);
} finally {
  fs.rmSync(tmp, { recursive: true, force: true });
}
if (skipped && requireAll) {
  console.log(`hal:check: ${skipped} part(s) skipped but VLLSI_REQUIRE_NATIVE=1: failing`);
  failed++;
}
console.log(`hal:check: ${failed ? 'FAILED' : 'passed'}${skipped ? ` (${skipped} skipped)` : ''}`);
process.exitCode = failed ? 1 : 0;
