import { describe, it, expect } from 'vitest';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { main } from '../../tools/cli.js';
import { importSvd } from '../../tools/svd/import.js';
import { locate, unpackMap } from '../../src/console/regmap.js';

const fixture = (name: string) => path.join(import.meta.dirname, 'fixtures', `${name}.svd`);

describe('vllsi svd import', () => {
  it('writes a compact map that reads back to the imported one', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'vllsi-svd-'));
    const out = path.join(dir, 'board', 'registers.json');
    expect(await main(['svd', 'import', fixture('derived'), '-o', out])).toBe(0);
    const map = unpackMap(JSON.parse(readFileSync(out, 'utf8')));
    expect(map.source).toBe('derived.svd');
    expect(map).toEqual({ ...importSvd(readFileSync(fixture('derived'), 'utf8')), source: 'derived.svd' });
    expect(locate(map, 'UART1.CR.TXE').field!.lsb).toBe(8);
    rmSync(dir, { recursive: true });
  });

  it('the compact form leaves out defaults and the registers of derived peripherals', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'vllsi-svd-'));
    const out = path.join(dir, 'r.json');
    expect(await main(['svd', 'import', fixture('derived'), '-o', out])).toBe(0);
    const raw = JSON.parse(readFileSync(out, 'utf8'));
    expect(raw.peripherals[1]).toEqual({ name: 'UART1', base: 0x40038000, derivedFrom: 'UART0', group: 'UART', interrupts: [{ name: 'UART1_IRQ', value: 21 }] });
    expect(raw.peripherals[0].registers[0]).toEqual({ name: 'DR', offset: 0, fields: [{ name: 'DATA', lsb: 0, width: 8 }] });
    rmSync(dir, { recursive: true });
  });

  it('a missing file is an error with exit code 1; missing arguments are usage errors (2)', async () => {
    expect(await main(['svd', 'import', 'no-such.svd', '-o', '/tmp/x.json'])).toBe(1);
    expect(await main(['svd', 'import', fixture('derived')])).toBe(2);
    expect(await main(['svd', 'frobnicate'])).toBe(2);
  });
});
