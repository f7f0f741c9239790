// The pure half of the register inliner (tools/xs-inline-registers.js): which names in a module
// are register handles, read from its AST alone. No evaluation, no rewriting: given the parsed
// module and its imports, it finds `const X = peripheral(DEF)` (DEF imported, or reached through
// `const { DEF } = ns` / `const D = ns.M`), const aliases of their registers and fields, and the
// call sites on them; the other half evaluates the definitions and rewrites those sites.
import { children, declaredNames } from './ast.js';

/** The expression's value is surely an integer in 0..low (so it needs no run-time field check). */
export function provablyWithin(node, low) {
  const num = (n) => (n.type === 'Literal' && typeof n.value === 'number' && Number.isInteger(n.value) ? n.value : undefined);
  if (node.type !== 'BinaryExpression') return false;
  if (node.operator === '&') {
    const c = num(node.right) ?? num(node.left);
    return c !== undefined && c >= 0 && c <= low;
  }
  if (node.operator === '>>>') {
    const k = num(node.right);
    return k !== undefined && k >= 1 && k <= 31 && 0xffffffff >>> k <= low;
  }
  return false;
}

/**
 * What a member chain names: `X.R` → { x, reg }, `X.R[3]` (an element of a register array, at a
 * literal index) → { x, reg, index }, `X.R.fields.F` → { x, reg, field }, through top-level const
 * aliases of any of them (`const r = X.R; const f = r.fields.F`).
 */
export function resolveTarget(node, bindings) {
  if (node.type === 'Identifier') {
    const a = bindings.alias(node.name, node.start);
    return a && { x: a.x, reg: a.reg, index: a.index, field: a.field };
  }
  if (node.type === 'MemberExpression' && node.computed && !node.optional && node.property.type === 'Literal' && Number.isInteger(node.property.value)) {
    const r = resolveTarget(node.object, bindings);
    return r && r.field === undefined && r.index === undefined ? { ...r, index: node.property.value } : undefined;
  }
  if (node.type !== 'MemberExpression' || node.computed || node.optional) return undefined;
  const name = node.property.name;
  if (node.object.type === 'Identifier' && bindings.peripheral(node.object.name, node.start)) return { x: node.object.name, reg: name };
  const o = node.object;
  if (o.type === 'MemberExpression' && !o.computed && o.property.name === 'fields') {
    const r = resolveTarget(o.object, bindings);
    if (r && r.field === undefined) return { ...r, field: name };
  }
  return undefined;
}

/** Matches a call on a register or field; returns the parts or undefined. */
export function matchSite(call, bindings) {
  const c = call.callee;
  if (call.optional || c.type !== 'MemberExpression' || c.computed) return undefined;
  const t = resolveTarget(c.object, bindings);
  return t && { ...t, op: c.property.name, args: call.arguments };
}

/**
 * The register bindings of a module: `periphs` (name → { scope, from: the definition's import })
 * and `bindings` (what resolveTarget and matchSite ask: is a name, at a position, a peripheral
 * or an alias of a register or field). `imports` maps local names to { id, imported }.
 */
export function registerBindings(ast, imports, peripheralName) {
  // Every const declarator, in source order, with the block it is visible in. Only names
  // declared once in the whole module are used, so a name means one binding wherever its
  // block reaches (uses outside that block would be globals: they are not matched).
  const declared = declaredNames(ast);
  const consts = [];
  const SCOPES = new Set(['Program', 'BlockStatement', 'StaticBlock', 'ForStatement', 'ForInStatement', 'ForOfStatement', 'SwitchStatement']);
  const collect = (node, scope) => {
    const inner = SCOPES.has(node.type) ? { start: node.start, end: node.end } : scope;
    if (node.type === 'VariableDeclaration' && node.kind === 'const') {
      for (const d of node.declarations) consts.push({ d, scope: inner });
    }
    children(node).forEach((c) => collect(c, inner));
  };
  collect(ast, { start: ast.start, end: ast.end });
  const once = (name) => declared.get(name) === 1;
  const scoped = (map, name, pos) => {
    const b = map.get(name);
    return b && pos >= b.scope.start && pos <= b.scope.end ? b : undefined;
  };

  // Definitions: imported names, `const { A, B: C } = ns`, `const D = ns.M`; then peripherals.
  const defs = new Map();
  const defOf = (node) => {
    if (node.type === 'Identifier') {
      const local = scoped(defs, node.name, node.start);
      if (local) return local.from;
      return imports.has(node.name) ? { ...imports.get(node.name), member: undefined } : undefined;
    }
    if (node.type === 'MemberExpression' && !node.computed && node.object.type === 'Identifier' && imports.has(node.object.name)) {
      return { ...imports.get(node.object.name), member: node.property.name };
    }
    return undefined;
  };
  const periphs = new Map();
  for (const { d, scope } of consts) {
    const init = d.init;
    if (!init) continue;
    if (d.id.type === 'ObjectPattern' && init.type === 'Identifier' && imports.has(init.name)) {
      for (const p of d.id.properties) {
        if (p.type === 'Property' && !p.computed && p.value.type === 'Identifier' && once(p.value.name)) {
          defs.set(p.value.name, { scope, from: { ...imports.get(init.name), member: p.key.name } });
        }
      }
      continue;
    }
    if (d.id.type !== 'Identifier' || !once(d.id.name)) continue;
    if (init.type === 'MemberExpression') {
      const from = defOf(init);
      if (from) defs.set(d.id.name, { scope, from });
      continue;
    }
    if (init.type !== 'CallExpression' || init.callee.type !== 'Identifier' || init.callee.name !== peripheralName || init.arguments.length !== 1) continue;
    const from = defOf(init.arguments[0]);
    if (from) periphs.set(d.id.name, { scope, from });
  }

  // Const aliases of registers and fields (`const r = X.R`, `const f = r.fields.F`).
  const aliases = new Map();
  const bindings = { peripheral: (name, pos) => scoped(periphs, name, pos), alias: (name, pos) => scoped(aliases, name, pos) };
  for (const { d, scope } of consts) {
    if (d.id.type !== 'Identifier' || !once(d.id.name) || !d.init) continue;
    const t = resolveTarget(d.init, bindings);
    if (t) aliases.set(d.id.name, { scope, ...t });
  }
  return { periphs, bindings };
}
