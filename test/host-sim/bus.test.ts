// The simulated bus: routing by the memory map, and a typed BusFault (with address
// and size, no effect) for every access it cannot complete.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Bus, ANY_WIDTH } from '../../host-sim/bus.js';
import { BusFault } from '../../src/hal.js';
import { createBoard } from '../../host-sim/index.js';
import { InvalidArgument } from '../../src/errors.js';
import { runs } from '../support/env.js';

function fault(f: () => unknown): BusFault {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(BusFault);
    return e as BusFault;
  }
  throw new Error('expected a BusFault');
}

describe('Bus', () => {
  const make = () => {
    const bus = new Bus();
    const ram = new Uint8Array(0x100);
    bus.mapMemory({ name: 'RAM', base: 0x1000, size: 0x100, widths: ANY_WIDTH }, ram);
    bus.mapMemory({ name: 'ROM', base: 0x2000, size: 0x100, widths: ANY_WIDTH, readOnly: true });
    const regs = new Map<number, number>();
    bus.mapDevice({ name: 'DEV', base: 0x4000, size: 0x10, widths: 4 }, { read: (o) => regs.get(o) ?? 0x5a5a5a5a, write: (o, _s, v) => void regs.set(o, v) });
    return { bus, ram, regs };
  };

  it('reads back what it wrote, little-endian, at every width', () => {
    const { bus, ram } = make();
    bus.store32(0x1000, 0x11223344);
    expect(ram.slice(0, 4)).toEqual(Uint8Array.of(0x44, 0x33, 0x22, 0x11));
    expect(bus.load16(0x1002)).toBe(0x1122);
    expect(bus.load8(0x1001)).toBe(0x33);
    bus.store8(0x1003, 0xff);
    expect(bus.load32(0x1000)).toBe(0xff223344);
  });

  it('routes peripheral windows to their model with the offset', () => {
    const { bus, regs } = make();
    bus.store32(0x4008, 7);
    expect(regs.get(8)).toBe(7);
    expect(bus.load32(0x4004)).toBe(0x5a5a5a5a);
  });

  it('faults on unmapped addresses, with the address and size', () => {
    const { bus } = make();
    const f = fault(() => bus.load32(0x3000));
    expect(f.kind).toBe('BusFault');
    expect(f.reason).toBe('unmapped');
    expect(f.address).toBe(0x3000);
    expect(f.size).toBe(4);
    expect(f.message).toMatch(/0x0*3000\b/); // hex only, no decimal twin
    expect(f.message).not.toContain('12288');
    expect(fault(() => bus.load8(0x10ff + 1)).reason).toBe('unmapped');
    expect(fault(() => bus.store16(0xfffffffe, 1)).reason).toBe('unmapped');
  });

  it('faults on misaligned accesses', () => {
    const { bus } = make();
    expect(fault(() => bus.load32(0x1002)).reason).toBe('misaligned');
    expect(fault(() => bus.store16(0x1001, 0)).reason).toBe('misaligned');
  });

  it('faults on a width the region does not take, and on writes to read-only memory', () => {
    const { bus, regs } = make();
    expect(fault(() => bus.load8(0x4000)).reason).toBe('width');
    expect(fault(() => bus.store16(0x4000, 1)).reason).toBe('width');
    expect(regs.size).toBe(0);
    const f = fault(() => bus.store32(0x2000, 1));
    expect(f.reason).toBe('read-only');
    expect(f.access).toBe('write');
    expect(bus.load32(0x2000)).toBe(0);
  });

  it('rejects values that do not fit the width before touching anything', () => {
    const { bus, ram } = make();
    for (const [f, v] of [
      [(x: number) => bus.store8(0x1000, x), 256],
      [(x: number) => bus.store16(0x1000, x), -1],
      [(x: number) => bus.store32(0x1000, x), 2 ** 32],
      [(x: number) => bus.store32(0x1000, x), 1.5],
    ] as const) {
      expect(() => f(v)).toThrow(InvalidArgument);
    }
    expect(ram.every((b) => b === 0)).toBe(true);
  });

  it('refuses overlapping regions', () => {
    const { bus } = make();
    expect(() => bus.mapMemory({ name: 'X', base: 0x10f0, size: 0x20, widths: ANY_WIDTH })).toThrow(/overlaps region RAM/);
  });

  it('law: any access is either routed to the right byte(s) or faults with no effect', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0xf00, max: 0x2200 }), fc.constantFrom(1, 2, 4), fc.nat(), (addr, size, raw) => {
        const { bus, ram } = make();
        const value = size === 4 ? raw >>> 0 : raw & (size === 2 ? 0xffff : 0xff);
        const before = ram.slice();
        const store = size === 4 ? bus.store32 : size === 2 ? bus.store16 : bus.store8;
        const inRam = addr >= 0x1000 && addr + size <= 0x1100 && addr % size === 0;
        try {
          store.call(bus, addr, value);
        } catch (e) {
          expect(inRam).toBe(false);
          expect(e).toBeInstanceOf(BusFault);
          expect((e as BusFault).size).toBe(size);
          expect((e as BusFault).address).toBe(addr);
          expect(ram).toEqual(before);
          return;
        }
        expect(inRam).toBe(true);
        const dv = new DataView(before.buffer);
        if (size === 4) dv.setUint32(addr - 0x1000, value, true);
        else if (size === 2) dv.setUint16(addr - 0x1000, value, true);
        else dv.setUint8(addr - 0x1000, value);
        expect(ram).toEqual(before);
      }),
      runs(300, 1000),
    );
  });

  // The RAM fast path caches the last memory region an access went through; a sequence on one bus
  // keeps it warm, so every edge (fractional, negative, huge, misaligned, past the end, the
  // read-only region beside RAM, a guard installed midway) meets a cached region.
  it('law: on a warm bus, each access in a sequence matches the reference rules', () => {
    const addr = fc.oneof(
      fc.integer({ min: 0xff8, max: 0x1108 }),
      fc.integer({ min: 0x1ff8, max: 0x2108 }),
      fc.constantFrom(-4, 0x1000 + 2 ** 32, 4096.5, 0x10fd, 0x10fe, 0x10ff, 0x1100),
    );
    const access = fc.record({
      addr,
      size: fc.constantFrom(1, 2, 4),
      kind: fc.constantFrom('read', 'write', 'fetch'),
      value: fc.nat(),
      guardAfter: fc.boolean(),
    });
    fc.assert(
      fc.property(fc.array(access, { minLength: 1, maxLength: 40 }), (script) => {
        const { bus, ram } = make();
        const model = new DataView(new ArrayBuffer(0x100));
        let guarded = false;
        for (const a of script) {
          const write = a.kind === 'write';
          const size = a.kind === 'fetch' && a.size === 1 ? 2 : a.size; // Thumb fetches are 2 or 4 bytes
          const value = size === 4 ? a.value >>> 0 : a.value & (size === 2 ? 0xffff : 0xff);
          const inRam = Number.isInteger(a.addr) && a.addr >= 0x1000 && a.addr + size <= 0x1100 && a.addr % size === 0;
          const inRom = Number.isInteger(a.addr) && a.addr >= 0x2000 && a.addr + size <= 0x2100 && a.addr % size === 0;
          const allowed = (inRam || (inRom && !write)) && !(guarded && a.addr % 8 === 4);
          const off = a.addr - 0x1000;
          let result: number | BusFault;
          try {
            if (write) {
              if (size === 4) bus.store32(a.addr, value);
              else if (size === 2) bus.store16(a.addr, value);
              else bus.store8(a.addr, value);
              result = value;
            } else if (a.kind === 'fetch') result = bus.fetch(a.addr, size as 2 | 4);
            else result = size === 4 ? bus.load32(a.addr) : size === 2 ? bus.load16(a.addr) : bus.load8(a.addr);
          } catch (e) {
            expect(e).toBeInstanceOf(BusFault);
            result = e as BusFault;
          }
          if (!allowed) {
            expect(result).toBeInstanceOf(BusFault);
          } else if (write) {
            expect(result).toBe(value);
            if (size === 4) model.setUint32(off, value, true);
            else if (size === 2) model.setUint16(off, value, true);
            else model.setUint8(off, value);
          } else if (inRam) {
            expect(result).toBe(size === 4 ? model.getUint32(off, true) : size === 2 ? model.getUint16(off, true) : model.getUint8(off));
          } else {
            expect(result).toBe(0);
          }
          expect(ram).toEqual(new Uint8Array(model.buffer));
          if (a.guardAfter && !guarded) {
            guarded = true; // refuses every access at an address that is 4 mod 8
            bus.guard = { check: (at) => (at % 8 === 4 ? 'guarded word' : undefined) };
          }
        }
      }),
      runs(300, 1000),
    );
  });
});

describe('board buses', () => {
  it.each(['rpi-pico', 'esp32-devkitc'])('%s: unmapped, misaligned and wrong-width HAL accesses fault and are traced', (name) => {
    const b = createBoard(name);
    const ram = b.spec.memory.find((m) => m.kind === 'ram')!.base;
    const periph = b.spec.peripherals[0]!.base;
    expect(fault(() => b.hal.load32(0x0ff00000)).reason).toBe('unmapped');
    expect(fault(() => b.hal.load32(ram + 2)).reason).toBe('misaligned');
    expect(fault(() => b.hal.load8(periph)).reason).toBe('width');
    const faults = b.trace.entries().filter((e) => e.op === 'fault');
    expect(faults.map((e) => [e.addr, e.size])).toEqual([
      [0x0ff00000, 4],
      [ram + 2, 4],
      [periph, 1],
    ]);
    b.hal.store32(ram, 0xdeadbeef);
    expect(b.hal.load32(ram)).toBe(0xdeadbeef);
  });

  it('ESP32 IRAM takes 32-bit accesses only (a LoadStoreError on silicon)', () => {
    const b = createBoard('esp32-devkitc');
    expect(fault(() => b.hal.store8(0x40070000, 1)).reason).toBe('width');
    b.hal.store32(0x40070000, 1);
  });

  it('an RP2040 register rp2040js does not model faults instead of reading 0xffffffff', () => {
    const b = createBoard('rpi-pico');
    const f = fault(() => b.hal.load32(0x40054000 + 0x200)); // TIMER + an offset with no register
    expect(f.reason).toBe('unmodelled');
    expect(b.hal.load32(0x40054000 + 0x28)).toBeTypeOf('number'); // TIMERAWL is modelled
  });
});
