// Turns an MCP tool result into plain data for code: structuredContent when present, else JSON text parsed,
// else text; `isError` results become a typed McpToolReportedError carrying the server's own message.
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { McpToolReportedError } from './errors';
import { isObject } from './schema-common';

export { McpToolReportedError } from './errors';

/**
 * Text is parsed only when it is a JSON object or array: a bare "42" or "true" stays text, so ids and
 * large numbers are never silently converted.
 */
function decodeText(text: string): unknown {
  const trimmed = text.trim();
  if (!(trimmed.startsWith('{') && trimmed.endsWith('}')) && !(trimmed.startsWith('[') && trimmed.endsWith(']'))) return text;
  try {
    return JSON.parse(trimmed);
  } catch {
    // Not JSON: the text is the result, as the server sent it.
    return text;
  }
}

function decodeContent(item: unknown): unknown {
  if (!isObject(item)) return item;
  if (item.type === 'text' && typeof item.text === 'string') return decodeText(item.text);
  return item;
}

function errorMessage(result: CallToolResult): string {
  const texts = (Array.isArray(result.content) ? result.content : [])
    .map((item) => (isObject(item) && item.type === 'text' && typeof item.text === 'string' ? item.text.trim() : ''))
    .filter(Boolean);
  if (texts.length > 0) return texts.join('\n');
  if (result.structuredContent !== undefined) return JSON.stringify(result.structuredContent);
  return 'the tool reported an error without a message';
}

/** Plain data from a tool result; throws McpToolReportedError when the tool reported an error. */
export function toolResultToData(result: CallToolResult, context: { server?: string; tool?: string } = {}): unknown {
  if (result.isError) {
    throw new McpToolReportedError(context.server, context.tool, errorMessage(result), result.structuredContent ?? result.content);
  }
  if (result.structuredContent !== undefined && result.structuredContent !== null) return result.structuredContent;
  const content = Array.isArray(result.content) ? result.content : [];
  if (content.length === 0) return null;
  if (content.length === 1) return decodeContent(content[0]);
  return content.map(decodeContent);
}
