// Search ranking as a reader expects it: a title that is the query comes first, then titles starting with
// it, then bm25; a page is found by its alias; snippets are plain text without Logseq or Markdown markup.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SearchIndex } from './search-index';
import { notePage } from './test-fixtures';
import { plainText } from './reading';

let dir: string;
let index: SearchIndex;
beforeEach(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sg-ranking-'));
  index = SearchIndex.open(path.join(dir, 'index.sqlite'));
  await index.rebuild([
    // Many mentions of both words make bm25 prefer these pages over the one titled exactly "Advanced Queries".
    notePage('pages/Advanced commands.md', '- advanced queries advanced queries advanced queries in [[Advanced commands]]\n- queries advanced\n'),
    notePage('pages/Query tips.md', '- ## Advanced tips\n- **advanced** queries and more [[advanced queries]]\n'),
    notePage('pages/Advanced Queries Cookbook.md', '- recipes\n'),
    notePage('pages/Advanced Queries.md', '- Datalog over the graph.\n'),
    notePage('pages/Target Page.md', 'alias:: TP, Bullseye\n\n- the target\n'),
  ]);
});
afterEach(() => {
  index.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('search ranking', () => {
  it('puts the exact title first, then titles starting with the query, then the rest by bm25', () => {
    const titles = index.search('Advanced Queries').hits.map((hit) => hit.title);
    expect(titles.slice(0, 2)).toEqual(['Advanced Queries', 'Advanced Queries Cookbook']);
    expect(titles).toContain('Advanced commands');
    expect(index.search('advanced queries').hits[0].title).toBe('Advanced Queries');
  });

  it('finds a page by its alias', () => {
    expect(index.search('Bullseye').hits.map((hit) => hit.title)).toEqual(['Target Page']);
  });

  it('shows snippets as plain text', () => {
    const hit = index.search('tips more').hits.find((h) => h.title === 'Query tips')!;
    expect(hit.snippet.replace(/[\u0002\u0003]/g, '')).toBe('Advanced tips\nadvanced queries and more advanced queries');
    const commands = index.search('commands').hits.find((h) => h.title === 'Advanced commands')!;
    expect(commands.snippet).not.toContain('[[');
  });

  it('plainText drops link brackets, heading marks, emphasis, properties and block refs', () => {
    expect(plainText('## Heading with [[Page]] and #[[Multi Tag]]\nkey:: value\n**bold** *it* ((6650a1b2-1111-4000-8000-000000000001)) [label](https://x.org)')).toBe(
      'Heading with Page and #Multi Tag\nbold it  label',
    );
  });
});
