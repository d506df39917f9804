// The one JSON Schema -> TypeScript renderer, in two forms over the same rules: `schemaToTs` writes the generated
// API's declarations ($ref/$defs become named types, recursion allowed, descriptions and constraints become doc
// comments); `inlineTsType` writes a one-line type for search_tools (local $refs inlined, a recursive one is
// `unknown`). Malformed schema parts become `unknown`, never an exception.
import { docLines, isObject, MAX_SCHEMA_DEPTH, pascal, resolveLocalRef, type JsonObject } from './schema-common';

interface RenderContext {
  root: unknown;
  typeName: string;
  /** One line, refs inlined, no doc comments (search results) instead of declarations (generated files). */
  inline: boolean;
  maxDepth: number;
  /** JSON pointer -> declared type name. */
  named: Map<string, string>;
  usedNames: Set<string>;
  pending: string[];
  /** Inline form: the refs being expanded, to stop at a recursive one. */
  expanding: Set<string>;
}

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;
/** Past this depth a one-line type is unreadable; the generated file has the full version. */
const INLINE_MAX_DEPTH = 8;

function context(schema: unknown, typeName: string, inline: boolean): RenderContext {
  return {
    root: schema,
    typeName,
    inline,
    maxDepth: inline ? INLINE_MAX_DEPTH : MAX_SCHEMA_DEPTH,
    named: new Map([['#', typeName]]),
    usedNames: new Set([typeName]),
    pending: [],
    expanding: new Set(),
  };
}

/** `export type <typeName> = ...;` plus one declaration per referenced definition, as TypeScript source. */
export function schemaToTs(schema: unknown, typeName: string): string {
  const ctx = context(schema, typeName, false);
  const out = [declaration(typeName, schema, render(schema, ctx, '', 0))];
  const emitted = new Set<string>(['#']);
  while (ctx.pending.length > 0) {
    const pointer = ctx.pending.shift()!;
    if (emitted.has(pointer)) continue;
    emitted.add(pointer);
    const target = resolveLocalRef(schema, pointer);
    out.push(declaration(ctx.named.get(pointer)!, target, render(target, ctx, '', 0)));
  }
  return out.join('\n\n');
}

/** The schema as a one-line TypeScript type (`{ sheet: "orders" | "leads"; limit?: number }`). */
export function inlineTsType(schema: unknown): string {
  return render(schema, context(schema, '', true), '', 0);
}

function declaration(name: string, schema: unknown, body: string): string {
  return `${docComment(docLines(schema, 'jsdoc'), '')}export type ${name} = ${body};`;
}

export function docComment(lines: string[], indent: string): string {
  if (lines.length === 0) return '';
  const safe = lines.map((line) => line.replace(/\*\//g, '*\\/'));
  if (safe.length === 1) return `${indent}/** ${safe[0]} */\n`;
  return `${indent}/**\n${safe.map((line) => `${indent} *${line ? ` ${line}` : ''}`).join('\n')}\n${indent} */\n`;
}

function literal(value: unknown): string {
  if (typeof value === 'string' || typeof value === 'boolean' || value === null) return JSON.stringify(value);
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return 'unknown';
}

function union(members: string[]): string {
  const unique = [...new Set(members)];
  if (unique.length === 0) return 'never';
  if (unique.includes('unknown')) return 'unknown';
  return unique.length === 1 ? unique[0] : unique.map(wrap).join(' | ');
}

function wrap(type: string): string {
  if (/^[A-Za-z0-9_$."'[\]<>, -]+$/.test(type) && !type.includes(' | ') && !type.includes(' & ')) return type;
  return isOneObjectLiteral(type) ? type : `(${type})`;
}

/** `{ ... }` whose first brace closes at the very end: an object type needs no parentheses in a union or intersection. */
function isOneObjectLiteral(type: string): boolean {
  if (!type.startsWith('{') || !type.endsWith('}')) return false;
  let depth = 0;
  let quote: string | undefined;
  for (let i = 0; i < type.length; i++) {
    const char = type[i];
    if (quote) {
      if (char === '\\') i++;
      else if (char === quote) quote = undefined;
    } else if (type.startsWith('/*', i)) {
      // Doc comments hold free text (quotes, braces): skip them whole.
      const end = type.indexOf('*/', i + 2);
      if (end < 0) return false;
      i = end + 1;
    } else if (char === '"' || char === "'") quote = char;
    else if (char === '{') depth++;
    else if (char === '}' && --depth === 0 && i < type.length - 1) return false;
  }
  return depth === 0;
}

function refType(ref: string, ctx: RenderContext, indent: string, depth: number): string {
  const pointer = ref.startsWith('#') ? ref : '';
  if (ctx.inline) {
    const target = pointer ? resolveLocalRef(ctx.root, pointer) : undefined;
    if (target === undefined || ctx.expanding.has(pointer)) return 'unknown';
    ctx.expanding.add(pointer);
    const type = render(target, ctx, indent, depth + 1);
    ctx.expanding.delete(pointer);
    return type;
  }
  if (!pointer) return `unknown /* external $ref ${ref.replace(/\*\//g, '')} */`;
  const known = ctx.named.get(pointer);
  if (known) return known;
  if (resolveLocalRef(ctx.root, pointer) === undefined) return `unknown /* unresolved $ref ${pointer.replace(/\*\//g, '')} */`;
  const base = `${ctx.typeName}${pascal(pointer.split('/').pop() ?? '') || 'Ref'}`;
  let name = base;
  for (let n = 2; ctx.usedNames.has(name); n++) name = `${base}${n}`;
  ctx.usedNames.add(name);
  ctx.named.set(pointer, name);
  ctx.pending.push(pointer);
  return name;
}

function render(schema: unknown, ctx: RenderContext, indent: string, depth: number): string {
  if (schema === true || schema === undefined) return 'unknown';
  if (schema === false) return 'never';
  if (!isObject(schema) || depth > ctx.maxDepth) return 'unknown';
  if (typeof schema.$ref === 'string') return refType(schema.$ref, ctx, indent, depth);
  let type: string;
  if ('const' in schema) type = literal(schema.const);
  else if (Array.isArray(schema.enum)) type = union(schema.enum.map(literal));
  else {
    const parts: string[] = [];
    const base = baseType(schema, ctx, indent, depth);
    if (base) parts.push(base);
    for (const key of ['anyOf', 'oneOf'] as const) {
      const members = schema[key];
      if (Array.isArray(members) && members.length > 0) parts.push(union(members.map((member) => render(member, ctx, indent, depth + 1))));
    }
    if (Array.isArray(schema.allOf)) for (const member of schema.allOf) parts.push(render(member, ctx, indent, depth + 1));
    const meaningful = parts.filter((part) => part !== 'unknown');
    type = meaningful.length === 0 ? 'unknown' : meaningful.length === 1 ? meaningful[0] : meaningful.map(wrap).join(' & ');
  }
  if (schema.nullable === true && type !== 'unknown') type = union([type, 'null']);
  return type;
}

function baseType(schema: JsonObject, ctx: RenderContext, indent: string, depth: number): string | undefined {
  let types: unknown[];
  if (Array.isArray(schema.type)) types = schema.type;
  else if (typeof schema.type === 'string') types = [schema.type];
  else if (schema.type !== undefined) return 'unknown';
  else if (isObject(schema.properties) || schema.additionalProperties !== undefined || isObject(schema.patternProperties)) types = ['object'];
  else if (schema.items !== undefined || schema.prefixItems !== undefined) types = ['array'];
  else return undefined;
  return union(
    types.map((type) => {
      switch (type) {
        case 'string':
          return 'string';
        case 'number':
        case 'integer':
          return 'number';
        case 'boolean':
          return 'boolean';
        case 'null':
          return 'null';
        case 'object':
          return objectType(schema, ctx, indent, depth);
        case 'array':
          return arrayType(schema, ctx, indent, depth);
        default:
          return 'unknown';
      }
    }),
  );
}

function arrayType(schema: JsonObject, ctx: RenderContext, indent: string, depth: number): string {
  const tuple = Array.isArray(schema.prefixItems) ? schema.prefixItems : Array.isArray(schema.items) ? schema.items : undefined;
  if (tuple) return `[${tuple.map((item) => render(item, ctx, indent, depth + 1)).join(', ')}]`;
  const item = render(schema.items, ctx, indent, depth + 1);
  return IDENTIFIER.test(item) || item === 'unknown' ? `${item}[]` : `Array<${item}>`;
}

function objectType(schema: JsonObject, ctx: RenderContext, indent: string, depth: number): string {
  const properties = isObject(schema.properties) ? schema.properties : {};
  const required = new Set(Array.isArray(schema.required) ? schema.required.filter((key): key is string => typeof key === 'string') : []);
  const keys = Object.keys(properties);
  for (const key of required) if (!keys.includes(key)) keys.push(key);
  const extra = extraValueType(schema, ctx, indent, depth);
  if (keys.length === 0) return `Record<string, ${extra ?? 'never'}>`;
  const inner = `${indent}  `;
  const fields = keys.map((key) => {
    const property = properties[key];
    const name = IDENTIFIER.test(key) ? key : JSON.stringify(key);
    const field = `${name}${required.has(key) ? '' : '?'}: ${render(property, ctx, inner, depth + 1)}`;
    return ctx.inline ? field : `${docComment(docLines(property, 'jsdoc'), inner)}${inner}${field};`;
  });
  // An index signature must admit every named field's type, so next to named fields it is `unknown`.
  const open = schema.additionalProperties === true || isObject(schema.additionalProperties) || isObject(schema.patternProperties);
  if (open) fields.push(ctx.inline ? '[key: string]: unknown' : `${inner}[key: string]: unknown;`);
  return ctx.inline ? `{ ${fields.join('; ')} }` : `{\n${fields.join('\n')}\n${indent}}`;
}

/**
 * The type of values under keys not named in `properties`: the union of the `patternProperties` schemas and of
 * `additionalProperties` (unless false); undefined when no other key is allowed. `additionalProperties: false`
 * only closes keys that match no pattern, so patterns still give their type.
 */
function extraValueType(schema: JsonObject, ctx: RenderContext, indent: string, depth: number): string | undefined {
  const members: string[] = [];
  if (isObject(schema.patternProperties)) for (const value of Object.values(schema.patternProperties)) members.push(render(value, ctx, indent, depth + 1));
  const extra = schema.additionalProperties;
  if (extra === true || (extra === undefined && members.length === 0)) members.push('unknown');
  else if (extra !== undefined && extra !== false) members.push(render(extra, ctx, indent, depth + 1));
  return members.length ? union(members) : undefined;
}
