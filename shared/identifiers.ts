// Function names the API generator gives a tool's file stem (TypeScript camelCase, Python snake_case), shared
// so the engine that writes the tree and the editor that completes against it can never disagree.

/** Words a generated TypeScript name must not be (keywords, globals, the bridge's own function). */
export const JS_RESERVED: ReadonlySet<string> = new Set(
  ('break case catch class const continue debugger default delete do else enum export extends false finally for function if import in ' +
    'instanceof new null return super switch this throw true try typeof var void while with yield let static implements interface package ' +
    'private protected public await arguments eval async of undefined NaN Infinity callMCPTool').split(' '),
);
/**
 * Words a generated Python name must not be: keywords, the builtins (a tool named `dict` would shadow the `dict()`
 * its own module calls, and any builtin the agent's code uses), typing names the modules import, the bridge.
 */
export const PY_RESERVED: ReadonlySet<string> = new Set(
  ('False None True and as assert async await break class continue def del elif else except finally for from global if import in is ' +
    'lambda nonlocal not or pass raise return try while with yield match case type print input Any Dict List Literal Optional Union ' +
    'TypedDict NotRequired call_mcp_tool annotations ' +
    'abs aiter all anext any ascii bin bool breakpoint bytearray bytes callable chr classmethod compile complex delattr dict dir divmod ' +
    'enumerate eval exec filter float format frozenset getattr globals hasattr hash help hex id int isinstance issubclass iter len list ' +
    'locals map max memoryview min next object oct open ord pow property range repr reversed round set setattr slice sorted ' +
    'staticmethod str sum super tuple vars zip').split(' '),
);

function words(stem: string): string[] {
  return stem
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1_$2')
    .split('_')
    .filter(Boolean);
}

/** The TypeScript function name for a file stem (`get_user` -> `getUser`, `delete_` -> `delete_`). */
export function tsFunctionName(stem: string): string {
  const parts = words(stem).map((part) => part.toLowerCase());
  let fn = parts.map((part, i) => (i === 0 ? part : part.charAt(0).toUpperCase() + part.slice(1))).join('') || 'tool';
  if (/^[0-9]/.test(fn)) fn = `_${fn}`;
  while (JS_RESERVED.has(fn)) fn = `${fn}_`;
  return fn;
}

/** The Python function name for a file stem (`getUser` -> `get_user`, `import_` -> `import_`). */
export function pyFunctionName(stem: string): string {
  let fn = words(stem).map((part) => part.toLowerCase()).join('_') || 'tool';
  if (/^[0-9]/.test(fn)) fn = `_${fn}`;
  while (PY_RESERVED.has(fn)) fn = `${fn}_`;
  return fn;
}
