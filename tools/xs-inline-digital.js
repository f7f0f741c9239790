// Build-time inlining of ECMA-419 Digital.write and Digital.read (vllsi's classes, src/io/digital.ts)
// on a pin known at build time, for the XS bundles: `d.write(v)` becomes the SIO set/clear store
// (RP2040) or the W1TS/W1TC store (ESP32) the class makes, `d.read()` the input load.
//
// Recognised: `const d = new C({ pin: P, mode: M, ... })` at any depth, where C is vllsi's Digital
// of a chip (imported from vllsi/io/<chip> or src/io/<chip>.ts, or, when the build's host provider
// is vllsi's, `embedded:io/digital`, `device.io.Digital` and const aliases of them), P an integer
// literal, `device.pin.NAME` (vllsi's provider: the board's pins) or a const of a literal, and M
// `C.Output` (writes) or an input mode (reads), or its number. The instance must not escape: every
// use of `d` is `d.write(x)`, `d.read()` or `d.pin`, so nothing can close it or reach it otherwise
// (a closed instance must throw; this one is never closed). Each inlined site keeps the rest of the
// class's behaviour exact:
//   (__vllsiIoDirect && d && (v === 1 || v === 0)) ? void __vllsiIoDirect.store32(v === 1 ? SET : CLR, MASK) : d.write(v)
// `d` is evaluated first (a use before the constructor ran, or after it threw, is the same
// ReferenceError), a value other than 0 or 1 takes the call (its RangeError), and with no direct
// HAL (none bound, or a permission sandbox) the call runs. The argument must be side-effect free.
import path from 'node:path';
import MagicString from 'magic-string';
import { rollup } from 'rollup';
import { nodeResolve } from '@rollup/plugin-node-resolve';
import { transpileTs } from './rollup-plugins.js';
import { children, declaredNames, renderPure } from './ast.js';

const root = path.resolve(import.meta.dirname, '..');
const SRC = path.join(root, 'src') + path.sep;
const IO_CHIP = /[\\/]src[\\/]io[\\/](\w+)\.ts$/;
const DIRECT = '__vllsiIoDirect';
const SCOPES = new Set(['Program', 'BlockStatement', 'StaticBlock', 'ForStatement', 'ForInStatement', 'ForOfStatement', 'SwitchStatement']);

/** Is this Identifier a reference to a binding (not a property name, a key or a label)? */
function isReference(node, parent, key) {
  if (!parent) return true;
  switch (parent.type) {
    case 'MemberExpression':
      return key === 'object' || parent.computed;
    case 'Property':
    case 'PropertyDefinition':
    case 'MethodDefinition':
      return key === 'value' || (key === 'key' && parent.computed);
    case 'LabeledStatement':
    case 'BreakStatement':
    case 'ContinueStatement':
      return false;
    case 'ImportSpecifier':
    case 'ImportDefaultSpecifier':
    case 'ImportNamespaceSpecifier':
      return false;
    case 'ExportSpecifier':
      return key === 'local';
    default:
      return true;
  }
}

/** Walks the tree with each node's parent and the key it is under. */
function walk(node, visit, parent, key) {
  if (visit(node, parent, key) === false) return;
  for (const k of Object.keys(node)) {
    if (k === 'type' || k === 'start' || k === 'end') continue;
    const v = node[k];
    if (Array.isArray(v)) v.forEach((c) => c && typeof c.type === 'string' && walk(c, visit, node, k));
    else if (v && typeof v.type === 'string') walk(v, visit, node, k);
  }
}

/**
 * The inlinable Digital sites of a module, from its AST alone.
 * `classes`: local name -> chip, for the names imported as vllsi's Digital; `device`: the chip when
 * the `device` global is vllsi's host provider (then `pins` are its named pins), else undefined;
 * `modes`: the mode constants ({ Output: 8, Input: 0, ... }).
 * Returns [{ call, op: 'write' | 'read', instance, chip, pin, value? }] (`value`: the argument's text).
 */
export function digitalSites(ast, code, { classes, device, pins = {}, modes }) {
  const declared = declaredNames(ast);
  const once = (name) => declared.get(name) === 1;
  const consts = [];
  const collect = (node, scope) => {
    const inner = SCOPES.has(node.type) ? { start: node.start, end: node.end } : scope;
    if (node.type === 'VariableDeclaration' && node.kind === 'const') for (const d of node.declarations) consts.push({ d, scope: inner });
    children(node).forEach((c) => collect(c, inner));
  };
  collect(ast, { start: ast.start, end: ast.end });
  const bound = (map, name, pos) => {
    const b = map.get(name);
    return b && pos >= b.scope.start && pos <= b.scope.end ? b : undefined;
  };
  // `device` is the global (or the same provider imported from embedded:provider/builtin) unless something else binds it.
  const otherDevice = ast.body.some(
    (n) => n.type === 'ImportDeclaration' && n.source.value !== 'embedded:provider/builtin' && n.specifiers.some((x) => x.local.name === 'device'),
  );
  const deviceGlobal = device !== undefined && !declared.has('device') && !otherDevice;
  const isDevice = (n) => deviceGlobal && n.type === 'Identifier' && n.name === 'device';
  const member = (n, name) => n.type === 'MemberExpression' && !n.computed && !n.optional && n.property.name === name;

  // Classes: imported names, `device.io.Digital`, and const aliases of either.
  const aliases = new Map();
  const classOf = (n) => {
    if (n.type === 'Identifier') return bound(aliases, n.name, n.start)?.chip ?? (declared.has(n.name) ? undefined : classes.get(n.name));
    if (member(n, 'Digital') && member(n.object, 'io') && isDevice(n.object.object)) return device;
    return undefined;
  };
  const literals = new Map();
  for (const { d, scope } of consts) {
    if (d.id.type !== 'Identifier' || !once(d.id.name) || !d.init) continue;
    const chip = classOf(d.init);
    if (chip !== undefined) aliases.set(d.id.name, { scope, chip });
    else if (d.init.type === 'Literal' && Number.isInteger(d.init.value)) literals.set(d.id.name, { scope, value: d.init.value });
  }
  const constant = (n) => {
    if (n.type === 'Literal') return Number.isInteger(n.value) ? n.value : undefined;
    if (n.type === 'Identifier') return bound(literals, n.name, n.start)?.value;
    if (n.type === 'MemberExpression' && !n.computed && !n.optional && member(n.object, 'pin') && isDevice(n.object.object))
      return Object.hasOwn(pins, n.property.name) ? pins[n.property.name] : undefined;
    return undefined;
  };
  const modeOf = (n) => {
    if (n.type === 'MemberExpression' && !n.computed && !n.optional && classOf(n.object) !== undefined)
      return Object.hasOwn(modes, n.property.name) ? modes[n.property.name] : undefined;
    return constant(n);
  };

  // Instances: `const d = new C({ pin, mode, ... })` with both known.
  const instances = new Map();
  for (const { d, scope } of consts) {
    const init = d.init;
    if (d.id.type !== 'Identifier' || !once(d.id.name) || init?.type !== 'NewExpression' || init.arguments.length !== 1) continue;
    const chip = classOf(init.callee);
    const options = init.arguments[0];
    if (chip === undefined || options.type !== 'ObjectExpression') continue;
    const props = new Map();
    let plain = true;
    for (const p of options.properties) {
      if (p.type !== 'Property' || p.computed || p.kind !== 'init' || p.method) plain = false;
      else props.set(p.key.type === 'Identifier' ? p.key.name : String(p.key.value), p.value);
    }
    if (!plain || !props.has('pin') || !props.has('mode')) continue;
    const pin = constant(props.get('pin'));
    const mode = modeOf(props.get('mode'));
    if (pin === undefined || pin < 0 || pin > 31 || mode === undefined) continue;
    const op =
      mode === modes.Output ? 'write' : [modes.Input, modes.InputPullUp, modes.InputPullDown, modes.InputPullUpDown].includes(mode) ? 'read' : undefined;
    if (op !== undefined) instances.set(d.id.name, { scope, chip, pin, op, declarator: d, sites: [], escapes: false });
  }
  if (instances.size === 0) return [];

  // Every reference to an instance must be one of its sites or `d.pin`.
  walk(ast, (node, parent, key) => {
    if (node.type !== 'Identifier' || !isReference(node, parent, key)) return;
    const inst = bound(instances, node.name, node.start);
    if (inst === undefined || node === inst.declarator.id) return;
    // `d.name`: judged by the member walk below; anything else lets the instance escape.
    if (!(parent?.type === 'MemberExpression' && key === 'object' && !parent.computed && !parent.optional)) inst.escapes = true;
  });
  walk(ast, (node, parent, key) => {
    if (node.type !== 'MemberExpression' || node.computed || node.optional || node.object.type !== 'Identifier') return;
    const inst = bound(instances, node.object.name, node.object.start);
    if (inst === undefined) return;
    const name = node.property.name;
    const called = parent?.type === 'CallExpression' && key === 'callee' && !parent.optional;
    const assigned =
      (parent?.type === 'AssignmentExpression' && key === 'left') ||
      parent?.type === 'UpdateExpression' ||
      (parent?.type === 'UnaryExpression' && parent.operator === 'delete');
    if (name === 'pin' && !called && !assigned) return;
    if (!called || name !== inst.op) {
      inst.escapes = true;
      return;
    }
    const args = parent.arguments;
    if (inst.op === 'read' ? args.length === 0 : args.length === 1 && args[0].type !== 'SpreadElement') inst.sites.push(parent);
    else inst.escapes = true;
  });

  const sites = [];
  for (const [name, inst] of instances) {
    if (inst.escapes) continue;
    for (const call of inst.sites) {
      if (inst.op === 'read') sites.push({ call, op: 'read', instance: name, chip: inst.chip, pin: inst.pin });
      else {
        const value = renderPure(code, call.arguments[0]);
        if (value !== undefined) sites.push({ call, op: 'write', instance: name, chip: inst.chip, pin: inst.pin, value });
      }
    }
  }
  return sites;
}

/** The inline text of a site, given the chip's set/clear/input addresses. */
export function inlineSite(site, direct, original) {
  const mask = `0x${((1 << site.pin) >>> 0).toString(16)}`;
  const hex = (a) => `0x${a.toString(16)}`;
  if (site.op === 'read') return `((${DIRECT} && ${site.instance}) ? ((${DIRECT}.load32(${hex(direct.input)}) & ${mask}) === 0 ? 0 : 1) : ${original})`;
  const v = site.value;
  return `((${DIRECT} && ${site.instance} && (${v} === 1 || ${v} === 0)) ? void ${DIRECT}.store32(${v} === 1 ? ${hex(direct.set)} : ${hex(direct.clear)}, ${mask}) : ${original})`;
}

/** The chip's GPIO binding addresses and mode constants, evaluated from src/io/<chip>.ts at build time. */
async function evaluateChip(chip) {
  const ENTRY = '\0xs-inline-digital';
  const file = path.join(SRC, 'io', `${chip}.ts`);
  const bundle = await rollup({
    input: ENTRY,
    plugins: [
      { name: 'entry', resolveId: (id) => (id === ENTRY ? ENTRY : null), load: (id) => (id === ENTRY ? `export * from ${JSON.stringify(file)};` : null) },
      transpileTs(),
      nodeResolve({ extensions: ['.ts', '.js'] }),
    ],
  });
  const { output } = await bundle.generate({ format: 'es' });
  await bundle.close();
  const mod = await import(`data:text/javascript;base64,${Buffer.from(output[0].code).toString('base64')}`);
  // The binding the chip's Digital is defined over: the GPIO binding (banks, direct()).
  const gpio = Object.values(mod).find((v) => v && typeof v === 'object' && Array.isArray(v.banks) && typeof v.direct === 'function');
  const D = mod.Digital;
  if (gpio === undefined || typeof D !== 'function') return undefined;
  const modes = {};
  for (const m of ['Input', 'InputPullUp', 'InputPullDown', 'InputPullUpDown', 'Output', 'OutputOpenDrain']) modes[m] = D[m];
  return { direct: gpio.direct(0), bank: gpio.banks[0], modes };
}

/** `./…/x.js` from module `from` to the .ts file `to`, as TypeScript sources spell imports. */
function relativeSpecifier(from, to) {
  const rel = path.relative(path.dirname(from), to).split(path.sep).join('/').replace(/\.ts$/, '.js');
  return rel.startsWith('.') ? rel : `./${rel}`;
}

/**
 * The rollup half (tools/xs-inline.js runs it after the register pass). `target`: { chip, provider,
 * pins }: the board's chip, whether `embedded:io/digital` and `device` are vllsi's (--io vllsi), and
 * the board's named pins.
 */
export function digitalInliner(target) {
  const chips = new Map();
  let total = 0;
  async function transform(ctx, code, id) {
    if (id.startsWith(SRC) || !code.includes('Digital')) return undefined;
    const ast = ctx.parse(code);
    const classes = new Map();
    for (const node of ast.body) {
      if (node.type !== 'ImportDeclaration') continue;
      const src = node.source.value;
      for (const spec of node.specifiers) {
        if (src === 'embedded:io/digital' && spec.type === 'ImportDefaultSpecifier' && target?.provider) classes.set(spec.local.name, target.chip);
        if (spec.type !== 'ImportSpecifier' || spec.imported.name !== 'Digital') continue;
        const chip = src.startsWith('vllsi/io/') ? src.slice('vllsi/io/'.length) : IO_CHIP.exec((await ctx.resolve(src, id))?.id ?? '')?.[1];
        if (chip !== undefined) classes.set(spec.local.name, chip);
      }
    }
    const device = target?.provider ? target.chip : undefined;
    if (classes.size === 0 && device === undefined) return undefined;
    const wanted = new Set([...classes.values(), ...(device ? [device] : [])]);
    for (const chip of wanted)
      if (!chips.has(chip))
        chips.set(
          chip,
          evaluateChip(chip).catch(() => undefined),
        );
    const known = new Map();
    for (const chip of wanted) {
      const c = await chips.get(chip);
      if (c !== undefined) known.set(chip, c);
    }
    const modes = known.values().next().value?.modes;
    if (modes === undefined) return undefined;
    const sites = digitalSites(ast, code, { classes, device, pins: target?.pins ?? {}, modes });
    const s = new MagicString(code);
    let n = 0;
    for (const site of sites) {
      const c = known.get(site.chip);
      if (c === undefined || ((c.bank >>> site.pin) & 1) === 0) continue; // not a GPIO: the constructor throws
      s.overwrite(site.call.start, site.call.end, inlineSite(site, c.direct, code.slice(site.call.start, site.call.end)));
      n++;
    }
    if (n === 0) return undefined;
    s.prepend(`import { directHal as ${DIRECT} } from ${JSON.stringify(relativeSpecifier(id, path.join(SRC, 'platform.ts')))};\n`);
    total += n;
    return { code: s.toString(), map: s.generateMap({ hires: true }) };
  }
  return { transform, inlinedCount: () => total };
}
