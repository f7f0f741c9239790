// The XS device harness (tools/xs-device.ts) behaves like the chip: preloaded objects are in
// flash, only Moddable's globals exist, the XS heap has the Pico's budget and JS takes simulated
// time. Each fixture gets past the build-time check (test/tools/preload-check.test.ts) on purpose:
// what it does is visible only when it runs. The examples' regression tests (defects 1-7 of
// issue 12) run here too, because only this harness can show them.
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { XsDevice, XsAppError, XsMemoryFull } from '../../tools/xs-device.js';
import { packageRoot } from '../../tools/moddable.js';
import { ensureBuilt } from './moddable-project.js';

beforeAll(ensureBuilt, 120_000);

const fixture = (name: string) => path.join(packageRoot, 'test/tools/fixtures/xs-device', name);

async function booted(appDir: string | undefined, options: { costNsPerComputron?: number; io?: 'vllsi' } = {}, board = 'rpi-pico'): Promise<XsDevice> {
  const device = await XsDevice.start(board, { ...(appDir && { appDir }), ...options });
  try {
    await device.boot();
  } catch (e) {
    await device.close();
    throw e;
  }
  return device;
}

describe('the device harness', () => {
  it('has only Moddable globals: TextEncoder is undefined, as on the device', async () => {
    await expect(booted(fixture('hidden-global'))).rejects.toThrow(XsAppError);
  });

  it('a preloaded Map is read-only after preload (set throws as on the device)', async () => {
    await expect(booted(fixture('rom-map'))).rejects.toThrow(/read-only Map instance \(in set\)/);
  });

  it('a preloaded object is frozen after preload', async () => {
    await expect(booted(fixture('rom-object'))).rejects.toThrow(/set n: not writable/);
  });

  it('the Pico XS heap is creation.static less the stack; past it the run ends with memory full', async () => {
    const e = await booted(fixture('big-heap')).catch((err: unknown) => err);
    expect(e).toBeInstanceOf(XsMemoryFull);
    expect((e as XsMemoryFull).budgetBytes).toBe(131072 - 512 * 16);
    expect((e as XsMemoryFull).message).toMatch(/^XS abort: memory full on rpi-pico/);
  });

  it('JS time is charged in simulated time, in proportion to the cost model', async () => {
    const times = [];
    for (const cost of [500, 1000]) {
      const device = await booted(fixture('busy-boot'), { costNsPerComputron: cost });
      times.push(device.board.now);
      expect(device.jsNs).toBeGreaterThan(0);
      await device.close();
    }
    expect(times[1]! / times[0]!).toBeCloseTo(2, 1);
  });
});

describe('the examples under the device model (issue 12 defects)', () => {
  it('blink boots within the heap (defects 1, 3, 4, 5) and its heap after boot is a fraction of the budget', async () => {
    const device = await booted(undefined);
    try {
      expect(device.heapBytes).toBeLessThan(device.budgetBytes! / 2);
      await device.runFor('600ms');
      expect(device.board.console.lines[0]).toMatch(/^blink ready on rpi-pico/);
    } finally {
      await device.close();
    }
  });

  it('blink keeps ticking when its handler is slower than its period (defect 6)', async () => {
    // At 20 us per computron the handler takes longer than its 250 ms: deadlines that passed are skipped.
    const device = await booted(undefined, { costNsPerComputron: 20_000 });
    try {
      await device.runFor('10s');
      const ticks = device.board.console.lines.filter((l) => l.startsWith('tick'));
      expect(ticks.length).toBeGreaterThan(3);
      expect(ticks.length).toBeLessThan(40); // fewer than one per period: the handler is the bottleneck
    } finally {
      await device.close();
    }
  });

  it('sensor keeps sampling with a handler slower than its period, and sets its UART up (defects 6, 7)', async () => {
    const device = await booted(path.join(packageRoot, 'examples/sensor'), { costNsPerComputron: 5_000 });
    try {
      await device.runFor('3s');
      const samples = device.board.console.lines.filter((l) => l.startsWith('sample'));
      expect(samples.length).toBeGreaterThan(5);
      const { hal } = device.board;
      // UART0 at 115200 baud from 125 MHz (IBRD 67, FBRD 52), GPIO0/1 FUNCSEL 2 (UART).
      expect([hal.load32(0x40034024), hal.load32(0x40034028)]).toEqual([67, 52]);
      expect([hal.load32(0x40014004) & 0x1f, hal.load32(0x4001400c) & 0x1f]).toEqual([2, 2]);
    } finally {
      await device.close();
    }
  });

  it('examples/console serves the register console with its map preloaded (defect 8), within the heap', async () => {
    const device = await booted(path.join(packageRoot, 'examples/console'));
    try {
      await device.runFor('100ms');
      device.board.console.write('read SIO.GPIO_OE\n');
      await device.runFor('300ms');
      expect(device.board.console.lines).toContain('SIO.GPIO_OE 0xd0000020 = 0x02000000 (read-write, reset 0x00000000)');
      expect(device.heapBytes).toBeLessThan(device.budgetBytes! / 2);
    } finally {
      await device.close();
    }
  });
});

describe("Moddable apps built with --io vllsi (examples/io): vllsi's classes and provider, preloaded, under the device model", () => {
  const io = (name: string) => path.join(packageRoot, 'examples/io', name);

  it('blink on rpi-pico: Timer.repeat on simulated time, the inlined SIO store toggles the LED every 250 ms, trace lines', async () => {
    const device = await booted(io('blink'), { io: 'vllsi' });
    try {
      const traced: string[] = [];
      device.board.onDebug((t) => traced.push(t));
      const edges: number[] = [];
      device.board.led.onChange((level, t) => edges.push(t));
      const start = device.board.now;
      await device.runFor('1100ms');
      // 250 ms apart, the first 250 ms after the timer was set in boot (plus the handler's JS time before its store).
      expect(edges).toHaveLength(4);
      expect(edges.map((t) => Math.round((t - edges[0]!) / 1e6))).toEqual([0, 250, 500, 750]);
      expect((edges[0]! - start) / 1e6).toBeCloseTo(250, -1);
      expect(traced.join('')).toBe('led 1\nled 0\nled 1\nled 0\n');
      expect(device.calls.has('xs_vllsi_store32')).toBe(true);
      expect(device.heapBytes).toBeLessThan(device.budgetBytes! / 2);
    } finally {
      await device.close();
    }
  });

  it("button on rpi-pico: the pin's edges reach onReadable through the IRQ queue; the LED follows the press", async () => {
    const device = await booted(io('button'), { io: 'vllsi' });
    try {
      const traced: string[] = [];
      device.board.onDebug((t) => traced.push(t));
      await device.runFor('1ms');
      expect(device.board.led.level).toBe(false);
      device.board.gpio(15).drive(false);
      await device.runFor('1ms');
      expect(device.board.led.level).toBe(true);
      device.board.gpio(15).release();
      await device.runFor('1ms');
      expect(device.board.led.level).toBe(false);
      expect(traced.join('')).toBe('button down\nbutton up\n');
    } finally {
      await device.close();
    }
  });

  it('blink on esp32-devkitc: GPIO2 through W1TS/W1TC', async () => {
    const device = await booted(io('blink'), { io: 'vllsi' }, 'esp32-devkitc');
    try {
      const edges: number[] = [];
      device.board.led.onChange((_l, t) => edges.push(t));
      await device.runFor('800ms');
      expect(edges.map((t) => Math.round((t - edges[0]!) / 1e6))).toEqual([0, 250, 500]);
    } finally {
      await device.close();
    }
  });
});
