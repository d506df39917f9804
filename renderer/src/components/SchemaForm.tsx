// A form built from a tool's JSON Schema input: one field per property (text, number, checkbox, select for
// enums, JSON text for arrays and objects), required fields marked, values parsed back into arguments and checked
// against the schema's value constraints.
import { useState, type FormEvent } from 'react';
import { constraintProblem } from '../../../shared/schema-constraints';

interface PropertySchema {
  type?: string | string[];
  description?: string;
  enum?: unknown[];
  default?: unknown;
  title?: string;
}

type FieldKind = 'string' | 'number' | 'integer' | 'boolean' | 'enum' | 'json';

function fieldKind(schema: PropertySchema): FieldKind {
  if (Array.isArray(schema.enum) && schema.enum.length) return 'enum';
  const type = Array.isArray(schema.type) ? schema.type.find((t) => t !== 'null') : schema.type;
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
    if (text.trim() === '') {
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
        return { error: `${field.name} must be valid JSON` };
      }
    } else if (field.kind === 'enum') {
      const option = field.schema.enum!.find((o) => String(o) === text);
      args[field.name] = option ?? text;
    } else {
      args[field.name] = text;
    }
    // The schema's min/max/length/pattern constraints, checked before the call rather than by the server after it.
    const problem = constraintProblem(field.schema, args[field.name]);
    if (problem) return { error: `${field.name} ${problem}` };
  }
  return { args };
}

function initialValue(field: ReturnType<typeof schemaFields>[number]): string | boolean {
  const d = field.schema.default;
  if (field.kind === 'boolean') return d === true;
  if (d === undefined) return '';
  return field.kind === 'json' ? JSON.stringify(d) : String(d);
}

export function SchemaForm(props: { schema: unknown; submitLabel: string; busy?: boolean; onSubmit: (args: Record<string, unknown>) => void }) {
  const fields = schemaFields(props.schema);
  const [values, setValues] = useState<Record<string, string | boolean>>(() => Object.fromEntries(fields.map((f) => [f.name, initialValue(f)])));
  const [error, setError] = useState<string>();
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
        const id = `field-${field.name}`;
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
                {field.schema.enum!.map((option) => (
                  <option key={String(option)} value={String(option)}>
                    {String(option)}
                  </option>
                ))}
              </select>
            ) : field.kind === 'json' ? (
              <textarea id={id} rows={3} value={String(values[field.name])} onChange={(e) => set(field.name, e.target.value)} aria-required={field.required} spellCheck={false} />
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
