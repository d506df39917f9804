// The index is a cache: applying watcher events one batch at a time must leave exactly the rows a full
// rebuild from the final graph produces. A seeded random history of adds, edits, renames and deletes
// (plus tool catalog changes) is applied both ways and every table is compared.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { GraphEvent, ParsedPage, ToolDoc } from '../../../shared/types';
import { CONTENT_TABLES } from './schema';
import { SearchIndex } from './search-index';
import { linkedReferences, listPages } from './references';
import { notePage, seededRandom, skillMarkdown, skillPath, TEST_GRAPH_CONFIG } from './test-fixtures';
import { parsePage } from '../graph/parser';

const WORDS = 'alpha beta gamma delta deploy error spike github sentry issue report weekly digest fetch user profile tomato garden invoice ledger stripe slack notify'.split(' ');

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sg-index-eq-'));
});
afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

/** Every content row, with surrogate rowids replaced by the document key they stand for. */
function dumpTables(dbPath: string): Record<string, unknown[]> {
  const db = new Database(dbPath, { readonly: true });
  try {
    const dump: Record<string, unknown[]> = {};
    for (const table of CONTENT_TABLES) {
      if (table === 'search_docs') dump[table] = db.prepare('SELECT origin, owner, kind, key, title, language, status, source, date, skill_name FROM search_docs ORDER BY origin, key').all();
      else if (table === 'search_text') dump[table] = db.prepare('SELECT d.origin, d.key, t.title, t.names, t.tags, t.body, t.terms FROM search_text t JOIN search_docs d ON d.rowid = t.rowid ORDER BY 1, 2').all();
      else if (table === 'doc_tags') dump[table] = db.prepare('SELECT d.origin, d.key, t.tag FROM doc_tags t JOIN search_docs d ON d.rowid = t.doc ORDER BY 1, 2, 3').all();
      else dump[table] = db.prepare(`SELECT * FROM ${table} ORDER BY ${columnsOf(db, table).join(', ')}`).all();
    }
    dump.orphans = [
      db.prepare('SELECT count(*) AS n FROM search_text WHERE rowid NOT IN (SELECT rowid FROM search_docs)').get(),
      db.prepare('SELECT count(*) AS n FROM doc_tags WHERE doc NOT IN (SELECT rowid FROM search_docs)').get(),
    ];
    return dump;
  } finally {
    db.close();
  }
}

function columnsOf(db: Database.Database, table: string): string[] {
  return (db.prepare(`PRAGMA table_info(${table})`).all() as { name: string }[]).map((column) => column.name);
}

class RandomGraph {
  readonly files = new Map<string, { markdown: string; mtimeMs: number }>();
  private clock = 1_700_000_000_000;
  private serial = 0;

  constructor(private readonly random: () => number) {}

  private pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.random() * items.length)];
  }

  private words(count: number): string {
    return Array.from({ length: count }, () => this.pick(WORDS)).join(' ');
  }

  private page(relPath: string): ParsedPage {
    const file = this.files.get(relPath)!;
    return parsePage(file.markdown, relPath, TEST_GRAPH_CONFIG, file.mtimeMs);
  }

  private randomMarkdown(relPath: string): string {
    if (relPath.startsWith('pages/Skills___')) {
      const name = relPath.slice('pages/Skills___'.length, -3);
      return skillMarkdown({
        name,
        description: this.words(6),
        tags: Array.from({ length: Math.floor(this.random() * 3) }, () => this.pick(WORDS)),
        language: this.random() < 0.3 ? 'python' : 'typescript',
        status: this.pick(['draft', 'approved', 'archived', 'needs-review', 'bogus']),
        source: this.pick(['agent [[Claude Desktop]]', 'person [[Ada]]', 'agent']),
        servers: [this.pick(['github', 'sentry', 'slack'])],
        updated: `2025-0${1 + Math.floor(this.random() * 9)}-1${Math.floor(this.random() * 9)}`,
        code: `const ${this.pick(WORDS)}Result = await ${this.pick(WORDS)}.${this.pick(WORDS)}Items();\nconsole.log(${this.words(2).replace(' ', '_')});`,
        usage: this.random() < 0.5 ? this.words(4) : undefined,
      });
    }
    const links = this.random() < 0.5 ? ` see [[Skills/${this.pick(WORDS)}_skill]]` : '';
    // Block ids (targets of ((uuid)) references) so the blocks table's uuid column is compared too.
    const id = this.random() < 0.5 ? `\n\t  id:: 6650a1b2-0000-4000-8000-${String(Math.floor(this.random() * 1e12)).padStart(12, '0')}` : '';
    return `tags:: ${this.pick(WORDS)}\n\n- ${this.words(8)}${links}\n\t- TODO ${this.words(5)}${id}\n- ${this.words(3)}\n`;
  }

  private newPath(): string {
    this.serial++;
    const roll = this.random();
    if (roll < 0.4) return skillPath(`${this.pick(WORDS)}_skill_${this.serial}`);
    if (roll < 0.6) return `journals/2025_0${1 + (this.serial % 9)}_${String(10 + (this.serial % 18)).padStart(2, '0')}.md`;
    return `pages/Note ${this.pick(WORDS)} ${this.serial}.md`;
  }

  private write(relPath: string, markdown: string): void {
    this.clock += 1000;
    this.files.set(relPath, { markdown, mtimeMs: this.clock });
  }

  /** One random edit to the graph, and the watcher event it would produce. */
  step(): GraphEvent {
    const paths = [...this.files.keys()];
    const roll = this.random();
    if (!paths.length || roll < 0.35) {
      const relPath = this.newPath();
      const existed = this.files.has(relPath);
      this.write(relPath, this.randomMarkdown(relPath));
      return { type: existed ? 'changed' : 'added', page: this.page(relPath) };
    }
    const target = this.pick(paths);
    if (roll < 0.7) {
      this.write(target, this.randomMarkdown(target));
      return { type: 'changed', page: this.page(target) };
    }
    if (roll < 0.85) {
      // Sometimes onto an existing page, which the rename overwrites.
      const destination = this.random() < 0.1 ? this.pick(paths) : this.newPath();
      if (destination === target) return { type: 'changed', page: this.page(target) };
      const file = this.files.get(target)!;
      this.files.delete(target);
      this.files.set(destination, file);
      return { type: 'renamed', from: target, page: this.page(destination) };
    }
    const removed = this.page(target);
    this.files.delete(target);
    return { type: 'removed', path: target, name: removed.name };
  }

  pages(): ParsedPage[] {
    return [...this.files.keys()].map((relPath) => this.page(relPath));
  }
}

function randomToolDocs(random: () => number, server: string): ToolDoc[] {
  return Array.from({ length: 1 + Math.floor(random() * 4) }, (_, i) => ({
    server,
    tool: `${WORDS[Math.floor(random() * WORDS.length)]}_tool_${i}`,
    identifier: `tool${i}`,
    description: `${WORDS[Math.floor(random() * WORDS.length)]} things`,
    signature: `function tool${i}(input: Tool${i}Input): Promise<unknown>`,
    inputSchema: { type: 'object' },
    readOnly: random() < 0.5,
    schemaHash: String(Math.floor(random() * 1e6)),
  }));
}

describe('incremental updates and full rebuild', () => {
  it.each([1, 2, 3])('produce identical tables for random history #%i', async (seed) => {
    const random = seededRandom(seed);
    const graph = new RandomGraph(random);
    const incrementalPath = path.join(dir, `incremental-${seed}.sqlite`);
    const incremental = SearchIndex.open(incrementalPath);
    const tools = new Map<string, ToolDoc[]>();

    for (let batch = 0; batch < 60; batch++) {
      const events = Array.from({ length: 1 + Math.floor(random() * 8) }, () => graph.step());
      incremental.applyEvents(events);
      if (random() < 0.15) {
        const server = ['github', 'sentry', 'slack'][Math.floor(random() * 3)];
        if (random() < 0.3) {
          incremental.removeServer(server);
          tools.delete(server);
        } else {
          const docs = randomToolDocs(random, server);
          incremental.upsertToolDocs(server, docs);
          tools.set(server, docs);
        }
      }
    }
    expect(graph.files.size).toBeGreaterThan(20);

    const rebuiltPath = path.join(dir, `rebuilt-${seed}.sqlite`);
    const rebuilt = SearchIndex.open(rebuiltPath);
    await rebuilt.rebuild(graph.pages());
    for (const [server, docs] of tools) rebuilt.upsertToolDocs(server, docs);

    const queries = [...WORDS.slice(0, 12), 'skill', 'todo', 'console', '"weekly digest"'];
    for (const query of queries) expect(incremental.search(query, { limit: 200 })).toEqual(rebuilt.search(query, { limit: 200 }));
    expect(incremental.skills({ sort: 'usage' })).toEqual(rebuilt.skills({ sort: 'usage' }));
    // Linked references (the block_refs table) read the same both ways, and there are some to compare.
    expect(listPages(incremental)).toEqual(listPages(rebuilt));
    const targets = [...WORDS.slice(0, 6), ...WORDS.slice(0, 6).map((word) => `skills/${word}_skill`)];
    for (const target of targets) expect(linkedReferences(incremental, [target])).toEqual(linkedReferences(rebuilt, [target]));
    expect(targets.some((target) => linkedReferences(rebuilt, [target]).length > 0)).toBe(true);
    expect(incremental.verify()).toEqual([]);
    expect(rebuilt.verify()).toEqual([]);
    incremental.close();
    rebuilt.close();

    const incrementalRows = dumpTables(incrementalPath);
    expect(incrementalRows.pages.length).toBe(graph.files.size);
    expect(incrementalRows.block_refs.length).toBeGreaterThan(0);
    expect(incrementalRows.block_props.length).toBeGreaterThan(0);
    // No orphans: every text row and tag belongs to a document.
    expect(incrementalRows.orphans).toEqual([{ n: 0 }, { n: 0 }]);
    expect(incrementalRows).toEqual(dumpTables(rebuiltPath));

    // A rebuild over the incrementally kept index changes nothing either.
    const again = SearchIndex.open(incrementalPath);
    const report = await again.rebuild(graph.pages());
    expect(report).toMatchObject({ written: 0, removed: 0 });
    again.close();
    expect(dumpTables(incrementalPath)).toEqual(incrementalRows);
  });

  it('a rebuild over a stale index converges to the same tables', async () => {
    const random = seededRandom(42);
    const graph = new RandomGraph(random);
    for (let i = 0; i < 80; i++) graph.step();
    const stalePath = path.join(dir, 'stale.sqlite');
    const stale = SearchIndex.open(stalePath);
    await stale.rebuild(graph.pages());
    for (let i = 0; i < 80; i++) graph.step();
    await stale.rebuild(graph.pages());
    stale.close();

    const freshPath = path.join(dir, 'fresh.sqlite');
    const fresh = SearchIndex.open(freshPath);
    await fresh.rebuild(graph.pages());
    fresh.close();
    expect(dumpTables(stalePath)).toEqual(dumpTables(freshPath));
  });

  it('events arriving while a rebuild runs win over the rebuild\'s older snapshot', async () => {
    const index = SearchIndex.open(path.join(dir, 'race.sqlite'));
    const pages = Array.from({ length: 1200 }, (_, i) => notePage(`pages/Note ${i}.md`, `- old text ${i}\n`));
    const rebuilding = index.rebuild(pages);
    // The rebuild yields between chunks; these land while it runs.
    await new Promise((resolve) => setImmediate(resolve));
    index.applyEvents([
      { type: 'changed', page: notePage('pages/Note 1100.md', '- newer text\n', 1_800_000_000_000) },
      { type: 'removed', path: 'pages/Note 1101.md', name: 'note 1101' },
    ]);
    await rebuilding;
    expect(index.search('newer').hits.map((hit) => hit.key)).toEqual(['pages/Note 1100.md']);
    expect(index.search('1101').total).toBe(0);
    expect(index.status().pages).toBe(1199);
    index.close();
  });
});
