// `vllsi emulate`'s speed (rp2040js's Cortex-M0+ under our run loop) on vllsi's bare-metal test
// firmware, and device figures in emulated cycles on a real Moddable release firmware.
//  - MIPS on the silent build (a busy loop: every slot an instruction), against rp2040js's own
//    loop (executeInstruction + clock tick, as its Simulator runs) in the same run;
//  - simulated seconds per wall second on the normal build (mostly asleep in WFI between the
//    5 ms TIMER interrupts: what a user sees with a blink-like firmware);
//  - with $MODDABLE, $PICO_SDK_DIR and a bootrom (VLLSI_RP2040_BOOTROM): Moddable's helloworld,
//    built here with mcconfig into a temporary folder, booted from boot2: cycles to main, to the
//    XS machine's set-up, and to the USB host's configuring its CDC interface. SKIP otherwise.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { emulate } from '../dist/node/host-sim/index.js';
import { buildTestFirmware, haveArmGcc } from '../dist/node/tools/test-firmware.js';

export const title = 'vllsi emulate: rp2040js speed on the test firmware; Moddable firmware boot in emulated cycles';

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1];
}

async function speedRows() {
  const silent = buildTestFirmware('silent').elf;
  const ours = [];
  const realTime = [];
  const raw = [];
  const simNs = 20e6;
  for (let r = 0; r < 5; r++) {
    const a = await emulate('rpi-pico', { firmware: silent });
    let t0 = performance.now();
    a.runFor(simNs);
    const wall = (performance.now() - t0) / 1000;
    ours.push(a.emulator.instructions / wall / 1e6);
    realTime.push(simNs / 1e9 / wall);
    // rp2040js's own loop on the same chip and firmware: no fault, event or silence checks.
    const b = await emulate('rpi-pico', { firmware: silent });
    const core = b.emulator.chip.core;
    const clock = b.emulator.clock;
    let n = 0;
    t0 = performance.now();
    while (clock.nanos < simNs) {
      clock.tick(core.executeInstruction() * 8);
      n++;
    }
    raw.push(n / ((performance.now() - t0) / 1000) / 1e6);
  }
  const mips = median(ours);
  const rawMips = median(raw);
  const normal = buildTestFirmware('normal').uf2;
  const speeds = [];
  for (let r = 0; r < 3; r++) {
    const board = await emulate('rpi-pico', { firmware: normal });
    const t0 = performance.now();
    board.runFor('1s');
    speeds.push(1 / ((performance.now() - t0) / 1000));
  }
  return [
    {
      name: 'rp2040js MIPS, busy loop (vllsi run loop)',
      value: mips,
      unit: 'MIPS',
      baseline: rawMips,
      ratio: rawMips / mips,
      note: `baseline: rp2040js's own loop (executeInstruction + tick), ${rawMips.toFixed(1)} MIPS; ratio = its speed / ours; the chip runs 125 MIPS at most`,
    },
    {
      name: 'rp2040js busy loop, simulated s per wall s',
      value: median(realTime),
      unit: 'x real time',
      note: '20 ms simulated at 125 MHz: firmware that never sleeps',
    },
    {
      name: 'test firmware (5 ms TIMER IRQ, WFI), simulated s per wall s',
      value: median(speeds),
      unit: 'x real time',
      note: '1 s simulated; asleep between interrupts, the emulator skips to the next alarm',
    },
  ];
}

const SKIP = (name, why) => ({ name, value: null, unit: '', note: `SKIP: ${why}` });

/** Builds Moddable's helloworld (release) for the Pico in a temporary folder; its ELF and UF2. */
function buildHelloworld() {
  const out = mkdtempSync(path.join(os.tmpdir(), 'vllsi-bench-moddable-'));
  const r = spawnSync('mcconfig', ['-m', '-p', 'pico', '-t', 'build', '-o', out], {
    cwd: path.join(process.env.MODDABLE, 'examples/helloworld'),
    encoding: 'utf8',
    env: { ...process.env, MAKEFLAGS: process.env.MAKEFLAGS ?? 'SHELL=/bin/bash' },
  });
  const dir = path.join(out, 'bin/pico/release/helloworld');
  if (r.status !== 0 || !existsSync(path.join(dir, 'xs_pico.uf2'))) throw new Error(`mcconfig failed: ${(r.stderr || r.stdout).slice(-400)}`);
  return { uf2: path.join(dir, 'xs_pico.uf2'), elf: path.join(dir, 'xs_pico.elf') };
}

async function moddableRows() {
  const names = ['helloworld (release): cycles to main', 'helloworld: cycles to the XS machine set-up', 'helloworld: USB CDC configured'];
  const missing = ['MODDABLE', 'PICO_SDK_DIR', 'VLLSI_RP2040_BOOTROM'].filter((v) => !process.env[v]);
  if (missing.length) return names.map((n) => SKIP(n, `$${missing.join(', $')} not set (a real Moddable SDK, pico-sdk and the RP2040 bootrom)`));
  const fw = buildHelloworld();
  const board = await emulate('rpi-pico', { firmware: fw.uf2, symbols: fw.elf });
  const symbols = board.emulator.symbols;
  const at = (name) => symbols?.address(name);
  const reach = (address, limitNs) => {
    if (address === undefined) return undefined;
    const core = board.emulator.chip.core;
    // Stepping one instruction a time here: the measurement needs the exact cycle of arrival.
    while (board.now < limitNs && (core.PC & ~1) !== address) board.emulator.runUntil(board.now + 1);
    return (core.PC & ~1) === address ? { cycles: board.cycles, ns: board.now } : undefined;
  };
  const main = reach(at('main'), 1e9);
  const setup = reach(at('modRunMachineSetup'), 3e9);
  let usbNs;
  board.onUsbConnected((t) => (usbNs = t));
  board.runUntil(board.now + 1e9, () => usbNs !== undefined);
  usbNs ??= board.usbConnectedAt;
  const row = (name, hit, note) =>
    hit ? { name, value: hit.cycles, unit: 'cycles', note: `${(hit.ns / 1e6).toFixed(3)} ms simulated; ${note}` } : SKIP(name, 'symbol not reached');
  return [
    row(names[0], main, 'boot2, runtime init (clocks, pico-sdk) up to main()'),
    row(names[1], setup, 'main, the USB stack and the debugger wait up to modRunMachineSetup()'),
    usbNs === undefined
      ? SKIP(names[2], 'not within 1 s')
      : { name: names[2], value: usbNs / 1e6, unit: 'ms', note: "simulated time from reset until rp2040js's USB host model configured the CDC interface" },
  ];
}

export async function run() {
  const rows = haveArmGcc() ? await speedRows() : [SKIP('rp2040js MIPS', 'arm-none-eabi-gcc not installed')];
  return [...rows, ...(await moddableRows())];
}
