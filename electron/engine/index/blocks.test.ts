// Blocks in the index: a page's blocks in order with their tree, ((uuid)) references resolved, and search hits
// on pages and journals pointing at the block that matches best. Real SQLite, pages from the real parser.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SearchIndex } from './search-index';
import { notePage, skillPage } from './test-fixtures';

const DEPLOY_ID = '6650a1b2-0000-4000-8000-00000000abcd';

let dir: string;
let index: SearchIndex;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sg-index-blocks-'));
  index = SearchIndex.open(path.join(dir, 'index.sqlite'));
});

afterEach(() => {
  index.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const runbook = () =>
  notePage(
    'pages/Runbook.md',
    [
      '- Deploys go out on Tuesday',
      `  id:: ${DEPLOY_ID}`,
      '\t- TODO roll back the deploy when the error rate spikes',
      '\t- check the dashboards',
      '- Gardening is unrelated',
      '',
    ].join('\n'),
  );

describe('blocksOf', () => {
  it('lists a page’s blocks in file order with their level, parent, marker and uuid', async () => {
    await index.rebuild([runbook()]);
    expect(index.blocksOf('pages/Runbook.md')).toEqual([
      { path: 'pages/Runbook.md', ord: 0, uuid: DEPLOY_ID, level: 0, parent: -1, text: 'Deploys go out on Tuesday' },
      { path: 'pages/Runbook.md', ord: 1, level: 1, parent: 0, marker: 'TODO', text: 'TODO roll back the deploy when the error rate spikes' },
      { path: 'pages/Runbook.md', ord: 2, level: 1, parent: 0, text: 'check the dashboards' },
      { path: 'pages/Runbook.md', ord: 3, level: 0, parent: -1, text: 'Gardening is unrelated' },
    ]);
    expect(index.blocksOf('pages/Nowhere.md')).toEqual([]);
  });

  it('follows edits, renames and removals', async () => {
    await index.rebuild([runbook()]);
    index.applyEvents([{ type: 'changed', page: notePage('pages/Runbook.md', '- only one block now\n') }]);
    expect(index.blocksOf('pages/Runbook.md').map((block) => block.text)).toEqual(['only one block now']);
    index.applyEvents([{ type: 'renamed', from: 'pages/Runbook.md', page: notePage('pages/Playbook.md', '- only one block now\n') }]);
    expect(index.blocksOf('pages/Runbook.md')).toEqual([]);
    expect(index.blocksOf('pages/Playbook.md')).toHaveLength(1);
    index.applyEvents([{ type: 'removed', path: 'pages/Playbook.md', name: 'playbook' }]);
    expect(index.blocksOf('pages/Playbook.md')).toEqual([]);
  });
});

describe('block (resolving a ((uuid)) reference)', () => {
  it('finds the block by its uuid, with or without the parentheses and in any case', async () => {
    await index.rebuild([runbook()]);
    const expected = { path: 'pages/Runbook.md', ord: 0, uuid: DEPLOY_ID, level: 0, parent: -1, text: 'Deploys go out on Tuesday' };
    expect(index.block(DEPLOY_ID)).toEqual(expected);
    expect(index.block(`((${DEPLOY_ID.toUpperCase()}))`)).toEqual(expected);
    expect(index.block('6650a1b2-0000-4000-8000-000000000000')).toBeUndefined();
    expect(index.block('(())')).toBeUndefined();
  });

  it('forgets the uuid when the block loses its id or its page goes away', async () => {
    await index.rebuild([runbook()]);
    index.applyEvents([{ type: 'changed', page: notePage('pages/Runbook.md', '- Deploys go out on Tuesday\n') }]);
    expect(index.block(DEPLOY_ID)).toBeUndefined();
    index.applyEvents([{ type: 'changed', page: runbook() }]);
    expect(index.block(DEPLOY_ID)?.path).toBe('pages/Runbook.md');
    index.applyEvents([{ type: 'removed', path: 'pages/Runbook.md', name: 'runbook' }]);
    expect(index.block(DEPLOY_ID)).toBeUndefined();
  });
});

describe('search hits carry the best matching block', () => {
  it('points a page hit at the block with the most query words, not the first that has one', async () => {
    await index.rebuild([runbook()]);
    const [hit] = index.search('deploy error').hits;
    expect(hit).toMatchObject({ key: 'pages/Runbook.md', block: { ord: 1, text: 'TODO roll back the deploy when the error rate spikes' } });
    expect(hit.block).not.toHaveProperty('uuid');
    expect(index.search('tuesday').hits[0].block).toEqual({ uuid: DEPLOY_ID, ord: 0, text: 'Deploys go out on Tuesday' });
  });

  it('does so for journals, and for prefixes as they are typed', async () => {
    await index.rebuild([notePage('journals/2025_03_02.md', '- Lunch with the team\n- Paged about the outage at night\n')]);
    expect(index.search('outa').hits[0]).toMatchObject({ kind: 'journal', block: { ord: 1, text: 'Paged about the outage at night' } });
  });

  it('leaves the block out when only the title matched, and on skills and tools', async () => {
    const skill = skillPage({ name: 'rollback_deploy', description: 'Rolls back the last deploy', code: 'await deploys.rollback()' });
    await index.rebuild([runbook(), skill]);
    index.upsertToolDocs('ci', [{ server: 'ci', tool: 'deploy', identifier: 'deploy', description: 'Starts a deploy', signature: 'function deploy(): Promise<void>', inputSchema: {}, readOnly: false, schemaHash: 'h' }]);
    const hits = index.search('deploy').hits;
    expect(hits.map((hit) => hit.kind).sort()).toEqual(['page', 'skill', 'tool']);
    for (const hit of hits) if (hit.kind !== 'page') expect(hit).not.toHaveProperty('block');
    expect(index.search('runbook').hits[0]).toMatchObject({ key: 'pages/Runbook.md' });
    expect(index.search('runbook').hits[0]).not.toHaveProperty('block');
  });
});
