// Decoding of tool results into plain data: structuredContent first, JSON text parsed, text kept, several
// contents as an array, and isError raised as McpToolReportedError with the server's message.
import { describe, expect, it } from 'vitest';
import { McpToolReportedError, toolResultToData } from './result';

describe('toolResultToData', () => {
  it('prefers structuredContent', () => {
    expect(toolResultToData({ content: [{ type: 'text', text: '{"a":1}' }], structuredContent: { b: 2 } })).toEqual({ b: 2 });
  });

  it('parses JSON objects and arrays in text, keeps other text as is', () => {
    expect(toolResultToData({ content: [{ type: 'text', text: ' {"entities": []} ' }] })).toEqual({ entities: [] });
    expect(toolResultToData({ content: [{ type: 'text', text: '[1,2]' }] })).toEqual([1, 2]);
    expect(toolResultToData({ content: [{ type: 'text', text: '12345678901234567890' }] })).toBe('12345678901234567890');
    expect(toolResultToData({ content: [{ type: 'text', text: '{not json}' }] })).toBe('{not json}');
    expect(toolResultToData({ content: [] })).toBeNull();
  });

  it('returns several contents as an array, non-text items unchanged', () => {
    const image = { type: 'image' as const, data: 'AAAA', mimeType: 'image/png' };
    expect(toolResultToData({ content: [{ type: 'text', text: 'caption' }, image] })).toEqual(['caption', image]);
  });

  it('raises McpToolReportedError carrying the server message', () => {
    const result = { isError: true, content: [{ type: 'text' as const, text: 'rate limited' }] };
    expect(() => toolResultToData(result, { server: 'github', tool: 'search' })).toThrow(McpToolReportedError);
    try {
      toolResultToData(result, { server: 'github', tool: 'search' });
    } catch (error) {
      expect(error).toMatchObject({ code: 'mcp-tool-error', server: 'github', tool: 'search', serverMessage: 'rate limited' });
      expect((error as Error).message).toBe('tool `search` on server `github` failed: rate limited');
    }
  });
});
