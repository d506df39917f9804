// The value constraints of JSON Schema (minimum, maxLength, pattern, minItems…): the generator writes them into the
// generated files' doc comments, and the app's "Try it" form checks a value against them before calling the tool.

/** Keywords that bound a value, in the order a reader wants them. */
export const CONSTRAINT_KEYWORDS = [
  'minimum',
  'exclusiveMinimum',
  'maximum',
  'exclusiveMaximum',
  'multipleOf',
  'minLength',
  'maxLength',
  'pattern',
  'minItems',
  'maxItems',
  'uniqueItems',
  'minProperties',
  'maxProperties',
] as const;

type Constraints = Partial<Record<(typeof CONSTRAINT_KEYWORDS)[number], unknown>>;

const num = (value: unknown): number | undefined => (typeof value === 'number' && Number.isFinite(value) ? value : undefined);

/** What is wrong with `value` under the schema's constraints ("must be at most 100"), or undefined when nothing is. */
export function constraintProblem(schema: unknown, value: unknown): string | undefined {
  if (typeof schema !== 'object' || schema === null) return undefined;
  const c = schema as Constraints;
  if (typeof value === 'number') {
    if (num(c.minimum) !== undefined && value < num(c.minimum)!) return `must be at least ${num(c.minimum)}`;
    if (num(c.exclusiveMinimum) !== undefined && value <= num(c.exclusiveMinimum)!) return `must be more than ${num(c.exclusiveMinimum)}`;
    if (num(c.maximum) !== undefined && value > num(c.maximum)!) return `must be at most ${num(c.maximum)}`;
    if (num(c.exclusiveMaximum) !== undefined && value >= num(c.exclusiveMaximum)!) return `must be less than ${num(c.exclusiveMaximum)}`;
    const step = num(c.multipleOf);
    if (step !== undefined && step > 0 && Math.abs(value / step - Math.round(value / step)) > 1e-9) return `must be a multiple of ${step}`;
  }
  if (typeof value === 'string') {
    const length = [...value].length;
    if (num(c.minLength) !== undefined && length < num(c.minLength)!) return `must be at least ${num(c.minLength)} characters`;
    if (num(c.maxLength) !== undefined && length > num(c.maxLength)!) return `must be at most ${num(c.maxLength)} characters`;
    if (typeof c.pattern === 'string') {
      let pattern: RegExp | undefined;
      try {
        pattern = new RegExp(c.pattern, 'u');
      } catch {
        pattern = undefined; // a pattern this engine cannot read is left to the server to check
      }
      if (pattern && !pattern.test(value)) return `must match ${c.pattern}`;
    }
  }
  if (Array.isArray(value)) {
    if (num(c.minItems) !== undefined && value.length < num(c.minItems)!) return `must have at least ${num(c.minItems)} items`;
    if (num(c.maxItems) !== undefined && value.length > num(c.maxItems)!) return `must have at most ${num(c.maxItems)} items`;
    if (c.uniqueItems === true && new Set(value.map((item) => JSON.stringify(item))).size !== value.length) return 'must not repeat an item';
  }
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    const keys = Object.keys(value).length;
    if (num(c.minProperties) !== undefined && keys < num(c.minProperties)!) return `must have at least ${num(c.minProperties)} keys`;
    if (num(c.maxProperties) !== undefined && keys > num(c.maxProperties)!) return `must have at most ${num(c.maxProperties)} keys`;
  }
  return undefined;
}
