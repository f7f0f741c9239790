// The vendor SVD corpus (../shared/svd/corpus): 13 real files, one per way a vendor file breaks
// a naive importer. Each imports with the warnings its failure class calls for, its map reads
// back, and the code `svd gen` makes of all of them type-checks under strict tsc (one run).
// Skipped loudly where ../shared is absent.
import { describe, it, expect } from 'vitest';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ts from 'typescript';
import { importSvd, SvdError } from '../../tools/svd/import.js';
import { mapToJson } from '../../tools/svd/write.js';
import { generate } from '../../tools/svd/gen.js';
import { writeText } from '../../tools/files.js';
import { locate, unpackMap, type DeviceMap, type WarningClass } from '../../src/register_map.js';
import { sharedOrSkip } from './shared.js';

const corpus = sharedOrSkip('svd/corpus', 'vendor SVD corpus tests');
const root = path.resolve(import.meta.dirname, '../..');

// What each file must give: its warnings counted by class, and the facts its class is about.
const expected: Record<string, { warnings: Partial<Record<WarningClass, number>>; check: (m: DeviceMap) => void }> = {
  'Atmel__ATSAMD51J19A.svd': {
    warnings: { 'enum-too-wide': 9, 'value-too-wide': 3 },
    check: (m) => {
      const w = m.warnings!.find((x) => x.kind === 'enum-too-wide')!;
      expect(`${w.where}: ${w.message}`).toBe('peripheral NVMCTRL register PARAM field SEE enumeratedValue A: 0xA does not fit 1 bit; dropped');
      // The values that fit are kept.
      expect(
        locate(m, 'NVMCTRL.PARAM.SEE')
          .field!.enums![0]!.values.map((v) => v.value)
          .sort(),
      ).toEqual([0, 1]);
    },
  },
  'Nordic__nrf52840.svd': {
    warnings: {},
    check: (m) => expect(m.peripherals.flatMap((p) => p.registers).filter((r) => r.access === 'read-writeOnce').length).toBeGreaterThan(0),
  },
  'Spansion__MB9AF10xN.svd': {
    warnings: { 'bad-size': 1, 'value-too-wide': 2 },
    check: (m) => {
      expect(() => locate(m, 'HWWDT.WDG_RIS')).toThrow(/no register/);
      expect(locate(m, 'HWWDT.WDG_LCK').address).toBe(0x40011c00);
    },
  },
  'Allwinner-Community__D1-H.svd': {
    warnings: { 'split-64-bit': 1 },
    check: (m) => {
      expect(locate(m, 'CLINT.mtime_LO')).toMatchObject({ address: 0x1400bff8, register: { size: 32, access: 'read-only' } });
      expect(locate(m, 'CLINT.mtime_HI').address).toBe(0x1400bffc);
    },
  },
  'Toshiba__M367.svd': {
    warnings: { 'value-too-wide': 4 },
    check: (m) => expect(locate(m, 'UART4.RIS').register.resetValue).toBe(0xfffffff1),
  },
  'Renesas__R7FA4M1AB.svd': {
    warnings: { renamed: 473 },
    check: (m) => {
      // P30%sPFS derives from P100PFS, one instance of P10%sPFS.
      expect(locate(m, 'PFS.P301PFS').register).toMatchObject({ addressOffset: 0xc4, size: 32 });
      expect(locate(m, 'PFS.P301PFS').register.fields.map((f) => f.name)).toEqual(locate(m, 'PFS.P100PFS').register.fields.map((f) => f.name));
    },
  },
  'GigaDevice__GD32VF103.svd': {
    warnings: { 'repeated-element': 1, 'bad-value': 4 },
    check: (m) => {
      expect(m.warnings!.find((w) => w.kind === 'repeated-element')).toMatchObject({
        where: 'peripheral DMA1',
        message: '<baseAddress> given 2 times (0x40020000, 0x40020400); the last kept',
      });
      expect(m.peripherals.find((p) => p.name === 'DMA1')!.baseAddress).toBe(0x40020400);
    },
  },
  'SiFive-Community__e310x.svd': {
    warnings: { 'field-outside': 1 },
    check: (m) => {
      expect(m.warnings![0]!.where).toBe('peripheral PWM0 register cfg field cmp2gang');
      expect(locate(m, 'PWM1.cfg').register.fields.map((f) => f.name)).toContain('cmp1gang');
      expect(() => locate(m, 'PWM1.cfg.cmp2gang')).toThrow(/no field/);
    },
  },
  'TexasInstruments__MSP432P401R.svd': {
    warnings: { 'repeated-element': 1 },
    // 83 registers were lost when only the first <registers> block was read.
    check: (m) => expect(m.peripherals.reduce((n, p) => n + p.registers.length, 0)).toBe(814),
  },
  'Espressif-Community__esp32.svd': {
    warnings: {},
    check: (m) => {
      const names = m.peripherals.map((p) => p.name);
      const late = m.peripherals.filter((p) => p.derivedFrom !== undefined && names.indexOf(p.derivedFrom) > names.indexOf(p.name));
      expect(late.length).toBeGreaterThan(0);
    },
  },
  'NXP__LPC43xx_43Sxx.svd': {
    warnings: { renamed: 500 },
    check: (m) =>
      expect(
        locate(m, 'SCT.CTRL')
          .register.fields.filter((f) => /^RESERVED/.test(f.name))
          .map((f) => f.name),
      ).toEqual(['RESERVED', 'RESERVED_29']),
  },
  'STMicro__STM32F411.svd': {
    warnings: { 'repeated-element': 1 },
    check: (m) => expect(m.peripherals.find((p) => p.name === 'FPU')!.interrupts).toEqual([{ name: 'FPU', value: 81 }]),
  },
  'TexasInstruments__TM4C123AE6PM.svd': {
    warnings: { 'repeated-element': 1, renamed: 5 },
    check: (m) => {
      // The main register keeps its name; its alternate (the read view) gets its group's.
      expect(locate(m, 'I2C0.MCS').register.fields.map((f) => f.name)).toContain('I2C_MCS_RUN');
      expect(locate(m, 'I2C0.MCS_I2C0_ALT').register).toMatchObject({ addressOffset: 4 });
      expect(locate(m, 'I2C0.MCS_I2C0_ALT').register.fields.map((f) => f.name)).toContain('I2C_MCS_BUSY');
    },
  },
};

const cache = new Map<string, DeviceMap>();
const load = (file: string) => {
  if (!cache.has(file)) cache.set(file, importSvd(readFileSync(path.join(corpus!, file)), { descriptions: true, source: file }));
  return cache.get(file)!;
};

describe.skipIf(!corpus)('vendor SVD corpus', () => {
  it('has the 13 files this test knows', () => {
    expect(
      readdirSync(corpus!)
        .filter((f) => f.endsWith('.svd'))
        .sort(),
    ).toEqual(Object.keys(expected).sort());
  });

  describe.each(Object.keys(expected))('%s', (file) => {
    it('imports with the expected warnings, each naming its element', () => {
      const m = load(file);
      const counts: Record<string, number> = {};
      for (const w of m.warnings ?? []) counts[w.kind] = (counts[w.kind] ?? 0) + 1;
      expect(counts).toEqual(expected[file]!.warnings);
      for (const w of m.warnings ?? []) expect(w.where).toMatch(/^(device|peripheral \S+)/);
      expected[file]!.check(m);
    });

    it('its map reads back', () => {
      const m = load(file);
      expect(unpackMap(JSON.parse(mapToJson(m)))).toEqual(m);
    });

    it('register and field names are unique ignoring case (lookups are unambiguous)', () => {
      const m = load(file);
      const unique = (names: string[]) => new Set(names.map((n) => n.toUpperCase())).size === names.length;
      expect(unique(m.peripherals.map((p) => p.name))).toBe(true);
      for (const p of m.peripherals) {
        expect(unique(p.registers.map((r) => r.name)), p.name).toBe(true);
        for (const r of p.registers) expect(unique(r.fields.map((f) => f.name)), `${p.name}.${r.name}`).toBe(true);
        expect(unique((p.interrupts ?? []).map((i) => i.name)), p.name).toBe(true);
      }
    });

    it.skipIf(Object.keys(expected[file]!.warnings).every((k) => k === 'renamed'))('--strict refuses it', () => {
      expect(() => importSvd(readFileSync(path.join(corpus!, file)), { strict: true })).toThrow(SvdError);
    });
  });

  it('svd gen of every file type-checks under strict tsc (one tsc run over all generated modules)', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'vllsi-gen-corpus-'));
    try {
      const files: string[] = [];
      for (const file of Object.keys(expected)) {
        for (const [name, text] of generate(load(file), { mmioImport: path.join(root, 'src/index.js') })) {
          writeText(path.join(dir, file, name), text);
          files.push(path.join(dir, file, name));
        }
      }
      const t = performance.now();
      const program = ts.createProgram(files, {
        target: ts.ScriptTarget.ES2022,
        module: ts.ModuleKind.NodeNext,
        moduleResolution: ts.ModuleResolutionKind.NodeNext,
        strict: true,
        skipLibCheck: true,
        noEmit: true,
        types: [],
        lib: ['lib.es2022.d.ts'],
      });
      const diagnostics = ts
        .getPreEmitDiagnostics(program)
        .map((d) => `${d.file ? path.relative(dir, d.file.fileName) : ''}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`);
      console.log(
        `svd gen: ${files.length} modules from ${Object.keys(expected).length} corpus files type-checked in ${((performance.now() - t) / 1000).toFixed(1)} s`,
      );
      expect(diagnostics.slice(0, 20)).toEqual([]);
      // Every file's program really was checked: the generated sources are part of it.
      expect(program.getSourceFiles().filter((f) => f.fileName.startsWith(dir)).length).toBe(files.length);
    } finally {
      rmSync(dir, { recursive: true });
    }
  }, 300_000);
});
