import { describe, it, expect, beforeEach } from 'vitest';
import fc from 'fast-check';
import {
  bindHal,
  unbindHal,
  currentHal,
  HalNotBound,
  InvalidHal,
  volatileLoad,
  volatileStore,
  barrier,
  dmb,
  dsb,
  isb,
  AccessMode,
  Register,
  MemoryRegion,
  peripheral,
  BusFault,
  RegisterAccessError,
  RegisterDefinitionError,
  InvalidArgument,
  VllsiError,
  type PeripheralDef,
} from '../../src/index.js';
import * as rp2040 from '../../src/registers/rp2040.js';
import * as esp32 from '../../src/registers/esp32.js';
import { MemHal } from '../support/mem-hal.js';
import { runs } from '../support/env.js';
import { caught } from '../support/caught.js';
import { DEVICE, RAM, DEV } from '../support/test-device.js';

let hal: MemHal;
function freshHal(): MemHal {
  hal = new MemHal({
    regions: [
      { name: 'ram', base: RAM, size: 0x1000 },
      { name: 'dev', base: DEV, size: 0x100, atomicAliases: true },
      { name: 'rom', base: 0x10000000, size: 0x100, readOnly: true },
    ],
    trace: true,
  });
  bindHal(hal);
  return hal;
}

/** Asserts `fn` throws `cls` and touched the bus not at all. */
function throwsWithoutBusAccess(fn: () => unknown, cls: new (...a: never[]) => VllsiError, message?: RegExp): VllsiError {
  const before = hal.accesses.length;
  const err = caught(fn, cls);
  if (message) expect(err.message).toMatch(message);
  expect(hal.accesses.length).toBe(before);
  return err;
}

describe('platform: the HAL binding', () => {
  it('currentHal throws HalNotBound before bindHal, and returns the bound HAL after', () => {
    unbindHal();
    expect(() => currentHal()).toThrow(HalNotBound);
    expect(() => volatileLoad(RAM)).toThrow(HalNotBound);
    const h = freshHal();
    expect(currentHal()).toBe(h);
    const other = new MemHal({ regions: [] });
    expect(bindHal(other)).toBe(h);
    expect(currentHal()).toBe(other);
  });
  it('bindHal refuses what is not a HAL', () => {
    expect(() => bindHal(undefined as never)).toThrow(InvalidHal);
    expect(() => bindHal({ name: 'x' } as never)).toThrow(InvalidHal);
  });
});

describe('mmio: volatileLoad / volatileStore', () => {
  beforeEach(() => void freshHal());

  it('round-trips every width at every aligned address, little-endian', () => {
    fc.assert(
      fc.property(fc.constantFrom(8, 16, 32) as fc.Arbitrary<8 | 16 | 32>, fc.nat({ max: 0x3ff }), fc.nat({ max: 0xffffffff }), (w, i, raw) => {
        const size = w / 8;
        const addr = RAM + i * 4 + (size === 4 ? 0 : size === 2 ? 2 * (raw & 1) : raw & 3);
        const value = w === 32 ? raw : raw % 2 ** w;
        volatileStore(addr, value, w);
        expect(volatileLoad(addr, w)).toBe(value);
        const word = hal.peek32(addr - (addr % 4));
        expect(Math.floor(word / 2 ** ((addr % 4) * 8)) % 2 ** w).toBe(value);
      }),
      runs(),
    );
  });

  it('misaligned or out-of-range addresses are InvalidArgument, with no bus access', () => {
    throwsWithoutBusAccess(() => volatileLoad(RAM + 2, 32), InvalidArgument, /536870914 \(0x20000002\): must be 4-byte aligned/);
    throwsWithoutBusAccess(() => volatileStore(RAM + 1, 1, 16), InvalidArgument, /2-byte aligned/);
    throwsWithoutBusAccess(() => volatileLoad(-4), InvalidArgument);
    throwsWithoutBusAccess(() => volatileLoad(2 ** 32), InvalidArgument);
    throwsWithoutBusAccess(() => volatileLoad(0xfffffffe, 32), InvalidArgument);
    throwsWithoutBusAccess(() => volatileLoad(1.5, 8), InvalidArgument);
    throwsWithoutBusAccess(() => volatileLoad(RAM, 24 as never), InvalidArgument, /8, 16 or 32/);
  });

  it('values that do not fit the width are InvalidArgument, with no bus access', () => {
    throwsWithoutBusAccess(() => volatileStore(RAM, 256, 8), InvalidArgument, /256 \(0x100\)/);
    throwsWithoutBusAccess(() => volatileStore(RAM, 0x10000, 16), InvalidArgument);
    throwsWithoutBusAccess(() => volatileStore(RAM, 2 ** 32, 32), InvalidArgument);
    throwsWithoutBusAccess(() => volatileStore(RAM, -1, 32), InvalidArgument);
    throwsWithoutBusAccess(() => volatileStore(RAM, 0.5, 32), InvalidArgument);
  });

  it('an access the bus cannot complete surfaces as the HAL BusFault, never as zero', () => {
    const e = throwsWithoutBusAccess(() => volatileLoad(0x30000000), BusFault, /0x30000000/) as BusFault;
    expect(e.kind).toBe('BusFault');
    expect(e.address).toBe(0x30000000);
    expect(e.size).toBe(4);
    expect(e.access).toBe('read');
    expect(() => volatileStore(0x10000000, 1)).toThrow(/read-only/);
    expect(() => volatileLoad(RAM + 0x1000 - 2, 32)).toThrow(InvalidArgument);
    expect(() => volatileLoad(RAM + 0x1000, 8)).toThrow(BusFault);
  });

  it('barriers reach the HAL', () => {
    barrier('SeqCst');
    dmb();
    dsb();
    isb();
    expect(hal.barriers).toEqual(['SeqCst', 'dmb', 'dsb', 'isb']);
  });
});

describe('mmio: Register and AccessMode', () => {
  beforeEach(() => void freshHal());

  it('Sync wraps each access in dmb before and dsb after; Volatile and Relaxed issue none', () => {
    const s = Register.at(RAM, { mode: AccessMode.Sync });
    s.write(7);
    expect(s.read()).toBe(7);
    expect(hal.barriers).toEqual(['dmb', 'dsb', 'dmb', 'dsb']);
    Register.at(RAM + 4, { mode: 'Volatile' }).write(1);
    Register.at(RAM + 8, { mode: 'Relaxed' }).read();
    expect(hal.barriers.length).toBe(4);
    expect(() => Register.at(RAM, { mode: 'Fast' as never })).toThrow(InvalidArgument);
  });

  it('a field-less register reads and writes its width; misplaced registers are definition errors', () => {
    const r = Register.at(RAM + 2, { size: 16 });
    r.write(0xbeef);
    expect(hal.peek32(RAM)).toBe(0xbeef0000);
    expect(r.read()).toBe(0xbeef);
    expect(() => r.write(0x10000)).toThrow(InvalidArgument);
    expect(() => Register.at(RAM + 2)).toThrow(RegisterDefinitionError);
  });

  it('every access goes through the HAL once: read = 1 load, write = 1 store, modify = 1 load + 1 store', () => {
    const dev = peripheral(DEVICE);
    dev.CTRL.read();
    dev.CTRL.write({ EN: 1 });
    dev.CTRL.modify({ MODE: 'FAST' });
    expect(hal.accesses.map((a) => `${a.op}@${(a.addr - DEV).toString(16)}`)).toEqual(['read@0', 'write@0', 'read@0', 'write@0']);
  });
});

describe('mmio: typed register definitions', () => {
  let dev: ReturnType<typeof peripheral<typeof DEVICE>>;
  beforeEach(() => {
    freshHal();
    dev = peripheral(DEVICE);
  });

  it('write(fields) starts from the reset value; modify(fields) from the register', () => {
    dev.CTRL.write({ MODE: 'FAST' });
    expect(hal.peek32(DEV)).toBe(0x0312);
    hal.poke32(DEV, 0x8000ab01);
    dev.CTRL.modify({ EN: 1 });
    expect(hal.peek32(DEV)).toBe(0x8000ab11);
    dev.CTRL.write(0x12345678);
    expect(dev.CTRL.read()).toBe(0x12345678);
  });

  it('reads fields as numbers, enumerated names, isSet and matches', () => {
    hal.poke32(DEV, 0x80004213);
    expect(dev.CTRL.get('DIV')).toBe(0x42);
    expect(dev.CTRL.get('TOP')).toBe(1);
    expect(dev.CTRL.getEnum('MODE')).toBe('MAX');
    expect(dev.CTRL.isSet('EN')).toBe(true);
    expect(dev.CTRL.matches({ MODE: 'MAX', EN: 1 })).toBe(true);
    expect(dev.CTRL.matches({ MODE: 3, DIV: 0x41 })).toBe(false);
    expect(dev.CTRL.fields.MODE.is('MAX')).toBe(true);
    expect(dev.CTRL.fields.MODE.readEnum()).toBe('MAX');
    expect(dev.CTRL.fields.DIV.read()).toBe(0x42);
    expect(dev.CTRL.encode({ MODE: 'SLOW', DIV: 2, TOP: 1 })).toBe(0x80000201);
  });

  it('a field value with no enumerated name reads as undefined', () => {
    const def = {
      name: 'P',
      baseAddress: RAM,
      registers: { R: { addressOffset: 0, fields: { F: { bitOffset: 0, bitWidth: 2, enumeratedValues: { ZERO: 0 } } } } },
    } as const;
    const p = peripheral(def);
    p.R.write(2);
    expect(p.R.getEnum('F')).toBe(undefined);
  });

  it('field values that do not fit, unknown names and unknown fields are typed errors with no bus access', () => {
    throwsWithoutBusAccess(() => dev.CTRL.write({ DIV: 256 }), InvalidArgument, /DEV\.CTRL\.DIV value 256/);
    throwsWithoutBusAccess(() => dev.CTRL.modify({ MODE: -1 }), InvalidArgument);
    throwsWithoutBusAccess(() => dev.CTRL.write({ MODE: 'TURBO' as never }), InvalidArgument, /OFF, SLOW, FAST, MAX/);
    throwsWithoutBusAccess(() => dev.CTRL.write({ NOPE: 1 } as never), RegisterAccessError, /no field "NOPE"/);
    throwsWithoutBusAccess(() => dev.CTRL.get('NOPE' as never), RegisterAccessError);
    throwsWithoutBusAccess(() => dev.CTRL.matches({ DIV: 999 }), InvalidArgument);
    throwsWithoutBusAccess(() => dev.CTRL.write(null as never), InvalidArgument);
    throwsWithoutBusAccess(() => dev.CTRL.fields.EN.write(2), InvalidArgument);
    throwsWithoutBusAccess(() => dev.CTRL.fields.EN.modify('ON' as never), InvalidArgument, /no enumerated values/);
    throwsWithoutBusAccess(() => dev.CTRL.write({ toString: 1 } as never), RegisterAccessError);
  });

  it('read-only: write and modify are RegisterAccessError read-only, reads work', () => {
    hal.poke32(DEV + 8, 0x31);
    expect(dev.STATUS.access).toBe('read-only');
    expect(dev.STATUS.get('COUNT')).toBe(3);
    // @ts-expect-error: a read-only register has no write (and refuses at run time too)
    const e = throwsWithoutBusAccess(() => dev.STATUS.write(1), RegisterAccessError) as RegisterAccessError;
    expect(e.rule).toBe('read-only');
    expect(e.register).toBe('DEV.STATUS');
    // @ts-expect-error: nor modify
    throwsWithoutBusAccess(() => dev.STATUS.modify({ READY: 1 }), RegisterAccessError, /read-only/);
    // @ts-expect-error: a read-only field has no write
    throwsWithoutBusAccess(() => dev.STATUS.fields.READY.write(1), RegisterAccessError, /read-only/);
  });

  it('write-only: read, field reads, matches and modify are RegisterAccessError write-only; write works', () => {
    dev.CMD.write({ GO: 1 });
    expect(hal.peek32(DEV + 0xc)).toBe(0x101);
    // A write-only register has no read, get, isSet, matches or modify:
    for (const f of [
      // @ts-expect-error: no read
      () => dev.CMD.read(),
      // @ts-expect-error: no get
      () => dev.CMD.get('GO'),
      // @ts-expect-error: no isSet
      () => dev.CMD.isSet('GO'),
      // @ts-expect-error: no matches
      () => dev.CMD.matches({ GO: 1 }),
      // @ts-expect-error: no modify
      () => dev.CMD.modify({ ARG: 1 }),
    ]) {
      const e = throwsWithoutBusAccess(f, RegisterAccessError) as RegisterAccessError;
      expect(e.rule).toBe('write-only');
    }
  });

  it('a write-only field inside a readable register: not readable, and modify writes its reset value', () => {
    hal.poke32(DEV + 0x14, 0x00ff00ff);
    // @ts-expect-error: a write-only field cannot be read
    throwsWithoutBusAccess(() => dev.MIXED.get('KEY'), RegisterAccessError, /write-only/);
    // @ts-expect-error: nor compared
    throwsWithoutBusAccess(() => dev.MIXED.matches({ KEY: 1 }), RegisterAccessError);
    dev.MIXED.modify({ VAL: 0x12 });
    expect(hal.peek32(DEV + 0x14)).toBe(0x0012005a);
  });

  it('read side effects: modify and atomic aliases are refused; read and write work', () => {
    const e = throwsWithoutBusAccess(() => dev.FIFO.modify({ DATA: 1 }), RegisterAccessError, /side effects/) as RegisterAccessError;
    expect(e.rule).toBe('read-side-effects');
    throwsWithoutBusAccess(() => dev.FIFO.fields.DATA.modify(1), RegisterAccessError);
    throwsWithoutBusAccess(() => dev.FIFO.atomicSet(1), RegisterAccessError);
    dev.FIFO.write({ DATA: 0x41 });
    expect(dev.FIFO.read()).toBe(0x41);
  });

  it('W1C: modify and write never clear a flag they were not given; naming it clears it', () => {
    // The hardware: writing 1 to A or B clears it; LEVEL is plain storage.
    hal.device(DEV + 4, { store: (v, old) => (old & 3 & ~v) | (v & ~3) });
    hal.poke32(DEV + 4, 0x0303);
    dev.FLAGS.modify({ LEVEL: 7 });
    expect(hal.peek32(DEV + 4)).toBe(0x0703);
    expect(hal.accesses.at(-1)!.value).toBe(0x0700);
    dev.FLAGS.write({ LEVEL: 2 });
    expect(hal.peek32(DEV + 4)).toBe(0x0203);
    dev.FLAGS.modify({ A: 1 });
    expect(hal.peek32(DEV + 4)).toBe(0x0202);
    dev.FLAGS.fields.B.write(1);
    expect(hal.peek32(DEV + 4)).toBe(0x0500);
    expect(dev.FLAGS.writeDefault).toBe(0x0500);
  });

  it('RP2040 atomic aliases: SET/CLR/XOR store at +0x2000/+0x3000/+0x1000 and change only those bits', () => {
    hal.poke32(DEV, 0x0f0f);
    dev.CTRL.atomicSet({ EN: 1, MODE: 'SLOW' });
    expect(hal.accesses.at(-1)).toEqual({ t: 0, core: 0, op: 'write', addr: DEV + 0x2000, size: 4, value: 0x11 });
    expect(hal.peek32(DEV)).toBe(0x0f1f);
    dev.CTRL.atomicClear(0x0f00);
    expect(hal.accesses.at(-1)!.addr).toBe(DEV + 0x3000);
    expect(hal.peek32(DEV)).toBe(0x001f);
    dev.CTRL.atomicXor({ DIV: 0xff });
    expect(hal.accesses.at(-1)!.addr).toBe(DEV + 0x1000);
    expect(hal.peek32(DEV)).toBe(0xff1f);
    expect(hal.accesses.filter((a) => a.op === 'read').length).toBe(0);
  });

  it('atomic aliases are refused where the peripheral lacks them or they would write back W1C flags', () => {
    const nonAtomic = peripheral({ ...DEVICE, atomicAliases: false });
    const e = throwsWithoutBusAccess(() => nonAtomic.CTRL.atomicSet(1), RegisterAccessError) as RegisterAccessError;
    expect(e.rule).toBe('no-atomic-aliases');
    throwsWithoutBusAccess(() => dev.FLAGS.atomicClear({ LEVEL: 1 }), RegisterAccessError, /flags/);
    // @ts-expect-error: a read-only register has no atomic aliases
    throwsWithoutBusAccess(() => dev.STATUS.atomicSet(1), RegisterAccessError, /read-only/);
    throwsWithoutBusAccess(() => dev.HALF.atomicSet(1), RegisterAccessError);
    throwsWithoutBusAccess(() => dev.CTRL.atomicSet(2 ** 32), InvalidArgument);
  });

  it('16-bit registers use 16-bit accesses', () => {
    dev.HALF.write({ HI: 0xab, LO: 0xcd });
    expect(hal.accesses.at(-1)).toEqual({ t: 0, core: 0, op: 'write', addr: DEV + 0x18, size: 2, value: 0xabcd });
    dev.HALF.modify({ LO: 1 });
    expect(hal.peek32(DEV + 0x18)).toBe(0xab01);
    throwsWithoutBusAccess(() => dev.HALF.write(0x10000), InvalidArgument);
  });

  it('malformed definitions are RegisterDefinitionError, each register at its first use', () => {
    const bad = (registers: PeripheralDef['registers']) => () => peripheral({ name: 'B', baseAddress: RAM, registers }).R;
    expect(bad({ R: { addressOffset: 0, fields: { F: { bitOffset: 30, bitWidth: 3 } } } })).toThrow(RegisterDefinitionError);
    expect(bad({ R: { addressOffset: 0, fields: { F: { bitOffset: 0, bitWidth: 0 } } } })).toThrow(/bitWidth 0/);
    expect(bad({ R: { addressOffset: 0, fields: { F: { bitOffset: 0, bitWidth: 4 }, G: { bitOffset: 3, bitWidth: 1 } } } })).toThrow(/overlaps/);
    expect(bad({ R: { addressOffset: 0, fields: { F: { bitOffset: 0, bitWidth: 2, enumeratedValues: { BIG: 4 } } } } })).toThrow(/BIG/);
    expect(bad({ R: { addressOffset: 2 } })).toThrow(/aligned/);
    expect(bad({ R: { addressOffset: 0, size: 8, resetValue: 0x100 } })).toThrow(InvalidArgument);
    expect(bad({ R: { addressOffset: 0, size: 8, fields: { F: { bitOffset: 4, bitWidth: 8 } } } })).toThrow(/8-bit register/);
    expect(() => peripheral({ name: 'B', baseAddress: RAM, registers: { name: { addressOffset: 0 } } })).toThrow(RegisterDefinitionError);
    // Checked lazily: peripheral() itself checks only its options; the other registers still work.
    const p = peripheral({ name: 'B', baseAddress: RAM, registers: { R: { addressOffset: 2 }, OK: { addressOffset: 4 } } });
    expect(() => p.R).toThrow(/B.R: .*aligned/);
    expect(() => p.R).toThrow(RegisterDefinitionError); // every use, not only the first
    expect(p.OK.address).toBe(RAM + 4);
    expect(() => peripheral({ name: 'B', baseAddress: '0' as unknown as number, registers: {} })).toThrow(RegisterDefinitionError);
    expect(() => peripheral({ name: 'B', baseAddress: RAM, registers: {} }, { mode: 'Fast' as AccessMode })).toThrow(InvalidArgument);
  });

  it('a peripheral handle is a read-only view: each register made once, on first use', () => {
    const p = peripheral(DEVICE, { name: 'VIEW' });
    expect(Object.keys(p)).toEqual(['name', 'baseAddress']);
    expect(Object.isFrozen(p)).toBe(true);
    expect(p.name).toBe('VIEW');
    expect(p.baseAddress).toBe(DEVICE.baseAddress);
    expect(p.CTRL).toBe(p.CTRL);
    expect(p.CTRL).toBeInstanceOf(Register);
    expect(p.CTRL.name).toBe('VIEW.CTRL');
    expect('CTRL' in p && !('NOPE' in p)).toBe(true);
    // An upper-case name it lacks is a register typo (typed error, nearest names); others are undefined.
    expect(() => (p as unknown as Record<string, unknown>).CTLR).toThrow(/get VIEW.CTLR: no such register; did you mean CTRL\?/);
    expect((p as unknown as Record<string, unknown>).nope).toBeUndefined();
    expect(String(p)).toBe('[object Object]'); // what a plain object inherits
    expect(Object.getOwnPropertyDescriptor(p, 'toString')).toBeUndefined();
    // for-in lists the name, the base address and the registers made so far.
    const listed: string[] = [];
    for (const k in p) listed.push(k);
    expect(listed).toEqual(['name', 'baseAddress', 'CTRL']);
    const writable = p as unknown as Record<string, unknown>;
    expect(() => (writable.CTRL = 1)).toThrow(TypeError);
    expect(() => (writable.FLAGS = 1)).toThrow(TypeError); // not made yet
    expect(() => (writable.name = 'X')).toThrow(TypeError);
    expect(delete writable.CTRL).toBe(true); // not its own property: nothing to delete
    expect(() => delete Object.getPrototypeOf(p).CTRL).toThrow(TypeError);
    expect(() => Object.defineProperty(p, 'X', { value: 1 })).toThrow(TypeError);
    expect(() => Object.setPrototypeOf(p, null)).toThrow(TypeError);
    expect(p.CTRL).toBeInstanceOf(Register);
    expect(p.FLAGS).toBe(p.FLAGS);
  });

  it('a register array (dim) is a read-only array of registers dimIncrement apart, each made when first indexed', () => {
    const ARRAYS = {
      name: 'ARR',
      baseAddress: RAM,
      registers: {
        CTRL: {
          addressOffset: 0x10,
          dim: 4,
          dimIncrement: 8,
          resetValue: 0x3,
          fields: { MODE: { bitOffset: 0, bitWidth: 2, enumeratedValues: { OFF: 0, ON: 1 } } },
        },
        FLAG: { addressOffset: 0x14, dim: 4, dimIncrement: 8, access: 'read-only' },
      },
    } as const satisfies PeripheralDef;
    const p = peripheral(ARRAYS);
    expect(Array.isArray(p.CTRL)).toBe(true);
    expect(p.CTRL.length).toBe(4);
    expect(p.CTRL).toBe(p.CTRL);
    expect(p.CTRL[2]).toBe(p.CTRL[2]);
    expect(p.CTRL.map((r) => r.address)).toEqual([RAM + 0x10, RAM + 0x18, RAM + 0x20, RAM + 0x28]);
    expect(p.CTRL[3]!.name).toBe('ARR.CTRL[3]');
    expect(p.CTRL[4]).toBeUndefined();
    expect((p.CTRL as unknown as Record<string, unknown>)['1.0']).toBeUndefined();
    p.CTRL[1]!.write({ MODE: 'ON' });
    expect(hal.load32(RAM + 0x18)).toBe(1);
    expect(hal.load32(RAM + 0x10)).toBe(0);
    expect(p.CTRL[1]!.getEnum('MODE')).toBe('ON');
    hal.store32(RAM + 0x2c, 7);
    expect(p.FLAG[3]!.read()).toBe(7);
    throwsWithoutBusAccess(() => (p.FLAG[3] as unknown as Register).write(1), RegisterAccessError, /read-only/);
    const writable = p.CTRL as unknown as Register[];
    expect(() => (writable[0] = writable[1]!)).toThrow(TypeError);
    // Node throws TypeError here; XS ignores the refusal inside push without throwing: either way nothing changes.
    try {
      writable.push(writable[0]!);
    } catch (e) {
      expect(e).toBeInstanceOf(TypeError);
    }
    expect(p.CTRL.length).toBe(4);
    expect(p.CTRL[0]!.address).toBe(RAM + 0x10);
    // Malformed arrays are refused at their first use (before any bus access).
    const bad = (ctrl: object) => () =>
      (peripheral({ name: 'BAD', baseAddress: RAM, registers: { CTRL: { addressOffset: 0, ...ctrl } } }) as Record<string, unknown>).CTRL;
    caught(bad({ dim: 0, dimIncrement: 4 }), RegisterDefinitionError);
    caught(bad({ dim: 2, dimIncrement: 2 }), RegisterDefinitionError);
    caught(bad({ dim: 2 }), RegisterDefinitionError);
    caught(bad({ dimIncrement: 4 }), RegisterDefinitionError);
    expect(
      caught(
        () =>
          (peripheral({ name: 'BAD', baseAddress: 0xfffffff0, registers: { R: { addressOffset: 0, dim: 8, dimIncrement: 4 } } }) as Record<string, unknown>).R,
        RegisterDefinitionError,
      ).message,
    ).toMatch(/address/);
  });

  it('peripheral() accepts another base address for a second instance of the same block', () => {
    const p = peripheral(DEVICE, { baseAddress: RAM, name: 'DEV1' });
    expect(p.CTRL.address).toBe(RAM);
    expect(p.CTRL.name).toBe('DEV1.CTRL');
  });
});

describe('mmio: MemoryRegion', () => {
  beforeEach(() => void freshHal());
  it('bounds-checks offsets and reaches the bus at base + offset', () => {
    const r = new MemoryRegion(RAM + 0x100, 0x10);
    expect(r.cacheable).toBe(false);
    r.store(0xc, 0xdeadbeef);
    expect(hal.peek32(RAM + 0x10c)).toBe(0xdeadbeef);
    expect(r.load(0xe, 16)).toBe(0xdead);
    expect(r.contains(RAM + 0x10f)).toBe(true);
    expect(r.contains(RAM + 0x10d, 4)).toBe(false);
    throwsWithoutBusAccess(() => r.load(0x10, 8), InvalidArgument, /inside the region/);
    throwsWithoutBusAccess(() => r.store(0xe, 1, 32), InvalidArgument);
    r.register(4, { size: 16 }).write(0x1234);
    expect(r.load(4, 16)).toBe(0x1234);
    expect(() => new MemoryRegion(0xfffffff0, 0x20)).toThrow(InvalidArgument);
    expect(() => new MemoryRegion(-1, 1)).toThrow(InvalidArgument);
  });
});

describe('registers: hand-written RP2040 and ESP32 definitions', () => {
  it('every definition builds (fields fit, no overlaps) at the documented base addresses', () => {
    const all = { ...rp2040, ...esp32 };
    expect(peripheral(rp2040.SIO).GPIO_OUT_SET.address).toBe(0xd0000014);
    expect(peripheral(rp2040.IO_BANK0).GPIO_CTRL[25]!.address).toBe(0x400140cc);
    expect(peripheral(rp2040.TIMER).INTR.address).toBe(0x40054034);
    expect(peripheral(rp2040.UART0).UARTFR.address).toBe(0x40034018);
    expect(peripheral(esp32.GPIO).OUT_W1TS.address).toBe(0x3ff44008);
    expect(peripheral(esp32.UART0).STATUS.address).toBe(0x3ff4001c);
    expect(peripheral(esp32.TIMG0).TALARMLO[0].address).toBe(0x3ff5f010);
    for (const p of [rp2040.SIO, rp2040.IO_BANK0, rp2040.TIMER, rp2040.UART0, esp32.GPIO, esp32.UART0, esp32.TIMG0]) expect(() => peripheral(p)).not.toThrow();
    expect(Object.keys(all).length).toBeGreaterThan(0);
  });
  it('their access rules follow the hardware: DR and FIFO reads pop, INTR is W1C, SIO has no aliases', () => {
    expect(peripheral(rp2040.UART0).UARTDR.readHasSideEffects).toBe(true);
    expect(peripheral(esp32.UART0).FIFO.readHasSideEffects).toBe(true);
    expect(peripheral(rp2040.TIMER).INTR.writeDefault).toBe(0);
    expect(peripheral(rp2040.SIO).GPIO_OUT.atomicAliases).toBe(false);
    expect(peripheral(rp2040.IO_BANK0).GPIO_CTRL[25]!.atomicAliases).toBe(true);
    expect(peripheral(esp32.GPIO).OUT_W1TS.readable).toBe(false);
    expect(peripheral(rp2040.UART0).UARTFR.writable).toBe(false);
  });
});
