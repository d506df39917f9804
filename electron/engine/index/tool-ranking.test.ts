// search_tools' ranking on a fixed catalog: the tools/list answers of the servers the gateway tests use, recorded in
// fixtures/tool-catalog.json. Tasks are phrased the way agents ask, not in the tools' words; bench/discovery.bench.ts
// measures the same ranking over 30 tasks on the live servers.
import type { Tool } from '@modelcontextprotocol/sdk/types.js';
import { describe, expect, it } from 'vitest';
import { renderApiTree } from '../mcp/generator';
import catalogFixture from './fixtures/tool-catalog.json';
import { isDeprecatedTool, rankTools, stem, words } from './tool-ranking';

const catalog = new Map(Object.entries(catalogFixture.servers as unknown as Record<string, Tool[]>));
const { docs } = renderApiTree(catalog);
const top = (query: string, n = 1) => rankTools(docs, query, n).map((doc) => `${doc.server}/${doc.tool}`);

describe('rankTools', () => {
  it('puts the right tool first for tasks in the agent’s words: synonyms of verbs and nouns, parameters, questions', () => {
    expect(top('make a new folder')).toEqual(['filesystem/create_directory']);
    expect(top('forget an entity')).toEqual(['memory/delete_entities']);
    expect(top('fetch all rows of a spreadsheet tab')).toEqual(['sheets/get_sheet']);
    expect(top('which slack channels exist')).toEqual(['slack/list_channels']);
    expect(top('send a message to a slack channel')).toEqual(['slack/post_message']);
    expect(top('change a few lines in an existing file')).toEqual(['filesystem/edit_file']);
  });

  it('finds a tool by its own name written as an identifier or as words', () => {
    expect(top('get_sheet')).toEqual(['sheets/get_sheet']);
    expect(top('readTextFile')).toEqual(['filesystem/read_text_file']);
    expect(top('gzip file as resource')).toEqual(['everything/gzip-file-as-resource']);
  });

  it('ranks a tool whose description declares it deprecated after every other match, and labels only that one', () => {
    const reads = top('read file', 50);
    expect(reads.at(-1)).toBe('filesystem/read_file');
    expect(reads.slice(0, 3)).not.toContain('filesystem/read_file');
    expect(docs.filter(isDeprecatedTool).map((doc) => doc.tool)).toEqual(['read_file']);
    expect(isDeprecatedTool({ description: 'Replaces the deprecated v1 search.' })).toBe(false);
    expect(isDeprecatedTool({ description: 'Deprecated: use search_v2.' })).toBe(true);
  });

  it('returns nothing for a query no tool matches, and at most the limit', () => {
    expect(top('photosynthesis chlorophyll')).toEqual([]);
    expect(top('file', 4)).toHaveLength(4);
    expect(top('the of a')).toEqual([]);
  });

  it('stems and splits identifiers the same way for queries and docs', () => {
    expect(words('readMultipleFiles list_directories')).toEqual(['read', 'multiple', 'file', 'list', 'directory']);
    expect([stem('entities'), stem('running'), stem('modified'), stem('matches'), stem('status')]).toEqual(['entity', 'run', 'modifi', 'match', 'status']);
  });
});
