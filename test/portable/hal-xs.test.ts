// hal/xs/xs-hal.ts: the JS half of the device HAL (it runs in XS on the board, so this
// test runs in Node and in real XS), driven through a stand-in for the
// chip's natives (the C of hal/native/vllsi_xs.c cannot run here; the QEMU harness
// and hal:check cover it). The stand-in behaves as the C does: a memory map that
// refuses accesses, a PRIMASK bit, IRQ lines an ISR masks before posting one message.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { IrqError, XsHal, type NativeHal } from '../../hal/xs/xs-hal.js';
import { Halted } from '../../src/hal.js';
import { runs } from '../support/env.js';

/** What fn threw (the XS test shim has no asymmetric matchers). */
function caught(fn: () => unknown): unknown {
  try {
    fn();
  } catch (e) {
    return e;
  }
  throw new Error('expected a throw');
}

const RAM = { base: 0x20000000, size: 0x100 };

/** The chip: what vllsi_xs.c + a port do, with the hardware replaced by fields. */
class FakeChip implements NativeHal {
  readonly ram = new DataView(new ArrayBuffer(RAM.size));
  primask = 0;
  dmbs = 0;
  nativeCalls = 0;
  readonly attached = new Set<number>();
  readonly lineEnabled = new Set<number>();
  readonly busy = new Set<number>();
  readonly locks = new Uint8Array(7);
  pending: number[] = [];
  posted = false;
  dispatch: ((irq: number) => void) | undefined;
  halted: string | undefined;

  private at(addr: number, size: number): number | undefined {
    this.nativeCalls++;
    const off = addr - RAM.base;
    return addr % size === 0 && off >= 0 && off + size <= RAM.size ? off : undefined;
  }
  load8 = (a: number) => (this.at(a, 1) === undefined ? undefined : this.ram.getUint8(a - RAM.base));
  load16 = (a: number) => (this.at(a, 2) === undefined ? undefined : this.ram.getUint16(a - RAM.base, true));
  load32 = (a: number) => (this.at(a, 4) === undefined ? undefined : this.ram.getUint32(a - RAM.base, true));
  store8 = (a: number, v: number) => this.put(a, 1, v);
  store16 = (a: number, v: number) => this.put(a, 2, v);
  store32 = (a: number, v: number) => this.put(a, 4, v);
  private put(a: number, size: number, v: number): boolean {
    const off = this.at(a, size);
    if (off === undefined) return false;
    if (size === 1) this.ram.setUint8(off, v);
    else if (size === 2) this.ram.setUint16(off, v, true);
    else this.ram.setUint32(off, v, true);
    return true;
  }
  dmb = () => void this.dmbs++;
  dsb = () => {};
  isb = () => {};
  interruptsSave = () => {
    const was = this.primask;
    this.primask = 1;
    return was;
  };
  interruptsRestore = (s: number) => void (this.primask = s & 1);
  interruptsEnable = () => void (this.primask = 0);
  chip = () => 'rp2040';
  coreCount = () => 2;
  coreId = () => 0;
  irqCount = () => 32;
  // As hal/rp2040: the locks are claimed at init among those pico-sdk left free (24 and 25 are
  // tinyusb's and stdio_usb's; 26 goes to the native critical section): none before init.
  claimed: number[] = [];
  spinlockCount = () => this.claimed.length;
  spinlockId = (n: number) => this.claimed[n]!;
  spinlockTryClaim = (n: number) => (this.locks[n] ? false : ((this.locks[n] = 1), true));
  spinlockRelease = (n: number) => void (this.locks[n] = 0);
  csAcquire = () => this.interruptsSave();
  csRelease = (t: number) => this.interruptsRestore(t);
  nowNs = () => 1234;
  halt = (reason: string) => void (this.halted = reason);
  init = (dispatch: (irq: number) => void) => {
    this.claimed = [27, 28];
    this.dispatch = dispatch;
  };
  irqAttach = (irq: number, attach: boolean) => {
    if (attach && this.busy.has(irq)) return -1;
    if (attach) this.attached.add(irq);
    else {
      this.attached.delete(irq);
      this.lineEnabled.delete(irq);
    }
    return 0;
  };
  irqSetEnabled = (irq: number, enabled: boolean) => {
    if (enabled) this.lineEnabled.add(irq);
    else this.lineEnabled.delete(irq);
    return 0;
  };

  /** The peripheral asserts `irq`: the port's ISR masks the line and posts once. */
  raise(irq: number): void {
    if (!this.attached.has(irq) || !this.lineEnabled.has(irq) || this.primask) return;
    this.lineEnabled.delete(irq);
    this.pending.push(irq);
    this.posted = true;
  }
  /** The XS task services its message queue. */
  service(): void {
    const lines = this.pending;
    this.pending = [];
    this.posted = false;
    for (const irq of lines) this.dispatch!(irq);
  }
}

function setup() {
  const chip = new FakeChip();
  const out: string[] = [];
  const hal = new XsHal(chip, { write: (t) => void out.push(t) });
  return { chip, hal, out };
}

describe('XsHal: bus access', () => {
  it('takes its name and sizes from the natives', () => {
    const { hal } = setup();
    expect([hal.name, hal.coreCount, hal.spinlockCount, hal.irqCount]).toEqual(['xs:rp2040', 2, 2, 32]);
  });

  it('has the spinlocks the native HAL claimed at init, and says which hardware locks they are', () => {
    const { hal } = setup();
    expect(hal.spinlockIds).toEqual([27, 28]);
    expect(Object.isFrozen(hal.spinlockIds)).toBe(true);
  });

  it('round-trips every width in mapped memory, little-endian', () => {
    const { hal } = setup();
    hal.store32(RAM.base, 0xa1b2c3d4);
    expect(hal.load32(RAM.base)).toBe(0xa1b2c3d4);
    expect(hal.load16(RAM.base + 2)).toBe(0xa1b2);
    expect(hal.load8(RAM.base)).toBe(0xd4);
    hal.store8(RAM.base + 1, 0xff);
    hal.store16(RAM.base + 2, 0x0102);
    expect(hal.load32(RAM.base)).toBe(0x0102ffd4);
  });

  it('an access the memory map refuses is a BusFault naming the address, never a zero', () => {
    const { hal, chip } = setup();
    chip.ram.setUint32(0, 0x55, true);
    expect(() => hal.load32(0x30000000)).toThrowError('bus fault: 32-bit read at 0x30000000: outside the xs:rp2040 memory map');
    expect(caught(() => hal.store8(RAM.base + RAM.size, 1))).toMatchObject({ kind: 'BusFault', access: 'write', reason: 'unmapped' });
    expect(hal.load32(RAM.base)).toBe(0x55);
  });

  it('misaligned, non-32-bit addresses and oversized values fail before the native is called', () => {
    const { hal, chip } = setup();
    const calls = chip.nativeCalls;
    expect(caught(() => hal.load32(RAM.base + 2))).toMatchObject({ kind: 'BusFault', reason: 'misaligned' });
    expect(() => hal.load32(RAM.base + 2)).toThrowError('bus fault: 32-bit read at 0x20000002: must be 4-byte aligned');
    expect(caught(() => hal.load16(-2))).toMatchObject({ kind: 'BusFault', reason: 'unmapped' });
    expect(caught(() => hal.load8(2 ** 32))).toMatchObject({ kind: 'BusFault' });
    expect(caught(() => hal.store8(RAM.base, 256))).toMatchObject({ kind: 'BusFault', reason: 'width' });
    expect(() => hal.store8(RAM.base, 256)).toThrowError('bus fault: 8-bit write at 0x20000000: value 256 does not fit 8 bits');
    expect(caught(() => hal.store32(RAM.base, -1))).toMatchObject({ kind: 'BusFault' });
    expect(chip.nativeCalls).toBe(calls);
  });

  it('law: a store either lands and reads back, or throws and changes nothing', () => {
    const { hal, chip } = setup();
    fc.assert(
      fc.property(
        fc.constantFrom(1 as const, 2 as const, 4 as const),
        fc.integer({ min: RAM.base - 16, max: RAM.base + RAM.size + 16 }),
        fc.nat({ max: 0xffffffff }),
        (size, addr, raw) => {
          const value = size === 4 ? raw : raw % 2 ** (size * 8);
          const before = new Uint8Array(chip.ram.buffer).slice();
          const store = size === 1 ? hal.store8 : size === 2 ? hal.store16 : hal.store32;
          const load = size === 1 ? hal.load8 : size === 2 ? hal.load16 : hal.load32;
          let stored = true;
          try {
            store.call(hal, addr, value);
          } catch (e) {
            stored = false;
            expect((e as { kind: string }).kind).toBe('BusFault');
            const after = new Uint8Array(chip.ram.buffer);
            expect(before.every((b, i) => b === after[i])).toBe(true);
          }
          const inMap = addr % size === 0 && addr >= RAM.base && addr + size <= RAM.base + RAM.size;
          expect(stored).toBe(inMap);
          if (stored) expect(load.call(hal, addr)).toBe(value);
        },
      ),
      runs(),
    );
  });
});

describe('XsHal: ordering, interrupts, locks', () => {
  it('barrier(Relaxed) issues nothing; every other ordering issues a dmb', () => {
    const { hal, chip } = setup();
    hal.barrier('Relaxed');
    expect(chip.dmbs).toBe(0);
    for (const o of ['Acquire', 'Release', 'AcqRel', 'SeqCst'] as const) hal.barrier(o);
    expect(chip.dmbs).toBe(4);
  });

  it('interruptsSave/Restore nest through the native state; a forged state is refused', () => {
    const { hal, chip } = setup();
    const outer = hal.interruptsSave();
    const inner = hal.interruptsSave();
    hal.interruptsRestore(inner);
    expect(chip.primask).toBe(1);
    hal.interruptsRestore(outer);
    expect(chip.primask).toBe(0);
    expect(caught(() => hal.interruptsRestore(-1))).toMatchObject({ kind: 'InvalidArgument' });
    expect(caught(() => hal.criticalSectionRelease(1.5))).toMatchObject({ kind: 'InvalidArgument' });
  });

  it('spinlocks are checked against the chip count', () => {
    const { hal } = setup();
    expect(hal.spinlockTryClaim(1)).toBe(true);
    expect(hal.spinlockTryClaim(1)).toBe(false);
    hal.spinlockRelease(1);
    expect(hal.spinlockTryClaim(1)).toBe(true);
    expect(() => hal.spinlockTryClaim(2)).toThrow(/invalid spinlock 2 \(0x2\): must be an integer in 0\.\.1 on xs:rp2040/);
  });

  it('halt calls the native and, if that ever returns, throws Halted', () => {
    const { hal, chip } = setup();
    expect(() => hal.halt('boom')).toThrow(Halted);
    expect(chip.halted).toBe('boom');
  });
});

describe('XsHal: IRQ hand-off', () => {
  it('enabling before a handler is remembered; the line goes live when one is attached', () => {
    const { hal, chip } = setup();
    hal.irqSetEnabled(13, true);
    expect(chip.lineEnabled.has(13)).toBe(false);
    const seen: number[] = [];
    hal.irqSetHandler(13, (irq) => void seen.push(irq));
    expect(chip.lineEnabled.has(13)).toBe(true);
    chip.raise(13);
    expect(seen).toEqual([]); // the ISR only posted: JS runs when the task services it
    expect(chip.lineEnabled.has(13)).toBe(false);
    chip.service();
    expect(seen).toEqual([13]);
    expect(chip.lineEnabled.has(13)).toBe(true);
  });

  it('a throwing handler is reported on the console and its line stays enabled', () => {
    const { hal, chip, out } = setup();
    hal.irqSetHandler(5, () => {
      throw new RangeError('bad sample');
    });
    hal.irqSetEnabled(5, true);
    chip.raise(5);
    chip.service();
    expect(out.join('')).toBe('vllsi: IRQ 5 handler threw: RangeError: bad sample\n');
    expect(chip.lineEnabled.has(5)).toBe(true);
  });

  it('a handler that disables its own line keeps it disabled', () => {
    const { hal, chip } = setup();
    hal.irqSetHandler(7, () => hal.irqSetEnabled(7, false));
    hal.irqSetEnabled(7, true);
    chip.raise(7);
    chip.service();
    expect(chip.lineEnabled.has(7)).toBe(false);
  });

  it('removing the handler detaches the ISR; a busy line is a typed error and nothing is recorded', () => {
    const { hal, chip } = setup();
    hal.irqSetHandler(3, () => {});
    hal.irqSetHandler(3, undefined);
    expect(chip.attached.has(3)).toBe(false);
    chip.busy.add(4);
    expect(() => hal.irqSetHandler(4, () => {})).toThrow(IrqError);
    hal.irqSetEnabled(4, true);
    expect(chip.lineEnabled.has(4)).toBe(false);
    expect(caught(() => hal.irqSetHandler(32, () => {}))).toMatchObject({ kind: 'InvalidArgument' });
    expect(caught(() => hal.irqSetHandler(1, 42 as never))).toMatchObject({ kind: 'InvalidArgument' });
  });
});
