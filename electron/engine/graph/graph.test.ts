// Specification of the in-memory graph: a scan that ignores what Logseq ignores, and a watcher
// that reports Logseq-side edits, renames and deletes as typed events without duplicates.
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { GraphEvent } from '../../../shared/types';
import { Graph } from './graph';

let root: string;
let graph: Graph | undefined;

async function write(rel: string, content: string): Promise<void> {
  await fs.mkdir(path.dirname(path.join(root, rel)), { recursive: true });
  await fs.writeFile(path.join(root, rel), content);
}

/** Collects events and resolves when one matching `predicate` arrives (or fails after 5 s). */
function recorder(g: Graph) {
  const events: GraphEvent[] = [];
  const waiters: Array<{ predicate: (e: GraphEvent) => boolean; resolve: (e: GraphEvent) => void }> = [];
  g.watch((event) => {
    events.push(event);
    for (const waiter of [...waiters]) if (waiter.predicate(event)) { waiters.splice(waiters.indexOf(waiter), 1); waiter.resolve(event); }
  });
  const next = (predicate: (e: GraphEvent) => boolean): Promise<GraphEvent> => {
    const seen = events.find(predicate);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      waiters.push({ predicate, resolve });
      setTimeout(() => reject(new Error(`no matching event; got ${JSON.stringify(events.map((e) => e.type))}`)), 5000);
    });
  };
  return { events, next };
}

beforeEach(async () => {
  root = await fs.mkdtemp(path.join(os.tmpdir(), 'graph-watch-'));
  await write('logseq/config.edn', '{:file/name-format :triple-lowbar :hidden ["archive"]}');
  await write('pages/Alpha.md', 'skill-id:: s-1\n\n- alpha [[Beta]]\n');
  await write('pages/sub/Beta.md', '\ufeff- beta\r\n');
  await write('pages/empty.md', '');
  await write('pages/notes.org', '* org heading');
  await write('journals/2024_01_02.md', '-\n');
  for (const ignored of ['logseq/bak/pages/Alpha.md', 'logseq/.recycle/pages_Gone.md', 'logseq/version-files/x.md', 'node_modules/pkg/README.md', '.hidden/page.md', 'pages/.dotfile.md', 'archive/Old.md']) {
    await write(ignored, '- should be ignored\n');
  }
});

afterEach(async () => {
  await graph?.close();
  graph = undefined;
  await fs.rm(root, { recursive: true, force: true });
});

describe('Graph.open', () => {
  it('scans pages and journals and skips what Logseq ignores', async () => {
    graph = await Graph.open(root);
    expect(graph.pages().map((p) => p.path).sort()).toEqual(['journals/2024_01_02.md', 'pages/Alpha.md', 'pages/empty.md', 'pages/notes.org', 'pages/sub/Beta.md']);
    expect(graph.getByName('BETA')?.blocks[0].text).toBe('beta');
    expect(graph.getByName('jan 2nd, 2024')?.kind).toBe('journal');
    expect(graph.getByPath('pages/notes.org')?.warnings[0]).toMatch(/org/);
  });
});

describe('Unicode file names', () => {
  it('keys an NFD file name (as macOS stores it) by its NFC path and writes back to the same file', async () => {
    await write('pages/Cafe\u0301.md', '- cafe\n');
    graph = await Graph.open(root);
    const page = graph.getByPath('pages/Caf\u00e9.md');
    expect(page?.title).toBe('Caf\u00e9');
    await graph.writer.updateFile('pages/Caf\u00e9.md', (current) => current + '- more\n');
    expect(await fs.readFile(path.join(root, 'pages/Cafe\u0301.md'), 'utf8')).toBe('- cafe\n- more\n');
    await expect(fs.access(path.join(root, 'pages/Caf\u00e9.md'))).rejects.toThrow();
  });
});

describe('Graph.watch', () => {
  it('reports pages added, changed and removed in Logseq', async () => {
    graph = await Graph.open(root, { renameWindowMs: 150 });
    const { next } = recorder(graph);
    await graph.whenWatching();

    await write('pages/Gamma.md', '- new page\n');
    const added = await next((e) => e.type === 'added');
    expect(added).toMatchObject({ type: 'added', page: { path: 'pages/Gamma.md', title: 'Gamma' } });

    await write('pages/Gamma.md', '- new page\n- edited\n');
    const changed = await next((e) => e.type === 'changed' && e.page.blocks.length === 2);
    expect(changed.type).toBe('changed');

    await fs.rm(path.join(root, 'pages/Gamma.md'));
    expect(await next((e) => e.type === 'removed')).toEqual({ type: 'removed', path: 'pages/Gamma.md', name: 'gamma' });
    expect(graph.getByName('gamma')).toBeUndefined();
  });

  it('reports a moved page as renamed, keeping its identity, and then its deletion', async () => {
    graph = await Graph.open(root, { renameWindowMs: 400 });
    const { events, next } = recorder(graph);
    await graph.whenWatching();

    await fs.rename(path.join(root, 'pages/Alpha.md'), path.join(root, 'pages/Alpha Renamed.md'));
    const renamed = await next((e) => e.type === 'renamed');
    expect(renamed).toMatchObject({ type: 'renamed', from: 'pages/Alpha.md', page: { path: 'pages/Alpha Renamed.md', properties: { 'skill-id': 's-1' } } });

    await fs.rm(path.join(root, 'pages/Alpha Renamed.md'));
    await next((e) => e.type === 'removed');
    expect(events.map((e) => e.type)).toEqual(['renamed', 'removed']);
    expect(graph.getByName('alpha renamed')).toBeUndefined();
  });

  it('keeps ignored folders silent and feeds our own writes once', async () => {
    graph = await Graph.open(root);
    const { events, next } = recorder(graph);
    await graph.whenWatching();
    await write('logseq/bak/pages/new.md', '- backup');
    await write('.hidden/new.md', '- hidden');
    await graph.writer.updateFile('pages/Alpha.md', (current) => current + '- ours\n');
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ type: 'changed', page: { path: 'pages/Alpha.md' } });
    await write('pages/Marker.md', '- marker');
    await next((e) => e.type === 'added');
    expect(events.map((e) => e.type)).toEqual(['changed', 'added']);
  });

  it('picks up an external edit that lands while we write, losing neither', async () => {
    graph = await Graph.open(root);
    const { next } = recorder(graph);
    await graph.whenWatching();
    const before = graph.getByPath('pages/sub/Beta.md')!;
    await write('pages/sub/Beta.md', '\ufeff- beta\r\n- from logseq\r\n');
    await graph.writer.updateFile('pages/sub/Beta.md', (current) => current + '- ours\r\n', { expectedHash: before.hash });
    await next((e) => e.type === 'changed' && e.page.blocks.length === 3);
    expect(graph.getByPath('pages/sub/Beta.md')!.blocks.map((b) => b.text)).toEqual(['beta', 'from logseq', 'ours']);
  });
});
