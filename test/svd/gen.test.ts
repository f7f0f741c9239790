// `vllsi svd gen`: the generated TypeScript type-checks against vllsi's register types (field names,
// enumerated names as literal unions), runs with mmio's peripheral() on a memory HAL, and
// compiles for every peripheral of each vendor SVD (when ../shared/svd exists).
import { describe, it, expect } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import ts from 'typescript';
import { importSvd } from '../../tools/svd/import.js';
import { generate } from '../../tools/svd/gen.js';
import { writeText } from '../../tools/files.js';
import { peripheral, bindHal, unbindHal } from '../../src/index.js';
import { IO_BANK0 } from '../../src/registers/rp2040.js';
import { MemHal } from '../support/mem-hal.js';
import { sharedDir } from './shared.js';

const root = path.resolve(import.meta.dirname, '../..');
const mmio = path.join(root, 'src/index.js');
const vendor = path.join(sharedDir, 'svd');

function genInto(dir: string, svdFile: string, only?: string[]): string[] {
  const files = generate(importSvd(readFileSync(svdFile, 'utf8'), { descriptions: true, source: path.basename(svdFile) }), { only, mmioImport: mmio });
  for (const [name, text] of files) writeText(path.join(dir, name), text);
  return [...files.keys()].map((f) => path.join(dir, f));
}

/** Type-checks with the project's compiler settings; returns the diagnostics as text. */
function compile(files: string[]): string[] {
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
  return ts
    .getPreEmitDiagnostics(program)
    .map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n') + (d.file ? ` (${path.basename(d.file.fileName)})` : ''));
}

describe('svd gen', () => {
  it('emits typed definitions: enumerated names are literal unions, unknown fields and names do not compile', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'vllsi-gen-'));
    try {
      const files = genInto(dir, path.join(import.meta.dirname, 'fixtures/derived.svd'));
      expect(files.map((f) => path.basename(f)).sort()).toEqual(['index.ts', 'uart0.ts', 'uart2.ts']); // UART1 shares uart0.ts
      const use = path.join(dir, 'use.ts');
      writeFileSync(
        use,
        [
          `import { peripheral } from '${mmio}';`,
          `import { UART1 } from './index.js';`,
          'const u = peripheral(UART1);',
          `u.CR.write({ UARTEN: 'ON', TXE: 1 });`,
          `u.CR.fields.RXE.write('OFF');`,
          '// @ts-expect-error MAYBE is not an enumerated value of UARTEN',
          `u.CR.write({ UARTEN: 'MAYBE' });`,
          '// @ts-expect-error CR has no field NOPE',
          'u.CR.write({ NOPE: 1 });',
          '// @ts-expect-error UART1 has no register XYZ',
          'u.XYZ.read();',
        ].join('\n'),
      );
      expect(compile([...files, use])).toEqual([]);
      // The same file with a wrong name that is not expected fails: the check has teeth.
      writeFileSync(use, `import { peripheral } from '${mmio}';\nimport { UART1 } from './index.js';\nperipheral(UART1).CR.write({ UARTEN: 'MAYBE' });\n`);
      expect(compile([...files, use]).join('\n')).toMatch(/MAYBE/);
    } finally {
      rmSync(dir, { recursive: true });
    }
  });

  it("generated modules run with mmio's peripheral() on a memory HAL", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'vllsi-gen-run-'));
    try {
      const files = genInto(dir, path.join(import.meta.dirname, 'fixtures/fields.svd'));
      expect(compile(files)).toEqual([]);
      // The mmio import is type-only: the emitted modules stand alone.
      for (const f of files) {
        const js = ts.transpileModule(readFileSync(f, 'utf8'), {
          compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
        }).outputText;
        expect(js).not.toMatch(/src[\\/]index/);
        writeFileSync(f.replace(/\.ts$/, '.js'), js);
      }
      const { DEV } = await import(pathToFileURL(path.join(dir, 'index.js')).href);
      expect(DEV.registers.CTRL.fields.MODE).toEqual({
        bitOffset: 16,
        bitWidth: 3,
        access: 'read-write',
        enumeratedValues: { IDLE: 0, BUSY: 4, START: 1, STOP: 2 },
      });
      expect(DEV.registers.INTR.fields.RX.modifiedWriteValues).toBe('oneToClear');
      expect(DEV.registers.FIFO.readAction).toBe('modify');
      const hal = new MemHal({ regions: [{ name: 'DEV', base: 0x40000000, size: 0x100 }] });
      const previous = bindHal(hal);
      try {
        const dev = peripheral(DEV);
        dev.CTRL.write({ A: 5, MODE: 'STOP' });
        // write() starts from the reset value (0x21): B keeps its reset 2, A and MODE as given.
        expect(hal.load32(0x40000000)).toBe((2 << 16) | 0x20 | 5);
        expect(dev.FIFO.readHasSideEffects).toBe(true);
      } finally {
        if (previous) bindHal(previous);
        else unbindHal();
      }
    } finally {
      rmSync(dir, { recursive: true });
    }
  });

  it('a run of like registers with a running index is one array (dim), as an SVD dim array is', () => {
    const r = IO_BANK0.registers;
    // GPIO0_CTRL .. GPIO29_CTRL, 8 bytes apart: IO_BANK0.GPIO_CTRL[pin].
    expect(r.GPIO_CTRL).toMatchObject({ addressOffset: 4, dim: 30, dimIncrement: 8, resetValue: 0x1f });
    expect(r.GPIO_STATUS).toMatchObject({ addressOffset: 0, dim: 30, dimIncrement: 8 });
    expect(Object.keys(r).filter((n) => /^GPIO\d+_/.test(n))).toEqual([]);
    // FUNCSEL names its values per pin (sio_5 ...), so the array keeps its numbers only; shared names stay.
    expect(r.GPIO_CTRL.fields.FUNCSEL).not.toHaveProperty('enumeratedValues');
    // ... but each element keeps its own names (pin 25 offers sio_25, not sio_0), and its handle takes them.
    expect(r.GPIO_CTRL.fields.FUNCSEL.elementEnumeratedValues[25]).toMatchObject({ sio_25: 5, null: 31 });
    expect(r.GPIO_CTRL.fields.FUNCSEL.elementEnumeratedValues[0]).not.toHaveProperty('sio_25');
    expect(r.GPIO_CTRL.fields.OUTOVER.enumeratedValues).toEqual({ NORMAL: 0, INVERT: 1, LOW: 2, HIGH: 3 });
    // Registers that differ (INTR0..3 name other pins) stay apart.
    expect(Object.keys(r)).toEqual(expect.arrayContaining(['INTR0', 'INTR1', 'INTR2', 'INTR3']));
    const text = readFileSync(path.join(root, 'src/registers/rp2040/io_bank0.ts'), 'utf8');
    expect(text).toMatch(/^  GPIO_CTRL: \{ addressOffset: 0x4, dim: 30, dimIncrement: 0x8, resetValue: 0x1f, fields: \{$/m);
  });

  it('repeated field maps and fields are one object each (XS heap on the device), the rest stays inline', () => {
    const r = IO_BANK0.registers;
    // PROCn_INTEm and PROCn_INTFm have the same map: one object.
    expect(r.PROC_INTF0.fields).toBe(r.PROC_INTE0.fields);
    expect(r.INTR0.fields).not.toBe(r.INTR1.fields);
    const text = readFileSync(path.join(root, 'src/registers/rp2040/io_bank0.ts'), 'utf8');
    expect(text).toMatch(/^const PROC_INTE0\$fields = \{$/m);
    expect(text).toMatch(/^  PROC_INTF0: \{ addressOffset: 0x110, dim: 2, dimIncrement: 0x30, fields: PROC_INTE0\$fields \},$/m);
    // A field map used once is written in place.
    expect(text).toMatch(/^  GPIO_STATUS: \{ addressOffset: 0x0, dim: 30, dimIncrement: 0x8, fields: \{$/m);
  });

  it('--only keeps the named peripherals and the ones they derive from', () => {
    const files = generate(importSvd(readFileSync(path.join(import.meta.dirname, 'fixtures/derived.svd'), 'utf8')), { only: ['uart1'] });
    expect([...files.keys()].sort()).toEqual(['index.ts', 'uart0.ts']);
    expect(files.get('index.ts')).toContain(`export { UART0, UART1 } from './uart0.js';`);
    // The derived peripheral names the shared layout constant: no spread, no member read of UART0.
    const uart1 = files.get('uart0.ts')!.split('export const UART1 = ')[1]!;
    expect(uart1).toMatch(/^\{\n  name: 'UART1',\n[\s\S]*\n  registers,\n\} as const satisfies PeripheralDef;\n$/);
    expect(files.get('uart0.ts')).not.toContain('...UART0');
    expect(() => generate(importSvd(readFileSync(path.join(import.meta.dirname, 'fixtures/derived.svd'), 'utf8')), { only: ['NOPE'] })).toThrow(
      /no peripheral 'NOPE'/,
    );
  });

  it.skipIf(!existsSync(vendor))('compiles the code generated for every peripheral of each vendor SVD', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'vllsi-gen-vendor-'));
    try {
      const files = ['RP2040.svd', 'esp32.svd', 'esp32c3.svd'].flatMap((f) => genInto(path.join(dir, f), path.join(vendor, f)));
      const peripherals = files
        .filter((f) => f.endsWith('index.ts'))
        .flatMap((f) =>
          readFileSync(f, 'utf8')
            .match(/export \{[^}]*\}/g)!
            .flatMap((e) => e.split(',')),
        );
      const inSvds = ['RP2040.svd', 'esp32.svd', 'esp32c3.svd'].map((f) => importSvd(readFileSync(path.join(vendor, f), 'utf8')).peripherals.length);
      expect(peripherals.length).toBe(inSvds.reduce((a, b) => a + b)); // every peripheral, derived ones in their base's module
      expect(peripherals.length).toBeGreaterThan(100);
      const t = performance.now();
      expect(compile(files)).toEqual([]);
      console.log(
        `svd gen: ${peripherals.length} peripherals in ${files.length} generated modules of 3 vendor SVDs type-checked in ${((performance.now() - t) / 1000).toFixed(1)} s`,
      );
    } finally {
      rmSync(dir, { recursive: true });
    }
  });
});
