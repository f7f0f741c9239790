// The interrupt controller at the simulator level: delivery at HAL-call
// boundaries, deferral while interrupts are masked (a critical section), priority
// preemption, level-triggered re-pending.
import { describe, expect, it } from 'vitest';
import { createBoard } from '../../host-sim/index.js';
import { SimHalted } from '../../host-sim/errors.js';
import { InvalidArgument } from '../../src/errors.js';

const RAM = 0x20000000;

describe('IRQ delivery', () => {
  it('delivers a raised, enabled IRQ at the next HAL call boundary', () => {
    const b = createBoard('rpi-pico');
    const log: string[] = [];
    b.hal.irqSetHandler(5, (n) => log.push(`irq ${n}`));
    b.hal.irqSetEnabled(5, true);
    b.irq(5).raise();
    log.push('before');
    b.hal.load32(RAM);
    log.push('after');
    expect(log).toEqual(['before', 'irq 5', 'after']);
    expect(b.irq(5).pending).toBe(false);
  });

  it('a disabled line stays pending until enabled', () => {
    const b = createBoard('rpi-pico');
    let hits = 0;
    b.hal.irqSetHandler(3, () => hits++);
    b.irq(3).raise();
    b.runFor('1ms');
    expect(hits).toBe(0);
    expect(b.irq(3).pending).toBe(true);
    b.hal.irqSetEnabled(3, true);
    expect(hits).toBe(1);
  });

  it('defers IRQs raised inside a critical section until the state is restored, then delivers them there', () => {
    const b = createBoard('esp32-devkitc');
    const log: string[] = [];
    b.hal.irqSetHandler(14, () => log.push('irq'));
    b.hal.irqSetEnabled(14, true);
    const outer = b.hal.interruptsSave();
    b.irq(14).raise();
    for (let i = 0; i < 10; i++) b.hal.load32(0x3ffae000);
    const inner = b.hal.interruptsSave(); // nested section
    b.hal.interruptsRestore(inner); // still masked: restores the outer (masked) state
    log.push('in section');
    b.runFor('1ms'); // idling does not deliver either
    expect(log).toEqual(['in section']);
    b.hal.interruptsRestore(outer);
    log.push('after restore');
    expect(log).toEqual(['in section', 'irq', 'after restore']);
    expect(outer).toBe(0);
    expect(inner).toBe(1);
  });

  it('a more urgent IRQ preempts a running handler; an equal or less urgent one waits', () => {
    const b = createBoard('rpi-pico');
    const log: string[] = [];
    b.irq(1).priority = 0x80;
    b.irq(2).priority = 0x40; // more urgent
    b.irq(3).priority = 0x80;
    b.hal.irqSetHandler(1, () => {
      log.push('1 in');
      b.irq(3).raise();
      b.irq(2).raise();
      b.hal.load32(RAM); // boundary: 2 preempts, 3 waits
      log.push('1 out');
    });
    b.hal.irqSetHandler(2, () => log.push('2'));
    b.hal.irqSetHandler(3, () => log.push('3'));
    for (const n of [1, 2, 3]) b.hal.irqSetEnabled(n, true);
    b.irq(1).raise();
    b.runFor('1us');
    expect(log).toEqual(['1 in', '2', '1 out', '3']);
    const events = b.trace
      .entries()
      .filter((e) => e.op.startsWith('irq'))
      .map((e) => `${e.op}:${e.addr}`);
    expect(events).toEqual(['irq-enter:1', 'irq-enter:2', 'irq-exit:2', 'irq-exit:1', 'irq-enter:3', 'irq-exit:3']);
  });

  it('a level-triggered source that is not cleared is delivered again', () => {
    const b = createBoard('rpi-pico');
    let hits = 0;
    b.hal.irqSetHandler(0, () => {
      hits++;
      if (hits === 3) b.hal.store32(0x40054034, 1); // TIMER INTR: clear alarm 0
    });
    b.hal.irqSetEnabled(0, true);
    b.hal.store32(0x40054038, 1); // INTE alarm 0
    b.hal.store32(0x40054010, 10); // ALARM0 = 10 us
    b.runFor('1ms');
    expect(hits).toBe(3);
  });

  it('a pending, enabled IRQ without a handler halts the machine (the default handler)', () => {
    const b = createBoard('esp32-devkitc');
    b.hal.irqSetEnabled(7, true);
    b.irq(7).raise();
    expect(() => b.runFor('1us')).toThrow(SimHalted);
  });

  it('validates IRQ numbers and priorities', () => {
    const b = createBoard('rpi-pico');
    expect(() => b.hal.irqSetEnabled(32, true)).toThrow(InvalidArgument);
    expect(() => b.irq(-1)).toThrow(InvalidArgument);
    expect(() => (b.irq(1).priority = 256)).toThrow(InvalidArgument);
    expect(() => b.hal.interruptsRestore(7)).toThrow(InvalidArgument);
    expect(b.irq('TIMER_IRQ_0').number).toBe(0);
    expect(() => b.irq('NOPE')).toThrow(InvalidArgument);
  });
});
