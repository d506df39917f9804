// One-line TypeScript types from a tool's JSON Schema, for search_tools' `full` detail: the agent sees the fields it must
// pass (`{ sheet: "orders" | "leads"; limit?: number }`) without reading the generated file. Too deep or too long gives
// undefined, and the caller points at the file instead.
const MAX_DEPTH = 8;
/** Past this, a one-line type stops being readable; the generated file has the documented version. */
export const INLINE_TYPE_CHARS_MAX = 400;

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);
const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

export function inlineType(schema: unknown, maxChars = INLINE_TYPE_CHARS_MAX): string | undefined {
  const text = render(schema, schema, 0, new Set());
  return text.length > maxChars ? undefined : text;
}

/** An object schema with no properties at all (the tool takes no arguments). */
export function takesNoInput(schema: unknown): boolean {
  return !isObject(schema) || ((!isObject(schema.properties) || Object.keys(schema.properties).length === 0) && !schema.additionalProperties);
}

function literal(value: unknown): string {
  return typeof value === 'string' || typeof value === 'boolean' || typeof value === 'number' || value === null ? JSON.stringify(value) : 'unknown';
}

function union(members: string[]): string {
  const unique = [...new Set(members)];
  if (unique.includes('unknown') || unique.length === 0) return 'unknown';
  return unique.join(' | ');
}

function render(schema: unknown, root: unknown, depth: number, refs: Set<string>): string {
  if (!isObject(schema) || depth > MAX_DEPTH) return 'unknown';
  if (typeof schema.$ref === 'string') {
    const ref = schema.$ref;
    if (!ref.startsWith('#') || refs.has(ref)) return 'unknown';
    let target: unknown = root;
    for (const part of ref.slice(1).split('/').filter(Boolean)) target = isObject(target) ? target[part.replace(/~1/g, '/').replace(/~0/g, '~')] : undefined;
    return render(target, root, depth + 1, new Set([...refs, ref]));
  }
  if ('const' in schema) return literal(schema.const);
  if (Array.isArray(schema.enum)) return union(schema.enum.map(literal));
  for (const key of ['anyOf', 'oneOf'] as const) {
    const members = schema[key];
    if (Array.isArray(members) && members.length > 0) return union(members.map((m) => render(m, root, depth + 1, refs)));
  }
  const types = Array.isArray(schema.type) ? schema.type : [schema.type ?? (isObject(schema.properties) ? 'object' : schema.items ? 'array' : undefined)];
  return union(
    types.map((type) => {
      switch (type) {
        case 'string':
        case 'boolean':
        case 'null':
          return type;
        case 'number':
        case 'integer':
          return 'number';
        case 'array': {
          const item = render(schema.items, root, depth + 1, refs);
          return IDENTIFIER.test(item) ? `${item}[]` : `Array<${item}>`;
        }
        case 'object':
          return objectType(schema, root, depth, refs);
        default:
          return 'unknown';
      }
    }),
  );
}

function objectType(schema: Json, root: unknown, depth: number, refs: Set<string>): string {
  const properties = isObject(schema.properties) ? schema.properties : {};
  const required = new Set(Array.isArray(schema.required) ? schema.required : []);
  const fields = Object.entries(properties).map(([key, value]) => `${IDENTIFIER.test(key) ? key : JSON.stringify(key)}${required.has(key) ? '' : '?'}: ${render(value, root, depth + 1, refs)}`);
  const extra = schema.additionalProperties;
  if (fields.length === 0) return `Record<string, ${isObject(extra) ? render(extra, root, depth + 1, refs) : 'unknown'}>`;
  if (extra === true || isObject(extra)) fields.push(`[key: string]: ${isObject(extra) ? render(extra, root, depth + 1, refs) : 'unknown'}`);
  return `{ ${fields.join('; ')} }`;
}
