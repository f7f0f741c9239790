// vllsi inspect against the simulated rpi-pico running the console firmware, over TCP.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { runInspect, startSimConsole, type SimConsole } from './sim-console.js';

let sim: SimConsole;
let port: string;
const dir = mkdtempSync(path.join(os.tmpdir(), 'vllsi-inspect-'));

const tokenFile = path.join(dir, 'token');

beforeAll(async () => {
  sim = await startSimConsole();
  port = `tcp://127.0.0.1:${sim.port}`;
  writeFileSync(tokenFile, sim.token + '\n', { mode: 0o600 });
});
afterAll(async () => {
  await sim.stop();
  rmSync(dir, { recursive: true });
});

const inspect = runInspect;

describe('vllsi inspect over tcp:// (simulated rpi-pico)', () => {
  it('list needs no device and names the peripherals', async () => {
    const r = await inspect('list', '--json');
    expect(r.code).toBe(0);
    const list = JSON.parse(r.out);
    expect(list.device).toBe('RP2040');
    expect(list.peripherals.find((p: { name: string }) => p.name === 'SIO').base).toBe(0xd0000000);
  });

  it('read decodes IO_BANK0.GPIO25_CTRL: blink set FUNCSEL to sio_25', async () => {
    const r = await inspect('--port', port, 'read', 'IO_BANK0.GPIO25_CTRL', '--json');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out);
    expect(j.address).toBe(0x400140cc);
    expect(j.reset).toBe(0x1f);
    expect(j.fields.find((f: { name: string }) => f.name === 'FUNCSEL')).toMatchObject({ value: 5, enum: 'sio_25' });
  });

  it('read follows the simulated GPIO input (SIO.GPIO_IN) and accepts an address in the map', async () => {
    // rp2040js starts the pads with input disabled: enable GPIO4's through the console first.
    expect((await inspect('--port', port, '--token-file', tokenFile, 'write', 'PADS_BANK0.GPIO4.IE=1')).code).toBe(0);
    sim.board.gpio(4).drive(true);
    const r = await inspect('--port', port, 'read', '0xd0000004', '--json');
    expect(JSON.parse(r.out).register).toBe('SIO.GPIO_IN');
    expect((JSON.parse(r.out).value >>> 4) & 1).toBe(1);
    sim.board.gpio(4).drive(false);
  });

  it('field and register writes change the simulated GPIO state; writes need the token', async () => {
    const wrong = path.join(dir, 'wrong');
    writeFileSync(wrong, 'not-the-token');
    expect((await inspect('--port', port, '--token-file', wrong, 'write', 'SIO.GPIO_OE_SET=0x4000')).err).toMatch(/DeviceError: device refused: TOKEN/);
    await sim.board.runFor('1s'); // the console backs off after a failed unlock
    const t = ['--port', port, '--token-file', tokenFile];
    expect((await inspect(...t, 'write', 'IO_BANK0.GPIO14_CTRL.FUNCSEL=sio_14')).code).toBe(0);
    expect((await inspect(...t, 'write', 'SIO.GPIO_OE_SET=0x4000')).code).toBe(0);
    expect((await inspect(...t, 'write', 'SIO.GPIO_OUT_SET=0x4000')).code).toBe(0);
    expect(sim.board.gpio(14).isOutput).toBe(true);
    expect(sim.board.gpio(14).level).toBe(true);
    expect((await inspect(...t, 'write', 'SIO.GPIO_OUT_CLR=0x4000')).code).toBe(0);
    expect(sim.board.gpio(14).level).toBe(false);
    // Read-modify-write keeps the other fields: OUTOVER=HIGH leaves FUNCSEL at sio_14 and drives the pin.
    expect((await inspect(...t, 'write', 'IO_BANK0.GPIO14_CTRL.OUTOVER=HIGH')).code).toBe(0);
    expect(sim.board.gpio(14).level).toBe(true);
    const ctrl = JSON.parse((await inspect('--port', port, 'read', 'IO_BANK0.GPIO14_CTRL', '--json')).out);
    expect(ctrl.value).toBe((3 << 8) | 5);
  });

  it('write refuses read-only fields and fields of write-only registers before touching the device', async () => {
    const t = ['--port', port, '--token-file', tokenFile];
    const ro = await inspect(...t, 'write', 'SIO.CPUID.CPUID=1');
    expect([ro.code, ro.err]).toEqual([1, expect.stringMatching(/RegisterMapError: .*read-only/)]);
  });

  it('dump reads a whole peripheral; side-effect and unmodelled registers are marked, not fatal', async () => {
    const r = await inspect('--port', port, 'dump', 'UART0', '--json');
    expect(r.code).toBe(0);
    const rows = JSON.parse(r.out).registers as { register: string; value?: number; skipped?: string }[];
    const by = Object.fromEntries(rows.map((x) => [x.register, x]));
    expect(by['UART0.UARTCR']!.value).toBe(0x301);
    expect(by['UART0.UARTDR']!.skipped).toMatch(/side effects/);
    expect(by['UART0.UARTIBRD']!.value).toBe(67);
  });

  it('watch prints each change with a timestamp (the blink LED on SIO.GPIO_OUT)', async () => {
    const r = await inspect('--port', port, 'watch', 'SIO.GPIO_OUT', '--interval', '5', '--count', '2', '--json');
    const lines = r.out.split('\n').map((l) => JSON.parse(l));
    expect(lines).toHaveLength(3);
    expect(lines[0].time).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(lines[1].value ^ lines[2].value).toBe(1 << 25);
  });

  it('snapshot and diff: register by register, field by field', async () => {
    const a = path.join(dir, 'a.json');
    const b = path.join(dir, 'b.json');
    expect((await inspect('--port', port, 'snapshot', '-o', a, 'IO_BANK0,SIO')).code).toBe(0);
    const snap = JSON.parse(readFileSync(a, 'utf8'));
    expect(snap.values['IO_BANK0.GPIO25_CTRL']).toBe(5);
    snap.values['IO_BANK0.GPIO25_CTRL'] = 2;
    writeFileSync(b, JSON.stringify(snap));
    const d = await inspect('diff', a, b, '--json');
    expect(d.code).toBe(1);
    const ch = JSON.parse(d.out).changes;
    expect(ch).toHaveLength(1);
    expect(ch[0].fields).toEqual([{ name: 'FUNCSEL', from: 5, to: 2, fromEnum: 'sio_25', toEnum: 'uart1_rx' }]);
    expect((await inspect('diff', a, a)).code).toBe(0);
  });

  it('clear errors: outside the map, unknown register, refused connection, absent serial port, silent device', async () => {
    expect((await inspect('--port', port, 'read', '0x12345678')).err).toMatch(/outside the RP2040 register map/);
    expect((await inspect('--port', port, 'read', 'SIO.NOPE')).err).toMatch(/no register "NOPE" in SIO/);
    expect((await inspect('--port', 'tcp://127.0.0.1:1', 'dump', 'SIO')).err).toMatch(/LinkError: .*connection refused/);
    expect((await inspect('--port', '/dev/ttyNOPE', 'dump', 'SIO')).err).toMatch(/LinkError: \/dev\/ttyNOPE: no such serial port/);
    const silent = net.createServer(() => {});
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    const r = await inspect('--port', `tcp://127.0.0.1:${(silent.address() as net.AddressInfo).port}`, '--timeout', '200', 'dump', 'SIO');
    expect(r.err).toMatch(/InspectError: .*no console answered within 200 ms/);
    silent.close();
    expect((await inspect('dump', 'SIO')).code).toBe(2);
  });
});
