// emulate(): vllsi's bare-metal test firmware (built here with arm-none-eabi-gcc) running on
// rp2040js's Cortex-M0+, asserted through the simulate()-shaped test API: UART0 lines, the LED
// toggled by the TIMER interrupt, a pin driven from outside read back by the firmware, the
// console bridge with inspect traffic, and the typed reports of a fault, a lockup, a silent
// firmware and a missing bootrom.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConsoleClient } from '../../tools/inspect/client.js';
import { FrameReader, FrameType, type Frame } from '../../src/console/protocol.js';
import { BootromMissing, FirmwareError, FirmwareSilent, HardFault, Lockup, SimTimeout, emulate, type EmulatedBoard } from '../../host-sim/index.js';
import { InvalidArgument } from '../../src/errors.js';
import { encodeUf2 } from '../../host-sim/firmware.js';
import { boot2Crc } from '../../host-sim/emulator.js';
import { buildTestFirmware, haveArmGcc } from '../../tools/test-firmware.js';
import { runInspect, serveWhileRunning } from '../inspect/sim-console.js';

const gcc = haveArmGcc();
if (!gcc) console.warn('SKIP emulate tests: arm-none-eabi-gcc is not installed (apt-get install gcc-arm-none-eabi); CI installs it');

function thrown(f: () => unknown): Error {
  try {
    f();
  } catch (e) {
    return e as Error;
  }
  throw new Error('did not throw');
}

/** Sends a console machine read over UART0 and returns the values frame's payload. */
async function machineRead(board: EmulatedBoard, line: string): Promise<Frame> {
  const frames: Frame[] = [];
  const reader = new FrameReader(
    (f) => frames.push(f),
    () => {},
  );
  const off = board.uart(0).onByte((b) => reader.push(Uint8Array.of(b)));
  board.uart(0).write(`${line}\n`);
  board.runUntil(board.now + 20e6, () => frames.length > 0);
  off();
  expect(frames).toHaveLength(1);
  return frames[0]!;
}

describe.skipIf(!gcc)('emulate(): the test firmware on an emulated RP2040', () => {
  // These runs are without a bootrom, whatever the environment names.
  const env = process.env.VLLSI_RP2040_BOOTROM;
  beforeAll(() => void delete process.env.VLLSI_RP2040_BOOTROM);
  afterAll(() => void (env !== undefined && (process.env.VLLSI_RP2040_BOOTROM = env)));

  it('starts at its own vector table without a bootrom, prints on UART0 and toggles the LED from the TIMER interrupt', async () => {
    const fw = buildTestFirmware('normal');
    const board = await emulate('rpi-pico', { firmware: fw.uf2 });
    const changes: [boolean, number][] = [];
    board.led.onChange((level, t) => changes.push([level, t]));
    expect(await board.uart(0).waitForLine(/ready/, { timeout: '1ms' })).toBe('vllsi test firmware ready');
    board.runFor('31ms');
    // TOGGLE_US = 5000: each toggle 5 ms after the last (the handler re-arms ALARM0 from TIMERAWL,
    // so each period is 5 ms plus the handler's few cycles up to that read; alarms fall due on the
    // exact microsecond, so no drift).
    expect(changes.map(([l]) => l)).toEqual([true, false, true, false, true, false]);
    for (let i = 1; i < changes.length; i++) {
      expect(changes[i]![1] - changes[i - 1]![1]).toBeGreaterThanOrEqual(5e6);
      expect(changes[i]![1] - changes[i - 1]![1]).toBeLessThan(5e6 + 2000);
    }
    expect(board.led.level).toBe(false);
    expect(board.gpio(25).isOutput).toBe(true);
    // Each toggle is an interrupt entry of TIMER_IRQ_0 (IRQ 0) and a write to SIO GPIO_OUT_XOR.
    const trace = board.trace.entries();
    expect(trace.filter((e) => e.op === 'irq-enter' && e.addr === 0)).toHaveLength(6);
    expect(trace.filter((e) => e.op === 'write' && e.addr === 0xd000001c && e.value === 1 << 25)).toHaveLength(6);
    expect(board.cycles).toBeGreaterThan(1000);
    board.dispose();
  });

  it('answers UART0 lines: echo, info, and a console machine read of a pin driven from outside', async () => {
    const board = await emulate('rpi-pico', { firmware: buildTestFirmware('normal').elf });
    await board.uart(0).waitForLine(/ready/);
    board.uart(0).write('hello, firmware\r\n');
    expect(await board.uart(0).waitForLine(/^echo/, { timeout: '5ms' })).toBe('echo: hello, firmware');
    board.uart(0).write('info\n');
    expect(await board.uart(0).waitForLine(/^OK$/)).toBe('OK');
    expect(board.uart(0).lines).toContain('board rpi-pico');

    board.gpio(7).drive(true);
    let frame = await machineRead(board, ':r 5 32 d0000004 1'); // SIO GPIO_IN
    expect(frame.type).toBe(FrameType.Values);
    expect(frame.seq).toBe(5);
    const gpioIn = () => new DataView(frame.payload.buffer, frame.payload.byteOffset).getUint32(0, true);
    expect(gpioIn() & (1 << 7)).toBe(1 << 7);
    board.gpio(7).drive(false);
    frame = await machineRead(board, ':r 6 32 d0000004 1');
    expect(gpioIn() & (1 << 7)).toBe(0);
    frame = await machineRead(board, ':r 7 32 30000000 1');
    expect(frame.type).toBe(FrameType.Error); // the firmware refuses what it would fault on
  });

  it('bridges UART0 to TCP: vllsi inspect reads registers of the running firmware', async () => {
    const board = await emulate('rpi-pico', { firmware: buildTestFirmware('normal').uf2 });
    await board.uart(0).waitForLine(/ready/);
    const tcp = await serveWhileRunning(board, board.emulator.clock, board.uart(0).port);
    try {
      const client = await ConsoleClient.connect(`tcp://127.0.0.1:${tcp.port}`);
      const values = await client.readValues(32, [0xd0000010, 0xd0000014, 0x40054028]); // GPIO_OUT, GPIO_OUT_SET, TIMERAWL
      expect(values.get(0xd0000010)! & ~(1 << 25)).toBe(0);
      await client.close();
      const r = await runInspect('--port', `tcp://127.0.0.1:${tcp.port}`, 'read', 'IO_BANK0.GPIO25_CTRL', '--json');
      expect(r.err).toBe('');
      expect(JSON.parse(r.out)).toMatchObject({ register: 'IO_BANK0.GPIO25_CTRL', address: 0x400140cc, value: 5 }); // FUNCSEL = SIO
    } finally {
      await tcp.stop();
    }
  });

  it('reports a HardFault with the faulting PC and its symbol, after the handler printed; every later run throws it again', async () => {
    const board = await emulate('rpi-pico', { firmware: buildTestFirmware('fault').uf2 });
    const e = thrown(() => board.runFor('100ms'));
    expect(e).toBeInstanceOf(HardFault);
    const f = e as HardFault;
    expect(f.symbol).toMatch(/^fault_now\+0x[0-9a-f]+$/);
    expect(f.reason).toBe('bus error: read of unmapped address 0xf0000000');
    expect(f.message).toMatch(/^HardFault at PC 0x1000[0-9a-f]{4} \(fault_now\+0x[0-9a-f]+\): bus error/);
    expect(f.atNs).toBeGreaterThan(15e6); // after three 5 ms toggles
    expect(board.uart(0).lines).toEqual(['vllsi test firmware ready', 'faulting now', 'HardFault handler']);
    expect(
      board.trace
        .entries()
        .filter((t) => t.op === 'irq-enter')
        .at(-1)!.addr,
    ).toBe(3);
    expect(thrown(() => board.runFor('1ms'))).toBe(e);
  });

  it('reports a fault inside the HardFault handler as a lockup, with the fault it was handling', async () => {
    const board = await emulate('rpi-pico', { firmware: buildTestFirmware('lockup').elf });
    const e = thrown(() => board.runFor('100ms')) as Lockup;
    expect(e).toBeInstanceOf(Lockup);
    expect(e.symbol).toMatch(/^fault_now/);
    expect(e.first).toBeInstanceOf(HardFault);
    expect(e.message).toMatch(/^lockup at PC .* \(fault_now.*in the handler of a HardFault at PC/);
  });

  it('reports a firmware silent for the given simulated time with its PC, and a wait that times out says where the core is', async () => {
    const fw = buildTestFirmware('silent');
    const board = await emulate('rpi-pico', { firmware: fw.uf2, silence: '20ms' });
    const e = thrown(() => board.runFor('1s')) as FirmwareSilent;
    expect(e).toBeInstanceOf(FirmwareSilent);
    expect(e.symbol).toMatch(/^spin_forever\+0x/);
    expect(e.atNs - 20e6).toBeGreaterThanOrEqual(0);
    expect(e.atNs - 20e6).toBeLessThan(100); // within an instruction or two
    const quiet = await emulate('rpi-pico', { firmware: fw.elf });
    const t = await quiet
      .uart(0)
      .waitForLine('ready', { timeout: '5ms' })
      .then(
        () => new Error('no timeout'),
        (x: unknown) => x as Error,
      );
    expect(t).toBeInstanceOf(SimTimeout);
    expect(t.message).toMatch(/no line matching ready on UART0 within 0\.005000000 s .*the core is at PC 0x1000[0-9a-f]{4} \(spin_forever\+0x/);
  });

  it('needs the bootrom for an image with a boot2 stage, and stops a call into an absent bootrom', async () => {
    // A valid boot2 (CRC-32 of its first 252 bytes in the last 4), as pico-sdk images start.
    const boot2 = new Uint8Array(256).fill(0x46);
    new DataView(boot2.buffer).setUint32(252, boot2Crc(boot2.subarray(0, 252)), true);
    const withBoot2 = encodeUf2([{ address: 0x10000000, data: boot2 }]);
    await expect(emulate('rpi-pico', { firmware: withBoot2 })).rejects.toThrow(BootromMissing);
    await expect(emulate('rpi-pico', { firmware: withBoot2 })).rejects.toThrow(
      /boot2 stage .* give the RP2040 bootrom with --bootrom FILE or VLLSI_RP2040_BOOTROM/,
    );

    // Vector table, then: movs r0,#1; lsls r0,#8; adds r0,#1; bx r0 (into the ROM at 0x100).
    const code = new Uint8Array(256);
    const v = new DataView(code.buffer);
    v.setUint32(0, 0x20040000, true);
    v.setUint32(4, 0x10000009, true);
    [0x2001, 0x0200, 0x3001, 0x4700].forEach((op, i) => v.setUint16(8 + 2 * i, op, true));
    const board = await emulate('rpi-pico', { firmware: encodeUf2([{ address: 0x10000000, data: code }]) });
    const e = thrown(() => board.runFor('1ms'));
    expect(e).toBeInstanceOf(BootromMissing);
    expect(e.message).toMatch(/^the firmware called into the bootrom at 0x100 \(from 0x/);
  });

  it('refuses a bootrom file that is not one, a board that is not an RP2040, and a missing firmware file', async () => {
    const firmware = buildTestFirmware('normal').uf2;
    await expect(emulate('rpi-pico', { firmware, bootrom: new Uint8Array(100) })).rejects.toThrow(/is 100 bytes; the RP2040 bootrom is 16384/);
    await expect(emulate('rpi-pico', { firmware, bootrom: new Uint8Array(16384) })).rejects.toThrow(FirmwareError);
    await expect(emulate('esp32-devkitc', { firmware })).rejects.toThrow(InvalidArgument);
    await expect(emulate('rpi-pico', { firmware: '/nonexistent/app.uf2' })).rejects.toThrow(/\/nonexistent\/app.uf2: cannot read: ENOENT/);
  });
});
