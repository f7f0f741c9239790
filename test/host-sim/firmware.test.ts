// Firmware images for `vllsi emulate`: UF2 blocks filtered by family, ELF load segments and
// symbols; every malformed input a typed error (FirmwareError, WrongFamily), never a crash.
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { FirmwareError, WrongFamily } from '../../host-sim/errors.js';
import { RP2040_FAMILY, Symbols, encodeUf2, parseElf, parseFirmware, parseUf2, type Segment } from '../../host-sim/firmware.js';
import { buildTestFirmware, haveArmGcc } from '../../tools/test-firmware.js';

const regions = [
  { name: 'XIP flash', base: 0x10000000, size: 0x200000 },
  { name: 'SRAM', base: 0x20000000, size: 0x42000 },
];
const caught = (f: () => unknown): unknown => {
  try {
    f();
  } catch (e) {
    return e;
  }
  throw new Error('did not throw');
};

/** Segments in flash, each a multiple of 256 bytes apart (as a linker and elf2uf2 lay them out). */
const segments = fc
  .uniqueArray(fc.integer({ min: 0, max: 2047 }), { minLength: 1, maxLength: 6 })
  .chain((pages) =>
    fc.tuple(
      ...pages
        .sort((a, b) => a - b)
        .map((p) => fc.uint8Array({ minLength: 256, maxLength: 256 }).map((data): Segment => ({ address: 0x10000000 + p * 256, data }))),
    ),
  );

describe('UF2', () => {
  it('round-trips any flash content through encodeUf2/parseUf2 (contiguous pages join)', () => {
    fc.assert(
      fc.property(segments, (segs) => {
        const image = parseUf2(encodeUf2(segs), 'x.uf2', regions);
        const flat = (ss: readonly Segment[]) => new Map(ss.flatMap((s) => Array.from(s.data, (b, i) => [s.address + i, b] as const)));
        expect(flat(image.segments)).toEqual(flat(segs));
        for (let i = 1; i < image.segments.length; i++)
          expect(image.segments[i]!.address).toBeGreaterThan(image.segments[i - 1]!.address + image.segments[i - 1]!.data.length);
      }),
      { numRuns: 200 },
    );
  });

  it('keeps only RP2040-family blocks; a file for another family is WrongFamily naming it', () => {
    const mine = encodeUf2([{ address: 0x10000000, data: new Uint8Array(256).fill(1) }]);
    const theirs = encodeUf2([{ address: 0x10000100, data: new Uint8Array(256).fill(2) }], 0x1c5f21b0);
    const both = new Uint8Array([...mine, ...theirs]);
    const image = parseUf2(both, 'mixed.uf2', regions);
    expect(image.segments).toHaveLength(1);
    expect(image.segments[0]!.data.every((b) => b === 1)).toBe(true);
    const e = caught(() => parseUf2(theirs, 'esp.uf2', regions));
    expect(e).toBeInstanceOf(WrongFamily);
    expect((e as WrongFamily).message).toBe('esp.uf2: built for esp32, not rp2040 (UF2 family 0xe48bff56)');
    const rp2350 = encodeUf2([{ address: 0x10000000, data: new Uint8Array(256) }], 0xe48bff59);
    expect((caught(() => parseUf2(rp2350, 'p2.uf2', regions)) as Error).message).toMatch(/built for rp2350-arm-s/);
  });

  it('rejects truncation, bad magic, oversize payloads, overlaps and addresses outside flash/SRAM', () => {
    const good = encodeUf2([{ address: 0x10000000, data: new Uint8Array(512) }]);
    const cases: [Uint8Array, RegExp][] = [
      [good.subarray(0, 700), /not a multiple of 512 bytes/],
      [
        (() => {
          const b = good.slice();
          b[512 + 511] ^= 1;
          return b;
        })(),
        /block 1 has bad magic/,
      ],
      [
        (() => {
          const b = good.slice();
          new DataView(b.buffer).setUint32(16, 477, true);
          return b;
        })(),
        /claims 477 payload bytes/,
      ],
      [
        encodeUf2([
          { address: 0x10000000, data: new Uint8Array(256) },
          { address: 0x10000000, data: new Uint8Array(256) },
        ]),
        /overlaps/,
      ],
      [encodeUf2([{ address: 0x30000000, data: new Uint8Array(256) }]), /fall outside XIP flash 0x10000000..0x101fffff, SRAM/],
      [encodeUf2([{ address: 0x101fff00, data: new Uint8Array(512) }]), /fall outside/],
    ];
    for (const [bytes, message] of cases) {
      const e = caught(() => parseUf2(bytes, 'bad.uf2', regions));
      expect(e).toBeInstanceOf(FirmwareError);
      expect((e as Error).message).toMatch(message);
    }
  });

  it('never throws anything but a typed error on mutated or random input', () => {
    const good = encodeUf2([{ address: 0x10000000, data: new Uint8Array(1024).fill(7) }]);
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(good.length - 1), fc.integer({ min: 0, max: 255 })), { maxLength: 8 }), fc.nat(good.length), (flips, cut) => {
        const b = good.slice(0, Math.max(cut, 1));
        for (const [i, v] of flips) if (i < b.length) b[i] = v;
        try {
          parseFirmware(b, 'fuzz', regions);
        } catch (e) {
          expect(e instanceof FirmwareError || e instanceof WrongFamily).toBe(true);
        }
      }),
      { numRuns: 2000 },
    );
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 2048 }), (b) => {
        try {
          parseFirmware(b, 'noise', regions);
        } catch (e) {
          expect(e instanceof FirmwareError || e instanceof WrongFamily).toBe(true);
        }
      }),
      { numRuns: 500 },
    );
    expect((caught(() => parseFirmware(new Uint8Array(0), 'empty', regions)) as Error).message).toBe('empty: empty file');
    expect(RP2040_FAMILY).toBe(0xe48bff56);
  });
});

describe('ELF', () => {
  /** A minimal ELF header; `machine` 40 is ARM. */
  function elfHeader(machine: number, cls = 1): Uint8Array {
    const b = new Uint8Array(52);
    b.set([0x7f, 0x45, 0x4c, 0x46, cls, 1, 1]);
    new DataView(b.buffer).setUint16(18, machine, true);
    return b;
  }

  it('names the family of an ELF for another machine (WrongFamily) and rejects one without load segments', () => {
    expect((caught(() => parseElf(elfHeader(94), 'esp.elf', regions)) as Error).message).toBe(
      'esp.elf: built for Xtensa (ESP32), not the RP2040 (ARM Cortex-M0+)',
    );
    expect(caught(() => parseElf(elfHeader(243), 'rv.elf', regions))).toBeInstanceOf(WrongFamily);
    expect((caught(() => parseElf(elfHeader(62, 2), 'x64.elf', regions)) as Error).message).toMatch(/64-bit/);
    expect((caught(() => parseElf(elfHeader(40), 'empty.elf', regions)) as Error).message).toBe('empty.elf: ELF has no loadable segments');
    expect((caught(() => parseElf(elfHeader(40).subarray(0, 30), 'short.elf', regions)) as Error).message).toMatch(/truncated/);
  });

  it.skipIf(!haveArmGcc())('loads the test firmware ELF at its physical addresses with its function symbols, as its UF2 holds it', () => {
    const fw = buildTestFirmware('normal');
    const elf = parseElf(readFileSync(fw.elf), fw.elf, regions);
    const uf2 = parseUf2(readFileSync(fw.uf2), fw.uf2, regions);
    expect(elf.segments[0]!.address).toBe(0x10000000);
    expect(uf2.segments[0]!.data.subarray(0, elf.segments[0]!.data.length)).toEqual(elf.segments[0]!.data);
    const s = elf.symbols!;
    const timer = s.address('isr_timer_0')!;
    expect(s.describe(timer)).toBe('isr_timer_0');
    expect(s.describe(timer + 1)).toBe('isr_timer_0'); // the Thumb bit
    expect(s.describe(timer + 6)).toBe('isr_timer_0+0x6');
    expect(s.describe(0x0)).toBeUndefined();
  });
});

describe('Symbols', () => {
  it('describe() finds the function covering an address, as a linear scan does', () => {
    const fn = fc.record({ address: fc.integer({ min: 0, max: 4000 }).map((a) => a * 2), size: fc.integer({ min: 0, max: 64 }).map((s) => s * 2) });
    fc.assert(
      fc.property(fc.uniqueArray(fn, { selector: (f) => f.address, maxLength: 30 }), fc.integer({ min: 0, max: 8200 }), (fns, at) => {
        // Non-overlapping, as a linker places functions.
        const sorted = [...fns]
          .sort((a, b) => a.address - b.address)
          .map((f, i, all) => ({ ...f, size: Math.min(f.size, (all[i + 1]?.address ?? Infinity) - f.address), name: `f${i}` }));
        const s = new Symbols(sorted);
        const a = at & ~1;
        const hit = sorted.find((f) => a >= f.address && a < f.address + Math.max(f.size, 2));
        expect(s.describe(at)).toBe(hit === undefined ? undefined : a === hit.address ? hit.name : `${hit.name}+0x${(a - hit.address).toString(16)}`);
      }),
      { numRuns: 1000 },
    );
  });
});
