// The hand-written register definitions against the vendor SVD files: addresses, widths,
// field positions, reset values, enumerated values and (RP2040) access. Runs only where
// ../shared/svd exists (not in a fresh clone).
import { describe, it, expect } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import type { PeripheralDef, FieldDef } from '../../src/index.js';
import * as rp2040 from '../../src/registers/rp2040.js';
import * as esp32 from '../../src/registers/esp32.js';

const svdDir = path.resolve(import.meta.dirname, '../../../shared/svd');
const have = fs.existsSync(svdDir);

interface SvdField {
  name: string;
  bitOffset?: number;
  bitWidth?: number;
  bitRange?: string;
  lsb?: number;
  msb?: number;
  access?: string;
  enumeratedValues?: { enumeratedValue: { name: string; value: string | number }[] };
}
interface SvdRegister {
  name: string;
  addressOffset: string | number;
  size?: number;
  resetValue?: string | number;
  dim?: string;
  dimIncrement?: string;
  fields?: { field: SvdField[] };
}
interface SvdPeripheral {
  name: string;
  baseAddress: string | number;
  registers?: { register: SvdRegister[] };
  '@_derivedFrom'?: string;
}

function load(file: string): Map<string, SvdPeripheral> {
  const parser = new XMLParser({
    ignoreAttributes: false,
    parseTagValue: false,
    isArray: (n) => ['peripheral', 'register', 'field', 'enumeratedValue'].includes(n),
  });
  const doc = parser.parse(fs.readFileSync(path.join(svdDir, file), 'utf8'));
  return new Map((doc.device.peripherals.peripheral as SvdPeripheral[]).map((p) => [p.name, p]));
}
const int = (v: string | number | undefined) => (v === undefined ? undefined : Number(String(v).trim()));
function position(f: SvdField): [number, number] {
  if (f.bitRange) {
    const [msb, lsb] = f.bitRange.replace(/[[\]]/g, '').split(':').map(Number);
    return [lsb!, msb! - lsb! + 1];
  }
  if (f.lsb !== undefined) return [int(f.lsb)!, int(f.msb)! - int(f.lsb)! + 1];
  return [int(f.bitOffset)!, int(f.bitWidth)!];
}

function compare(def: PeripheralDef, svd: Map<string, SvdPeripheral>, opts: { access: boolean; enums: (field: string) => boolean }) {
  const p = svd.get(def.name)!;
  expect(p, `${def.name} in the SVD`).toBeDefined();
  expect(int(p.baseAddress)).toBe(def.baseAddress);
  // Arrays (dim) expanded as the format asks: FUNC%s_OUT_SEL_CFG -> FUNC0_OUT_SEL_CFG, ...
  const regs = (p.registers ?? svd.get(p['@_derivedFrom']!)!.registers)!.register.flatMap((r) =>
    r.dim === undefined
      ? [r]
      : Array.from({ length: int(r.dim)! }, (_, i) => ({
          ...r,
          name: r.name.replace('%s', String(i)),
          addressOffset: int(r.addressOffset)! + i * int(r.dimIncrement)!,
        })),
  );
  let checked = 0;
  // A register array (dim) stands for the SVD's registers at its elements' offsets, named with the
  // index (GPIO_CTRL[5] is GPIO5_CTRL; FUNC_OUT_SEL_CFG[5] is FUNC%s_OUT_SEL_CFG's FUNC5_OUT_SEL_CFG).
  const elements = Object.entries(def.registers).flatMap(([rname, r]) =>
    r.dim === undefined
      ? [[rname, r, rname] as const]
      : Array.from({ length: r.dim }, (_, i) => [rname, { ...r, addressOffset: r.addressOffset + i * r.dimIncrement! }, String(i)] as const),
  );
  const unindexed = (name: string, i: string) =>
    name
      .replace(i, '')
      .replace(/__/g, '_')
      .replace(/^_+|_+$/g, '');
  for (const [rname, r, index] of elements) {
    const s =
      index === rname ? regs.find((x) => x.name === rname) : regs.find((x) => int(x.addressOffset) === r.addressOffset && unindexed(x.name, index) === rname);
    expect(s, `${def.name}.${rname}${index === rname ? '' : `[${index}]`} in the SVD`).toBeDefined();
    expect([rname, int(s!.addressOffset)]).toEqual([rname, r.addressOffset]);
    expect([rname, int(s!.size) ?? 32]).toEqual([rname, r.size ?? 32]);
    if (s!.resetValue !== undefined) expect([rname, int(s!.resetValue)]).toEqual([rname, r.resetValue ?? 0]);
    for (const [fname, f] of Object.entries((r.fields ?? {}) as { [k: string]: FieldDef })) {
      const sf = s!.fields?.field.find((x) => x.name === fname);
      expect(sf, `${def.name}.${rname}.${fname} in the SVD`).toBeDefined();
      expect([fname, ...position(sf!)]).toEqual([fname, f.bitOffset, f.bitWidth]);
      if (opts.access && sf!.access) expect([fname, f.access ?? 'read-write']).toEqual([fname, sf!.access]);
      // (An SVD enumeratedValues that is derivedFrom another has no values of its own to compare.)
      if (opts.enums(fname) && f.enumeratedValues && sf!.enumeratedValues?.enumeratedValue) {
        const svdEnums = Object.fromEntries(sf!.enumeratedValues!.enumeratedValue.map((e) => [e.name, int(e.value)]));
        expect(f.enumeratedValues).toEqual(svdEnums);
      }
      checked++;
    }
  }
  return checked;
}

(have ? describe : describe.skip)('registers: hand-written definitions match the vendor SVDs', () => {
  it('RP2040 (RESETS, SIO, IO_BANK0, TIMER, UART0): addresses, fields, reset values, access, enums', () => {
    const svd = load('RP2040.svd');
    let n = 0;
    for (const def of [rp2040.RESETS, rp2040.SIO, rp2040.IO_BANK0, rp2040.TIMER, rp2040.UART0])
      n += compare(def, svd, { access: true, enums: (f) => f !== 'FUNCSEL' });
    expect(n).toBeGreaterThan(150);
  });
  it('ESP32 (GPIO, UART0, TIMG0, generated with the TRM corrections): addresses, fields, reset values', () => {
    const svd = load('esp32.svd');
    let n = 0;
    for (const def of [esp32.GPIO, esp32.UART0, esp32.TIMG0]) n += compare(def, svd, { access: false, enums: () => true });
    expect(n).toBeGreaterThan(40);
  });
});
