// ESTree helpers shared by the build-time inliners (tools/xs-inline.js, tools/xs-inline-registers.js).

/**
 * The text of `node` when evaluating it has no side effects (so it may be dropped, repeated or
 * reordered), else undefined. Calls count only through `onCall`, which renders a call it can
 * inline (and so knows to be pure) or returns undefined.
 */
export function renderPure(code, node, onCall = () => undefined) {
  const pure = (n) => renderPure(code, n, onCall);
  const wrap = (x, f) => (x === undefined ? undefined : f(x));
  switch (node.type) {
    case 'Literal':
    case 'Identifier':
    case 'ThisExpression':
      return code.slice(node.start, node.end);
    case 'UnaryExpression':
      if (node.operator === 'delete') return undefined;
      return wrap(pure(node.argument), (x) => `(${node.operator}${node.operator.length > 1 ? ' ' : ''}${x})`);
    case 'BinaryExpression':
    case 'LogicalExpression': {
      const l = pure(node.left);
      const r = pure(node.right);
      return l === undefined || r === undefined ? undefined : `(${l} ${node.operator} ${r})`;
    }
    case 'ConditionalExpression': {
      const [t, c, a] = [pure(node.test), pure(node.consequent), pure(node.alternate)];
      return t === undefined || c === undefined || a === undefined ? undefined : `(${t} ? ${c} : ${a})`;
    }
    case 'MemberExpression': {
      if (node.optional) return undefined;
      const o = pure(node.object);
      if (o === undefined) return undefined;
      if (!node.computed) return `${o}.${node.property.name}`;
      return wrap(pure(node.property), (p) => `${o}[${p}]`);
    }
    case 'CallExpression':
      return onCall(node);
    default:
      return undefined;
  }
}

export function children(node) {
  const out = [];
  for (const key of Object.keys(node)) {
    if (key === 'type' || key === 'start' || key === 'end') continue;
    const v = node[key];
    if (Array.isArray(v)) v.forEach((c) => c && typeof c.type === 'string' && out.push(c));
    else if (v && typeof v.type === 'string') out.push(v);
  }
  return out;
}

/**
 * How many times each name is declared anywhere in the module, imports aside (a declared name
 * may shadow an import; a const declared once is the only binding of its name).
 */
export function declaredNames(ast) {
  const names = new Map();
  const add = (n) => names.set(n, (names.get(n) ?? 0) + 1);
  const addPattern = (p) => {
    if (!p) return;
    if (p.type === 'Identifier') add(p.name);
    else if (p.type === 'ObjectPattern') p.properties.forEach((q) => addPattern(q.type === 'RestElement' ? q.argument : q.value));
    else if (p.type === 'ArrayPattern') p.elements.forEach(addPattern);
    else if (p.type === 'AssignmentPattern') addPattern(p.left);
    else if (p.type === 'RestElement') addPattern(p.argument);
  };
  const visit = (n) => {
    if (n.type === 'VariableDeclarator') addPattern(n.id);
    if ((n.type === 'FunctionDeclaration' || n.type === 'FunctionExpression' || n.type === 'ClassDeclaration' || n.type === 'ClassExpression') && n.id)
      add(n.id.name);
    if (n.params) n.params.forEach(addPattern);
    if (n.type === 'CatchClause') addPattern(n.param);
    children(n).forEach(visit);
  };
  visit(ast);
  return names;
}
