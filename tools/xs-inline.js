// Build-time inlining for the XS bundles. XS has no inliner: a call to a
// 3-argument bitfield primitive costs several times the hand-written shift and
// mask. This rewrites calls whose shape arguments (offset, width, bit index,
// mask) are numeric literals into the equivalent inline expression, keeping the
// boundary rules exact (width 0, full width). Anything it cannot prove stays a call:
//   - a shape argument that is not a literal, or breaks the caller contract;
//   - a value argument that may have side effects (calls, assignments, `new`, …),
//     because inlining can drop or reorder its evaluation;
//   - a module that re-declares the imported name anywhere (no scope analysis).
import MagicString from 'magic-string';
import { parseAst } from 'rollup/parseAst';
import { children, declaredNames, renderPure } from './ast.js';
import { registerInliner } from './xs-inline-registers.js';
import { digitalInliner } from './xs-inline-digital.js';

const U32 = 0xffffffff;
const lit = (n) => (n < 0 ? `(${n})` : String(n));
const isInt = (n) => typeof n === 'number' && Number.isInteger(n);

// Each primitive: how many arguments, and how to inline given rendered value args
// (strings) and constant args (numbers, or undefined when not a literal).
// Returning undefined keeps the call.
const PRIMITIVES = {
  extractBits: (a, k) => {
    const [o, w] = [k[1], k[2]];
    if (!isInt(o) || !isInt(w) || o < 0 || w < 0 || o + w > 32) return undefined;
    if (w === 0) return '0';
    if (w === 32) return `(${a[0]} >>> 0)`;
    const mask = U32 >>> (32 - w);
    return o === 0 ? `(${a[0]} & ${mask})` : `((${a[0]} >>> ${o}) & ${mask})`;
  },
  insertBits: (a, k) => {
    const [o, w] = [k[2], k[3]];
    if (!isInt(o) || !isInt(w) || o < 0 || w < 0 || o + w > 32) return undefined;
    if (w === 0) return `(${a[0]} >>> 0)`;
    if (w === 32) return `(${a[1]} >>> 0)`;
    const low = U32 >>> (32 - w);
    const keep = ~(low << o);
    const bits = isInt(k[1]) ? lit(((k[1] & low) << o) >>> 0) : o === 0 ? `(${a[1]} & ${low})` : `((${a[1]} & ${low}) << ${o})`;
    return `(((${a[0]} & ${lit(keep)}) | ${bits}) >>> 0)`;
  },
  testBit: (a, k) => (isInt(k[1]) && k[1] >= 0 && k[1] < 32 ? `((${a[0]} & ${lit(1 << k[1])}) !== 0)` : undefined),
  setBit: (a, k) => (isInt(k[1]) && k[1] >= 0 && k[1] < 32 ? `((${a[0]} | ${lit(1 << k[1])}) >>> 0)` : undefined),
  clearBit: (a, k) => (isInt(k[1]) && k[1] >= 0 && k[1] < 32 ? `((${a[0]} & ${lit(~(1 << k[1]))}) >>> 0)` : undefined),
  toggleBit: (a, k) => (isInt(k[1]) && k[1] >= 0 && k[1] < 32 ? `((${a[0]} ^ ${lit(1 << k[1])}) >>> 0)` : undefined),
  // The mask forms are exact for any side-effect-free mask, constant or not.
  setBits: (a) => `((${a[0]} | ${a[1]}) >>> 0)`,
  clearBits: (a, k) => (isInt(k[1]) ? `((${a[0]} & ${lit(~k[1])}) >>> 0)` : `((${a[0]} & ~${a[1]}) >>> 0)`),
  fieldMask: (_a, k) => {
    const [o, w] = k;
    if (!isInt(o) || !isInt(w) || o < 0 || w < 0 || o + w > 32) return undefined;
    return w === 0 ? '0' : w === 32 ? String(U32) : String(((U32 >>> (32 - w)) << o) >>> 0);
  },
};
export const INLINED_PRIMITIVES = Object.keys(PRIMITIVES);

const ARITY = { extractBits: 3, insertBits: 4, testBit: 2, setBit: 2, clearBit: 2, toggleBit: 2, setBits: 2, clearBits: 2, fieldMask: 2 };

/**
 * Rewrites inlinable calls in `code`. `names` maps a local identifier to the primitive it is bound
 * to (e.g. `eb` → `extractBits` for `import { extractBits as eb }`). Returns { code, map, count }
 * or undefined when nothing changed.
 */
export function inlineBitfieldCalls(code, names, { ast = parseAst(code), sourceMap = false } = {}) {
  const shadowed = declaredNames(ast);
  const usable = new Map([...names].filter(([local]) => !shadowed.has(local)));
  if (usable.size === 0) return undefined;
  const s = new MagicString(code);
  let count = 0;

  const pure = (n) => renderPure(code, n, inline);

  function inline(call) {
    if (call.callee.type !== 'Identifier' || call.optional) return undefined;
    const prim = usable.get(call.callee.name);
    if (!prim || call.arguments.length !== ARITY[prim] || call.arguments.some((a) => a.type === 'SpreadElement')) return undefined;
    const rendered = call.arguments.map(pure);
    if (rendered.some((r) => r === undefined)) return undefined;
    const consts = call.arguments.map((a) => (a.type === 'Literal' && typeof a.value === 'number' ? a.value : undefined));
    return PRIMITIVES[prim](rendered, consts);
  }

  const visit = (n) => {
    if (n.type === 'CallExpression') {
      const text = inline(n);
      if (text !== undefined) {
        s.overwrite(n.start, n.end, text);
        count++;
        return;
      }
    }
    children(n).forEach(visit);
  };
  visit(ast);
  if (count === 0) return undefined;
  return { code: s.toString(), map: sourceMap ? s.generateMap({ hires: true }) : null, count };
}

/**
 * The XS inliner, a rollup plugin (put it after the TypeScript plugin). Pass 1 inlines calls to the
 * bitfield primitives imported from vllsi (directly, through src/index, or as the `vllsi` package);
 * pass 2 inlines register field reads and writes (tools/xs-inline-registers.js); pass 3 ECMA-419
 * Digital.write/read on a constant pin (tools/xs-inline-digital.js; `digital`: the board's chip,
 * pins and whether its host provider is vllsi's).
 */
export function xsInline({ isBitfieldModule = (id) => /[\\/]src[\\/](bitfield|index)\.ts$/.test(id), digital } = {}) {
  const counts = { bitfield: 0, register: 0, digital: 0 };
  const registers = registerInliner();
  const digitals = digitalInliner(digital);
  return {
    name: 'vllsi-xs-inline',
    async transform(code, id) {
      let out = null;
      if (!isBitfieldModule(id) && INLINED_PRIMITIVES.some((p) => code.includes(p))) {
        const ast = this.parse(code);
        const names = new Map();
        for (const node of ast.body) {
          if (node.type !== 'ImportDeclaration') continue;
          const resolved = node.source.value === 'vllsi' ? { id: 'vllsi' } : await this.resolve(node.source.value, id);
          if (!resolved || (resolved.id !== 'vllsi' && !isBitfieldModule(resolved.id))) continue;
          for (const spec of node.specifiers) {
            if (spec.type === 'ImportSpecifier' && PRIMITIVES[spec.imported.name]) names.set(spec.local.name, spec.imported.name);
          }
        }
        const r = inlineBitfieldCalls(code, names, { ast, sourceMap: true });
        if (r) {
          counts.bitfield += r.count;
          out = { code: r.code, map: r.map };
        }
      }
      // Pass 2 sees pass 1's output (source maps are not chained: XS bundles ship without them).
      const r2 = await registers.transform(this, out?.code ?? code, id);
      if (r2) {
        counts.register = registers.inlinedCount();
        out = r2;
      }
      const r3 = await digitals.transform(this, out?.code ?? code, id);
      if (r3) {
        counts.digital = digitals.inlinedCount();
        out = r3;
      }
      return out;
    },
    api: { inlinedCount: () => ({ ...counts }) },
  };
}
