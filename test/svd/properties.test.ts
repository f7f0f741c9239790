// Laws of the SVD importer over generated SVD documents (fast-check):
//   - import ∘ write ∘ read is the identity, and the map says what the document says;
//   - derivedFrom in any document order gives the same map;
//   - warnings never lose a valid register: bad elements mixed in are skipped or repaired,
//     every valid register and field comes through unchanged.
import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { importSvd } from '../../tools/svd/import.js';
import { mapToJson } from '../../tools/svd/write.js';
import { locate, unpackMap, type DeviceMap } from '../../src/register_map.js';

interface Field {
  name: string;
  bitOffset: number;
  bitWidth: number;
  enums: number[];
}
interface Register {
  name: string;
  addressOffset: number;
  size: 8 | 16 | 32;
  resetValue: number;
  access: string;
  fields: Field[];
}
interface Peripheral {
  name: string;
  baseAddress: number;
  registers: Register[];
  derivedFrom?: string;
}

const ACCESS = ['read-only', 'write-only', 'read-write', 'writeOnce', 'read-writeOnce'];
const hex = (n: number) => `0x${n.toString(16)}`;

/** Random letter case: vendors write the vocabulary either way. */
const anyCase = (word: string) =>
  fc
    .array(fc.boolean(), { minLength: word.length, maxLength: word.length })
    .map((up) => [...word].map((c, i) => (up[i] ? c.toUpperCase() : c.toLowerCase())).join(''));

const fieldsOf = (size: number) =>
  fc.array(fc.integer({ min: 1, max: 8 }), { maxLength: 6 }).map((widths) => {
    // Non-overlapping fields laid from bit 0 with gaps where a width does not fit.
    const out: Field[] = [];
    let at = 0;
    for (const [i, w] of widths.entries()) {
      if (at + w > size) break;
      out.push({ name: `F${i}`, bitOffset: at, bitWidth: w, enums: w <= 3 ? Array.from({ length: 2 ** w }, (_, k) => k) : [] });
      at += w + (i % 2);
    }
    return out;
  });

const register = (name: string, offset: number) =>
  fc.constantFrom<8 | 16 | 32>(8, 16, 32).chain((size) =>
    fc.record({
      name: fc.constant(name),
      addressOffset: fc.constant(offset),
      size: fc.constant(size),
      resetValue: fc.integer({ min: 0, max: 2 ** size - 1 }),
      access: fc.constantFrom(...ACCESS).chain(anyCase),
      fields: fieldsOf(size),
    }),
  );

const registers = fc.integer({ min: 1, max: 6 }).chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => register(`R${i}`, i * 4))));

/** Peripherals; the later ones may derive from an earlier one (chains included). */
const device = fc.integer({ min: 1, max: 5 }).chain((n) =>
  fc.tuple(
    ...Array.from({ length: n }, (_, i) =>
      fc.tuple(registers, fc.integer({ min: -1, max: i - 1 })).map(([regs, from]): Peripheral => ({
        name: `P${i}`,
        baseAddress: 0x40000000 + i * 0x1000,
        registers: from < 0 ? regs : [],
        derivedFrom: from < 0 ? undefined : `P${from}`,
      })),
    ),
  ),
);

const fieldXml = (f: Field) =>
  `<field><name>${f.name}</name><bitOffset>${f.bitOffset}</bitOffset><bitWidth>${f.bitWidth}</bitWidth>${f.enums.length ? `<enumeratedValues>${f.enums.map((v) => `<enumeratedValue><name>V${v}</name><value>${v}</value></enumeratedValue>`).join('')}</enumeratedValues>` : ''}</field>`;
const registerXml = (r: Register) =>
  `<register><name>${r.name}</name><addressOffset>${hex(r.addressOffset)}</addressOffset><size>${r.size}</size><access>${r.access}</access><resetValue>${hex(r.resetValue)}</resetValue>${r.fields.length ? `<fields>${r.fields.map(fieldXml).join('')}</fields>` : ''}</register>`;
const peripheralXml = (p: Peripheral, extra = '') =>
  `<peripheral${p.derivedFrom ? ` derivedFrom="${p.derivedFrom}"` : ''}><name>${p.name}</name><baseAddress>${hex(p.baseAddress)}</baseAddress>${p.registers.length || extra ? `<registers>${p.registers.map(registerXml).join('')}${extra}</registers>` : ''}</peripheral>`;
const svd = (ps: Peripheral[], extra: (p: Peripheral) => string = () => '') =>
  `<?xml version="1.0" encoding="utf-8"?>\n<device><name>GEN</name><peripherals>${ps.map((p) => peripheralXml(p, extra(p))).join('')}</peripherals></device>`;

/** The registers a peripheral has in the model: its own, or its base's. */
function layout(ps: Peripheral[], p: Peripheral): Register[] {
  return p.derivedFrom
    ? layout(
        ps,
        ps.find((q) => q.name === p.derivedFrom)!,
      )
    : p.registers;
}

/** The map holds every register and field of the model, where the model says. */
function expectModel(m: DeviceMap, ps: Peripheral[]): void {
  expect(m.peripherals.map((p) => p.name).sort()).toEqual(ps.map((p) => p.name).sort());
  for (const p of ps) {
    for (const r of layout(ps, p)) {
      const at = locate(m, `${p.name}.${r.name}`);
      expect(at.address).toBe(p.baseAddress + r.addressOffset);
      expect(at.register).toMatchObject({ size: r.size, resetValue: r.resetValue, access: ACCESS.find((a) => a.toLowerCase() === r.access.toLowerCase()) });
      expect(at.register.fields.map((f) => [f.name, f.bitOffset, f.bitWidth, f.enums?.[0]?.values.map((v) => v.value) ?? []])).toEqual(
        r.fields.map((f) => [f.name, f.bitOffset, f.bitWidth, f.enums]),
      );
    }
  }
}

const byName = (m: DeviceMap) => ({ ...m, peripherals: [...m.peripherals].sort((a, b) => a.name.localeCompare(b.name)) });

describe('svd import laws', () => {
  it('import ∘ write ∘ read is the identity, and the map is the document', () => {
    fc.assert(
      fc.property(device, (ps) => {
        const m = importSvd(svd(ps));
        expect(m.warnings).toBeUndefined();
        expectModel(m, ps);
        expect(unpackMap(JSON.parse(mapToJson(m)))).toEqual(m);
      }),
      { numRuns: 200 },
    );
  });

  it('derivedFrom in any document order gives the same map', () => {
    fc.assert(
      fc.property(
        device.chain((ps) => fc.tuple(fc.constant(ps), fc.shuffledSubarray(ps, { minLength: ps.length, maxLength: ps.length }))),
        ([ps, shuffled]) => {
          const inOrder = importSvd(svd(ps));
          const reordered = importSvd(svd(shuffled));
          expect(byName(reordered)).toEqual(byName(inOrder));
          expectModel(reordered, ps);
          // The written map of the reordered file reads back too (bases may come later).
          expect(unpackMap(JSON.parse(mapToJson(reordered)))).toEqual(reordered);
        },
      ),
      { numRuns: 200 },
    );
  });

  // Bad registers (named B*, at offsets no valid register uses) and bad fields in valid registers.
  const badRegister = fc.constantFrom(
    (o: number) => `<register><name>B${o}</name><addressOffset>${hex(o)}</addressOffset><size>1</size></register>`,
    (o: number) => `<register><name>B${o}</name><addressOffset>${hex(o)}</addressOffset><size>64</size><resetValue>0x1234567890</resetValue></register>`,
    (o: number) => `<register><name>B${o}</name><addressOffset>0xQQ</addressOffset></register>`,
    (o: number) => `<register derivedFrom="NOWHERE"><name>B${o}</name><addressOffset>${hex(o)}</addressOffset></register>`,
    (o: number) => `<register><name>B${o}%s</name><addressOffset>${hex(o)}</addressOffset></register>`,
    (o: number) =>
      `<register><name>B${o}</name><addressOffset>${hex(o)}</addressOffset><size>8</size><resetValue>0x1FF</resetValue><access>sometimes</access></register>`,
    (o: number) => `<register><name>B${o}</name><addressOffset>${hex(o)}</addressOffset><addressOffset>${hex(o)}</addressOffset></register>`,
    (o: number) =>
      `<register><name>B${o}</name><addressOffset>${hex(o)}</addressOffset><fields><field><name>X</name><bitOffset>30</bitOffset><bitWidth>4</bitWidth></field><field><name>Y</name><bitRange>[3:0</bitRange></field></fields></register>`,
    (o: number) =>
      `<register><name>B${o}</name><addressOffset>${hex(o)}</addressOffset><fields><field><name>E</name><bitOffset>0</bitOffset><enumeratedValues><usage>READ</usage><enumeratedValue><name>W</name><value>7</value></enumeratedValue></enumeratedValues></field></fields></register>`,
  );

  it('warnings never lose a valid register', () => {
    fc.assert(
      fc.property(device, fc.array(badRegister, { minLength: 1, maxLength: 6 }), (ps, bad) => {
        // Bad registers go into the peripherals that have registers of their own, after 0x100.
        const extra = (p: Peripheral) => (p.derivedFrom ? '' : bad.map((b, i) => b(0x100 + 8 * i)).join(''));
        const m = importSvd(svd(ps, extra));
        expect(m.warnings!.length).toBeGreaterThan(0);
        expectModel(m, ps);
        for (const w of m.warnings!) expect(w.where).toMatch(/^peripheral P\d+ register B\d+/);
      }),
      { numRuns: 200 },
    );
  });
});
