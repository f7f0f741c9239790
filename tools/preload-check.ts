// The build-time preload check of a device project (docs/native-hal.md, "Preload"). Moddable's
// linker runs every preloaded module's body at build time and puts what it made in flash: a
// Map, Set, WeakMap, typed array or DataView made at module level can no longer change (its
// mutators throw), and vllsi's rule is stricter, no module-level object is changed after preload
// at all (docs/runtime.md). A function that changes such an object, or a reference to a global the
// device does not have (TextEncoder, setTimeout...), fails only on the chip; this finds both in
// the modules' text and names the module and the binding. A module-level `let` may be rebound
// (XS keeps the new value in RAM): state made on first use goes there.
import { parseAst } from 'rollup/parseAst';
import { VllsiError } from '../src/errors.js';

/** The globals of a Moddable app (XS 17 without lockdown: no harden, no TextEncoder, no timers). */
export const MODDABLE_GLOBALS: ReadonlySet<string> = new Set(
  (
    'AggregateError Array ArrayBuffer Atomics BigInt BigInt64Array BigUint64Array Boolean DataView Date Error EvalError ' +
    'FinalizationRegistry Float16Array Float32Array Float64Array Function Infinity Int16Array Int32Array Int8Array Iterator JSON ' +
    'Map Math ModuleSource NaN Number Object Promise Proxy RangeError ReferenceError Reflect RegExp Set SharedArrayBuffer String ' +
    'Symbol SyntaxError TypeError URIError Uint16Array Uint32Array Uint8Array Uint8ClampedArray WeakMap WeakRef WeakSet ' +
    'Compartment decodeURI decodeURIComponent encodeURI encodeURIComponent escape eval globalThis isFinite isNaN parseFloat ' +
    'parseInt trace undefined unescape arguments ' +
    // xsc's binding syntax, resolved to the C function at build time (docs/native-hal.md).
    'native Native'
  ).split(' '),
);

/** Methods that change the object they are called on (collections, arrays, typed arrays, DataViews, Dates). */
const MUTATORS = new Set([
  'set',
  'add',
  'delete',
  'clear',
  'push',
  'pop',
  'shift',
  'unshift',
  'splice',
  'fill',
  'sort',
  'reverse',
  'copyWithin',
  'setInt8',
  'setUint8',
  'setInt16',
  'setUint16',
  'setInt32',
  'setUint32',
  'setFloat32',
  'setFloat64',
  'setBigInt64',
  'setBigUint64',
  'setTime',
  'setDate',
  'setFullYear',
  'setHours',
  'setMinutes',
  'setSeconds',
  'setMilliseconds',
  'setMonth',
]);
/** Static functions that change their first argument. */
const MUTATING_STATICS = new Set([
  'Object.assign',
  'Object.defineProperty',
  'Object.defineProperties',
  'Object.setPrototypeOf',
  'Reflect.set',
  'Reflect.defineProperty',
  'Reflect.deleteProperty',
  'Atomics.store',
  'Atomics.add',
  'Atomics.sub',
  'Atomics.exchange',
]);

export interface PreloadProblem {
  readonly module: string;
  readonly binding: string;
  readonly what: string;
}

/** A device module would fail on the chip after preload; the message lists every problem found. */
export class PreloadUnsafe extends VllsiError<'PreloadUnsafe'> {
  constructor(readonly problems: readonly PreloadProblem[]) {
    super('PreloadUnsafe', `not preload-safe for a Moddable device:\n${problems.map((p) => `  - ${p.module}: ${p.binding}: ${p.what}`).join('\n')}`);
  }
}

// ESTree nodes, loosely typed: the walk reads only a few fields.
type Node = { type: string; [k: string]: any };

interface Scope {
  readonly names: Set<string>;
  readonly fn: boolean;
}

/** The problems of one ES module's text (`module` names it in the messages; `globals`: those the device has). */
export function preloadProblems(module: string, code: string, globals: ReadonlySet<string> = MODDABLE_GLOBALS): PreloadProblem[] {
  const program = parseAst(code) as unknown as Node;
  const problems: PreloadProblem[] = [];
  const seen = new Set<string>();
  const report = (binding: string, what: string) => {
    const key = `${binding}\0${what}`;
    if (seen.has(key)) return;
    problems.push({ module, binding, what });
    seen.add(key);
  };
  const top: Scope = { names: new Set(), fn: false };
  declareBlock(program.body, top, true);
  // Module-level bindings whose value is (or may be) an object made at module level.
  const objects = new Set<string>();
  for (const s of program.body as Node[]) {
    const decl = s.type === 'ExportNamedDeclaration' ? s.declaration : s;
    if (decl?.type !== 'VariableDeclaration') continue;
    for (const d of decl.declarations as Node[]) if (d.id.type === 'Identifier' && d.init && makesObject(d.init)) objects.add(d.id.name);
  }

  const resolve = (name: string, scopes: Scope[]): Scope | undefined => {
    for (let i = scopes.length - 1; i >= 0; i--) if (scopes[i]!.names.has(name)) return scopes[i];
    return undefined;
  };
  const inFunction = (scopes: Scope[]) => scopes.some((s) => s.fn);
  // The module-level object a member chain starts from (x.a.b -> x), when it is one.
  const rootObject = (n: Node, scopes: Scope[]): string | undefined => {
    while (n.type === 'MemberExpression') n = n.object;
    return n.type === 'Identifier' && objects.has(n.name) && resolve(n.name, scopes) === top ? n.name : undefined;
  };
  const mutation = (target: Node, scopes: Scope[], how: string) => {
    if (!inFunction(scopes)) return; // during preload: fine
    const name = rootObject(target, scopes);
    if (name !== undefined) report(name, `${how} a module-level object after preload (it is in flash on the device): make it on first use instead`);
  };

  const walk = (n: Node | null | undefined, scopes: Scope[], parent?: Node): void => {
    if (!n || typeof n.type !== 'string') return;
    switch (n.type) {
      case 'FunctionDeclaration':
      case 'FunctionExpression':
      case 'ArrowFunctionExpression': {
        const s: Scope = { names: new Set(), fn: true };
        if (n.type === 'FunctionExpression' && n.id) s.names.add(n.id.name);
        for (const p of n.params) declarePattern(p, s.names);
        if (n.body.type === 'BlockStatement') declareBlock(n.body.body, s, true);
        if (n.body.type === 'BlockStatement') for (const st of n.body.body) walk(st, [...scopes, s], n.body);
        else walk(n.body, [...scopes, s], n);
        return;
      }
      case 'ClassDeclaration':
      case 'ClassExpression': {
        const s: Scope = { names: new Set(n.id ? [n.id.name] : []), fn: true };
        walk(n.superClass, scopes, n);
        for (const m of n.body.body) {
          if (m.computed) walk(m.key, scopes, m);
          walk(m.value, [...scopes, s], m);
        }
        return;
      }
      case 'BlockStatement':
      case 'StaticBlock': {
        const s: Scope = { names: new Set(), fn: n.type === 'StaticBlock' };
        declareBlock(n.body, s, false);
        for (const st of n.body) walk(st, [...scopes, s], n);
        return;
      }
      case 'ForStatement':
      case 'ForInStatement':
      case 'ForOfStatement': {
        const s: Scope = { names: new Set(), fn: false };
        const head = n.type === 'ForStatement' ? n.init : n.left;
        if (head?.type === 'VariableDeclaration' && head.kind !== 'var') for (const d of head.declarations) declarePattern(d.id, s.names);
        for (const k of ['init', 'test', 'update', 'left', 'right', 'body']) walk(n[k], [...scopes, s], n);
        return;
      }
      case 'CatchClause': {
        const s: Scope = { names: new Set(), fn: false };
        if (n.param) declarePattern(n.param, s.names);
        walk(n.body, [...scopes, s], n);
        return;
      }
      case 'Identifier': {
        if (!isReference(n, parent)) return;
        if (resolve(n.name, scopes) === undefined && !globals.has(n.name) && !(parent?.type === 'UnaryExpression' && parent.operator === 'typeof')) {
          report(n.name, 'is not a global of Moddable (XS): it is undefined on the device');
        }
        return;
      }
      case 'AssignmentExpression':
        if (n.left.type === 'MemberExpression') mutation(n.left, scopes, 'assigns to a property of');
        break;
      case 'UpdateExpression':
        if (n.argument.type === 'MemberExpression') mutation(n.argument, scopes, 'updates a property of');
        break;
      case 'UnaryExpression':
        if (n.operator === 'delete' && n.argument.type === 'MemberExpression') mutation(n.argument, scopes, 'deletes a property of');
        break;
      case 'CallExpression': {
        const c = n.callee;
        if (c.type === 'MemberExpression' && !c.computed && MUTATORS.has(c.property.name)) mutation(c.object, scopes, `calls ${c.property.name}() on`);
        if (
          c.type === 'MemberExpression' &&
          !c.computed &&
          c.object.type === 'Identifier' &&
          MUTATING_STATICS.has(`${c.object.name}.${c.property.name}`) &&
          n.arguments[0]
        ) {
          mutation(n.arguments[0], scopes, `passes to ${c.object.name}.${c.property.name}()`);
        }
        break;
      }
      case 'MemberExpression':
        walk(n.object, scopes, n);
        if (n.computed) walk(n.property, scopes, n);
        return;
      case 'Property':
        if (n.computed) walk(n.key, scopes, n);
        walk(n.value, scopes, n);
        return;
      case 'LabeledStatement':
      case 'BreakStatement':
      case 'ContinueStatement':
        walk(n.body, scopes, n);
        return;
      case 'ImportDeclaration':
      case 'MetaProperty':
        return;
      case 'ExportNamedDeclaration':
        if (n.declaration) walk(n.declaration, scopes, n);
        else if (!n.source) for (const sp of n.specifiers) walk(sp.local, scopes, sp);
        return;
      case 'ExportSpecifier':
        return;
    }
    for (const key of Object.keys(n)) {
      if (key === 'type' || key === 'start' || key === 'end') continue;
      const v = n[key];
      if (Array.isArray(v)) for (const c of v) walk(c, scopes, n);
      else if (v && typeof v === 'object' && typeof v.type === 'string') walk(v, scopes, n);
    }
  };
  for (const s of program.body) walk(s, [top], program);
  return problems;
}

/** Throws PreloadUnsafe listing the problems of every module ({name: code}). */
export function checkPreload(modules: Readonly<Record<string, string>>, globals: ReadonlySet<string> = MODDABLE_GLOBALS): void {
  const problems = Object.entries(modules).flatMap(([name, code]) => preloadProblems(name, code, globals));
  if (problems.length) throw new PreloadUnsafe(problems);
}

/** An initializer whose value is, or may hold, an object made at module level. */
function makesObject(init: Node): boolean {
  switch (init.type) {
    case 'ArrayExpression':
    case 'ObjectExpression':
    case 'NewExpression':
      return true;
    case 'CallExpression': {
      // Object.freeze(...) gives a frozen object (harmless); other calls may build anything.
      const c = init.callee;
      return !(c.type === 'MemberExpression' && c.object.type === 'Identifier' && c.object.name === 'Object' && c.property.name === 'freeze');
    }
    default:
      return false;
  }
}

function declarePattern(p: Node | null, names: Set<string>): void {
  if (!p) return;
  switch (p.type) {
    case 'Identifier':
      names.add(p.name);
      return;
    case 'ObjectPattern':
      for (const prop of p.properties) declarePattern(prop.type === 'RestElement' ? prop.argument : prop.value, names);
      return;
    case 'ArrayPattern':
      for (const e of p.elements) declarePattern(e, names);
      return;
    case 'RestElement':
      declarePattern(p.argument, names);
      return;
    case 'AssignmentPattern':
      declarePattern(p.left, names);
      return;
  }
}

/** Declarations of a statement list: `var` and functions hoist to a function scope; let/const/class stay in the block. */
function declareBlock(body: Node[], s: Scope, functionScope: boolean): void {
  const visitVar = (n: Node | null | undefined) => {
    if (!n || typeof n.type !== 'string') return;
    if (n.type === 'VariableDeclaration' && n.kind === 'var') for (const d of n.declarations) declarePattern(d.id, s.names);
    if (/Function|Class/.test(n.type)) return;
    for (const k of ['body', 'consequent', 'alternate', 'block', 'handler', 'finalizer', 'init', 'left', 'cases']) {
      const v = n[k];
      if (Array.isArray(v)) v.forEach(visitVar);
      else visitVar(v);
    }
  };
  for (let st of body) {
    if (st.type === 'ExportNamedDeclaration' || st.type === 'ExportDefaultDeclaration') st = st.declaration ?? st;
    if (st.type === 'ImportDeclaration') for (const sp of st.specifiers) s.names.add(sp.local.name);
    else if (st.type === 'VariableDeclaration' && st.kind !== 'var') for (const d of st.declarations) declarePattern(d.id, s.names);
    else if ((st.type === 'FunctionDeclaration' || st.type === 'ClassDeclaration') && st.id) s.names.add(st.id.name);
    if (functionScope) visitVar(st);
  }
}

/** An identifier that names a binding (not a property name, label or key). */
function isReference(n: Node, parent: Node | undefined): boolean {
  if (!parent) return true;
  switch (parent.type) {
    case 'MemberExpression':
      return parent.object === n || parent.computed;
    case 'Property':
    case 'MethodDefinition':
    case 'PropertyDefinition':
      return parent.value === n || parent.computed;
    case 'LabeledStatement':
    case 'BreakStatement':
    case 'ContinueStatement':
      return false;
    default:
      return true;
  }
}
