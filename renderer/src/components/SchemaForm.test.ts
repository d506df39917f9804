// The "Try it" form's checks against a tool's value constraints (shared/schema-constraints), on the constraints real
// servers state (crm's `limit`: int, positive, at most 1000, from zod) and hand-written ones; each shown to pass and fail.
import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { parseFormValues, schemaFields } from './SchemaForm';
import { constraintProblem } from '../../../shared/schema-constraints';

describe('constraintProblem', () => {
  it('checks numbers, strings, arrays and objects against their bounds', () => {
    const limit = z.toJSONSchema(z.object({ limit: z.number().int().positive().max(1000) })).properties?.limit;
    expect(constraintProblem(limit, 50)).toBeUndefined();
    expect(constraintProblem(limit, 0)).toBe('must be more than 0');
    expect(constraintProblem(limit, 1001)).toBe('must be at most 1000');
    expect(constraintProblem({ minimum: 1, multipleOf: 0.5 }, 1.5)).toBeUndefined();
    expect(constraintProblem({ multipleOf: 0.5 }, 1.2)).toBe('must be a multiple of 0.5');
    const code = { type: 'string', minLength: 3, maxLength: 8, pattern: '^[A-Z]+$' };
    expect(constraintProblem(code, 'ABCD')).toBeUndefined();
    expect(constraintProblem(code, 'AB')).toBe('must be at least 3 characters');
    expect(constraintProblem(code, 'ABCDEFGHI')).toBe('must be at most 8 characters');
    expect(constraintProblem(code, 'abcd')).toBe('must match ^[A-Z]+$');
    expect(constraintProblem({ minItems: 1, uniqueItems: true }, [])).toBe('must have at least 1 items');
    expect(constraintProblem({ uniqueItems: true }, ['a', 'a'])).toBe('must not repeat an item');
    expect(constraintProblem({ maxProperties: 1 }, { a: 1, b: 2 })).toBe('must have at most 1 keys');
    expect(constraintProblem({ pattern: '(' }, 'x')).toBeUndefined();
  });

  it('stops the Try it form before the call, naming the field', () => {
    const fields = schemaFields({ type: 'object', properties: { top: { type: 'integer', minimum: 1, maximum: 100 }, code: { type: 'string', pattern: '^[A-Z]+$' } } });
    expect(parseFormValues(fields, { top: '10', code: 'AB' })).toEqual({ args: { top: 10, code: 'AB' } });
    expect(parseFormValues(fields, { top: '500', code: 'AB' })).toEqual({ error: 'top must be at most 100' });
    expect(parseFormValues(fields, { top: '5', code: 'ab' })).toEqual({ error: 'code must match ^[A-Z]+$' });
  });
});
