// Renders JSON Schema as Python type declarations (TypedDict with NotRequired for optional keys, Literal,
// Union, List, Dict) for the generated Python twin. Nested objects and $defs become named TypedDicts
// declared before use; recursive references are quoted. Malformed parts become `Any`.
import { docLines, isObject, MAX_SCHEMA_DEPTH, pascal, resolveLocalRef, type JsonObject } from './schema-common';

interface PyContext {
  root: unknown;
  typeName: string;
  /** JSON pointer -> declared name. */
  named: Map<string, string>;
  usedNames: Set<string>;
  /** Names whose declaration is already in `decls` (others are referenced quoted). */
  declared: Set<string>;
  decls: string[];
}

const PY_IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;
const PY_KEYWORDS = new Set(
  'False None True and as assert async await break class continue def del elif else except finally for from global if import in is lambda nonlocal not or pass raise return try while with yield'.split(
    ' ',
  ),
);

/** Python declarations defining `typeName` (and the named types it needs), dependencies first. */
export function schemaToPy(schema: unknown, typeName: string): string {
  const ctx: PyContext = { root: schema, typeName, named: new Map([['#', typeName]]), usedNames: new Set([typeName]), declared: new Set(), decls: [] };
  declare(typeName, schema, ctx, 0);
  return ctx.decls.join('\n\n\n');
}

export function pyString(text: string): string {
  return JSON.stringify(text);
}

function docstring(lines: string[], indent: string): string {
  if (lines.length === 0) return '';
  const safe = lines.map((line) => line.replace(/\\/g, '\\\\').replace(/"/g, '\\"'));
  if (safe.length === 1) return `${indent}"""${safe[0]}"""\n`;
  return `${indent}"""${safe[0]}\n${safe.slice(1).map((line) => (line ? `${indent}${line}` : '')).join('\n')}\n${indent}"""\n`;
}

function uniqueName(base: string, ctx: PyContext): string {
  let name = base;
  for (let n = 2; ctx.usedNames.has(name); n++) name = `${base}${n}`;
  ctx.usedNames.add(name);
  return name;
}

/** Declares `name` as a TypedDict (object with properties) or an alias, after whatever it depends on. */
function declare(name: string, given: unknown, ctx: PyContext, depth: number): void {
  const schema = mergedAllOf(given, ctx) ?? given;
  if (isObject(schema) && isPlainObjectSchema(schema)) {
    const properties = isObject(schema.properties) ? schema.properties : {};
    const required = new Set(Array.isArray(schema.required) ? schema.required.filter((key): key is string => typeof key === 'string') : []);
    const keys = Object.keys(properties);
    for (const key of required) if (!keys.includes(key)) keys.push(key);
    const fields = keys.map((key) => {
      const type = pyType(properties[key], `${name}${pascal(key) || 'Field'}`, ctx, depth + 1);
      return { key, type: required.has(key) ? type : `NotRequired[${type}]`, doc: docLines(properties[key]) };
    });
    const classSyntax = fields.every(({ key }) => PY_IDENTIFIER.test(key) && !PY_KEYWORDS.has(key));
    let text: string;
    if (classSyntax) {
      const body = fields.map(({ key, type, doc }) => `${doc.map((line) => `    #: ${line}\n`).join('')}    ${key}: ${type}`);
      const docs = docstring(docLines(schema), '    ');
      text = `class ${name}(TypedDict):\n${docs}${body.length > 0 ? body.join('\n') : docs ? '' : '    pass'}`.trimEnd();
    } else {
      const doc = docLines(schema).map((line) => `# ${line}\n`).join('');
      const body = fields.map(({ key, type, doc: lines }) => `${lines.map((line) => `    # ${line}\n`).join('')}    ${pyString(key)}: ${type},`);
      text = `${doc}${name} = TypedDict(${pyString(name)}, {\n${body.join('\n')}\n})`;
    }
    ctx.decls.push(text);
  } else {
    const type = pyType(schema, `${name}Value`, ctx, depth + 1);
    const doc = docLines(schema).map((line) => `# ${line}\n`).join('');
    ctx.decls.push(`${doc}${name} = ${type}`);
  }
  ctx.declared.add(name);
}

/** An object schema that maps to a TypedDict: has properties (or required keys) and no union/intersection. */
function isPlainObjectSchema(schema: JsonObject): boolean {
  const objectType = schema.type === 'object' || (schema.type === undefined && isObject(schema.properties));
  const hasKeys = (isObject(schema.properties) && Object.keys(schema.properties).length > 0) || (Array.isArray(schema.required) && schema.required.length > 0);
  return objectType && hasKeys && !('const' in schema) && !Array.isArray(schema.enum) && !schema.anyOf && !schema.oneOf && !schema.allOf && typeof schema.$ref !== 'string';
}

/**
 * `allOf` of object schemas (inline or local `$ref`s, the way generators compose a base and an extension) as one
 * object schema: properties and required keys of every member and of the schema itself. Undefined when a member
 * is not such a plain object, so the caller falls back to a looser type rather than a wrong one.
 */
function mergedAllOf(schema: unknown, ctx: PyContext, depth = 0): JsonObject | undefined {
  if (!isObject(schema) || !Array.isArray(schema.allOf) || schema.allOf.length < 2 || depth > MAX_SCHEMA_DEPTH) return undefined;
  if (schema.anyOf || schema.oneOf || 'const' in schema || Array.isArray(schema.enum) || typeof schema.$ref === 'string') return undefined;
  const properties: JsonObject = {};
  const required = new Set<string>();
  const { allOf, ...own } = schema;
  for (const raw of [...allOf, own]) {
    let member: unknown = raw;
    for (let hops = 0; isObject(member) && typeof member.$ref === 'string' && hops < 8; hops++) member = member.$ref.startsWith('#') ? resolveLocalRef(ctx.root, member.$ref) : undefined;
    member = mergedAllOf(member, ctx, depth + 1) ?? member;
    if (!isObject(member)) return undefined;
    if (member !== own && !isPlainObjectSchema(member)) return undefined;
    if (isObject(member.properties)) for (const [key, value] of Object.entries(member.properties)) if (!(key in properties)) properties[key] = value;
    if (Array.isArray(member.required)) for (const key of member.required) if (typeof key === 'string') required.add(key);
  }
  if (Object.keys(properties).length === 0 && required.size === 0) return undefined;
  const { properties: _own, required: _req, ...rest } = own;
  return { ...rest, type: 'object', properties, required: [...required] };
}

function literal(value: unknown): string | undefined {
  if (typeof value === 'string') return pyString(value);
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  if (value === null) return 'None';
  if (typeof value === 'number' && Number.isInteger(value)) return String(value);
  return undefined;
}

function literalType(values: unknown[]): string {
  const rendered = values.map(literal);
  if (rendered.length === 0) return 'Any';
  if (rendered.some((item) => item === undefined)) return 'Any';
  return `Literal[${[...new Set(rendered)].join(', ')}]`;
}

function pyUnion(members: string[]): string {
  const unique = [...new Set(members)];
  if (unique.length === 0 || unique.includes('Any')) return 'Any';
  return unique.length === 1 ? unique[0] : `Union[${unique.join(', ')}]`;
}

function refName(ref: string, ctx: PyContext, depth: number): string {
  if (!ref.startsWith('#')) return 'Any';
  const target = resolveLocalRef(ctx.root, ref);
  if (target === undefined) return 'Any';
  let name = ctx.named.get(ref);
  if (!name) {
    name = uniqueName(`${ctx.typeName}${pascal(ref.split('/').pop() ?? '') || 'Ref'}`, ctx);
    ctx.named.set(ref, name);
    declare(name, target, ctx, depth);
  }
  return ctx.declared.has(name) ? name : pyString(name);
}

function pyType(schema: unknown, hint: string, ctx: PyContext, depth: number): string {
  if (!isObject(schema) || depth > MAX_SCHEMA_DEPTH) return 'Any';
  if (typeof schema.$ref === 'string') return refName(schema.$ref, ctx, depth);
  if ('const' in schema) return literalType([schema.const]);
  if (Array.isArray(schema.enum)) return literalType(schema.enum);
  if (isPlainObjectSchema(schema) || mergedAllOf(schema, ctx)) {
    const name = uniqueName(hint, ctx);
    declare(name, schema, ctx, depth);
    return name;
  }
  const members: string[] = [];
  for (const key of ['anyOf', 'oneOf'] as const) {
    const list = schema[key];
    if (Array.isArray(list)) list.forEach((member, i) => members.push(pyType(member, `${hint}Option${i + 1}`, ctx, depth + 1)));
  }
  if (members.length > 0) return nullable(schema, pyUnion(members));
  if (Array.isArray(schema.allOf) && schema.allOf.length === 1) return pyType(schema.allOf[0], hint, ctx, depth + 1);
  let types: unknown[];
  if (Array.isArray(schema.type)) types = schema.type;
  else if (typeof schema.type === 'string') types = [schema.type];
  else if (schema.additionalProperties !== undefined || isObject(schema.patternProperties)) types = ['object'];
  else if (schema.items !== undefined) types = ['array'];
  else return 'Any';
  return nullable(
    schema,
    pyUnion(
      types.map((type) => {
        switch (type) {
          case 'string':
            return 'str';
          case 'integer':
            return 'int';
          case 'number':
            return 'float';
          case 'boolean':
            return 'bool';
          case 'null':
            return 'None';
          case 'array':
            return Array.isArray(schema.items) || Array.isArray(schema.prefixItems) ? 'List[Any]' : `List[${pyType(schema.items, `${hint}Item`, ctx, depth + 1)}]`;
          case 'object': {
            // Keys matching a pattern have that pattern's type; `additionalProperties: false` closes only the others.
            const values = isObject(schema.patternProperties) ? Object.values(schema.patternProperties) : [];
            const extra = schema.additionalProperties;
            if (isObject(extra) || extra === true || (extra === undefined && values.length === 0)) values.push(extra ?? true);
            const types = values.map((value, i) => (isObject(value) ? pyType(value, `${hint}Value${values.length > 1 ? i + 1 : ''}`, ctx, depth + 1) : 'Any'));
            return `Dict[str, ${types.length ? pyUnion(types) : 'Any'}]`;
          }
          default:
            return 'Any';
        }
      }),
    ),
  );
}

function nullable(schema: JsonObject, type: string): string {
  return schema.nullable === true && type !== 'Any' ? pyUnion([type, 'None']) : type;
}
