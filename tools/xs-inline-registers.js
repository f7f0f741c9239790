// Build-time inlining of register field reads and writes for the XS bundles: the evaluate-and-
// rewrite half. Which names are register handles is tools/xs-inline-bindings.js (pure AST analysis).
//
// Recognised: `const X = peripheral(DEF)` at any depth (one argument; DEF imported directly, as
// `ns.DEF`, or through `const { DEF } = ns`, from a module the build can evaluate), const aliases
// of its registers and fields, and these call sites on them within the declaring block:
//   X.R.read()   X.R.get('F')   X.R.isSet('F')   X.R.modify({ F: v, … })   X.R.write({ F: v, … })
//   X.R.fields.F.read()   .isSet()   .modify(v)   .write(v)
// Nothing about registers is re-implemented here: the definitions are evaluated at build time
// with the real src/register.ts, and each operation is run once on a recording HAL to learn its
// address, masks and the bits write/modify force (write-1-to-clear flags and the like). An
// operation the access rules refuse, or a field value known to be invalid, stays a call.
// The inline form only runs while `directHal` is set (a HAL bound, no permission sandbox):
//   (__vllsiDirect [&& every value not provably in range fits its field]) ? <inline> : <original call>
// so gating, HalNotBound and value errors keep their exact behaviour.
import path from 'node:path';
import MagicString from 'magic-string';
import { rollup } from 'rollup';
import { nodeResolve } from '@rollup/plugin-node-resolve';
import { transpileTs } from './rollup-plugins.js';
import { renderPure, children } from './ast.js';
import { matchSite, provablyWithin, registerBindings } from './xs-inline-bindings.js';

const root = path.resolve(import.meta.dirname, '..');
const SRC_INDEX = path.join(root, 'src/index.ts');
const SRC_PLATFORM = path.join(root, 'src/platform.ts');
const VLLSI_MODULE = /[\\/]src[\\/](index|peripheral)\.ts$/;
const DIRECT = '__vllsiDirect';

/** Evaluates a module of register definitions (and vllsi's peripheral()) in Node, at build time. */
async function evaluateDefinitions(defModuleId) {
  const ENTRY = '\0xs-inline-defs';
  const bundle = await rollup({
    input: ENTRY,
    plugins: [
      {
        name: 'defs-entry',
        resolveId: (id) => (id === ENTRY ? ENTRY : null),
        load: (id) =>
          id === ENTRY
            ? `export { peripheral, bindHal, unbindHal } from ${JSON.stringify(SRC_INDEX)};\nexport * as defs from ${JSON.stringify(defModuleId)};`
            : null,
      },
      transpileTs(),
      nodeResolve({ extensions: ['.ts', '.js'] }),
    ],
  });
  const { output } = await bundle.generate({ format: 'es' });
  await bundle.close();
  return import(`data:text/javascript;base64,${Buffer.from(output[0].code).toString('base64')}`);
}

/** `./…/x.js` from module `from` to the .ts file `to`, as TypeScript sources spell imports. */
function relativeSpecifier(from, to) {
  const rel = path.relative(path.dirname(from), to).split(path.sep).join('/').replace(/\.ts$/, '.js');
  return rel.startsWith('.') ? rel : `./${rel}`;
}

/** A HAL that returns `value` for every load and records stores. */
function recordingHal() {
  const hal = { name: 'xs-inline-probe', value: 0, stores: [] };
  hal.load = () => hal.value;
  hal.store = (_a, _size, v) => void hal.stores.push(v);
  for (const n of [8, 16, 32]) {
    hal[`load${n}`] = hal.load;
    hal[`store${n}`] = (_a, v) => void hal.stores.push(v);
  }
  for (const n of ['dmb', 'dsb', 'isb', 'barrier']) hal[n] = () => {};
  return hal;
}

const LOAD = { 8: 'load8', 16: 'load16', 32: 'load32' };
const STORE = { 8: 'store8', 16: 'store16', 32: 'store32' };

/**
 * Plans one call site against the evaluated peripheral: returns the inline text or undefined.
 * `pure(node)` renders a side-effect-free argument; `hal` is the bound recording HAL.
 */
function plan(site, periph, hal, code, pure, original) {
  const reg = site.index === undefined ? periph[site.reg] : periph[site.reg]?.[site.index];
  if (!reg || typeof reg.read !== 'function' || (reg.mode !== 'Volatile' && reg.mode !== 'Relaxed')) return undefined;
  const A = `0x${reg.address.toString(16)}`;
  const load = `${DIRECT}.${LOAD[reg.width]}(${A})`;
  const store = (v) => `${DIRECT}.${STORE[reg.width]}(${A}, ${v})`;
  const attempt = (fn) => {
    hal.stores.length = 0;
    try {
      fn();
      return true;
    } catch {
      return false;
    }
  };
  const fieldOf = (name) => (Object.hasOwn(reg.fields, name) ? reg.fields[name] : undefined);
  // A HAL is an object (truthy); the plain truth test is the cheapest check XS offers.
  const guarded = (guards, text) => `((${[DIRECT, ...guards].join(' && ')}) ? ${text} : ${original})`;

  // Reads: the register must be readable (the probe read throws otherwise).
  const readOp = site.field === undefined ? { read: [], get: [0], isSet: [0] }[site.op] : { read: [], isSet: [] }[site.op];
  if (readOp !== undefined) {
    if (site.args.length !== readOp.length) return undefined;
    const fname = site.field ?? (site.args[0]?.type === 'Literal' ? site.args[0].value : undefined);
    if (site.op === 'read' && site.field === undefined) return attempt(() => reg.read()) ? guarded([], load) : undefined;
    const f = typeof fname === 'string' ? fieldOf(fname) : undefined;
    if (!f || !attempt(() => f.read())) return undefined;
    const value = `((${load} & ${f.mask}) >>> ${f.bitOffset})`;
    return guarded([], site.op === 'isSet' ? `(${value} !== 0)` : value);
  }

  // Writes: collect { field: value node } from `{ F: v }` or the field handle's single argument.
  if (site.op !== 'write' && site.op !== 'modify') return undefined;
  let entries;
  if (site.field !== undefined) {
    if (site.args.length !== 1) return undefined;
    entries = [[site.field, site.args[0]]];
  } else {
    const obj = site.args[0];
    if (site.args.length !== 1 || obj.type !== 'ObjectExpression') return undefined;
    entries = [];
    for (const p of obj.properties) {
      if (p.type !== 'Property' || p.computed || p.kind !== 'init' || p.method) return undefined;
      entries.push([p.key.type === 'Identifier' ? p.key.name : p.key.value, p.value]);
    }
    if (entries.length === 0) return undefined;
  }
  const guards = [];
  const terms = [];
  let constBits = 0;
  const probeValues = {};
  for (const [name, node] of entries) {
    const f = fieldOf(name);
    if (!f) return undefined;
    probeValues[name] = 0;
    if (node.type === 'Literal' && (typeof node.value === 'number' || typeof node.value === 'string')) {
      let bits;
      if (!attempt(() => (bits = f.encode(node.value)))) return undefined; // invalid: the call throws its typed error
      constBits |= bits;
      continue;
    }
    const v = pure(node);
    if (v === undefined) return undefined;
    const low = f.mask >>> f.bitOffset;
    if (!provablyWithin(node, low)) guards.push(low === 0xffffffff ? `(${v} >>> 0) === ${v}` : `${v} === (${v} & ${low})`);
    terms.push(f.bitOffset === 0 ? v : `(${v} << ${f.bitOffset})`);
  }
  const op = site.op === 'write' ? () => reg.write(probeValues) : () => reg.modify(probeValues);
  hal.value = 0;
  if (!attempt(op)) return undefined; // access rules refuse it: leave the call
  const force = hal.stores[0];
  hal.value = reg.width === 32 ? 0xffffffff : 2 ** reg.width - 1;
  attempt(op);
  const keep = (hal.stores[0] & ~force) >>> 0;
  const fixed = (force | constBits) >>> 0;
  // modify always reads, even when no bit is kept: the bus access is part of its behaviour.
  const bits = [...(site.op === 'modify' ? [`(${load} & ${keep})`] : []), ...(fixed !== 0 || terms.length === 0 ? [String(fixed)] : []), ...terms];
  return guarded(guards, store(`((${bits.join(' | ')}) >>> 0)`));
}

/** Rollup plugin (put it after the TypeScript plugin; tools/xs-inline.js runs it after the bitfield pass). */
export function registerInliner() {
  const evaluated = new Map();
  let total = 0;
  async function transform(ctx, code, id) {
    if (VLLSI_MODULE.test(id) || !code.includes('peripheral')) return undefined;
    const ast = ctx.parse(code);
    const imports = new Map();
    let peripheralName;
    let directSource;
    for (const node of ast.body) {
      if (node.type !== 'ImportDeclaration') continue;
      // In device bundles the core is the external module 'vllsi' (tools/rollup-plugins.js srcAsVllsiModule).
      const resolved = node.source.value === 'vllsi' ? { id: 'vllsi' } : await ctx.resolve(node.source.value, id);
      if (!resolved) continue;
      for (const spec of node.specifiers) {
        const imported = spec.type === 'ImportSpecifier' ? spec.imported.name : '*';
        imports.set(spec.local.name, { id: resolved.id, imported });
        if (imported === 'peripheral' && (resolved.id === 'vllsi' || VLLSI_MODULE.test(resolved.id))) {
          peripheralName = spec.local.name;
          // Relative, as the module's own core imports are: device builds map src/ to the
          // external module 'vllsi' by relative path (a bare 'vllsi' would resolve to the package).
          directSource = node.source.value === 'vllsi' ? 'vllsi' : relativeSpecifier(id, SRC_PLATFORM);
        }
      }
    }
    if (!peripheralName) return undefined;
    const { periphs, bindings } = registerBindings(ast, imports, peripheralName);
    if (periphs.size === 0) return undefined;

    const hal = recordingHal();
    const s = new MagicString(code);
    let n = 0;
    const instances = new Map();
    for (const [name, { scope, from: imported }] of periphs) {
      const from = imported.id === 'vllsi' ? { ...imported, id: SRC_INDEX } : imported;
      if (!evaluated.has(from.id)) evaluated.set(from.id, evaluateDefinitions(from.id));
      const mod = await evaluated.get(from.id);
      let def = from.imported === '*' ? mod.defs : mod.defs[from.imported];
      if (from.member !== undefined) def = def?.[from.member];
      if (!def || typeof def !== 'object') continue;
      mod.bindHal(hal);
      try {
        instances.set(name, { scope, periph: mod.peripheral(def), mod });
      } catch {
        // An invalid definition: the call throws at run time, as it should.
      }
    }
    const visit = (node) => {
      if (node.type === 'CallExpression') {
        const site = matchSite(node, bindings);
        const inst = site && instances.get(site.x);
        if (inst) {
          const text = plan(site, inst.periph, hal, code, (a) => renderPure(code, a), code.slice(node.start, node.end));
          if (text !== undefined) {
            s.overwrite(node.start, node.end, text);
            n++;
            return;
          }
        }
      }
      children(node).forEach(visit);
    };
    visit(ast);
    for (const { mod } of instances.values()) mod.unbindHal();
    if (n === 0) return undefined;
    s.prepend(`import { directHal as ${DIRECT} } from ${JSON.stringify(directSource)};\n`);
    total += n;
    return { code: s.toString(), map: s.generateMap({ hires: true }) };
  }
  return { transform, inlinedCount: () => total };
}
