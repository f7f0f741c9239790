import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import { importSvd, SvdError } from '../../tools/svd/import.js';
import { locate, type DeviceMap } from '../../src/register_map.js';

const fixture = (name: string, descriptions = false): DeviceMap =>
  importSvd(readFileSync(new URL(`./fixtures/${name}.svd`, import.meta.url), 'utf8'), { descriptions });
const names = (m: DeviceMap, p: string) => m.peripherals.find((q) => q.name === p)!.registers.map((r) => r.name);

describe('svd import: derivedFrom', () => {
  const m = fixture('derived');

  it('a derived peripheral copies the base registers at its own base and keeps its own interrupt', () => {
    const u1 = m.peripherals.find((p) => p.name === 'UART1')!;
    expect(u1.baseAddress).toBe(0x40038000);
    expect(u1.derivedFrom).toBe('UART0');
    expect(u1.groupName).toBe('UART');
    expect(u1.interrupts).toEqual([{ name: 'UART1_IRQ', value: 21 }]);
    expect(names(m, 'UART1')).toEqual(names(m, 'UART0'));
    expect(locate(m, 'UART1.CR').address).toBe(0x40038030);
  });

  it('a derived peripheral with registers of its own adds them to the base ones (no shared layout)', () => {
    const u2 = m.peripherals.find((p) => p.name === 'UART2')!;
    expect(u2.derivedFrom).toBeUndefined();
    expect(u2.interrupts).toBeUndefined();
    expect(names(m, 'UART2')).toEqual([...names(m, 'UART0'), 'EXTRA', 'CR2'].sort((a, b) => locate(m, `UART2.${a}`).address - locate(m, `UART2.${b}`).address));
    expect(locate(m, 'UART2.EXTRA').register.resetValue).toBe(5);
  });

  it('registers derive from a sibling and from a dotted path, taking reset value and fields', () => {
    for (const path of ['UART0.CR_ALIAS', 'UART2.CR2']) {
      const r = locate(m, path).register;
      expect(r.resetValue).toBe(0x300);
      expect(r.fields.map((f) => f.name)).toEqual(['UARTEN', 'TXE', 'RXE']);
    }
    expect(locate(m, 'UART0.CR_ALIAS').register.addressOffset).toBe(0x34);
  });

  it('a field derives from a sibling field (enums included) but keeps its own bit offset', () => {
    const txe = locate(m, 'UART0.CR.TXE').field!;
    expect([txe.bitOffset, txe.bitWidth]).toEqual([8, 1]);
    expect(txe.enums![0]!.values.map((v) => v.name)).toEqual(['OFF', 'ON']);
  });

  it('enumeratedValues derive by set name', () => {
    const rxe = locate(m, 'UART0.CR.RXE').field!;
    expect(rxe.enums![0]!.values).toEqual([
      { name: 'OFF', value: 0 },
      { name: 'ON', value: 1 },
    ]);
  });

  it('a derived cluster copies the base registers and adds its own', () => {
    expect(names(m, 'UART0').filter((n) => n.startsWith('BLK2_'))).toEqual(['BLK2_A', 'BLK2_B', 'BLK2_C']);
    expect(locate(m, 'UART0.BLK2_B').address).toBe(0x40034204);
    expect(locate(m, 'UART0.BLK2_B').register.access).toBe('read-only');
    expect(locate(m, 'UART0.BLK2_C').address).toBe(0x40034208);
  });
});

describe('svd import: dim', () => {
  const m = fixture('dims', true);

  it('a peripheral list expands with its base stepped by dimIncrement and %s in descriptions', () => {
    expect(m.peripherals.map((p) => [p.name, p.baseAddress, p.description])).toEqual([
      ['TIMER0', 0x50000000, 'Timer 0'],
      ['TIMER1', 0x50001000, 'Timer 1'],
    ]);
  });

  it('register arrays, dimIndex lists, numeric and letter ranges', () => {
    const regs = m.peripherals[1]!.registers.map((r) => [r.name, r.addressOffset]);
    expect(regs).toEqual([
      ['KEY[0]', 0x10],
      ['KEY[1]', 0x14],
      ['KEY[2]', 0x18],
      ['KEY[3]', 0x1c],
      ['CHA_CTRL', 0x40],
      ['CHB_CTRL', 0x48],
      ['CHC_CTRL', 0x50],
      ['CMP2', 0x80],
      ['CMP3', 0x84],
      ['CMP4', 0x88],
      ['CMP5', 0x8c],
      ['AXIS_X', 0xa0],
      ['AXIS_Y', 0xa4],
      ['AXIS_Z', 0xa8],
      ['PINS', 0xc0],
      ['SM0_CLKDIV', 0x100],
      ['SM0_ADDR', 0x104],
      ['SM1_CLKDIV', 0x120],
      ['SM1_ADDR', 0x124],
    ]);
    expect(locate(m, 'TIMER1.KEY[2]').register.description).toBe('Key word 2');
    expect(locate(m, 'TIMER0.SM1_CLKDIV').register.resetValue).toBe(0x10000);
  });

  it('field lists step by bits', () => {
    expect(locate(m, 'TIMER0.PINS').register.fields.map((f) => [f.name, f.bitOffset, f.bitWidth])).toEqual(
      Array.from({ length: 8 }, (_, i) => [`PIN${i}`, 2 * i, 2]),
    );
  });
});

describe('svd import: nested clusters and inherited properties', () => {
  const m = fixture('clusters');

  it('nested cluster offsets add up and names join with _', () => {
    expect(locate(m, 'OUTER.L1_R').address).toBe(0x60000104);
    expect(locate(m, 'OUTER.L1_L2_DEEP').address).toBe(0x60000123);
    expect(locate(m, 'OUTER.L1_L2_DEEPER').address).toBe(0x60000122);
  });

  it('size, access, resetValue and resetMask cascade device → peripheral → cluster → register', () => {
    const p = (path: string) => {
      const r = locate(m, path).register;
      return [r.size, r.access, r.resetValue, r.resetMask];
    };
    expect(p('PLAIN.X')).toEqual([16, 'read-only', 0x1111, 0xffff]);
    expect(p('OUTER.TOP')).toEqual([32, 'read-write', 0x1111, 0xffff]);
    expect(p('OUTER.L1_R')).toEqual([32, 'read-write', 0xabcd, 0xffff]);
    expect(p('OUTER.L1_L2_DEEP')).toEqual([8, 'write-only', 0x7, 0x0f]);
    // An inherited value wider than the register is cut to its size, silently (no warning: the
    // register itself declares nothing wrong).
    expect(p('OUTER.L1_L2_DEEPER')).toEqual([8, 'writeOnce', 0xcd, 0xff]);
    expect(m.warnings).toBeUndefined();
  });
});

describe('svd import: fields', () => {
  const m = fixture('fields');

  it('the three bit-range notations give the same [lsb, width] shape', () => {
    expect(locate(m, 'DEV.CTRL').register.fields.map((f) => [f.name, f.bitOffset, f.bitWidth, f.access])).toEqual([
      ['A', 0, 4, 'read-write'],
      ['B', 4, 4, 'read-only'],
      ['C', 8, 8, 'write-only'],
      ['MODE', 16, 3, 'read-write'],
      ['D', 31, 1, 'read-write'],
    ]);
  });

  it("enumeratedValues keep usage, isDefault and expand don't-care bits", () => {
    const mode = locate(m, 'DEV.CTRL.MODE').field!;
    expect(mode.enums).toEqual([
      {
        usage: 'read',
        name: 'MODE_R',
        defaultName: 'OTHER',
        values: [
          { name: 'IDLE', value: 0 },
          { name: 'BUSY', value: 4 },
          { name: 'BUSY', value: 5 },
          { name: 'BUSY', value: 6 },
          { name: 'BUSY', value: 7 },
        ],
      },
      {
        usage: 'write',
        name: 'MODE_W',
        values: [
          { name: 'START', value: 1 },
          { name: 'STOP', value: 2 },
        ],
      },
    ]);
  });

  it('modifiedWriteValues: register level inherited by fields, field level overrides (modify = plain write)', () => {
    const intr = locate(m, 'DEV.INTR').register;
    expect(intr.modifiedWriteValues).toBe('oneToClear');
    expect(intr.fields.map((f) => [f.name, f.modifiedWriteValues])).toEqual([
      ['RX', 'oneToClear'],
      ['TX', 'oneToSet'],
      ['ERR', undefined],
    ]);
  });

  it('readAction on a register and on a field', () => {
    expect(locate(m, 'DEV.FIFO').register.readAction).toBe('modify');
    expect(locate(m, 'DEV.STATUS.LATCH').field!.readAction).toBe('clear');
    expect(locate(m, 'DEV.STATUS.LIVE').field!.readAction).toBeUndefined();
  });

  it('a 16-bit register keeps its size, reset value and mask', () => {
    const r = locate(m, 'DEV.HALF').register;
    expect([r.size, r.resetValue, r.resetMask, r.addressOffset]).toEqual([16, 0x8000, 0xff00, 0x10]);
  });
});

describe('svd import: a malformed element is repaired or skipped with a warning naming its path (an SvdError with --strict)', () => {
  // Every case has a valid sibling register OK that must survive.
  const wrap = (regs: string, extra = '') =>
    `<device><name>X</name><peripherals>${extra}<peripheral><name>P</name><baseAddress>0x1000</baseAddress><registers><register><name>OK</name><addressOffset>0x40</addressOffset></register>${regs}</registers></peripheral></peripherals></device>`;
  const reg = (body: string) => wrap(`<register><name>A</name><addressOffset>0</addressOffset>${body}</register>`);
  it.each([
    [
      'circular derivedFrom',
      wrap(
        '<register derivedFrom="B"><name>A</name><addressOffset>0</addressOffset></register><register derivedFrom="A"><name>B</name><addressOffset>4</addressOffset></register>',
      ),
      'skipped',
      /^peripheral P register [AB]$/,
      /circular; skipped/,
    ],
    [
      'unknown derivedFrom',
      wrap('<register derivedFrom="NOPE"><name>A</name><addressOffset>0</addressOffset></register>'),
      'skipped',
      /^peripheral P register A$/,
      /NOPE/,
    ],
    [
      'bad bitRange',
      reg('<fields><field><name>F</name><bitRange>7:0</bitRange></field></fields>'),
      'skipped',
      /^peripheral P register A field F$/,
      /bad bitRange/,
    ],
    [
      'field outside register',
      reg('<size>8</size><fields><field><name>F</name><bitOffset>6</bitOffset><bitWidth>4</bitWidth></field></fields>'),
      'field-outside',
      /^peripheral P register A field F$/,
      /bits 6\.\.9 lie outside the 8-bit register; dropped/,
    ],
    ['no addressOffset', wrap('<register><name>A</name></register>'), 'skipped', /^peripheral P register A$/, /no <addressOffset>/],
    [
      'bad number',
      wrap('<register><name>A</name><addressOffset>0xZZ</addressOffset></register>'),
      'skipped',
      /^peripheral P register A$/,
      /<addressOffset>: bad number '0xZZ'/,
    ],
    ['%s without dim', wrap('<register><name>A%s</name><addressOffset>0</addressOffset></register>'), 'skipped', /register A%s$/, /no <dim>/],
    [
      'dimIndex count',
      wrap('<register><dim>3</dim><dimIncrement>4</dimIncrement><dimIndex>A,B</dimIndex><name>A%s</name><addressOffset>0</addressOffset></register>'),
      'skipped',
      /register A%s$/,
      /2 names for dim 3/,
    ],
    ['bad access', reg('<access>sometimes</access>'), 'bad-value', /^peripheral P register A$/, /unknown <access> 'sometimes'.*ignored/],
    ['impossible size', reg('<size>1</size>'), 'bad-size', /^peripheral P register A$/, /size 1 is not a register size.*register skipped/],
    [
      'reset value wider than the register',
      reg('<size>16</size><resetValue>0x12345</resetValue>'),
      'value-too-wide',
      /^peripheral P register A <resetValue>$/,
      /0x12345 does not fit the 16-bit register; masked to 0x2345/,
    ],
    ['reset mask wider than the register', reg('<size>8</size><resetMask>0xFFFF</resetMask>'), 'value-too-wide', /<resetMask>$/, /masked to 0xff/],
    [
      'enumerated value wider than its field',
      reg(
        '<fields><field><name>SEE</name><bitOffset>0</bitOffset><enumeratedValues><enumeratedValue><name>A</name><value>0xA</value></enumeratedValue><enumeratedValue><name>B</name><value>1</value></enumeratedValue></enumeratedValues></field></fields>',
      ),
      'enum-too-wide',
      /^peripheral P register A field SEE enumeratedValue A$/,
      /0xA does not fit 1 bit; dropped/,
    ],
    [
      'repeated <baseAddress>',
      `<device><name>X</name><peripherals><peripheral><name>P</name><baseAddress>0x1000</baseAddress><baseAddress>0x2000</baseAddress><registers><register><name>OK</name><addressOffset>0x40</addressOffset></register></registers></peripheral></peripherals></device>`,
      'repeated-element',
      /^peripheral P$/,
      /<baseAddress> given 2 times \(0x1000, 0x2000\); the last kept/,
    ],
  ])('%s', (_name, xml, kind, where, message) => {
    const m = importSvd(xml as string);
    const w = m.warnings!.find((x) => x.kind === kind)!;
    expect(w, JSON.stringify(m.warnings)).toBeDefined();
    expect(w.where).toMatch(where as RegExp);
    expect(w.message).toMatch(message as RegExp);
    expect(locate(m, 'P.OK').register.addressOffset).toBe(0x40);
    expect(() => importSvd(xml as string, { strict: true })).toThrow(SvdError);
  });

  it('what a warning repairs: the masked reset, the kept enumerated values, the last <baseAddress>', () => {
    const wrapOne = (regs: string) =>
      `<device><name>X</name><peripherals><peripheral><name>P</name><baseAddress>0x1000</baseAddress><baseAddress>0x2000</baseAddress><registers>${regs}</registers></peripheral></peripherals></device>`;
    const m = importSvd(
      wrapOne(
        '<register><name>A</name><addressOffset>4</addressOffset><size>16</size><resetValue>0xFFFFFFFFFFFF8001</resetValue><fields><field><name>F</name><bitOffset>0</bitOffset><bitWidth>2</bitWidth><enumeratedValues><enumeratedValue><name>BIG</name><value>4</value></enumeratedValue><enumeratedValue><name>TOP</name><value>3</value></enumeratedValue></enumeratedValues></field></fields></register>',
      ),
    );
    const a = locate(m, 'P.A');
    expect(a.address).toBe(0x2004);
    expect(a.register.resetValue).toBe(0x8001);
    expect(a.register.fields[0]!.enums![0]!.values).toEqual([{ name: 'TOP', value: 3 }]);
  });

  it('errors that concern the whole file stay errors', () => {
    expect(() => importSvd('<device><name>X</name>')).toThrow(/not well-formed|no <device>/);
    expect(() => importSvd('<foo/>')).toThrow(/no <device>/);
  });
});
