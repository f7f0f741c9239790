import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { closestNames, didYouMean, peripheral, RegisterAccessError } from '../../src/index.js';
import { editDistance } from '../../src/suggest.js';
import { IO_BANK0 } from '../../src/registers/rp2040.js';
import { runs } from '../support/env.js';

describe('did you mean', () => {
  it('finds typos: a letter dropped, swapped, wrong case', () => {
    expect(didYouMean('GPIO25_CTL', ['GPIO25_CTRL', 'GPIO25_STATUS', 'INTR0'])).toBe('; did you mean GPIO25_CTRL?');
    expect(closestNames('IO_BNAK0', ['IO_BANK0', 'PADS_BANK0', 'SIO'])).toEqual(['IO_BANK0']);
    expect(closestNames('sio', ['SIO', 'PIO0', 'PIO1'])).toEqual(['SIO']);
    expect(didYouMean('TIMER', ['UART0', 'SPI0'])).toBe('');
  });
  it('law: edit distance is a metric (zero on equal names without case, symmetric, triangle)', () => {
    const name = fc.string({ maxLength: 8 });
    fc.assert(
      fc.property(name, name, name, (a, b, c) => {
        expect(editDistance(a, a.toLowerCase())).toBe(a.toUpperCase() === a.toLowerCase().toUpperCase() ? 0 : editDistance(a, a.toLowerCase()));
        expect(editDistance(a, b)).toBe(editDistance(b, a));
        expect(editDistance(a, b)).toBeLessThanOrEqual(Math.max(a.length, b.length));
        // Optimal string alignment is no metric in general; it holds the triangle within one swap.
        expect(editDistance(a, c)).toBeLessThanOrEqual(editDistance(a, b) + editDistance(b, c) + 1);
      }),
      runs(200),
    );
  });
  it('law: a name at one edit from a candidate is always suggested', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[A-Z][A-Z0-9_]{3,12}$/), fc.nat(), (name, at) => {
        const typo = name.slice(0, at % name.length) + name.slice((at % name.length) + 1);
        expect(closestNames(typo, [name, 'ZZZZZZZZZZZZZZZZ'])).toContain(name);
      }),
      runs(200),
    );
  });
  it('a peripheral handle refuses a register name it lacks with the nearest names', () => {
    const io = peripheral(IO_BANK0);
    const e = (() => {
      try {
        return (io as unknown as Record<string, unknown>).GPIO25_CTL;
      } catch (x) {
        return x;
      }
    })();
    expect(e).toBeInstanceOf(RegisterAccessError);
    expect((e as RegisterAccessError).rule).toBe('unknown-register');
    expect((e as Error).message).toMatch(/^get IO_BANK0.GPIO25_CTL: no such register; did you mean GPIO_CTRL\[25\]\?$/);
    // Lower-case and symbol keys stay what a plain object gives (then, toJSON, Symbol.iterator).
    expect((io as unknown as Record<string, unknown>).then).toBeUndefined();
    expect(String(io)).toBe('[object Object]');
  });
  it('a field name typo names the field meant', () => {
    const io = peripheral(IO_BANK0);
    expect(() => io.GPIO_CTRL[25].write({ FUNCSL: 5 } as never)).toThrow(/has no field "FUNCSL"; did you mean FUNCSEL\?/);
  });
});
