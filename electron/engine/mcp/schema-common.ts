// JSON Schema helpers shared by the TypeScript and Python renderers: pointer resolution, safe reading of
// keywords from schemas that may be malformed, and doc text.
import { CONSTRAINT_KEYWORDS } from '../../../shared/schema-constraints';

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

/** `@minimum 1`, `@pattern ^[a-z]+$`...: the value constraints a schema states, as doc tags. */
export function constraintLines(schema: JsonObject): string[] {
  const lines: string[] = [];
  for (const key of CONSTRAINT_KEYWORDS) {
    const value = schema[key];
    if (typeof value === 'number' && Number.isFinite(value)) lines.push(`@${key} ${value}`);
    else if (key === 'pattern' && typeof value === 'string') lines.push(`@pattern ${value}`);
    else if (typeof value === 'boolean' && key !== 'pattern' && value) lines.push(`@${key}`);
  }
  return lines;
}

/**
 * An `@` that starts a word in free text (`see @odata.nextLink`) would be read as a JSDoc tag and cut the
 * description there; TSDoc's escape `\@` keeps it text.
 */
export function escapeDocTags(line: string): string {
  return line.replace(/(^|\s)@(?=[^\s])/g, '$1\\@');
}

/**
 * Lines for a doc comment: description, then default, format, value constraints and deprecation when the schema
 * states them. `jsdoc` escapes `@` in the description so only the tags added here are tags.
 */
export function docLines(schema: unknown, style: 'jsdoc' | 'plain' = 'plain'): string[] {
  if (!isObject(schema)) return [];
  const lines: string[] = [];
  const description = typeof schema.description === 'string' ? schema.description.trim() : typeof schema.title === 'string' ? schema.title.trim() : '';
  if (description) lines.push(...description.split(/\r?\n/).map((line) => (style === 'jsdoc' ? escapeDocTags(line) : line)));
  if (schema.default !== undefined) lines.push(`@default ${safeJson(schema.default)}`);
  if (typeof schema.format === 'string') lines.push(`@format ${schema.format}`);
  lines.push(...constraintLines(schema));
  if (schema.deprecated === true) lines.push('@deprecated');
  return lines;
}

export function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value) ?? 'undefined';
  } catch {
    // Not serialisable (a cycle, a BigInt): shown by its string form instead.
    return String(value);
  }
}

export const MAX_SCHEMA_DEPTH = 40;

/**
 * A tool definition with boolean subschemas (`"properties": { "extra": true }`, valid JSON Schema) under its input and
 * output schemas' `properties` replaced by their object equivalents (`true` -> `{}`, `false` -> `{ "not": {} }`): the
 * MCP SDK's tool schema accepts only objects there, and such a tool must not be skipped. Used to validate only; the
 * tool keeps its own schemas.
 */
export function withObjectSubschemas(tool: unknown): unknown {
  if (!isObject(tool)) return tool;
  const fix = (schema: unknown): unknown =>
    isObject(schema) && isObject(schema.properties)
      ? { ...schema, properties: Object.fromEntries(Object.entries(schema.properties).map(([key, value]) => [key, value === true ? {} : value === false ? { not: {} } : value])) }
      : schema;
  return { ...tool, ...(tool.inputSchema !== undefined ? { inputSchema: fix(tool.inputSchema) } : {}), ...(tool.outputSchema !== undefined ? { outputSchema: fix(tool.outputSchema) } : {}) };
}

/**
 * `parsed` (validated from `withObjectSubschemas(raw)`) with the input and output schemas `raw` really had, and its
 * annotations and `_meta` whole (the SDK's schema drops keys it does not know, such as `deprecated`).
 */
export function keepSchemasOf<T extends object>(raw: unknown, parsed: T): T {
  if (!isObject(raw)) return parsed;
  const kept = Object.fromEntries((['inputSchema', 'outputSchema', 'annotations', '_meta'] as const).filter((key) => isObject(raw[key])).map((key) => [key, raw[key]]));
  return { ...parsed, ...kept };
}
