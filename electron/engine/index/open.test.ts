// Opening the index file: WAL, schema version, and recovery from a corrupt, foreign, old or newer file
// without ever throwing.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SCHEMA_VERSION } from './schema';
import { linkedReferences } from './references';
import { SearchIndex } from './search-index';
import type { IndexFile } from './index-file';
import { notePage, skillPage } from './test-fixtures';

let dir: string;
let dbPath: string;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sg-index-open-'));
  dbPath = path.join(dir, 'data', 'index.sqlite');
});

afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

const page = skillPage({ name: 'ping_hosts', description: 'Pings every host', code: 'await net.ping(hosts)' });

/** Overwrites pages after the first (the header stays, so SQLite still opens the file). */
function damagePages(): void {
  const bytes = fs.readFileSync(dbPath);
  bytes.fill(0xab, 4096, Math.min(bytes.length, 4096 * 6));
  fs.writeFileSync(dbPath, bytes);
}

async function indexOnePage(): Promise<void> {
  const index = SearchIndex.open(dbPath);
  await index.rebuild([page]);
  index.close();
}

describe('SearchIndex.open', () => {
  it('creates the folder and a WAL database at the current schema version', () => {
    const index = SearchIndex.open(dbPath);
    expect(index.openReport).toEqual({ rebuilt: false });
    index.close();
    const db = new Database(dbPath, { readonly: true });
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    db.close();
  });

  it('keeps what it indexed across a reopen', async () => {
    await indexOnePage();
    const index = SearchIndex.open(dbPath);
    expect(index.openReport.rebuilt).toBe(false);
    expect(index.search('pings').hits).toHaveLength(1);
    index.close();
  });

  it('replaces a file of garbage bytes with an empty index and says why', async () => {
    fs.mkdirSync(path.dirname(dbPath), { recursive: true });
    fs.writeFileSync(dbPath, Buffer.from(Array.from({ length: 8192 }, (_, i) => (i * 7919) % 251)));
    const index = SearchIndex.open(dbPath);
    expect(index.openReport.rebuilt).toBe(true);
    expect(index.openReport.reason).toMatch(/could not be read.*not a database.*recreated empty/);
    expect(index.status()).toMatchObject({ pages: 0, skills: 0, tools: 0 });
    await index.rebuild([page]);
    expect(index.search('ping_hosts').hits[0].key).toBe(page.path);
    index.close();
    expect(SearchIndex.open(dbPath).openReport.rebuilt).toBe(false);
  });

  it('checks the whole file after a session that did not close cleanly, and replaces it when damaged', async () => {
    await indexOnePage();
    const db = new Database(dbPath);
    db.prepare("UPDATE meta SET value = 'open' WHERE key = 'session'").run();
    db.close();
    damagePages();
    const index = SearchIndex.open(dbPath);
    expect(index.openReport.rebuilt).toBe(true);
    expect(index.openReport.reason).toMatch(/damaged|could not be read/);
    expect(index.verify()).toEqual([]);
    index.close();
  });

  it('repairs damage found while in use instead of throwing, and says so', async () => {
    await indexOnePage();
    // Damage only the full-text index: opening reads nothing of it, the first search does.
    const db = new Database(dbPath, { readonly: true });
    const pageSize = db.pragma('page_size', { simple: true }) as number;
    const damaged = (db.prepare("SELECT pageno FROM dbstat WHERE name LIKE 'search_fts%'").all() as { pageno: number }[]).map((row) => row.pageno);
    db.close();
    const bytes = fs.readFileSync(dbPath);
    for (const pageno of damaged) bytes.fill(0xab, (pageno - 1) * pageSize, pageno * pageSize);
    fs.writeFileSync(dbPath, bytes);

    const index = SearchIndex.open(dbPath);
    expect(index.openReport.rebuilt).toBe(false);
    const resets: string[] = [];
    index.onReset((reason) => resets.push(reason));
    expect(index.search('pings')).toEqual({ hits: [], total: 0, allTerms: 0 });
    expect(resets).toEqual([expect.stringMatching(/damaged \(.+\); it was recreated empty/)]);
    expect(index.status()).toMatchObject({ pages: 0, problem: resets[0] });
    await index.rebuild([page]);
    expect(index.search('pings').hits.map((hit) => hit.key)).toEqual([page.path]);
    expect(index.verify()).toEqual([]);
    index.close();
  });

  it('rebuilds a database written by an older schema', async () => {
    await indexOnePage();
    const db = new Database(dbPath);
    db.pragma('user_version = 0');
    db.close();
    const index = SearchIndex.open(dbPath);
    expect(index.openReport).toEqual({ rebuilt: true, reason: expect.stringMatching(/no schema version.*recreated empty/) });
    expect(index.status().pages).toBe(0);
    index.close();
  });

  it('migrates a version 1 database in place: rows kept, its old blocks table replaced by the current one', async () => {
    await indexOnePage();
    const old = new Database(dbPath);
    old.exec('DROP TABLE block_refs; DROP TABLE block_props; DROP TABLE blocks; CREATE TABLE blocks (page_path TEXT NOT NULL, position INTEGER NOT NULL, text TEXT NOT NULL, PRIMARY KEY (page_path, position)) WITHOUT ROWID');
    old.pragma('user_version = 1');
    old.close();
    const index = SearchIndex.open(dbPath);
    expect(index.openReport).toEqual({ rebuilt: false });
    expect(index.search('pings').hits.map((hit) => hit.key)).toEqual([page.path]);
    index.close();
    const db = new Database(dbPath, { readonly: true });
    expect(db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    expect((db.prepare('PRAGMA table_info(blocks)').all() as { name: string }[]).map((column) => column.name)).toEqual(['path', 'ord', 'uuid', 'level', 'parent', 'marker', 'text']);
    db.close();
  });

  it('migrates a version 2 database (no blocks) without losing rows, and the next rebuild fills in the blocks', async () => {
    const note = notePage('pages/Runbook.md', '- restart the pinger\n  id:: 6650a1b2-0000-4000-8000-000000000001\n\t- TODO check the hosts\n');
    const first = SearchIndex.open(dbPath);
    await first.rebuild([page, note]);
    first.close();
    const old = new Database(dbPath);
    old.exec('DROP TABLE block_refs; DROP TABLE block_props; DROP TABLE blocks');
    old.pragma('user_version = 2');
    old.close();

    const index = SearchIndex.open(dbPath);
    expect(index.openReport).toEqual({ rebuilt: false });
    // Every row survives the migration and still answers searches; only the blocks are missing until the rebuild.
    expect(index.status()).toMatchObject({ pages: 2, skills: 1 });
    expect(index.search('pinger').hits.map((hit) => hit.key)).toEqual([note.path]);
    expect(index.blocksOf(note.path)).toEqual([]);
    // The index keeps no page source, so the migration marks every page changed: the rebuild rewrites them all.
    const report = await index.rebuild([page, note]);
    expect(report).toMatchObject({ written: 2, unchanged: 0, removed: 0 });
    expect(index.blocksOf(note.path).map((block) => block.text)).toEqual(['restart the pinger', 'TODO check the hosts']);
    expect(index.block('((6650a1b2-0000-4000-8000-000000000001))')?.path).toBe(note.path);
    expect((await index.rebuild([page, note])).unchanged).toBe(2);
    index.close();
  });

  it('migrates a version 3 database (no reference tables) in place, and the next rebuild fills them in', async () => {
    const note = notePage('pages/Runbook.md', '- restart the [[Pinger]]\n  owner:: [[Ada]]\n');
    const first = SearchIndex.open(dbPath);
    await first.rebuild([page, note]);
    first.close();
    const old = new Database(dbPath);
    old.exec('DROP TABLE block_refs; DROP TABLE block_props');
    old.pragma('user_version = 3');
    old.close();

    const index = SearchIndex.open(dbPath);
    expect(index.openReport).toEqual({ rebuilt: false });
    expect(index.search('pinger').hits.map((hit) => hit.key)).toEqual([note.path]);
    expect(linkedReferences(index, ['pinger'])).toEqual([]);
    expect(await index.rebuild([page, note])).toMatchObject({ written: 2, unchanged: 0 });
    expect(linkedReferences(index, ['pinger']).map((group) => group.page.path)).toEqual([note.path]);
    expect(index.readRows('SELECT key, value FROM block_props WHERE path = ?', note.path)).toEqual([{ key: 'owner', value: 'ada' }]);
    index.close();
  });

  it('builds a large empty index without fsyncs and with lazy merging, then restores the normal settings', async () => {
    const index = SearchIndex.open(dbPath);
    const pages = Array.from({ length: 1000 }, (_, i) => notePage(`pages/note ${i}.md`, `- note number ${i} about hosts\n`));
    let duringBuild: unknown;
    await index.rebuild(pages, () => {
      duringBuild ??= (index as unknown as { file: IndexFile }).file.database.pragma('synchronous', { simple: true });
    });
    expect(duringBuild).toBe(0);
    expect((index as unknown as { file: IndexFile }).file.database.pragma('synchronous', { simple: true })).toBe(1);
    index.close();
    const db = new Database(dbPath, { readonly: true });
    expect(db.prepare("SELECT k, v FROM search_fts_config WHERE k IN ('automerge', 'crisismerge') ORDER BY k").all()).toEqual([
      { k: 'automerge', v: 4 },
      { k: 'crisismerge', v: 16 },
    ]);
    db.close();
    const reopened = SearchIndex.open(dbPath);
    expect(reopened.search('hosts').total).toBe(1000);
    expect(reopened.verify()).toEqual([]);
    reopened.close();
  });

  it('rebuilds a database from a newer app instead of misreading it', async () => {
    await indexOnePage();
    const db = new Database(dbPath);
    db.pragma(`user_version = ${SCHEMA_VERSION + 5}`);
    db.close();
    const index = SearchIndex.open(dbPath);
    expect(index.openReport.reason).toMatch(new RegExp(`schema version ${SCHEMA_VERSION + 5}, newer than`));
    expect(index.status().pages).toBe(0);
    index.close();
  });

  it('rebuilds a foreign SQLite database that happens to sit at the path', () => {
    fs.mkdirSync(path.dirname(dbPath), { recursive: true });
    const db = new Database(dbPath);
    db.exec('CREATE TABLE pages (id INTEGER PRIMARY KEY, something TEXT)');
    db.close();
    const index = SearchIndex.open(dbPath);
    expect(index.openReport.rebuilt).toBe(true);
    expect(index.search('anything').total).toBe(0);
    index.close();
  });

  it('falls back to an in-memory index when the path cannot hold a database', () => {
    fs.mkdirSync(dbPath, { recursive: true });
    fs.writeFileSync(path.join(dbPath, 'keep'), 'a directory is in the way');
    const index = SearchIndex.open(dbPath);
    expect(index.openReport.rebuilt).toBe(true);
    expect(index.openReport.reason).toMatch(/kept in memory/);
    index.upsertToolDocs('s', []);
    expect(index.status().tools).toBe(0);
    index.close();
  });
});
