// One-line TypeScript types from a tool's JSON Schema, for search_tools' `full` detail: the agent sees the fields it must
// pass (`{ sheet: "orders" | "leads"; limit?: number }`) without reading the generated file. The type comes from the
// generator's own renderer (mcp/schema-ts.ts), so the line and the file never disagree; too long gives undefined, and
// the caller points at the file instead.
import { isObject } from '../mcp/schema-common';
import { inlineTsType } from '../mcp/schema-ts';

/** Past this, a one-line type stops being readable; the generated file has the documented version. */
export const INLINE_TYPE_CHARS_MAX = 400;

export function inlineType(schema: unknown, maxChars = INLINE_TYPE_CHARS_MAX): string | undefined {
  const text = inlineTsType(schema);
  return text.length > maxChars ? undefined : text;
}

/** An object schema with no properties at all (the tool takes no arguments). */
export function takesNoInput(schema: unknown): boolean {
  return !isObject(schema) || ((!isObject(schema.properties) || Object.keys(schema.properties).length === 0) && !schema.additionalProperties && !isObject(schema.patternProperties));
}
