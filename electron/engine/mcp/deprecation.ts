// When an MCP tool counts as deprecated: search ranks it after every other match and labels it, the generated file
// carries `@deprecated`. Only a declaration counts, never a passing mention of the word.
import type { Tool } from '@modelcontextprotocol/sdk/types.js';
import { isObject } from './schema-common';

// An explicit deprecation marker in a description: `DEPRECATED` in capitals, a `@deprecated` tag, or a description
// that starts with "Deprecated". A description merely mentioning the word ("replaces the deprecated v1 call") is not.
const MARKER_OUTSIDE_START = /\bDEPRECATED\b|(^|\s)@deprecated\b/;
const MARKER_AT_START = /^\W*deprecated\b/i;

/** A description that declares its tool deprecated. */
export function describesDeprecated(description: string): boolean {
  const text = description.trim();
  return MARKER_AT_START.test(text) || MARKER_OUTSIDE_START.test(text);
}

/**
 * A tool the server declares deprecated: a `deprecated: true` annotation (not in the MCP schema yet, but servers send
 * it, the way JSON Schema marks a property) or `_meta.deprecated`, or a marker in its description.
 */
export function toolIsDeprecated(tool: Pick<Tool, 'description' | 'annotations' | '_meta'>): boolean {
  const annotations: unknown = tool.annotations;
  const meta: unknown = tool._meta;
  return (isObject(annotations) && annotations.deprecated === true) || (isObject(meta) && meta.deprecated === true) || describesDeprecated(tool.description ?? '');
}
