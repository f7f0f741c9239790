// Boards as data: the shipped descriptions load; malformed ones are typed errors.
import { describe, expect, it } from 'vitest';
import { boardNames, loadBoard, parseBoard } from '../../boards/index.js';
import { BoardError } from '../../boards/index.js';
import { createBoard } from '../../host-sim/index.js';
import pico from '../../boards/rpi-pico/board.json' with { type: 'json' };

describe('board data', () => {
  it('ships rpi-pico and esp32-devkitc, both dual-core, with their console and LED', () => {
    expect(boardNames).toEqual(['rpi-pico', 'esp32-devkitc']);
    const p = loadBoard('rpi-pico');
    expect([p.chip, p.cores, p.wordSize, p.led.pin, p.console.uart, p.spinlocks.count]).toEqual(['rp2040', 2, 32, 25, 0, 32]);
    expect(p.irqs.TIMER_IRQ_0).toBe(0);
    expect(p.memory.find((m) => m.kind === 'ram')).toMatchObject({ base: 0x20000000, size: 264 * 1024 });
    const e = loadBoard('esp32-devkitc');
    expect([e.chip, e.cores, e.led.pin, e.irqs.TG0_T0_LEVEL, e.irqs.UART0, e.pageSize]).toEqual(['esp32', 2, 2, 14, 34, 65536]);
  });

  it('an unknown board is a typed error naming the known ones', () => {
    expect(() => loadBoard('uno')).toThrow(/known boards: rpi-pico, esp32-devkitc/);
  });

  const broken: [string, (b: any) => void, RegExp][] = [
    ['bad chip', (b) => (b.chip = 'avr'), /chip must be/],
    ['bad hex', (b) => (b.memory[0].base = '0xZZ'), /memory\[0\]\.base/],
    ['overlap', (b) => (b.memory[1].base = '0x00002000'), /overlaps/],
    ['irq out of range', (b) => (b.peripherals[0].irqs = { X: 99 }), /not below irqCount/],
    ['led pin out of range', (b) => (b.led.pin = 30), /led\.pin = 30/],
    ['page size', (b) => (b.pageSize = 3000), /power of two/],
    ['bad widths', (b) => (b.memory[0].widths = [3]), /widths/],
  ];
  it.each(broken)('rejects %s', (_what, mutate, msg) => {
    const b = structuredClone(pico);
    mutate(b);
    expect(() => parseBoard(b)).toThrow(BoardError);
    expect(() => parseBoard(b)).toThrow(msg);
  });

  it('a description naming a model the simulator lacks cannot be built', () => {
    const b = structuredClone(pico) as any;
    b.peripherals[0].model = 'esp32-uart';
    expect(() => createBoard(b)).toThrow(/not an RP2040 model/);
  });
});
