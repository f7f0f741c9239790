import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import tmp from 'tmp';
import { main } from '../../tools/cli.js';
import { importSvd } from '../../tools/svd/import.js';
import { locate, unpackMap } from '../../src/console/regmap.js';

const fixture = (name: string) => path.join(import.meta.dirname, 'fixtures', `${name}.svd`);

describe('vllsi svd import', () => {
  it('writes a compact map that reads back to the imported one', async () => {
    const dir = tmp.dirSync({ unsafeCleanup: true });
    const out = path.join(dir.name, 'board', 'registers.json');
    expect(await main(['svd', 'import', fixture('derived'), '-o', out])).toBe(0);
    const map = unpackMap(JSON.parse(readFileSync(out, 'utf8')));
    expect(map.source).toBe('derived.svd');
    expect(map).toEqual({ ...importSvd(readFileSync(fixture('derived'), 'utf8')), source: 'derived.svd' });
    expect(locate(map, 'UART1.CR.TXE').field!.lsb).toBe(8);
    dir.removeCallback();
  });

  it('the compact form leaves out defaults and the registers of derived peripherals', async () => {
    const dir = tmp.dirSync({ unsafeCleanup: true });
    const out = path.join(dir.name, 'r.json');
    expect(await main(['svd', 'import', fixture('derived'), '-o', out])).toBe(0);
    const raw = JSON.parse(readFileSync(out, 'utf8'));
    expect(raw.peripherals[1]).toEqual({ name: 'UART1', base: 0x40038000, derivedFrom: 'UART0', group: 'UART', interrupts: [{ name: 'UART1_IRQ', value: 21 }] });
    expect(raw.peripherals[0].registers[0]).toEqual({ name: 'DR', offset: 0, fields: [{ name: 'DATA', lsb: 0, width: 8 }] });
    dir.removeCallback();
  });

  it('a missing file is an error with exit code 1; missing arguments are usage errors (2)', async () => {
    expect(await main(['svd', 'import', 'no-such.svd', '-o', '/tmp/x.json'])).toBe(1);
    expect(await main(['svd', 'import', fixture('derived')])).toBe(2);
    expect(await main(['svd', 'frobnicate'])).toBe(2);
  });
});
