// The reader's contract methods on a real engine over the e2e fixture graph (real files, real SQLite):
// name resolution with aliases, linked and unlinked references, the page list, block refs, simple queries,
// Org pages, and the refs table kept by the watcher equal to a rebuild.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Handlers } from '../../../shared/contract';
import { openTestEngine, tempDir } from '../../test/helpers';
import type { Engine } from '../engine';
import { createHandlers } from './handlers';

const FIXTURE = path.resolve(import.meta.dirname, '../../../e2e/fixtures/reader-graph');
let engine: Engine;
let api: Handlers;
let graphDir: string;

beforeAll(async () => {
  graphDir = path.join(tempDir('sg-reader-'), 'graph');
  fs.cpSync(FIXTURE, graphDir, { recursive: true });
  engine = await openTestEngine({ graph: graphDir, watch: true });
  await engine.indexing;
  api = createHandlers(engine);
});
afterAll(async () => {
  await engine?.close();
});

const titles = (groups: Array<{ page: { title: string } }>) => groups.map((group) => group.page.title);

describe('pages', () => {
  it('resolve a name case-insensitively and through an alias', async () => {
    expect((await api['pages.resolve']({ name: 'target PAGE' })).page?.path).toBe('pages/Target Page.md');
    expect((await api['pages.resolve']({ name: 'tp' })).page?.path).toBe('pages/Target Page.md');
    expect((await api['pages.resolve']({ name: 'projects/alpha' })).page?.title).toBe('Projects/Alpha');
    const missing = await api['pages.resolve']({ name: 'Nobody Wrote This' });
    expect(missing).toEqual({ name: 'nobody wrote this' });
  });

  it('get returns the block tree, page properties, aliases and the Logseq link', async () => {
    const page = await api['pages.get']({ path: 'pages/Target Page.md' });
    expect(page.aliases).toEqual(['TP']);
    expect(page.logseqUrl).toBe(`logseq://graph/graph?page=Target%20Page`);
    expect(page.blocks.map((b) => [b.level, b.uuid ?? null])).toEqual([
      [0, '6650a1b2-1111-4000-8000-000000000001'],
      [0, '6650a1b2-1111-4000-8000-000000000002'],
      [1, null],
    ]);
    const only = await api['pages.get']({ path: 'pages/Properties Only.md' });
    expect(only.blocks).toEqual([]);
    expect(only.properties).toMatchObject({ type: 'reference', description: 'This page has nothing but properties.' });
    const heading = await api['pages.get']({ path: 'pages/Heading Page.md' });
    expect(heading.blocks.map((b) => [b.text, b.parent])).toEqual([
      ['## Section heading', -1],
      ['[[Book A]]', 0],
      ['[[Book B]]', 0],
    ]);
    const guide = await api['pages.get']({ path: 'pages/Reader Guide.md' });
    expect(guide.blocks.find((b) => b.text === 'Collapsed parent')?.collapsed).toBe(true);
  });

  it('linked references list blocks of other pages that link the page or its alias, grouped by page', async () => {
    const { linked } = await api['pages.references']({ name: 'Target Page' });
    expect(titles(linked)).toEqual(['Nov 30th, 2026', 'Queries', 'Reader Guide']);
    const guide = linked.find((group) => group.page.title === 'Reader Guide')!;
    expect(guide.blocks).toHaveLength(1);
    expect(guide.blocks[0].text).toContain('its alias [[TP]]');
  });

  it('unlinked references are whole-word mentions that do not link the page', async () => {
    const { linked, unlinked } = await api['pages.references']({ name: 'Reader Guide', unlinked: true });
    expect(titles(linked)).toEqual(['Projects/Alpha']);
    expect(titles(unlinked!)).toEqual(['Dec 1st, 2026', 'Projects/Beta']);
  });

  it('a page-property link shows as the page properties of the linking page', async () => {
    const { linked } = await api['pages.references']({ name: 'Reading' });
    const guide = linked.find((group) => group.page.title === 'Reader Guide')!;
    expect(guide.blocks[0]).toMatchObject({ ord: -1 });
    expect(guide.blocks[0].text).toContain('tags:: Reading, manual');
  });

  it('list gives every page with its backlink count', async () => {
    const { pages } = await api['pages.list']({});
    const byTitle = new Map(pages.map((page) => [page.title, page]));
    expect(byTitle.get('Target Page')?.backlinks).toBe(3);
    expect(byTitle.get('Properties Only')?.backlinks).toBe(1);
    expect(byTitle.get('Org Sample')?.format).toBe('org');
  });

  it('blocks.get resolves a ((uuid)) to its block and children, and an unknown one is a typed error', async () => {
    const view = await api['blocks.get']({ uuid: '6650A1B2-1111-4000-8000-000000000002' });
    expect(view.page.title).toBe('Target Page');
    expect(view.blocks.map((b) => b.text)).toEqual(['A second block, embedded on the guide.', 'Its child comes along in the embed.']);
    await expect(api['blocks.get']({ uuid: '00000000-0000-4000-8000-000000000000' })).rejects.toMatchObject({ code: 'not-found' });
  });

  it('an Org page is read into blocks with properties, markers and callouts', async () => {
    const org = await api['pages.get']({ path: 'pages/Org Sample.org' });
    expect(org.format).toBe('org');
    expect(org.properties.title).toBe('Org Sample');
    expect(org.blocks.map((b) => [b.level, b.marker ?? null])).toEqual([
      [0, 'TODO'],
      [1, null],
      [0, null],
    ]);
    expect(org.blocks[0].text).toContain('**bold**');
    expect(org.blocks[0].text).toContain('[[Target Page]]');
    expect(org.blocks[0].properties).toEqual({ kind: 'org-example' });
    expect(org.blocks[1].text).toContain('#+BEGIN_NOTE\nAn org note callout.\n#+END_NOTE');
    expect(org.warnings).toEqual([]);
  });
});

describe('simple queries', () => {
  it('(page-property k v) lists pages', async () => {
    const result = await api['query.simple']({ query: '(page-property type book)' });
    expect(result.pages.map((p) => p.title)).toEqual(['Book A', 'Book B']);
    expect((await api['query.simple']({ query: '(page-property :type "book")' })).pages).toHaveLength(2);
  });

  it('(task …), page refs, and/or/not and (between …) list blocks grouped by page', async () => {
    const tasks = await api['query.simple']({ query: '(task TODO DOING)' });
    expect(tasks.groups.flatMap((g) => g.blocks.map((b) => b.marker))).toEqual(['TODO', 'TODO', 'DOING']);
    const linking = await api['query.simple']({ query: '[[Target Page]]' });
    expect(titles(linking.groups)).toEqual(['Nov 30th, 2026', 'Reader Guide']);
    const both = await api['query.simple']({ query: '(and (task TODO) (not [[Reader Guide]]))' });
    expect(both.groups.flatMap((g) => g.blocks.map((b) => b.text))).toEqual(['TODO Follow up on the Reader Guide', 'TODO [#A] Write the quarterly report']);
    const either = await api['query.simple']({ query: '(or #reading [[Book A]])' });
    expect(titles(either.groups)).toEqual(['Dec 1st, 2026', 'Book A', 'Heading Page', 'Reader Guide']);
    const between = await api['query.simple']({ query: '(between [[Nov 30th, 2026]] 2026-11-30)' });
    expect(titles(between.groups)).toEqual(['Nov 30th, 2026']);
  });

  it('bad queries are typed errors that say what is wrong', async () => {
    await expect(api['query.simple']({ query: '(frobnicate x)' })).rejects.toThrow(/unknown operator \(frobnicate/);
    await expect(api['query.simple']({ query: '(and (task TODO)' })).rejects.toThrow(/never closed/);
    await expect(api['query.simple']({ query: '"unclosed' })).rejects.toThrow(/cannot read it/);
    await expect(api['query.simple']({ query: '(between soon later)' })).rejects.toMatchObject({ code: 'invalid-input' });
  });
});

describe('references follow edits', () => {
  it('a new link is a linked reference after the watcher sees it, and gone after it is removed', async () => {
    const file = path.join(graphDir, 'pages', 'Late Page.md');
    fs.writeFileSync(file, '- now linking [[Properties Only]]\n');
    await expect.poll(async () => titles((await api['pages.references']({ name: 'properties only' })).linked)).toContain('Late Page');
    fs.rmSync(file);
    await expect.poll(async () => titles((await api['pages.references']({ name: 'properties only' })).linked)).not.toContain('Late Page');
  });
});
