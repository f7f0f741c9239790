// `vllsi sim` and `vllsi inspect` as a user runs them (the real binary, outside the repo): the
// console as a person reads it, the shared tcp spelling, --pins, --trace and --console stdin.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { built, needsBuild, removeUserDirs, root, userDir, vllsi, vllsiAsync, vllsiProcess } from './vllsi-bin.js';

const STAMP = /^\[\d+\.\d{9} s\] /;

/** An app that drives GPIO 2 and 16 through SIO (a pulse on 2, 16 stays high). */
const PINS_APP = `import { peripheral, type AppMain } from 'vllsi';
import { IO_BANK0, RESETS, SIO } from 'vllsi/registers/rp2040';
const main: AppMain = () => {
  const resets = peripheral(RESETS);
  resets.RESET.atomicClear({ IO_BANK0: 1 });
  while (!resets.RESET_DONE.matches({ IO_BANK0: 1 }));
  const io = peripheral(IO_BANK0), sio = peripheral(SIO);
  io.GPIO_CTRL[2].write({ FUNCSEL: 5 });
  io.GPIO_CTRL[16].write({ FUNCSEL: 5 });
  sio.GPIO_OE_SET.write((1 << 2) | (1 << 16));
  sio.GPIO_OUT_SET.write((1 << 2) | (1 << 16));
  sio.GPIO_OUT_CLR.write(1 << 2);
};
export default main;
`;

describe.skipIf(!built)(`vllsi sim, as a user runs it${needsBuild}`, () => {
  afterAll(removeUserDirs);

  it('--console: inspect connects with either spelling; the console traffic stays off the terminal unless --verbose, then decoded; timestamps stay whole', async () => {
    const home = userDir();
    for (const verbose of [false, true]) {
      const sim = vllsiProcess(['sim', '--console', 'tcp://127.0.0.1:0', '--duration', '30s', ...(verbose ? ['--verbose'] : [])], home);
      try {
        const port = (await sim.waitFor(/console UART0 on tcp:\/\/127\.0\.0\.1:(\d+)/))[1]!;
        // A generous per-request timeout: the machine may be busy (the paced sim is real time).
        const chip = await vllsiAsync(['inspect', '--timeout', '10000', '--port', `tcp:${port}`, 'read', 'SYSINFO.CHIP_ID'], { cwd: home });
        expect(chip.err).toBe('');
        // Every field read-only: the register reads as read-only (the SVD says read-write).
        expect(chip.out).toMatch(/^SYSINFO\.CHIP_ID @ 0x40000000 = 0x[0-9a-f]{8} {2}\(read-only, reset/);
        const dump = await vllsiAsync(['inspect', '--timeout', '10000', '--port', `tcp://localhost:${port}`, 'dump', 'TIMER'], { cwd: home });
        expect(dump.err).toBe('');
        expect(dump.out).toMatch(/TIMER\.TIMEHW\s+0x40054000 {2}\(write-only\)/);
        expect(dump.out).not.toMatch(/bus fault: bus fault/);
        await sim.waitFor(/tick 2: led off/);
      } finally {
        await sim.stop();
      }
      const lines = sim.out.split('\n').filter((l) => l.startsWith('['));
      for (const l of lines) expect(l).toMatch(STAMP);
      // The inspector's requests and the device's answers (text and binary frames).
      const traffic = lines.filter((l) => / console (->|<-) /.test(l));
      if (!verbose) {
        expect(traffic).toEqual([]);
        expect(sim.out).not.toMatch(/\uFFFD|[\x00-\x08\x0e-\x1f]|\xa5Z|OK$/m);
      } else {
        // Blink's tick line may come first: it shares the firmware's output queue with the answers.
        expect(traffic.join('\n')).toMatch(/console -> info\n(.*console <- tick \d+: led \w+\n)?.*console <- board rpi-pico/);
        expect(traffic.join('\n')).toMatch(/console -> :r [0-9a-f]+ 32 40000000 1$/m);
        expect(traffic.join('\n')).toMatch(/console <- 1 value \(#[0-9a-f]+\): 0x[0-9a-f]{8}$/m);
        // dump's bulk read meets a register the simulator does not model: the error frame, decoded.
        expect(traffic.join('\n')).toMatch(/console -> :m [0-9a-f]+ 32 40054008 [0-9a-f]+$/m);
        expect(traffic.join('\n')).toMatch(/console <- error BUS .*does not model this register .*\(#[0-9a-f]+\)$/m);
      }
    }
  }, 120_000);

  it('--console with an app that does not serve the console says so at start', async () => {
    const home = userDir();
    const r = await vllsiAsync(['sim', '--console', 'tcp:0', '--duration', '300ms', path.join(root, 'examples/blink')], { cwd: home });
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/vllsi sim: warning: .*examples\/blink does not answer on its console UART0 \(no console service in it\?\)/);
    const ok = await vllsiAsync(['sim', '--console', 'tcp:0', '--duration', '300ms'], { cwd: home });
    expect(ok.out).not.toMatch(/warning/);
  }, 60_000);

  it('--console stdin: what the pipe sends reaches the console UART and the answers are printed', () => {
    const home = userDir();
    const r = vllsi(['sim', '--console', 'stdin', '--duration', '200ms'], { cwd: home, input: 'info\r\nread SIO.CPUID\n' });
    expect(r.err).toBe('');
    expect(r.out).toMatch(/console -> read SIO\.CPUID\n[\s\S]*console <- SIO\.CPUID 0xd0000000 = 0x00000000 \(read-only, reset/);
    expect(r.out.match(/console <- board rpi-pico/g)).toHaveLength(2); // the start-up probe and the pipe's info
  });

  it("--pins prints any GPIO's level changes; --pins all too; bad pins are refused", () => {
    const home = userDir();
    mkdirSync(path.join(home, 'pins'));
    writeFileSync(path.join(home, 'pins/index.ts'), PINS_APP);
    const some = vllsi(['sim', '--duration', '1ms', '--pins', '2,16', 'pins'], { cwd: home });
    expect(some.err).toBe('');
    expect(
      some.out
        .split('\n')
        .filter((l) => / GPIO\d+ -> /.test(l))
        .map((l) => l.replace(STAMP, '')),
    ).toEqual(['GPIO2 -> high', 'GPIO16 -> high', 'GPIO2 -> low']);
    const all = vllsi(['sim', '--duration', '1ms', '--pins', 'all', 'pins'], { cwd: home });
    expect(all.out).toMatch(/GPIO16 -> high/);
    expect(all.out).not.toMatch(/LED GPIO25/); // this app never drives the LED
    expect(vllsi(['sim', '--pins', '30', 'pins'], { cwd: home }).err).toMatch(/--pins takes GPIO numbers 0-29 of rpi-pico/);
  });

  it('--trace prints the accesses of the named peripherals, by register name, in time order', () => {
    const home = userDir();
    const r = vllsi(['sim', '--duration', '600ms', '--trace', 'sio'], { cwd: home });
    expect(r.err).toBe('');
    const traced = r.out.split('\n').filter((l) => / core\d (read |write|FAULT)/.test(l));
    expect(traced.length).toBeGreaterThan(3);
    for (const l of traced) expect(l).toMatch(/^\[\d+\.\d{9} s\] core0 (read  SIO\.\S+ -> |write SIO\.\S+ <- )0x[0-9a-f]{8}$/);
    expect(r.out).toMatch(/write SIO\.GPIO_OUT_XOR <- 0x02000000\n.*LED GPIO25 -> on/);
    const times = r.out
      .split('\n')
      .filter((l) => STAMP.test(l))
      .map((l) => Number(/^\[(\S+) s\]/.exec(l)![1]));
    expect(times).toEqual([...times].sort((a, b) => a - b));
    expect(vllsi(['sim', '--trace', 'SOI'], { cwd: home }).err).toMatch(/--trace: no peripheral 'SOI' on rpi-pico; did you mean SIO/);
  });
});
