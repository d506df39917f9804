// One-line types for search_tools' `full` detail, from the JSON Schemas servers really send (zod-made, hand-written,
// with $refs): what an agent reads must be the call it can write.
import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { INLINE_TYPE_CHARS_MAX, inlineType, takesNoInput } from './signature';

const fromZod = (shape: z.ZodRawShape) => z.toJSONSchema(z.object(shape), { io: 'input' });

describe('inlineType', () => {
  it('writes fields with optional marks, enums as unions and nested arrays of objects', () => {
    expect(inlineType(fromZod({ sheet: z.enum(['orders', 'leads']), limit: z.number().int().optional() }))).toBe('{ sheet: "orders" | "leads"; limit?: number }');
    expect(inlineType(fromZod({ records: z.array(z.object({ id: z.string(), fields: z.record(z.string(), z.union([z.string(), z.boolean()])) })) }))).toBe(
      '{ records: Array<{ id: string; fields: Record<string, string | boolean> }> }',
    );
    expect(inlineType(fromZod({ tags: z.array(z.string()), 'content-type': z.literal('json').nullable() }))).toBe('{ tags: string[]; "content-type": "json" | null }');
  });

  it('follows local $refs and stops at a recursive one', () => {
    const schema = {
      type: 'object',
      properties: { root: { $ref: '#/$defs/node' } },
      required: ['root'],
      $defs: { node: { type: 'object', properties: { name: { type: 'string' }, children: { type: 'array', items: { $ref: '#/$defs/node' } } } } },
    };
    expect(inlineType(schema)).toBe('{ root: { name?: string; children?: unknown[] } }');
  });

  it('is the generator’s own type on one line: patternProperties, allOf and boolean subschemas read the same as in the file', () => {
    const schema = {
      type: 'object',
      properties: { headers: { type: 'object', patternProperties: { '^X-': { type: 'integer' } }, additionalProperties: false }, extra: true, never: false },
      required: ['headers'],
      allOf: [{ type: 'object', properties: { id: { type: 'string' } }, required: ['id'] }],
    };
    expect(inlineType(schema)).toBe('{ headers: Record<string, number>; extra?: unknown; never?: never } & { id: string }');
  });

  it('gives up on a type too long to read on one line', () => {
    const wide = fromZod(Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`field_number_${i}`, z.string()])));
    expect(inlineType(wide)).toBeUndefined();
    expect(inlineType(fromZod({ a: z.string() }), 5)).toBeUndefined();
  });

  it('inlines a type exactly as long as the limit, and not one character more', () => {
    const one = fromZod({ a: z.string() });
    const text = inlineType(one, Number.POSITIVE_INFINITY)!;
    expect(inlineType(one, text.length)).toBe(text);
    expect(inlineType(one, text.length - 1)).toBeUndefined();
    // The default limit: the widest object of short fields that fits is inlined, one field more is not.
    const fields = (n: number) => fromZod(Object.fromEntries(Array.from({ length: n }, (_, i) => [`f${i}`, z.string()])));
    let n = 1;
    while (inlineType(fields(n + 1), Number.POSITIVE_INFINITY)!.length <= INLINE_TYPE_CHARS_MAX) n++;
    expect(inlineType(fields(n))).toBeDefined();
    expect(inlineType(fields(n + 1))).toBeUndefined();
  });

  it('tells a tool without arguments', () => {
    expect(takesNoInput(fromZod({}))).toBe(true);
    expect(takesNoInput({ type: 'object' })).toBe(true);
    expect(takesNoInput(fromZod({ q: z.string().optional() }))).toBe(false);
  });
});
