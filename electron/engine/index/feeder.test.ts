// End to end with the real graph module: real files in a temp graph, the chokidar watcher, the feeder and
// a real SQLite index. Edits, deletes and renames made on disk become searchable (or unsearchable).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Graph } from '../graph';
import type { GraphEvent, ParsedPage } from '../../../shared/types';
import { IndexFeeder } from './feeder';
import { SearchIndex } from './search-index';
import { skillMarkdown } from './test-fixtures';
import { until } from '../test-fixtures';

let root: string;
let graph: Graph;
let index: SearchIndex;
let feeder: IndexFeeder;

function writePage(rel: string, markdown: string): void {
  fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
  fs.writeFileSync(path.join(root, rel), markdown);
}

const keysFor = (query: string) => index.search(query).hits.map((hit) => hit.key);

beforeEach(async () => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'sg-feeder-'));
  writePage('logseq/config.edn', '{:file/name-format :triple-lowbar}\n');
  writePage('pages/Skills___rotate_keys.md', skillMarkdown({ name: 'rotate_keys', description: 'Rotates expiring API keys', tags: ['security'], code: 'await vault.rotateSecret(name)' }));
  writePage('pages/Groceries.md', '- buy artichokes\n');
  writePage('journals/2025_03_02.md', '- Used [[Skills/rotate_keys]] today\n');
  graph = await Graph.open(root, { renameWindowMs: 150 });
  index = SearchIndex.open(path.join(root, '..', `${path.basename(root)}-index.sqlite`));
  feeder = new IndexFeeder(index, graph);
  await feeder.start();
  await graph.whenWatching();
});

afterEach(async () => {
  await feeder.stop();
  await graph.close();
  index.close();
  fs.rmSync(root, { recursive: true, force: true });
  fs.rmSync(`${root}-index.sqlite`, { force: true });
  fs.rmSync(`${root}-index.sqlite-wal`, { force: true });
  fs.rmSync(`${root}-index.sqlite-shm`, { force: true });
});

describe('IndexFeeder with a watched graph', () => {
  it('indexes the graph at start', () => {
    expect(index.status()).toMatchObject({ pages: 3, skills: 1 });
    expect(keysFor('rotateSecret')).toEqual(['pages/Skills___rotate_keys.md']);
    expect(keysFor('artichokes')).toEqual(['pages/Groceries.md']);
  });

  it('makes an edit saved to a page file searchable moments later', async () => {
    writePage('pages/Groceries.md', '- buy artichokes\n- and some kohlrabi\n');
    await until('the edit to be indexed', () => keysFor('kohlrabi').length === 1);
    writePage('pages/Skills___rotate_keys.md', skillMarkdown({ name: 'rotate_keys', description: 'Rotates expiring API keys', tags: ['security', 'compliance'], code: 'await vault.rotateSecret(name)' }));
    await until('the new tag', () => index.skills({ tag: 'compliance' }).length === 1);
  });

  it('picks up a new page and forgets a deleted one', async () => {
    writePage('pages/Recipes.md', '- risotto with saffron\n');
    await until('the new page', () => keysFor('saffron').length === 1);
    fs.rmSync(path.join(root, 'pages/Recipes.md'));
    await until('the deleted page to disappear', () => keysFor('saffron').length === 0);
    expect(index.status().pages).toBe(3);
  });

  it('finds a renamed page under its new title only', async () => {
    fs.renameSync(path.join(root, 'pages/Groceries.md'), path.join(root, 'pages/Shopping list.md'));
    const hits = await until('the renamed page', () => { const found = index.search('artichokes').hits; return found.length === 1 && found[0].title === 'Shopping list' && found; });
    expect(hits.map((hit) => hit.key)).toEqual(['pages/Shopping list.md']);
    expect(index.search('groceries').total).toBe(0);
    expect(index.search('shopping').hits.map((hit) => hit.key)).toEqual(['pages/Shopping list.md']);
  });

  it('applies a burst of events in few transactions', async () => {
    const batches: number[] = [];
    const listeners: Array<(event: GraphEvent) => void> = [];
    const page = graph.getByPath('pages/Groceries.md') as ParsedPage;
    const scripted = new IndexFeeder(index, { pages: () => graph.pages(), watch: (listener) => (listeners.push(listener), () => undefined) }, { onBatch: (batch) => batches.push(batch.events) });
    await scripted.start();
    for (let i = 0; i < 40; i++) listeners[0]({ type: 'changed', page: { ...page, blocks: [{ ...page.blocks[0], text: `burst word${i}` }] } });
    await scripted.flush();
    expect(batches).toEqual([40]);
    expect(keysFor('word39')).toEqual(['pages/Groceries.md']);
    expect(keysFor('word38')).toEqual([]);
    await scripted.stop();
  });
});
