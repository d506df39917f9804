// JSON Schema helpers shared by the TypeScript and Python renderers: pointer resolution, safe reading of
// keywords from schemas that may be malformed, and doc text.

export type JsonObject = Record<string, unknown>;

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Resolves a local `$ref` (`#`, `#/$defs/X`, `#/definitions/X`, any JSON pointer); undefined when it does not resolve. */
export function resolveLocalRef(root: unknown, ref: string): unknown {
  if (ref === '#') return root;
  if (!ref.startsWith('#/')) return undefined;
  let node: unknown = root;
  for (const raw of ref.slice(2).split('/')) {
    const key = decodeURIComponent(raw).replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(node)) node = node[Number(key)];
    else if (isObject(node) && Object.prototype.hasOwnProperty.call(node, key)) node = node[key];
    else return undefined;
  }
  return node;
}

export function pascal(text: string): string {
  const joined = text
    .replace(/[^A-Za-z0-9]+/g, ' ')
    .trim()
    .split(' ')
    .filter(Boolean)
    .map((word) => word.charAt(0).toUpperCase() + word.slice(1))
    .join('');
  return /^[0-9]/.test(joined) ? `T${joined}` : joined;
}

/** Lines for a doc comment: description, then default and format when the schema states them. */
export function docLines(schema: unknown): string[] {
  if (!isObject(schema)) return [];
  const lines: string[] = [];
  const description = typeof schema.description === 'string' ? schema.description.trim() : typeof schema.title === 'string' ? schema.title.trim() : '';
  if (description) lines.push(...description.split(/\r?\n/));
  if (schema.default !== undefined) lines.push(`@default ${safeJson(schema.default)}`);
  if (typeof schema.format === 'string') lines.push(`@format ${schema.format}`);
  if (schema.deprecated === true) lines.push('@deprecated');
  return lines;
}

export function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value) ?? 'undefined';
  } catch {
    return String(value);
  }
}

export const MAX_SCHEMA_DEPTH = 40;
