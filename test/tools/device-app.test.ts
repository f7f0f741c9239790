// The project `vllsi build` writes, linked as mcconfig would link it, run in real XS
// (xsnap). (Its own file: tools/xs.js locks down the globals, console included.)
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBoard } from '../../host-sim/index.js';
import { writeProject } from '../../tools/moddable.js';
// @ts-expect-error plain JS build tooling
import { xsWorker } from '../../tools/xs.js';
import { ensureBuilt, linkProject, resolveProject } from './moddable-project.js';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'vllsi-device-app-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

beforeAll(ensureBuilt, 120_000);

// The generated app, linked as mcconfig would link it, runs in real XS (xsnap). The chip
// is the host simulator: each native("xs_vllsi_…") becomes a synchronous call to Node
// (issueCommand) that does what vllsi_xs.c does on the board, against the simulated
// board; an IRQ the simulator raises is masked and queued as the native ISR does, and
// handed to the XS dispatcher as Moddable's message loop would.
describe('the built app in real XS on a simulated chip', () => {
  it.each(['rpi-pico', 'esp32-devkitc'])('%s: blink prints ready, then ticks from its timer IRQ', async (name) => {
    const dir = path.join(tmp, name);
    writeProject({ board: name, outDir: dir, profile: 'embedded' });
    const project = resolveProject(dir, name === 'rpi-pico' ? 'pico' : 'esp32');
    const app = await linkProject(project, 'iife');

    const board = createBoard(name);
    const hal = board.hal;
    const queued: number[] = [];
    const refused = <T>(f: () => T, fallback: T): T => {
      try {
        return f();
      } catch (e) {
        if ((e as { kind?: string }).kind === 'BusFault') return fallback;
        throw e;
      }
    };
    const natives: Record<string, (...a: never[]) => unknown> = {
      xs_vllsi_load8: (a: number) => refused(() => hal.load8(a), undefined),
      xs_vllsi_load16: (a: number) => refused(() => hal.load16(a), undefined),
      xs_vllsi_load32: (a: number) => refused(() => hal.load32(a), undefined),
      xs_vllsi_store8: (a: number, v: number) => refused(() => (hal.store8(a, v), true), false),
      xs_vllsi_store16: (a: number, v: number) => refused(() => (hal.store16(a, v), true), false),
      xs_vllsi_store32: (a: number, v: number) => refused(() => (hal.store32(a, v), true), false),
      xs_vllsi_dmb: () => hal.dmb(),
      xs_vllsi_dsb: () => hal.dsb(),
      xs_vllsi_isb: () => hal.isb(),
      xs_vllsi_interrupts_save: () => hal.interruptsSave(),
      xs_vllsi_interrupts_restore: (s: number) => hal.interruptsRestore(s),
      xs_vllsi_interrupts_enable: () => hal.interruptsEnable(),
      xs_vllsi_chip: () => board.spec.chip,
      xs_vllsi_core_count: () => hal.coreCount,
      xs_vllsi_core_id: () => hal.coreId(),
      xs_vllsi_irq_count: () => board.spec.irqCount,
      xs_vllsi_spinlock_count: () => hal.spinlockCount,
      xs_vllsi_spinlock_try_claim: (n: number) => hal.spinlockTryClaim(n),
      xs_vllsi_spinlock_release: (n: number) => hal.spinlockRelease(n),
      xs_vllsi_cs_acquire: () => hal.interruptsSave(),
      xs_vllsi_cs_release: (t: number) => hal.interruptsRestore(t),
      xs_vllsi_now_ns: () => hal.nowNs(),
      xs_vllsi_irq_attach: (irq: number, attach: boolean) => {
        hal.irqSetHandler(irq, attach ? (i) => (hal.irqSetEnabled(i, false), void queued.push(i)) : undefined);
        return 0;
      },
      xs_vllsi_irq_set_enabled: (irq: number, on: boolean) => (hal.irqSetEnabled(irq, on), 0),
      trace: () => undefined,
    };
    const calls = new Set<string>();
    const worker: { compute(code: string): Promise<number>; close(): Promise<void> } = await xsWorker({
      onCommand: (msg: Uint8Array) => {
        const [fn, args] = JSON.parse(new TextDecoder().decode(msg)) as [string, never[]];
        calls.add(fn);
        const f = natives[fn];
        if (f === undefined) throw new Error(`the app called an unknown native ${fn}`);
        const r = f(...args);
        return new TextEncoder().encode(r === undefined ? '' : JSON.stringify(r));
      },
    });
    try {
      await worker.compute(`
        const enc = new TextEncoder(), dec = new TextDecoder();
        const call = (fn, args) => { const t = dec.decode(issueCommand(enc.encode(JSON.stringify([fn, args])).buffer)); return t === '' ? undefined : JSON.parse(t); };
        globalThis.native = (fn) => fn === 'xs_vllsi_init' ? (d) => { globalThis.dispatchIrq = d; } : (...args) => call(fn, args);
        globalThis.trace = (text) => call('trace', [text]);`);
      await worker.compute(app);
      for (let step = 0; step < 40 && !board.console.output.includes('tick 3'); step++) {
        board.runFor('25ms');
        if (queued.length) await worker.compute(`for (const irq of ${JSON.stringify(queued.splice(0))}) dispatchIrq(irq);`);
      }
      expect(board.console.lines[0]).toMatch(new RegExp(`^blink ready on ${name}: LED on GPIO\\d+`));
      expect(board.console.lines.filter((l) => l.startsWith('tick'))).toEqual(['tick 1: led on', 'tick 2: led off', 'tick 3: led on']);
      expect(calls).toContain('xs_vllsi_irq_attach');
    } finally {
      await worker.close();
    }
  });
});

