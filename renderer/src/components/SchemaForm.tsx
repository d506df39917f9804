// A form built from a JSON Schema (a tool's input, a server's question): one field per property (text, number,
// checkbox, select for enums, a JSON editor pre-filled from the schema for arrays and objects), required fields
// marked, values parsed back and checked against the schema (types, required, ranges, lengths, patterns).
import { useId, useState, type FormEvent } from 'react';
import { constraintProblem } from '../../../shared/schema-constraints';

interface PropertySchema {
  type?: string | string[];
  description?: string;
  enum?: unknown[];
  oneOf?: Array<{ const?: unknown; title?: string }>;
  default?: unknown;
  title?: string;
  properties?: Record<string, PropertySchema>;
  required?: string[];
  items?: PropertySchema;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  minItems?: number;
  maxItems?: number;
}

function typeOf(schema: PropertySchema): string | undefined {
  return Array.isArray(schema.type) ? schema.type.find((t) => t !== 'null') : schema.type;
}

/** The choices of an enum field: `enum`, or `oneOf` of titled constants. */
function enumOptions(schema: PropertySchema): Array<{ value: unknown; label: string }> | undefined {
  if (Array.isArray(schema.enum) && schema.enum.length) return schema.enum.map((value) => ({ value, label: String(value) }));
  if (Array.isArray(schema.oneOf) && schema.oneOf.length && schema.oneOf.every((o) => o && 'const' in o)) {
    return schema.oneOf.map((o) => ({ value: o.const, label: o.title ? `${o.title} (${String(o.const)})` : String(o.const) }));
  }
  return undefined;
}

/** A starting value for a JSON editor: the default, or a skeleton with every property the schema names. */
export function jsonSkeleton(schema: PropertySchema, depth = 0): unknown {
  if (schema.default !== undefined) return schema.default;
  const options = enumOptions(schema);
  if (options) return options[0].value;
  switch (typeOf(schema)) {
    case 'object':
      if (depth > 4) return {};
      return Object.fromEntries(Object.entries(schema.properties ?? {}).map(([key, prop]) => [key, jsonSkeleton(prop ?? {}, depth + 1)]));
    case 'array':
      return [];
    case 'string':
      return '';
    case 'number':
    case 'integer':
      return schema.minimum ?? 0;
    case 'boolean':
      return false;
    default:
      return schema.properties ? jsonSkeleton({ ...schema, type: 'object' }, depth) : null;
  }
}

/** The first way `value` breaks `schema`, named by its path (`filters.limit must be at most 100`), or undefined. */
export function schemaProblem(schema: PropertySchema, value: unknown, at: string): string | undefined {
  const type = typeOf(schema);
  const options = enumOptions(schema);
  if (options && !options.some((o) => JSON.stringify(o.value) === JSON.stringify(value))) return `${at} must be one of ${options.map((o) => JSON.stringify(o.value)).join(', ')}`;
  if (type === 'object') {
    if (!value || typeof value !== 'object' || Array.isArray(value)) return `${at} must be an object`;
    for (const key of schema.required ?? []) if (!(key in value)) return `${at}.${key} is required`;
    for (const [key, prop] of Object.entries(schema.properties ?? {})) {
      const inner = (value as Record<string, unknown>)[key];
      if (inner !== undefined && prop) {
        const problem = schemaProblem(prop, inner, `${at}.${key}`);
        if (problem) return problem;
      }
    }
  } else if (type === 'array') {
    if (!Array.isArray(value)) return `${at} must be an array`;
    if (schema.items) for (let i = 0; i < value.length; i++) {
      const problem = schemaProblem(schema.items, value[i], `${at}[${i}]`);
      if (problem) return problem;
    }
  } else if (type === 'string') {
    if (typeof value !== 'string') return `${at} must be a string`;
  } else if (type === 'number' || type === 'integer') {
    if (typeof value !== 'number') return `${at} must be a number`;
    if (type === 'integer' && !Number.isInteger(value)) return `${at} must be a whole number`;
  } else if (type === 'boolean' && typeof value !== 'boolean') return `${at} must be true or false`;
  // Ranges, lengths, patterns, item counts: the one checker the generator's doc comments are written from.
  const problem = constraintProblem(schema, value);
  return problem ? `${at} ${problem}` : undefined;
}

type FieldKind = 'string' | 'number' | 'integer' | 'boolean' | 'enum' | 'json';

function fieldKind(schema: PropertySchema): FieldKind {
  if (enumOptions(schema)) return 'enum';
  const type = typeOf(schema);
  if (type === 'string' || type === 'number' || type === 'integer' || type === 'boolean') return type;
  return 'json';
}

export function schemaFields(schema: unknown): Array<{ name: string; schema: PropertySchema; kind: FieldKind; required: boolean }> {
  const object = (schema ?? {}) as { properties?: Record<string, PropertySchema>; required?: string[] };
  const required = new Set(object.required ?? []);
  return Object.entries(object.properties ?? {}).map(([name, prop]) => ({ name, schema: prop ?? {}, kind: fieldKind(prop ?? {}), required: required.has(name) }));
}

/** Turns the form's text values into tool arguments, or a message naming the field that is wrong. */
export function parseFormValues(fields: ReturnType<typeof schemaFields>, values: Record<string, string | boolean>): { args: Record<string, unknown> } | { error: string } {
  const args: Record<string, unknown> = {};
  for (const field of fields) {
    const raw = values[field.name];
    if (field.kind === 'boolean') {
      if (raw !== undefined) args[field.name] = raw === true;
      continue;
    }
    const text = typeof raw === 'string' ? raw : '';
    // An optional JSON field left as the pre-filled skeleton was not filled in: it is not sent.
    const untouched = field.kind === 'json' && !field.required && field.schema.default === undefined && text === JSON.stringify(jsonSkeleton(field.schema), null, 2);
    if (text.trim() === '' || untouched) {
      if (field.required) return { error: `${field.name} is required` };
      continue;
    }
    if (field.kind === 'number' || field.kind === 'integer') {
      const n = Number(text);
      if (!Number.isFinite(n) || (field.kind === 'integer' && !Number.isInteger(n))) return { error: `${field.name} must be ${field.kind === 'integer' ? 'a whole number' : 'a number'}` };
      args[field.name] = n;
    } else if (field.kind === 'json') {
      try {
        args[field.name] = JSON.parse(text);
      } catch {
        return { error: `${field.name} must be valid JSON` }; // shown under the field; the text stays as typed
      }
    } else if (field.kind === 'enum') {
      const option = enumOptions(field.schema)!.find((o) => String(o.value) === text);
      args[field.name] = option ? option.value : text;
    } else {
      args[field.name] = text;
    }
    const problem = schemaProblem(field.schema, args[field.name], field.name);
    if (problem) return { error: problem };
  }
  return { args };
}

function initialValue(field: ReturnType<typeof schemaFields>[number]): string | boolean {
  const d = field.schema.default;
  if (field.kind === 'boolean') return d === true;
  if (field.kind === 'json') return JSON.stringify(jsonSkeleton(field.schema), null, 2);
  if (d === undefined) return '';
  return String(d);
}

export function SchemaForm(props: { schema: unknown; submitLabel: string; busy?: boolean; onSubmit: (args: Record<string, unknown>) => void }) {
  const fields = schemaFields(props.schema);
  const [values, setValues] = useState<Record<string, string | boolean>>(() => Object.fromEntries(fields.map((f) => [f.name, initialValue(f)])));
  const [error, setError] = useState<string>();
  const formId = useId();
  const set = (name: string, value: string | boolean) => setValues((v) => ({ ...v, [name]: value }));

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const parsed = parseFormValues(fields, values);
    if ('error' in parsed) return setError(parsed.error);
    setError(undefined);
    props.onSubmit(parsed.args);
  };

  return (
    <form className="schema-form" onSubmit={submit} noValidate>
      {fields.length === 0 && <p className="empty">This tool takes no input.</p>}
      {fields.map((field) => {
        const id = `${formId}-field-${field.name}`;
        const hint = field.schema.description;
        return (
          <div className="field" key={field.name}>
            <label htmlFor={id}>
              {field.name}
              {field.required && (
                <span className="required" aria-hidden="true">
                  {' '}
                  *
                </span>
              )}
              <span className="field-type"> {field.kind === 'json' ? 'JSON' : field.kind}</span>
            </label>
            {field.kind === 'boolean' ? (
              <input id={id} type="checkbox" checked={values[field.name] === true} onChange={(e) => set(field.name, e.target.checked)} />
            ) : field.kind === 'enum' ? (
              <select id={id} value={String(values[field.name])} onChange={(e) => set(field.name, e.target.value)} aria-required={field.required}>
                {!field.required && <option value="">(none)</option>}
                {enumOptions(field.schema)!.map((option) => (
                  <option key={String(option.value)} value={String(option.value)}>
                    {option.label}
                  </option>
                ))}
              </select>
            ) : field.kind === 'json' ? (
              <textarea id={id} className="json-editor" rows={Math.min(10, Math.max(3, String(values[field.name]).split('\n').length))} value={String(values[field.name])} onChange={(e) => set(field.name, e.target.value)} aria-required={field.required} spellCheck={false} />
            ) : (
              <input
                id={id}
                type={field.kind === 'string' ? 'text' : 'number'}
                step={field.kind === 'integer' ? 1 : 'any'}
                value={String(values[field.name])}
                onChange={(e) => set(field.name, e.target.value)}
                aria-required={field.required}
              />
            )}
            {hint && <small className="hint">{hint}</small>}
          </div>
        );
      })}
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      <button type="submit" className="primary" disabled={props.busy}>
        {props.busy ? 'Calling…' : props.submitLabel}
      </button>
    </form>
  );
}
