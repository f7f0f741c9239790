import { describe, it, expect, vi } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { main } from '../../tools/cli.js';
import { importSvd } from '../../tools/svd/import.js';
import { locate, unpackMap } from '../../src/register_map.js';

const fixture = (name: string) => path.join(import.meta.dirname, 'fixtures', `${name}.svd`);

describe('vllsi svd import', () => {
  it('writes a compact map that reads back to the imported one', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'vllsi-svd-'));
    const out = path.join(dir, 'board', 'registers.json');
    expect(await main(['svd', 'import', fixture('derived'), '-o', out])).toBe(0);
    const map = unpackMap(JSON.parse(readFileSync(out, 'utf8')));
    expect(map.source).toBe('derived.svd');
    expect(map).toEqual({ ...importSvd(readFileSync(fixture('derived'), 'utf8')), source: 'derived.svd' });
    expect(locate(map, 'UART1.CR.TXE').field!.bitOffset).toBe(8);
    rmSync(dir, { recursive: true });
  });

  it('the compact form leaves out defaults and the registers of derived peripherals', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'vllsi-svd-'));
    const out = path.join(dir, 'r.json');
    expect(await main(['svd', 'import', fixture('derived'), '-o', out])).toBe(0);
    const raw = JSON.parse(readFileSync(out, 'utf8'));
    expect(raw.peripherals[1]).toEqual({
      name: 'UART1',
      baseAddress: 0x40038000,
      derivedFrom: 'UART0',
      groupName: 'UART',
      interrupts: [{ name: 'UART1_IRQ', value: 21 }],
    });
    expect(raw.peripherals[0].registers[0]).toEqual({ name: 'DR', addressOffset: 0, fields: [{ name: 'DATA', bitOffset: 0, bitWidth: 8 }] });
    rmSync(dir, { recursive: true });
  });

  it('a missing file is an error with exit code 1; missing arguments are usage errors (2)', async () => {
    expect(await main(['svd', 'import', 'no-such.svd', '-o', '/tmp/x.json'])).toBe(1);
    expect(await main(['svd', 'import', fixture('derived')])).toBe(2);
    expect(await main(['svd', 'frobnicate'])).toBe(2);
  });
});

describe('vllsi svd import: warnings', () => {
  const bad = `<device><name>X</name><peripherals><peripheral><name>P</name><baseAddress>0x1000</baseAddress><registers>
    <register><name>OK</name><addressOffset>0</addressOffset></register>
    ${Array.from({ length: 12 }, (_, i) => `<register><name>W${i}</name><addressOffset>${4 + 4 * i}</addressOffset><size>1</size></register>`).join('')}
    <register><name>E</name><addressOffset>0x40</addressOffset><access>Read-Only</access><fields><field><name>F</name><bitOffset>0</bitOffset><enumeratedValues><enumeratedValue><name>TWO</name><value>2</value></enumeratedValue></enumeratedValues></field></fields></register>
    </registers></peripheral></peripherals></device>`;

  async function run(args: string[]): Promise<{ code: number; err: string; dir: string }> {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'vllsi-svd-w-'));
    writeFileSync(path.join(dir, 'bad.svd'), bad);
    const lines: string[] = [];
    const spy = vi.spyOn(console, 'error').mockImplementation((s: string) => void lines.push(s));
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    try {
      const code = await main(['svd', 'import', path.join(dir, 'bad.svd'), '-o', path.join(dir, 'out.json'), ...args]);
      return { code, err: lines.join('\n'), dir };
    } finally {
      spy.mockRestore();
      log.mockRestore();
    }
  }

  it('prints counts per class and the first 10 in full; the JSON keeps every warning', async () => {
    const { code, err, dir } = await run([]);
    expect(code).toBe(0);
    expect(err).toMatch(/13 warnings: 12 bad-size, 1 enum-too-wide/);
    expect(err.split('\n').filter((l) => l.startsWith('  bad-size: peripheral P register W')).length).toBe(10);
    expect(err).toMatch(/… 3 more \(--warnings all shows every one\)/);
    const map = unpackMap(JSON.parse(readFileSync(path.join(dir, 'out.json'), 'utf8')));
    expect(map.warnings!.length).toBe(13);
    expect(map.warnings!.at(-1)).toEqual({
      kind: 'enum-too-wide',
      where: 'peripheral P register E field F enumeratedValue TWO',
      message: '2 does not fit 1 bit; dropped',
    });
    // Vocabulary in any case: Read-Only is read-only.
    expect(locate(map, 'P.E').register.access).toBe('read-only');
    expect(locate(map, 'P.OK').address).toBe(0x1000);
    rmSync(dir, { recursive: true });
  });

  it('--warnings all prints every one, --warnings 2 two; a bad count is a usage error', async () => {
    expect((await run(['--warnings', 'all'])).err.split('\n').filter((l) => l.startsWith('  ')).length).toBe(13);
    expect((await run(['--warnings', '2'])).err.split('\n').filter((l) => / {2}(bad-size|enum)/.test(l)).length).toBe(2);
    expect((await run(['--warnings', 'some'])).code).toBe(2);
  });

  it('--strict refuses the file and writes nothing', async () => {
    const { code, err, dir } = await run(['--strict']);
    expect(code).toBe(1);
    expect(err).toMatch(/SvdError: peripheral P register W0: size 1 is not a register size .*\(refused: strict\)/);
    expect(existsSync(path.join(dir, 'out.json'))).toBe(false);
    rmSync(dir, { recursive: true });
  });

  it('bytes that are not UTF-8 are an encoding error; a declared encoding is honoured', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'vllsi-svd-enc-'));
    const doc = (decl: string, name: Buffer) =>
      Buffer.concat([Buffer.from(`<?xml version="1.0"${decl}?><device><name>`), name, Buffer.from('</name><peripherals/></device>')]);
    writeFileSync(path.join(dir, 'latin.svd'), doc('', Buffer.from([0x4d, 0xfc, 0x43])));
    expect(await main(['svd', 'import', path.join(dir, 'latin.svd'), '-o', path.join(dir, 'o.json')])).toBe(1);
    expect(() => importSvd(readFileSync(path.join(dir, 'latin.svd')))).toThrow(expect.objectContaining({ kind: 'SvdEncodingError' }));
    writeFileSync(path.join(dir, 'declared.svd'), doc(' encoding="ISO-8859-1"', Buffer.from([0x4d, 0xfc, 0x43])));
    expect(importSvd(readFileSync(path.join(dir, 'declared.svd'))).device).toBe('MüC');
    rmSync(dir, { recursive: true });
  });
});
