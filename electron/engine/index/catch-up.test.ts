// The index's catch-up from disk, as the commands that answer from the index use it: a fresh index reads no page
// file, a page edited while no Skillgraph process ran is read (alone) and found, and deleted or broken files lose nothing.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Engine } from '../engine';
import { openIndexedGraph, type IndexedGraph } from '../indexed-graph';
import { skillMarkdown } from './test-fixtures';

const roots: string[] = [];
const opened: IndexedGraph[] = [];

afterEach(() => {
  for (const view of opened.splice(0)) view.close();
  for (const root of roots.splice(0)) fs.rmSync(root, { recursive: true, force: true });
});

/** A real graph folder (the starter template plus generated pages) and an empty data folder. */
function makeGraph(notes = 30): { graph: string; data: string } {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'sg-catchup-'));
  roots.push(root);
  const graph = path.join(root, 'graph');
  fs.cpSync(path.resolve(import.meta.dirname, '../../../logseq-template'), graph, { recursive: true });
  for (let i = 0; i < notes; i++) fs.writeFileSync(path.join(graph, 'pages', `Note ${i}.md`), `- note number ${i} about harbour logistics\n`);
  fs.writeFileSync(
    path.join(graph, 'pages', 'Skills___weekly_digest.md'),
    skillMarkdown({ name: 'weekly_digest', description: 'Summarise the week of tickets', code: 'export async function weeklyDigest() {}' }),
  );
  return { graph, data: path.join(root, 'data') };
}

/** Opens the index the way `skillgraph search` does, counting every page file the catch-up reads. */
async function open(where: { graph: string; data: string }): Promise<{ view: IndexedGraph; reads: string[] }> {
  const reads: string[] = [];
  const view = await openIndexedGraph(where, {
    readPage: (absPath) => {
      reads.push(path.relative(where.graph, absPath));
      return fs.readFileSync(absPath, 'utf8');
    },
  });
  opened.push(view);
  return { view, reads };
}

function close(view: IndexedGraph): void {
  opened.splice(opened.indexOf(view), 1);
  view.close();
}

const titles = (view: IndexedGraph, query: string) => view.index.search(query, { limit: 100 }).hits.map((hit) => hit.title);

describe('catching the index up with the graph on disk', () => {
  it('reads every page once into an empty index, then none while nothing changed', async () => {
    const where = makeGraph();
    const first = await open(where);
    expect(first.reads).toHaveLength(33);
    expect(first.view.catchUp).toMatchObject({ files: 33, read: 33, removed: 0, configChanged: true });
    expect(titles(first.view, 'harbour')).toHaveLength(30);
    expect(first.view.index.skills().map((skill) => skill.name)).toEqual(['weekly_digest']);
    close(first.view);

    const second = await open(where);
    expect(second.reads).toEqual([]);
    expect(second.view.catchUp).toMatchObject({ files: 33, read: 0, removed: 0, configChanged: false });
    expect(titles(second.view, 'harbour')).toHaveLength(30);
  });

  it('finds a page edited, added or deleted while no Skillgraph process ran, reading only that file', async () => {
    const where = makeGraph();
    close((await open(where)).view);

    const edited = path.join(where.graph, 'pages', 'Note 7.md');
    fs.writeFileSync(edited, '- now about lighthouse keepers\n');
    // An editor that keeps the size and sets the time back still changes the mtime the index holds.
    fs.utimesSync(edited, new Date('2024-01-02T03:04:05Z'), new Date('2024-01-02T03:04:05Z'));
    const edit = await open(where);
    expect(edit.reads).toEqual([path.join('pages', 'Note 7.md')]);
    expect(titles(edit.view, 'lighthouse')).toEqual(['Note 7']);
    expect(titles(edit.view, 'harbour')).not.toContain('Note 7');
    close(edit.view);

    fs.rmSync(path.join(where.graph, 'pages', 'Note 3.md'));
    fs.writeFileSync(path.join(where.graph, 'pages', 'Fresh idea.md'), '- a fresh idea about lighthouse lamps\n');
    const churn = await open(where);
    expect(churn.reads).toEqual([path.join('pages', 'Fresh idea.md')]);
    expect(churn.view.catchUp).toMatchObject({ read: 1, removed: 1 });
    expect(titles(churn.view, 'lighthouse').sort()).toEqual(['Fresh idea', 'Note 7']);
    expect(titles(churn.view, 'harbour')).not.toContain('Note 3');
  });

  it('re-reads every page when logseq/config.edn changed, since titles and journals follow it', async () => {
    const where = makeGraph(5);
    close((await open(where)).view);
    fs.appendFileSync(path.join(where.graph, 'logseq', 'config.edn'), '\n');
    const after = await open(where);
    expect(after.view.catchUp.configChanged).toBe(true);
    expect(after.reads).toHaveLength(8);
  });

  it('keeps what it indexed for a page file it cannot read, and says which', async () => {
    const where = makeGraph(3);
    close((await open(where)).view);
    const broken = path.join(where.graph, 'pages', 'Note 1.md');
    fs.writeFileSync(broken, '- changed but unreadable\n');
    const reads: string[] = [];
    const view = await openIndexedGraph(where, {
      readPage: (absPath) => {
        if (absPath === broken) throw Object.assign(new Error('EIO: i/o error, read'), { code: 'EIO' });
        reads.push(absPath);
        return fs.readFileSync(absPath, 'utf8');
      },
    });
    opened.push(view);
    expect(view.catchUp.warnings).toEqual([expect.stringMatching(/^pages\/Note 1\.md could not be read: EIO/)]);
    expect(titles(view, 'harbour')).toContain('Note 1');
  });

  it('replaces a garbage index file and fills the new one from the graph', async () => {
    const where = makeGraph(4);
    fs.mkdirSync(where.data, { recursive: true });
    fs.writeFileSync(path.join(where.data, 'index.sqlite'), 'this is not a database '.repeat(200));
    const { view, reads } = await open(where);
    expect(view.index.openReport.rebuilt).toBe(true);
    expect(reads).toHaveLength(7);
    expect(titles(view, 'harbour')).toHaveLength(4);
  });

  it('after the engine has indexed the graph, the next command reads no page file', async () => {
    const where = makeGraph(10);
    const engine = await Engine.open({ ...where, host: 'cli' });
    await engine.indexing;
    await engine.close();
    const { view, reads } = await open(where);
    expect(reads).toEqual([]);
    expect(titles(view, 'harbour')).toHaveLength(10);
  });
});
