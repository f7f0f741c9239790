// tools/xs-inline-bindings.js, the pure half of the register inliner: which names of a module are
// peripheral handles, register or field aliases, and which calls are sites on them. Real parses
// (rollup's parser, as the plugin gets them), no evaluation.
import { parseAst } from 'rollup/parseAst';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain JS build tool without declarations
import { matchSite, provablyWithin, registerBindings } from '../../tools/xs-inline-bindings.js';

const imports = new Map([
  ['peripheral', { id: 'vllsi', imported: 'peripheral' }],
  ['TIMER', { id: '/defs.ts', imported: 'TIMER' }],
  ['ns', { id: '/defs.ts', imported: '*' }],
]);

/** Every call site of `code` that matchSite recognises, as `x.reg[.field].op`. */
function sites(code: string): string[] {
  const ast = parseAst(code);
  const { bindings } = registerBindings(ast, imports, 'peripheral');
  const out: string[] = [];
  const visit = (node: unknown): void => {
    if (node === null || typeof node !== 'object') return;
    const n = node as { type?: string };
    if (n.type === 'CallExpression') {
      const s = matchSite(n, bindings);
      if (s) out.push([s.x, s.index === undefined ? s.reg : `${s.reg}[${s.index}]`, s.field, s.op].filter((p) => p !== undefined).join('.'));
    }
    for (const v of Object.values(n)) (Array.isArray(v) ? v : [v]).forEach(visit);
  };
  visit(ast);
  return out;
}

describe('register bindings (no evaluation)', () => {
  it('finds peripherals from imported definitions, directly, destructured or as a member', () => {
    const ast = parseAst(
      'const t = peripheral(TIMER); const { UART0 } = ns; const u = peripheral(UART0); const s = peripheral(ns.SIO); const z = other(TIMER);',
    );
    const { periphs } = registerBindings(ast, imports, 'peripheral');
    expect([...periphs.keys()]).toEqual(['t', 'u', 's']);
    expect(periphs.get('u').from).toEqual({ id: '/defs.ts', imported: '*', member: 'UART0' });
    expect(periphs.get('s').from).toEqual({ id: '/defs.ts', imported: '*', member: 'SIO' });
  });

  it('follows const aliases of registers and fields, within their block, and ignores names declared twice', () => {
    expect(sites('const t = peripheral(TIMER); const r = t.INTE; const f = r.fields.ALARM_0; r.read(); f.write(1); t.INTR.write({ A: 1 });')).toEqual([
      't.INTE.read',
      't.INTE.ALARM_0.write',
      't.INTR.write',
    ]);
    // `r` is declared twice, so neither binding is trusted; `q` is used outside its block.
    expect(sites('const t = peripheral(TIMER); { const r = t.INTE; } { const r = 1; r.read(); } { const q = t.INTE; } q.read();')).toEqual([]);
    // An element of a register array at a literal index, directly or through an alias.
    expect(
      sites(
        'const io = peripheral(TIMER); io.GPIO_CTRL[25].write({ FUNCSEL: 5 }); const c = io.GPIO_CTRL[3]; c.fields.FUNCSEL.write(1); io.GPIO_CTRL[pin].read();',
      ),
    ).toEqual(['io.GPIO_CTRL[25].write', 'io.GPIO_CTRL[3].FUNCSEL.write']);
    // Other computed members and optional calls are not sites.
    expect(sites("const t = peripheral(TIMER); t['INTE'].read(); t.INTE.read?.();")).toEqual([]);
  });

  it('proves a value in range only from a mask or a shift', () => {
    const expr = (code: string) => (parseAst(`(${code});`).body[0] as unknown as { expression: unknown }).expression;
    expect(provablyWithin(expr('v & 3'), 3)).toBe(true);
    expect(provablyWithin(expr('3 & v'), 3)).toBe(true);
    expect(provablyWithin(expr('v & 7'), 3)).toBe(false);
    expect(provablyWithin(expr('v >>> 30'), 3)).toBe(true);
    expect(provablyWithin(expr('v >>> 29'), 3)).toBe(false);
    expect(provablyWithin(expr('v'), 3)).toBe(false);
  });
});
