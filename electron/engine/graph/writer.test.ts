// Specification of writes: atomic, conditional (no concurrent edit lost), Logseq-shaped pages and
// journals, renames that carry references along, and recycling as Logseq does it.
import { promises as fs, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Graph } from './graph';
import { GraphConflictError, GraphFormatError, GraphWriteError, PageExistsError } from './errors';
import { contentHash } from './parser';
import { closeTestGraph, openTestGraph, writeGraphFile } from './test-fixtures';

let root: string;
let graph: Graph;

const write = (rel: string, content: string): Promise<void> => writeGraphFile(root, rel, content);
const read = (rel: string): Promise<string> => fs.readFile(path.join(root, rel), 'utf8');

beforeEach(async () => {
  ({ root, graph } = await openTestGraph('graph-writer-', {
    'pages/Existing Page.md': 'tags:: ops\n\n- mentions [[Old Name]] and #[[old name]]\n',
    'pages/Old Name.md': '- the old page\n',
    'pages/Other.md': 'tags:: Old Name, x\n\n- see #Old and [[Old Name]].\n  ```\n  [[Old Name]] stays in code\n  ```\n',
  }));
});

afterEach(() => closeTestGraph(root, graph));

describe('GraphWriter.updateFile', () => {
  it('writes atomically and leaves no temporary files', async () => {
    const { hash } = await graph.writer.updateFile('pages/New.md', () => '- hello\n');
    expect(hash).toBe(contentHash('- hello\n'));
    expect(await fs.readdir(path.join(root, 'pages'))).not.toContainEqual(expect.stringMatching(/^\./));
    expect(graph.getByPath('pages/New.md')?.blocks[0].text).toBe('hello');
  });

  it('re-applies the transform when the file changed since the caller read it', async () => {
    const before = graph.getByPath('pages/Old Name.md')!;
    await write('pages/Old Name.md', '- the old page\n- edited in Logseq\n');
    const result = await graph.writer.updateFile('pages/Old Name.md', (current) => current + '- ours\n', { expectedHash: before.hash });
    expect(result.merged).toBe(true);
    expect(await read('pages/Old Name.md')).toBe('- the old page\n- edited in Logseq\n- ours\n');
  });

  it('loses no edit when the file is changed during our write', async () => {
    let calls = 0;
    await graph.writer.updateFile('pages/Old Name.md', (current) => {
      calls++;
      // Simulates Logseq saving between our read and our rename (only on the first attempt).
      if (calls === 1) writeFileSync(path.join(root, 'pages/Old Name.md'), current + '- concurrent edit\n');
      return current + '- ours\n';
    });
    expect(calls).toBe(2);
    expect(await read('pages/Old Name.md')).toBe('- the old page\n- concurrent edit\n- ours\n');
  });

  it('fails with GraphConflictError when asked not to merge', async () => {
    await write('pages/Old Name.md', '- changed\n');
    await expect(graph.writer.updateFile('pages/Old Name.md', (c) => c + '- x\n', { expectedHash: 'stale', onConflict: 'fail' })).rejects.toBeInstanceOf(GraphConflictError);
    expect(await read('pages/Old Name.md')).toBe('- changed\n');
  });

  it('refuses to empty a page, rewrite config.edn or leave the graph', async () => {
    await expect(graph.writer.updateFile('pages/Old Name.md', () => '')).rejects.toBeInstanceOf(GraphWriteError);
    await expect(graph.writer.updateFile('logseq/config.edn', () => '{}')).rejects.toBeInstanceOf(GraphFormatError);
    await expect(graph.writer.updateFile('../escape.md', () => 'x')).rejects.toBeInstanceOf(GraphFormatError);
    expect(await read('pages/Old Name.md')).toBe('- the old page\n');
  });

  it('reports an unwritable location as GraphWriteError with a clear message', async () => {
    await write('blocked', 'a file where a folder should be');
    const error = await graph.writer.updateFile('blocked/page.md', () => '- x\n').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GraphWriteError);
    expect((error as Error).message).toMatch(/could not write blocked\/page\.md/);
  });
});

describe('GraphWriter pages and journals', () => {
  it('creates pages with Logseq file names and refuses an existing name in any case', async () => {
    const { path: rel } = await graph.writer.createPage('Skills/analyze_error_spike', { properties: [['type', 'skill']], blocks: [{ text: 'Usage' }] });
    expect(rel).toBe('pages/Skills___analyze_error_spike.md');
    expect(await read(rel)).toBe('type:: skill\n\n- Usage\n');
    expect(graph.getByName('skills/ANALYZE_error_spike')?.title).toBe('Skills/analyze_error_spike');
    await expect(graph.writer.createPage('existing page', { properties: [], blocks: [] })).rejects.toBeInstanceOf(PageExistsError);
    await expect(graph.writer.createPage('SKILLS/analyze_error_spike', { properties: [], blocks: [] })).rejects.toBeInstanceOf(PageExistsError);
  });

  it('creates a missing journal, replaces the empty placeholder and appends to existing ones', async () => {
    const day = new Date(2024, 4, 17);
    const first = await graph.writer.appendJournalBlocks(day, [{ text: 'Saved skill [[Skills/a]]', properties: [['source', 'agent']] }]);
    expect(first.path).toBe('journals/2024_05_17.md');
    expect(await read(first.path)).toBe('- Saved skill [[Skills/a]]\n  source:: agent\n');
    await graph.writer.appendJournalBlocks(day, [{ text: 'second' }]);
    expect(await read(first.path)).toBe('- Saved skill [[Skills/a]]\n  source:: agent\n- second\n');

    await write('journals/2024_05_18.md', '-\n');
    await graph.writer.appendJournalBlocks(new Date(2024, 4, 18), [{ text: 'only' }]);
    expect(await read('journals/2024_05_18.md')).toBe('- only\n');

    await write('journals/2024_05_19.md', '\ufeff- from windows\r\n  no newline at end');
    await graph.writer.appendJournalBlocks(new Date(2024, 4, 19), [{ text: 'ours', children: [{ text: 'child' }] }]);
    expect(await read('journals/2024_05_19.md')).toBe('\ufeff- from windows\r\n  no newline at end\r\n- ours\r\n\t- child\r\n');
  });

  it('renames a page and rewrites references elsewhere, but not inside code', async () => {
    const result = await graph.writer.renamePage('old name', 'New: Name');
    expect(result.path).toBe('pages/New%3A Name.md');
    expect(await read('pages/New%3A Name.md')).toBe('- the old page\n');
    await expect(fs.access(path.join(root, 'pages/Old Name.md'))).rejects.toThrow();
    expect(result.updatedPaths.sort()).toEqual(['pages/Existing Page.md', 'pages/Other.md']);
    expect(await read('pages/Existing Page.md')).toBe('tags:: ops\n\n- mentions [[New: Name]] and #[[New: Name]]\n');
    expect(await read('pages/Other.md')).toBe('tags:: New: Name, x\n\n- see #Old and [[New: Name]].\n  ```\n  [[Old Name]] stays in code\n  ```\n');
    expect(graph.getByName('new: name')?.path).toBe('pages/New%3A Name.md');
    expect(graph.getByName('old name')).toBeUndefined();
  });

  it('refuses to rename onto another page', async () => {
    await expect(graph.writer.renamePage('Old Name', 'existing PAGE')).rejects.toBeInstanceOf(PageExistsError);
  });

  it('recycles a page into logseq/.recycle the way Logseq names it, keeping earlier copies', async () => {
    const first = await graph.writer.recyclePage('pages/Old Name.md');
    expect(first.recycledTo).toBe('logseq/.recycle/pages_Old Name.md');
    expect(await read(first.recycledTo)).toBe('- the old page\n');
    expect(graph.getByPath('pages/Old Name.md')).toBeUndefined();
    await write('pages/Old Name.md', '- again\n');
    const second = await graph.writer.recyclePage('pages/Old Name.md');
    expect(second.recycledTo).not.toBe(first.recycledTo);
    expect(await read(first.recycledTo)).toBe('- the old page\n');
  });
});
