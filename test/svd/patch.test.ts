// `vllsi svd gen|import --patch`: corrections to a vendor file as data. The rules select by glob,
// set or delete, refuse to select nothing, and leave everything they do not select as it was;
// a malformed patch file is an SvdPatchError naming the rule, never a crash. Where ../shared
// exists, the committed ESP32 definitions are exactly what `svd gen` makes of esp32.svd with
// tools/svd/patches/esp32.json.
import { describe, it, expect, vi } from 'vitest';
import fc from 'fast-check';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { main } from '../../tools/cli.js';
import { importSvd } from '../../tools/svd/import.js';
import { generate } from '../../tools/svd/gen.js';
import { applyPatch, parsePatch, readPatch, SvdPatchError, type Patch } from '../../tools/svd/patch.js';
import { locate, readHasSideEffects, unpackMap, type DeviceMap } from '../../src/register_map.js';
import { sharedDir } from './shared.js';

const root = path.resolve(import.meta.dirname, '../..');
const fixture = path.join(import.meta.dirname, 'fixtures', 'derived.svd');
const map = (): DeviceMap => importSvd(readFileSync(fixture, 'utf8'), { descriptions: true });
const patch = (rules: unknown[]): Patch => parsePatch({ device: 'DERIVED', rules }, 'test');

describe('svd patch: rules', () => {
  it('sets access, actions and reset values on the registers and fields a glob selects', () => {
    const m = applyPatch(
      map(),
      patch([
        { peripheral: 'UART0', register: 'DR', set: { readAction: 'modify' }, why: 'reading pops' },
        { peripheral: 'UART0', register: 'CR*', field: '[TR]XE', set: { modifiedWriteValues: 'oneToClear' }, why: 'w1c' },
        { peripheral: 'UART0', register: 'BLK_?', set: { access: 'write-only', resetValue: 7 }, why: 'WO' },
      ]),
    );
    expect(readHasSideEffects(locate(m, 'UART0.DR').register)).toBe(true);
    for (const r of ['CR', 'CR_ALIAS']) {
      expect(locate(m, `UART0.${r}.TXE`).field!.modifiedWriteValues).toBe('oneToClear');
      expect(locate(m, `UART0.${r}.RXE`).field!.modifiedWriteValues).toBe('oneToClear');
      expect(locate(m, `UART0.${r}.UARTEN`).field!.modifiedWriteValues).toBeUndefined();
    }
    expect(locate(m, 'UART0.BLK_A').register).toMatchObject({ access: 'write-only', resetValue: 7 });
    expect(locate(m, 'UART0.BLK_B').register).toMatchObject({ access: 'write-only', resetValue: 7 });
    expect(locate(m, 'UART0.BLK2_A').register.access).toBe('read-write');
  });

  it("a register's access reaches its fields (the map keeps them resolved); null removes an action", () => {
    const once = applyPatch(map(), patch([{ peripheral: 'UART?', register: 'CR', set: { access: 'read-only', readAction: 'clear' }, why: 'RO' }]));
    expect(locate(once, 'UART1.CR.TXE').field!.access).toBe('read-only');
    const undone = applyPatch(once, patch([{ peripheral: 'UART?', register: 'CR', set: { readAction: null }, why: 'no side effect' }]));
    expect(locate(undone, 'UART1.CR').register).not.toHaveProperty('readAction');
  });

  it('deletes registers and fields', () => {
    const m = applyPatch(
      map(),
      patch([
        { peripheral: 'UART0', register: 'CR_ALIAS', delete: true, why: 'not on the chip' },
        { peripheral: 'UART0', register: 'CR', field: 'RXE', delete: true, why: 'reserved' },
      ]),
    );
    expect(() => locate(m, 'UART0.CR_ALIAS')).toThrow();
    expect(locate(m, 'UART0.CR').register.fields.map((f) => f.name)).toEqual(['UARTEN', 'TXE']);
  });

  it('a derived peripheral patched unlike its base is no longer derived: svd gen gives it its own module', () => {
    const both = applyPatch(map(), patch([{ peripheral: 'UART[01]', register: 'DR', set: { readAction: 'modify' }, why: 'pops' }]));
    expect(both.peripherals.find((p) => p.name === 'UART1')!.derivedFrom).toBe('UART0');
    expect([...generate(both).keys()].sort()).toEqual(['index.ts', 'uart0.ts', 'uart2.ts']);
    const one = applyPatch(map(), patch([{ peripheral: 'UART0', register: 'DR', set: { readAction: 'modify' }, why: 'pops' }]));
    expect(one.peripherals.find((p) => p.name === 'UART1')).not.toHaveProperty('derivedFrom');
    expect(readHasSideEffects(locate(one, 'UART1.DR').register)).toBe(false);
    expect([...generate(one).keys()].sort()).toEqual(['index.ts', 'uart0.ts', 'uart1.ts', 'uart2.ts']);
  });

  it('a rule that selects nothing, or a patch for another device, is refused', () => {
    expect(() => applyPatch(map(), patch([{ peripheral: 'UART0', register: 'NOPE', set: { access: 'read-only' }, why: 'x' }]))).toThrow(
      /rule 1 \(UART0\.NOPE\) selects nothing in DERIVED/,
    );
    expect(() => applyPatch(map(), patch([{ peripheral: 'UART0', register: 'CR', field: 'NOPE*', delete: true, why: 'x' }]))).toThrow(SvdPatchError);
    expect(() => applyPatch(map(), parsePatch({ device: 'ESP32', rules: [{ peripheral: 'P', register: 'R', delete: true, why: 'x' }] }, 't'))).toThrow(
      /the patch is for ESP32, the SVD describes DERIVED/,
    );
  });

  it('laws: selected elements only change; set rules are idempotent', () => {
    const base = map();
    const registers = base.peripherals[0]!.registers.map((r) => r.name);
    fc.assert(
      fc.property(
        fc.subarray(registers, { minLength: 1 }),
        fc.constantFrom('read-only', 'write-only', 'read-write'),
        fc.option(fc.constantFrom('clear', 'modify'), { nil: undefined }),
        (chosen, access, readAction) => {
          const p = patch(chosen.map((r) => ({ peripheral: 'UART0', register: r, set: { access, ...(readAction ? { readAction } : {}) }, why: 'law' })));
          const once = applyPatch(base, p);
          expect(applyPatch(once, p)).toEqual(once);
          const after = once.peripherals.find((q) => q.name === 'UART0')!;
          for (const [i, r] of base.peripherals[0]!.registers.entries()) {
            const now = after.registers[i]!;
            if (!chosen.includes(r.name)) expect(now).toEqual(r);
            else {
              expect(now).toMatchObject({ access, ...(readAction ? { readAction } : {}) });
              expect(now.fields.every((f) => f.access === access)).toBe(true);
              expect({ ...now, access: 0, readAction: 0, fields: 0 }).toEqual({ ...r, access: 0, readAction: 0, fields: 0 });
            }
          }
          // Other peripherals that do not derive from UART0 are untouched.
          expect(once.peripherals.find((q) => q.name === 'UART2')).toEqual(base.peripherals.find((q) => q.name === 'UART2'));
        },
      ),
      { numRuns: 60 },
    );
  });
});

describe('svd patch: malformed files (outside input)', () => {
  const ok = { peripheral: 'P', register: 'R', set: { access: 'read-only' }, why: 'x' };
  const cases: [string, unknown, RegExp][] = [
    ['not an object', [], /a patch is an object/],
    ['unknown key', { device: 'D', rules: [ok], extra: 1 }, /unknown key "extra"/],
    ['no device', { rules: [ok] }, /"device" must name/],
    ['no rules', { device: 'D', rules: [] }, /"rules" must be a non-empty list/],
    ['rule not an object', { device: 'D', rules: [5] }, /rule 1: a rule is an object/],
    ['unknown rule key', { device: 'D', rules: [{ ...ok, reg: 'R' }] }, /rule 1: unknown key "reg"/],
    ['no why', { device: 'D', rules: [{ ...ok, why: ' ' }] }, /"why" must say/],
    ['field without register', { device: 'D', rules: [{ peripheral: 'P', field: 'F', delete: true, why: 'x' }] }, /"field" needs "register"/],
    ['set and delete', { device: 'D', rules: [{ ...ok, delete: true }] }, /either "set" or "delete": true/],
    ['neither', { device: 'D', rules: [{ peripheral: 'P', register: 'R', why: 'x' }] }, /either "set" or "delete": true/],
    ['delete false', { device: 'D', rules: [{ peripheral: 'P', register: 'R', delete: false, why: 'x' }] }, /"delete" must be true/],
    ['delete a peripheral', { device: 'D', rules: [{ peripheral: 'P', delete: true, why: 'x' }] }, /not peripherals/],
    ['set a peripheral', { device: 'D', rules: [{ peripheral: 'P', set: { access: 'read-only' }, why: 'x' }] }, /give "register"/],
    ['bad access', { device: 'D', rules: [{ ...ok, set: { access: 'ro' } }] }, /"access" must be one of/],
    ['bad readAction', { device: 'D', rules: [{ ...ok, set: { readAction: 'pop' } }] }, /"readAction" must be one of/],
    ['modify is no write action', { device: 'D', rules: [{ ...ok, set: { modifiedWriteValues: 'modify' } }] }, /"modifiedWriteValues" must be one of/],
    ['set a name', { device: 'D', rules: [{ ...ok, set: { name: 'X' } }] }, /"set" cannot change "name"/],
    ['empty set', { device: 'D', rules: [{ ...ok, set: {} }] }, /at least one property/],
    ['reset on a field', { device: 'D', rules: [{ ...ok, field: 'F', set: { resetValue: 1 } }] }, /a register's, not a field's/],
    ['reset too wide', { device: 'D', rules: [{ ...ok, set: { resetValue: 2 ** 32 } }] }, /"resetValue" must be an integer/],
    ['name with a space', { device: 'D', rules: [{ ...ok, register: 'R 1' }] }, /"register" must be a name or a glob/],
    ['regexp injection', { device: 'D', rules: [{ ...ok, register: '(a+)+$' }] }, /must be a name or a glob/],
    ['open bracket', { device: 'D', rules: [{ ...ok, register: 'R[' }] }, /rule 1: glob "R\[" has '\[' without '\]'/],
    ['range out of order', { device: 'D', rules: [{ ...ok, register: 'R[z-a]' }] }, /glob "R\[z-a\]" is not valid/],
  ];
  it.each(cases)('%s', (_, json, message) => {
    expect(() => applyPatch(map(), parsePatch(json, 'p.json'))).toThrow(SvdPatchError);
    expect(() => applyPatch(map(), parsePatch(json, 'p.json'))).toThrow(message);
  });

  it('text that is not JSON is an SvdPatchError naming the file', () => {
    expect(() => readPatch('{ "device": ', 'p.json')).toThrow(/^p\.json: not JSON/);
  });

  it('any JSON value is a patch or an SvdPatchError, never another error', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (json) => {
        try {
          applyPatch(map(), parsePatch(json, 'p'));
        } catch (e) {
          expect(e).toBeInstanceOf(SvdPatchError);
        }
      }),
      { numRuns: 300 },
    );
    const rule = fc.record(
      {
        peripheral: fc.oneof(fc.constantFrom('UART*', 'UART0', '*'), fc.string()),
        register: fc.oneof(fc.constantFrom('CR', 'D?', '[!C]*'), fc.string()),
        field: fc.oneof(fc.constantFrom('TXE', '*'), fc.string()),
        why: fc.string(),
        set: fc.dictionary(fc.constantFrom('access', 'readAction', 'resetValue', 'x'), fc.jsonValue()),
        delete: fc.constantFrom(true, false, 1),
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(fc.array(rule, { maxLength: 4 }), (rules) => {
        try {
          applyPatch(map(), parsePatch({ device: 'DERIVED', rules }, 'p'));
        } catch (e) {
          expect(e).toBeInstanceOf(SvdPatchError);
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('vllsi svd gen --patch', () => {
  async function run(args: string[]): Promise<{ code: number; err: string }> {
    const lines: string[] = [];
    const err = vi.spyOn(console, 'error').mockImplementation((s: string) => void lines.push(s));
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    try {
      return { code: await main(args), err: lines.join('\n') };
    } finally {
      err.mockRestore();
      log.mockRestore();
    }
  }

  it('writes the patched definitions and says so in their header; a bad patch is one line and exit 1', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'vllsi-patch-'));
    try {
      const p = path.join(dir, 'fix.json');
      writeFileSync(p, JSON.stringify({ device: 'DERIVED', rules: [{ peripheral: 'UART?', register: 'DR', set: { readAction: 'modify' }, why: 'pops' }] }));
      expect((await run(['svd', 'gen', fixture, '-o', path.join(dir, 'out'), '--patch', p])).code).toBe(0);
      const uart0 = readFileSync(path.join(dir, 'out', 'uart0.ts'), 'utf8');
      expect(uart0).toMatch(/^\/\/ Generated by `vllsi svd gen` from derived\.svd, corrected by fix\.json: do not edit\.$/m);
      expect(uart0).toMatch(/^ {2}DR: \{ addressOffset: 0x0, readAction: 'modify', fields: \{$/m);
      expect((await run(['svd', 'import', fixture, '-o', path.join(dir, 'map.json'), '--patch', p])).code).toBe(0);
      expect(readFileSync(path.join(dir, 'map.json'), 'utf8')).toContain('"readAction":"modify"');

      writeFileSync(p, JSON.stringify({ device: 'DERIVED', rules: [{ peripheral: 'UART9', register: 'DR', delete: true, why: 'x' }] }));
      const bad = await run(['svd', 'gen', fixture, '-o', path.join(dir, 'out2'), '--patch', p]);
      expect(bad.code).toBe(1);
      expect(bad.err).toMatch(/rule 1 \(UART9\.DR\) selects nothing in DERIVED/);
      expect(bad.err).not.toMatch(/\n\s+at /);
      expect(existsSync(path.join(dir, 'out2'))).toBe(false);
      expect((await run(['svd', 'gen', fixture, '-o', path.join(dir, 'out3'), '--patch'])).code).toBe(2);
    } finally {
      rmSync(dir, { recursive: true });
    }
  });
});

describe('the committed ESP32 board map carries the corrections', () => {
  it('UART FIFO reads pop (the console asks before reading them), W1TS/W1TC are write-only', () => {
    const m = unpackMap(JSON.parse(readFileSync(path.join(root, 'boards/esp32-devkitc/registers.json'), 'utf8')));
    expect(m.source).toMatch(/corrected by esp32\.json$/);
    for (const u of ['UART0', 'UART1', 'UART2']) expect(readHasSideEffects(locate(m, `${u}.FIFO`).register), u).toBe(true);
    expect(locate(m, 'GPIO.OUT_W1TS').register.access).toBe('write-only');
    expect(locate(m, 'GPIO.STATUS_W1TC.STATUS_INT_W1TC').field!.access).toBe('write-only');
  });
});

/** The peripherals src/registers/esp32/ has: docs/svd.md's command line. */
const ESP32_ONLY = ['GPIO', 'UART0', 'UART1', 'UART2', 'TIMG0', 'LEDC', 'I2C0', 'I2C1', 'SPI2', 'SPI3', 'SENS'];
const esp32Svd = path.join(sharedDir, 'svd', 'esp32.svd');
describe.skipIf(!existsSync(esp32Svd))('ESP32 definitions: esp32.svd with tools/svd/patches/esp32.json', () => {
  const esp32Patch = readPatch(readFileSync(path.join(root, 'tools/svd/patches/esp32.json'), 'utf8'), 'esp32.json');
  const vendor = () => importSvd(readFileSync(esp32Svd), { descriptions: true, source: 'esp32.svd' });

  it('corrects what the TRM says the vendor file gets wrong', () => {
    const before = vendor();
    const m = applyPatch(before, esp32Patch);
    for (const u of ['UART0', 'UART1', 'UART2']) {
      expect(readHasSideEffects(locate(before, `${u}.FIFO`).register)).toBe(false);
      expect(locate(m, `${u}.FIFO.RXFIFO_RD_BYTE`).field!.readAction).toBe('modify');
    }
    expect(m.peripherals.find((p) => p.name === 'UART1')!.derivedFrom).toBe('UART0');
    const w1t = m.peripherals.find((p) => p.name === 'GPIO')!.registers.filter((r) => /_W1T[SC]$/.test(r.name));
    expect(w1t.map((r) => r.name).sort()).toEqual(['OUT', 'OUT1', 'ENABLE', 'ENABLE1', 'STATUS', 'STATUS1'].flatMap((n) => [`${n}_W1TC`, `${n}_W1TS`]).sort());
    expect(w1t.every((r) => r.access === 'write-only' && r.fields.every((f) => f.access === 'write-only'))).toBe(true);
    expect(locate(before, 'GPIO.OUT_W1TS').register.access).toBe('read-write');
    expect(locate(m, 'GPIO.IN.DATA_NEXT').field!.access).toBe('read-only');
    expect(locate(m, 'GPIO.CPUSDIO_INT1').register.fields.map((f) => f.name)).toEqual(['SDIO_INT_H']);
  });

  it('src/registers/esp32/ is exactly what svd gen writes (regenerate as docs/svd.md says)', () => {
    const dir = path.join(root, 'src/registers/esp32');
    const committed = readdirSync(dir).sort();
    const files = generate(applyPatch({ ...vendor(), source: 'esp32.svd from espressif/svd, corrected by esp32.json' }, esp32Patch), {
      only: ESP32_ONLY,
      mmioImport: '../../register_def.js',
    });
    expect(committed).toEqual([...files.keys()].sort());
    for (const [name, text] of files) expect(readFileSync(path.join(dir, name), 'utf8'), name).toBe(text);
  });
});
