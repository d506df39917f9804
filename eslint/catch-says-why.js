// Errors are logged or handled, never swallowed: a `catch` clause that does not rethrow must call a logger or a
// report function (log.*, logger.*, report*, warn, onError, …) or carry a comment saying why nothing is lost, and so
// must an empty `.catch(() => {})` / `.catch(() => undefined)` handler. Checked for electron/, shared/ and renderer/.
const REPORTING = /^(log|logger|report\w*|warn|error|onError|fail\w*|reject|problem\w*)$/i;

/** True when `node` (a function or block body) throws, returns a value computed from the error, or reports. */
function handles(node, sourceCode) {
  let found = false;
  const visit = (n) => {
    if (found || !n || typeof n.type !== 'string') return;
    if (n.type === 'ThrowStatement') return void (found = true);
    if (n.type === 'CallExpression') {
      const callee = n.callee.type === 'MemberExpression' ? n.callee : n.callee;
      const names = [];
      if (callee.type === 'Identifier') names.push(callee.name);
      if (callee.type === 'MemberExpression') {
        if (callee.property.type === 'Identifier') names.push(callee.property.name);
        if (callee.object.type === 'Identifier') names.push(callee.object.name);
        if (callee.object.type === 'MemberExpression' && callee.object.property.type === 'Identifier') names.push(callee.object.property.name);
      }
      if (names.some((name) => REPORTING.test(name))) return void (found = true);
    }
    for (const key of Object.keys(n)) {
      if (key === 'parent') continue;
      const child = n[key];
      if (Array.isArray(child)) child.forEach(visit);
      else if (child && typeof child === 'object') visit(child);
    }
  };
  visit(node);
  return found || sourceCode.getCommentsInside(node).length > 0;
}

const rule = {
  meta: { type: 'problem', docs: { description: 'A catch that does not rethrow logs, reports or says in a comment why nothing is lost.' }, schema: [] },
  create(context) {
    const sourceCode = context.sourceCode;
    return {
      CatchClause(node) {
        // A catch that uses its error (returns it, wraps it, turns it into a value) handles it; only one that
        // ignores the error entirely must say why.
        if (node.param && usesParam(node)) return;
        if (handles(node.body, sourceCode)) return;
        context.report({ node, message: 'This catch drops the error: rethrow, log it (engine logger) or report it, or say in a comment why nothing is lost.' });
      },
      CallExpression(node) {
        if (node.callee.type !== 'MemberExpression' || node.callee.property.type !== 'Identifier' || node.callee.property.name !== 'catch') return;
        const [handler] = node.arguments;
        if (!handler || (handler.type !== 'ArrowFunctionExpression' && handler.type !== 'FunctionExpression')) return;
        if (handler.params.length > 0) return;
        const body = handler.body;
        const empty = (body.type === 'BlockStatement' && body.body.length === 0) || (body.type === 'Identifier' && body.name === 'undefined');
        if (!empty) return;
        if (sourceCode.getCommentsInside(handler).length || commentNear(node, sourceCode)) return;
        context.report({ node: handler, message: 'This .catch drops the error: log or report it, or say in a comment why nothing is lost.' });
      },
    };
  },
};

/** True when the catch clause reads its error variable anywhere in its body. */
function usesParam(node) {
  if (node.param.type !== 'Identifier') return true;
  const name = node.param.name;
  let used = false;
  const visit = (n) => {
    if (used || !n || typeof n.type !== 'string') return;
    if (n.type === 'Identifier' && n.name === name) return void (used = true);
    for (const key of Object.keys(n)) {
      if (key === 'parent') continue;
      const child = n[key];
      if (Array.isArray(child)) child.forEach(visit);
      else if (child && typeof child === 'object') visit(child);
    }
  };
  visit(node.body);
  return used;
}

/** A comment on the same line as the `.catch(...)` or on the line before its statement says why. */
function commentNear(node, sourceCode) {
  const line = node.loc.end.line;
  const start = node.loc.start.line;
  return sourceCode.getAllComments().some((comment) => comment.loc.start.line >= start - 1 && comment.loc.start.line <= line);
}

export default { rules: { 'catch-says-why': rule } };
