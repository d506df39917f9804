// The offline search index: a better-sqlite3 + FTS5 cache of the graph's pages, journals and skills and of
// the MCP tool catalog. Disposable by design: a corrupt or foreign database is replaced, never repaired.
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { betterSqliteOptions } from '../native-binding';
import { DiskFullError, isDiskFull } from '../disk-full';
import { InvalidInputError } from '../../../shared/errors';
import type { GraphEvent, ParsedPage, SearchFilters, SearchHit, SearchKind, Skill, ToolDoc } from '../../../shared/types';
import { pageRows, toolDocRow, normalizeTags, type PageRows, type SearchDocRow } from './documents';
import { highlightTerms, isoDay, termCount, toFtsQuery, type HighlightTerms } from './query';
import { leadSnippet, markedSnippet, matchStrength } from './snippets';
import { MIGRATIONS, RANK_WEIGHTS, SCHEMA_VERSION } from './schema';
import { referenceRows, removeReferenceRows, writeReferenceRows } from './refs';
import { plainText, titleFirstOrder } from './reading';

export interface OpenReport {
  /** True when the file could not be used as it was and the index was recreated empty. */
  rebuilt: boolean;
  reason?: string;
}

export interface IndexProgress {
  indexed: number;
  total: number;
  done: boolean;
}

export interface RebuildReport {
  /** Pages written (new or changed since the index last saw them). */
  written: number;
  /** Pages already indexed with identical content. */
  unchanged: number;
  /** Indexed pages no longer in the graph. */
  removed: number;
  durationMs: number;
}

export interface SearchOptions {
  filters?: SearchFilters;
  limit?: number;
  offset?: number;
  /** When fewer documents than the page asks for have every term, fill it with documents having some. */
  fillWithAnyTerm?: boolean;
}

export interface SearchResult {
  hits: SearchHit[];
  /** Documents found: those with every term, plus those with some when the search fell back or filled. */
  total: number;
  /** How many documents have every term; hits past this position have only some of them. */
  allTerms: number;
}

/** One block of an indexed page, as `blocksOf` and `block` return it. */
export interface IndexedBlock {
  path: string;
  /** Position in the page's flat block list (ParsedPage.blocks). */
  ord: number;
  uuid?: string;
  level: number;
  /** `ord` of the parent block, or -1 for top-level. */
  parent: number;
  marker?: string;
  text: string;
}

export interface SkillQuery {
  tag?: string;
  language?: string;
  status?: string;
  source?: 'agent' | 'person';
  server?: string;
  sort?: 'name' | 'updated' | 'usage';
  limit?: number;
  offset?: number;
}

export interface IndexStatus {
  pages: number;
  skills: number;
  tools: number;
  lastUpdated?: number;
  /** Present while a rebuild runs. */
  progress?: IndexProgress;
  /** Why the index was last recreated (at open or while in use), for the status bar. */
  problem?: string;
}

const REBUILD_CHUNK = 500;
/** Reads the JSON array documents.ts builds: one [uuid, level, parent, marker, text] per block, in order. */
const INSERT_BLOCKS =
  "INSERT INTO blocks (path, ord, uuid, level, parent, marker, text) SELECT ?, key, value ->> 0, value ->> 1, value ->> 2, value ->> 3, value ->> 4 FROM json_each(?)";
/** Below this many pages a build is quick anyway: keep the normal settings. */
const COLD_BUILD_MIN_PAGES = 1000;
const NORMAL_SETTINGS = { synchronous: 'NORMAL', automerge: 4, crisismerge: 16 } as const;
const COLD_BUILD_SETTINGS = { synchronous: 'OFF', automerge: 16, crisismerge: 64 } as const;
const DEFAULT_LIMIT = 20;
const MAX_LIMIT = 200;
const SNIPPET_TOKENS = 16;
const LANGUAGE_ALIASES: Record<string, string> = { ts: 'typescript', js: 'typescript', javascript: 'typescript', py: 'python' };
const SEARCH_KINDS: readonly SearchKind[] = ['skill', 'page', 'journal', 'tool'];

export class SearchIndex {
  private readonly statements = new Map<string, Database.Statement>();
  private progress: IndexProgress | undefined;
  /** Paths changed by events while a rebuild runs: the events are newer than the rebuild's snapshot. */
  private touchedDuringRebuild: Set<string> | undefined;

  private readonly resetListeners = new Set<(reason: string) => void>();
  /** Why the file was last replaced while in use, for the status bar. */
  private problem: string | undefined;

  private constructor(
    private db: Database.Database,
    readonly openReport: OpenReport,
    readonly dbPath: string,
  ) {}

  /**
   * Opens (creating if needed) the index at `dbPath`. Never throws for a corrupt, foreign or old-schema file:
   * it is replaced by an empty index and `openReport` says why, so the caller rebuilds from the graph.
   */
  static open(dbPath: string): SearchIndex {
    const { db, report } = openDatabase(dbPath);
    return new SearchIndex(db, report, dbPath);
  }

  /**
   * Called when damage found while in use made the index replace its file with an empty one: the listener
   * should rebuild from the graph and re-add tool docs. Returns the unsubscribe.
   */
  onReset(listener: (reason: string) => void): () => void {
    this.resetListeners.add(listener);
    return () => this.resetListeners.delete(listener);
  }

  /** Applies watcher events in one transaction. Order matters: later events win. */
  applyEvents(events: readonly GraphEvent[]): void {
    if (!events.length) return;
    const prepared = events.map((event) => ({ event, rows: event.type === 'removed' ? undefined : pageRows(event.page) }));
    this.guarded(() => this.db.transaction(() => {
      for (const { event, rows } of prepared) {
        if (event.type === 'removed') this.removePage(event.path);
        else {
          if (event.type === 'renamed') this.removePage(event.from);
          this.removePage(event.page.path);
          this.writePage(rows!);
        }
        this.touchedDuringRebuild?.add(event.type === 'removed' ? event.path : event.page.path);
        if (event.type === 'renamed') this.touchedDuringRebuild?.add(event.from);
      }
      this.touch();
    })());
  }

  /**
   * Makes the index hold exactly `pages` (tool docs are kept). Writes in short transactions and yields to
   * the event loop between them, so the process stays responsive and searches keep answering (with the old
   * rows) while a cold index is built. Pages whose content is already indexed are skipped.
   */
  async rebuild(pages: readonly ParsedPage[], onProgress?: (progress: IndexProgress) => void): Promise<RebuildReport> {
    try {
      return await this.rebuildOnce(pages, onProgress);
    } catch (error) {
      if (!isDamage(error)) throw this.named(error);
      this.replaceDamagedFile(error as Error);
      return this.rebuildOnce(pages, onProgress);
    }
  }

  private async rebuildOnce(pages: readonly ParsedPage[], onProgress?: (progress: IndexProgress) => void): Promise<RebuildReport> {
    const started = performance.now();
    const byPath = new Map<string, ParsedPage>();
    for (const page of pages) byPath.set(page.path, page);
    const indexed = new Map<string, string>();
    for (const row of this.db.prepare('SELECT path, hash, mtime_ms, title, kind, properties FROM pages').all() as PageFingerprintRow[]) {
      indexed.set(row.path, fingerprintOfRow(row));
    }
    const touched = new Set<string>();
    this.touchedDuringRebuild = touched;
    // A cold build (nothing indexed yet) can lose nothing on a crash but the build itself, which the next start
    // redoes: skip fsyncs, and let FTS5 merge its segments less eagerly (fewer, larger merges).
    const cold = indexed.size === 0 && byPath.size >= COLD_BUILD_MIN_PAGES;
    if (cold) this.setBuildMode('cold');
    const report: RebuildReport = { written: 0, unchanged: 0, removed: 0, durationMs: 0 };
    const queue = [...byPath.values()];
    const report_ = (done: boolean) => {
      this.progress = { indexed: Math.min(report.written + report.unchanged, queue.length), total: queue.length, done };
      onProgress?.(this.progress);
    };
    try {
      report_(false);
      for (let start = 0; start < queue.length; start += REBUILD_CHUNK) {
        const chunk = queue.slice(start, start + REBUILD_CHUNK);
        this.db.transaction(() => {
          for (const page of chunk) {
            if (touched.has(page.path) || indexed.get(page.path) === fingerprintOfPage(page)) {
              report.unchanged++;
              continue;
            }
            // A page the index has never seen has no rows to delete (most pages of a cold build).
            if (indexed.has(page.path)) this.removePage(page.path);
            this.writePage(pageRows(page));
            report.written++;
          }
          this.touch();
        })();
        report_(false);
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
      this.db.transaction(() => {
        for (const stalePath of indexed.keys()) {
          if (byPath.has(stalePath) || touched.has(stalePath)) continue;
          this.removePage(stalePath);
          report.removed++;
        }
        this.touch();
      })();
      report_(true);
    } finally {
      this.touchedDuringRebuild = undefined;
      this.progress = undefined;
      if (cold && this.db.open) this.setBuildMode('normal');
    }
    report.durationMs = performance.now() - started;
    return report;
  }

  /** The file mtime recorded with each indexed page, by path: what the catch-up compares a stat against. */
  pageMtimes(): Map<string, number> {
    const rows = this.guarded(() => this.all('SELECT path, mtime_ms FROM pages') as Array<{ path: string; mtime_ms: number }>);
    return new Map(rows.map((row) => [row.path, row.mtime_ms]));
  }

  /** A value the index keeps about itself (the graph scan's config stamp, for one). */
  metaValue(key: string): string | undefined {
    return this.guarded(() => (this.get('SELECT value FROM meta WHERE key = ?', key) as { value: string } | undefined)?.value);
  }

  setMetaValue(key: string, value: string): void {
    this.guarded(() => this.run('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value', key, value));
  }

  /**
   * Writes `pages` (replacing their rows) and drops `removedPaths`, in ONE transaction: what a catch-up from disk
   * found changed. Into an empty index this is a cold build, with the bulk-load settings of `rebuild`.
   */
  replacePages(pages: readonly ParsedPage[], removedPaths: readonly string[], meta: Record<string, string> = {}): void {
    const cold = pages.length >= COLD_BUILD_MIN_PAGES && !this.get('SELECT 1 FROM pages LIMIT 1');
    const rows = pages.map(pageRows);
    if (cold) this.setBuildMode('cold');
    try {
      this.guarded(() =>
        this.db.transaction(() => {
          for (const removed of removedPaths) this.removePage(removed);
          for (const row of rows) {
            if (!cold) this.removePage(row.page.path);
            this.writePage(row);
          }
          for (const [key, value] of Object.entries(meta)) this.run('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value', key, value);
          this.touch();
        })(),
      );
    } finally {
      if (cold && this.db.open) this.setBuildMode('normal');
    }
  }

  private setBuildMode(mode: 'cold' | 'normal'): void {
    const settings = mode === 'cold' ? COLD_BUILD_SETTINGS : NORMAL_SETTINGS;
    this.db.pragma(`synchronous = ${settings.synchronous}`);
    // FTS5 keeps these in its config table; the values are literals (FTS5 reads them from the statement).
    this.db.exec(`INSERT INTO search_fts(search_fts, rank) VALUES ('automerge', ${settings.automerge}); INSERT INTO search_fts(search_fts, rank) VALUES ('crisismerge', ${settings.crisismerge});`);
  }

  /** Replaces everything indexed for `server` with `docs`. */
  upsertToolDocs(server: string, docs: readonly ToolDoc[]): void {
    const byTool = new Map<string, ToolDoc>();
    for (const doc of docs) byTool.set(doc.tool, doc);
    this.guarded(() => this.db.transaction(() => {
      this.deleteServer(server);
      for (const doc of byTool.values()) {
        this.run(
          'INSERT INTO tool_docs (server, tool, identifier, description, signature, input_schema, output_schema, read_only, schema_hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
          server,
          doc.tool,
          doc.identifier,
          doc.description,
          doc.signature,
          JSON.stringify(doc.inputSchema ?? null),
          doc.outputSchema === undefined ? null : JSON.stringify(doc.outputSchema),
          doc.readOnly ? 1 : 0,
          doc.schemaHash,
        );
        this.insertDoc(toolDocRow(server, doc), []);
      }
      this.touch();
    })());
  }

  removeServer(server: string): void {
    this.guarded(() => this.db.transaction(() => {
      this.deleteServer(server);
      this.touch();
    })());
  }

  /**
   * Ranked full-text search over every kind. Bare words match as prefixes, quoted text as phrases; documents
   * with every term come first, and when none has them all, documents with any term (`allTerms` is then 0).
   * An empty query with filters lists the matching documents by title; with neither it finds nothing.
   */
  search(query: string, opts: SearchOptions = {}): SearchResult {
    return this.guarded(() => this.searchNow(query, opts));
  }

  private searchNow(query: string, opts: SearchOptions): SearchResult {
    const limit = Math.min(Math.max(Math.trunc(opts.limit ?? DEFAULT_LIMIT), 1), MAX_LIMIT);
    const offset = Math.max(Math.trunc(opts.offset ?? 0), 0);
    const { clauses, params } = docFilterClauses(opts.filters ?? {});
    const match = toFtsQuery(query);
    if (!match) {
      if (!clauses.length) return { hits: [], total: 0, allTerms: 0 };
      const where = `WHERE ${clauses.join(' AND ')}`;
      const total = (this.get(`SELECT count(*) AS n FROM search_docs d ${where}`, ...params) as { n: number }).n;
      const rows = this.all(
        `SELECT d.kind, d.key, d.title, d.skill_name, (SELECT substr(t.body, 1, 200) FROM search_text t WHERE t.rowid = d.rowid) AS preview
         FROM search_docs d ${where} ORDER BY d.title COLLATE NOCASE, d.key LIMIT ? OFFSET ?`,
        ...params,
        limit,
        offset,
      ) as BrowseRow[];
      return { hits: rows.map((row) => hitOf(row, row.preview, 0)), total, allTerms: total };
    }
    // CROSS JOIN keeps SQLite from scanning search_docs and probing the full-text index row by row.
    const from = 'search_fts CROSS JOIN search_docs d ON d.rowid = search_fts.rowid';
    const where = ['search_fts MATCH ?', ...clauses].join(' AND ');
    const count = (expression: string) =>
      clauses.length
        ? (this.get(`SELECT count(*) AS n FROM ${from} WHERE ${where}`, expression, ...params) as { n: number }).n
        : (this.get('SELECT count(*) AS n FROM search_fts WHERE search_fts MATCH ?', expression) as { n: number }).n;
    const titleFirst = titleFirstOrder(query);
    const ranked = (expression: string, rowLimit: number, rowOffset: number) =>
      this.all(
        `SELECT d.rowid AS id, d.kind, d.key, d.title, d.skill_name, bm25(search_fts, ${RANK_WEIGHTS.join(', ')}) AS rank
         FROM ${from} WHERE ${where} ORDER BY ${titleFirst.sql}rank, d.key LIMIT ? OFFSET ?`,
        expression,
        ...params,
        ...titleFirst.params,
        rowLimit,
        rowOffset,
      ) as RankedRow[];
    try {
      const allTerms = count(match);
      // Documents with some of the words but not all, listed after those with all: when none has them all
      // (a sentence), or to fill the page when the caller asks (agents want enough candidates).
      const anyMatch = termCount(query) > 1 && (allTerms === 0 || opts.fillWithAnyTerm) ? toFtsQuery(query, 'any') : null;
      const someMatch = anyMatch && (allTerms === 0 ? anyMatch : `(${anyMatch}) NOT (${match})`);
      const total = allTerms + (someMatch ? count(someMatch) : 0);
      if (!total || offset >= total) return { hits: [], total, allTerms };
      const rows = offset < allTerms ? ranked(match, limit, offset) : [];
      if (someMatch && rows.length < limit) rows.push(...ranked(someMatch, limit - rows.length, Math.max(0, offset - allTerms)));
      const terms = highlightTerms(query);
      const hits = rows.map((row) => {
        const text = this.get('SELECT body, tags FROM search_text WHERE rowid = ?', row.id) as { body: string; tags: string };
        const body = plainText(text.body);
        const bodySnippet = markedSnippet(body, terms, SNIPPET_TOKENS);
        const snippet = bodySnippet ?? markedSnippet(text.tags, terms, SNIPPET_TOKENS) ?? leadSnippet(body, SNIPPET_TOKENS);
        const hit = hitOf(row, snippet, -row.rank);
        // A page's body is its blocks' text, so when the body has no match (a title hit) no block has one either.
        if ((row.kind !== 'page' && row.kind !== 'journal') || bodySnippet === null) return hit;
        const block = this.bestBlock(row.key, terms);
        return block ? { ...hit, block } : hit;
      });
      return { hits, total, allTerms };
    } catch (error) {
      // Every term is quoted, so FTS5 should never see syntax; if it still refuses, the user gets no hits, not a crash.
      if (error instanceof Error && /fts5/i.test(error.message)) return { hits: [], total: 0, allTerms: 0 };
      throw error;
    }
  }

  /** The block with the most distinct query terms (then the most matches, then the first), if any matches. */
  private bestBlock(pagePath: string, terms: HighlightTerms): SearchHit['block'] {
    let best: { row: BlockTextRow; distinct: number; matches: number } | undefined;
    for (const row of this.all('SELECT ord, uuid, text FROM blocks WHERE path = ? ORDER BY ord', pagePath) as BlockTextRow[]) {
      const strength = matchStrength(row.text, terms);
      if (!strength.distinct) continue;
      if (!best || strength.distinct > best.distinct || (strength.distinct === best.distinct && strength.matches > best.matches)) best = { row, ...strength };
    }
    if (!best) return undefined;
    return { ...(best.row.uuid === null ? {} : { uuid: best.row.uuid }), ord: best.row.ord, text: best.row.text };
  }

  /** The blocks of one indexed page in file order; empty when the page is not indexed. */
  blocksOf(pagePath: string): IndexedBlock[] {
    return this.guarded(() => this.all('SELECT * FROM blocks WHERE path = ? ORDER BY ord', pagePath) as BlockRow[]).map(blockOf);
  }

  /**
   * The block a `((uuid))` reference points to (the uuid with or without the parentheses). When two blocks
   * claim the uuid (a copied page), the first path wins, as it does for skill names.
   */
  block(uuid: string): IndexedBlock | undefined {
    const id = uuid.trim().replace(/^\(\((.*)\)\)$/, '$1').trim().toLowerCase();
    if (!id) return undefined;
    const row = this.guarded(() => this.get('SELECT * FROM blocks WHERE uuid = ? ORDER BY path, ord LIMIT 1', id) as BlockRow | undefined);
    return row ? blockOf(row) : undefined;
  }

  /** Rows for the read models kept beside the index (references.ts, simple-query.ts): statements cached, damage handled. */
  readRows<T>(sql: string, ...params: unknown[]): T[] {
    return this.guarded(() => this.all(sql, ...params)) as T[];
  }

  /** Skills for the list view, filtered, sorted and paged. `sort: 'usage'` ranks by pages linking to the skill. */
  skills(opts: SkillQuery = {}): Skill[] {
    return this.guarded(() => this.skillsNow(opts));
  }

  private skillsNow(opts: SkillQuery): Skill[] {
    const { clauses, params } = skillFilterClauses(opts);
    const where = clauses.length ? `WHERE ${clauses.join(' AND ')}` : '';
    const order =
      opts.sort === 'updated'
        ? 's.updated IS NULL, s.updated DESC, s.name COLLATE NOCASE, s.path'
        : opts.sort === 'usage'
          ? '(SELECT count(*) FROM page_refs r WHERE r.target = s.page_name AND r.page_path <> s.path) DESC, s.name COLLATE NOCASE, s.path'
          : 's.name COLLATE NOCASE, s.path';
    const limit = opts.limit === undefined ? -1 : Math.max(Math.trunc(opts.limit), 0);
    const offset = Math.max(Math.trunc(opts.offset ?? 0), 0);
    // Order first, then read the (large) JSON of the page of skills only.
    const paths = this.all(`SELECT s.path FROM skills s ${where} ORDER BY ${order} LIMIT ? OFFSET ?`, ...params, limit, offset) as { path: string }[];
    return paths.map(({ path: skillPath }) => JSON.parse((this.get('SELECT data FROM skills WHERE path = ?', skillPath) as { data: string }).data) as Skill);
  }

  /** How many skills `skills(opts)` would list without paging. */
  countSkills(opts: Omit<SkillQuery, 'sort' | 'limit' | 'offset'> = {}): number {
    const { clauses, params } = skillFilterClauses(opts);
    const where = clauses.length ? `WHERE ${clauses.join(' AND ')}` : '';
    return this.guarded(() => (this.get(`SELECT count(*) AS n FROM skills s ${where}`, ...params) as { n: number }).n);
  }

  /** The skill named `name` (case-insensitive); when two pages claim the name, the first path wins. */
  skill(name: string): Skill | undefined {
    const row = this.guarded(() => this.get(`SELECT data FROM skills s WHERE name = ? COLLATE NOCASE AND ${HELD_SKILL} ORDER BY path LIMIT 1`, name) as { data: string } | undefined);
    return row ? (JSON.parse(row.data) as Skill) : undefined;
  }

  /** The indexed tool docs of one server, or of all servers. */
  toolDocs(server?: string): ToolDoc[] {
    const rows = this.guarded(() =>
      server === undefined ? this.all('SELECT * FROM tool_docs ORDER BY server, tool') : this.all('SELECT * FROM tool_docs WHERE server = ? ORDER BY tool', server),
    ) as ToolDocRow[];
    return rows.map((row) => ({
      server: row.server,
      tool: row.tool,
      identifier: row.identifier,
      description: row.description,
      signature: row.signature,
      inputSchema: JSON.parse(row.input_schema),
      ...(row.output_schema === null ? {} : { outputSchema: JSON.parse(row.output_schema) }),
      readOnly: row.read_only === 1,
      schemaHash: row.schema_hash,
    }));
  }

  status(): IndexStatus {
    const counts = this.guarded(() =>
      this.get(
        'SELECT (SELECT count(*) FROM pages) AS pages, (SELECT count(*) FROM skills) AS skills, (SELECT count(*) FROM tool_docs) AS tools, (SELECT value FROM meta WHERE key = ?) AS last',
        'lastUpdated',
      ),
    ) as { pages: number; skills: number; tools: number; last: string | null };
    return {
      pages: counts.pages,
      skills: counts.skills,
      tools: counts.tools,
      ...(counts.last === null ? {} : { lastUpdated: Number(counts.last) }),
      ...(this.progress ? { progress: { ...this.progress } } : {}),
      ...(this.problem ? { problem: this.problem } : this.openReport.reason ? { problem: this.openReport.reason } : {}),
    };
  }

  /** Problems SQLite finds in the file and in the full-text index; empty when healthy. */
  verify(): string[] {
    const problems: string[] = [];
    const quick = this.db.pragma('quick_check', { simple: false }) as { quick_check: string }[];
    for (const row of quick) if (row.quick_check !== 'ok') problems.push(row.quick_check);
    try {
      this.db.prepare("INSERT INTO search_fts(search_fts, rank) VALUES ('integrity-check', 1)").run();
    } catch (error) {
      problems.push(`full-text index: ${(error as Error).message}`);
    }
    return problems;
  }

  close(): void {
    if (!this.db.open) return;
    try {
      this.run("INSERT INTO meta (key, value) VALUES ('session', 'closed') ON CONFLICT(key) DO UPDATE SET value = excluded.value");
    } catch {
      // A damaged file is checked at the next open anyway.
    }
    this.db.close();
  }

  /** Runs `operation`; if SQLite finds the file damaged, replaces it with an empty index and runs it again there. */
  private guarded<T>(operation: () => T): T {
    try {
      return operation();
    } catch (error) {
      if (!isDamage(error)) throw this.named(error);
      this.replaceDamagedFile(error as Error);
      return operation();
    }
  }

  /**
   * A full disk in the index's words (SQLITE_FULL) becomes the sentence every full disk gets, naming the folder.
   * The transaction that hit it rolled back, so the rows are those of the last committed write.
   */
  private named(error: unknown): unknown {
    return isDiskFull(error) ? new DiskFullError(path.dirname(this.dbPath)) : error;
  }

  private replaceDamagedFile(error: Error): void {
    try {
      this.db.close();
    } catch {
      // Closing a damaged database may fail too; the file is removed either way.
    }
    this.statements.clear();
    const { db, report } = recreateDatabase(this.dbPath, `the index file is damaged (${error.message})`);
    this.db = db;
    this.problem = report.reason;
    for (const listener of this.resetListeners) {
      try {
        listener(report.reason!);
      } catch {
        // A failing listener must not stop the others.
      }
    }
  }

  // -------------------------------------------------------------------------------------------------------

  private writePage(rows: PageRows): void {
    const { page, skill, tags } = rows;
    this.run(
      'INSERT INTO pages (path, name, title, kind, journal_date, format, properties, warnings, hash, mtime_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
      page.path,
      page.name,
      page.title,
      page.kind,
      page.journalDate ?? null,
      page.format,
      JSON.stringify(page.properties),
      JSON.stringify(page.warnings),
      page.hash,
      page.mtimeMs,
    );
    // One statement per page, not per block: json_each expands the page's blocks inside SQLite.
    if (page.blocks.length) this.run(INSERT_BLOCKS, page.path, rows.blocks);
    for (const tag of tags) this.run('INSERT INTO page_tags (page_path, tag) VALUES (?, ?)', page.path, tag);
    for (const target of new Set(page.refs.map((ref) => ref.toLowerCase()))) this.run('INSERT INTO page_refs (page_path, target) VALUES (?, ?)', page.path, target);
    if (skill) {
      this.run(
        'INSERT INTO skills (path, id, name, page_name, description, language, status, source, source_name, created, updated, data) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
        page.path,
        skill.id,
        skill.name,
        page.name,
        skill.description,
        skill.language,
        skill.status,
        skill.source.kind,
        skill.source.name ?? null,
        skill.created ?? null,
        isoDay(skill.updated) ?? skill.updated ?? null,
        JSON.stringify(skill),
      );
      for (const server of new Set(skill.servers)) this.run('INSERT INTO skill_servers (skill_path, server) VALUES (?, ?)', page.path, server);
    }
    this.insertDoc(rows.doc, tags);
    writeReferenceRows((sql, ...params) => this.run(sql, ...params), page.path, referenceRows(page));
  }

  private insertDoc(doc: SearchDocRow, tags: string[]): void {
    const { lastInsertRowid } = this.run(
      'INSERT INTO search_docs (origin, owner, kind, key, title, language, status, source, date, skill_name) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
      doc.origin,
      doc.owner,
      doc.kind,
      doc.key,
      doc.title,
      doc.language,
      doc.status,
      doc.source,
      doc.date,
      doc.skill_name,
    );
    this.run('INSERT INTO search_text (rowid, title, names, tags, body, terms) VALUES (?, ?, ?, ?, ?, ?)', lastInsertRowid, doc.title, doc.names, doc.tags, doc.body, doc.terms);
    for (const tag of tags) this.run('INSERT INTO doc_tags (doc, tag) VALUES (?, ?)', lastInsertRowid, tag);
  }

  private removePage(pagePath: string): void {
    this.run('DELETE FROM pages WHERE path = ?', pagePath);
    this.run('DELETE FROM blocks WHERE path = ?', pagePath);
    this.run('DELETE FROM page_tags WHERE page_path = ?', pagePath);
    this.run('DELETE FROM page_refs WHERE page_path = ?', pagePath);
    this.run('DELETE FROM skills WHERE path = ?', pagePath);
    this.run('DELETE FROM skill_servers WHERE skill_path = ?', pagePath);
    removeReferenceRows((sql, ...params) => this.run(sql, ...params), pagePath);
    // The delete triggers take the document's text, full-text entries and tags with it.
    this.run("DELETE FROM search_docs WHERE origin = 'graph' AND owner = ?", pagePath);
  }

  private deleteServer(server: string): void {
    this.run('DELETE FROM tool_docs WHERE server = ?', server);
    this.run("DELETE FROM search_docs WHERE origin = 'tool' AND owner = ?", server);
  }

  private touch(): void {
    this.run("INSERT INTO meta (key, value) VALUES ('lastUpdated', ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value", String(Date.now()));
  }

  private statement(sql: string): Database.Statement {
    let statement = this.statements.get(sql);
    if (!statement) {
      statement = this.db.prepare(sql);
      this.statements.set(sql, statement);
    }
    return statement;
  }

  private run(sql: string, ...params: unknown[]): Database.RunResult {
    return this.statement(sql).run(...params);
  }

  private get(sql: string, ...params: unknown[]): unknown {
    return this.statement(sql).get(...params);
  }

  private all(sql: string, ...params: unknown[]): unknown[] {
    return this.statement(sql).all(...params);
  }
}

// ---------------------------------------------------------------------------------------------------------
// Opening, checking and replacing the database file.

function openDatabase(dbPath: string): { db: Database.Database; report: OpenReport } {
  betterSqliteOptions(); // a missing Electron binding is no fault of the file: throw before anything replaces it
  let reason: string | undefined;
  try {
    const db = connect(dbPath);
    reason = unusableReason(db);
    if (!reason) {
      migrate(db);
      markSessionOpen(db);
      return { db, report: { rebuilt: false } };
    }
    db.close();
  } catch (error) {
    reason = `the index file could not be read (${(error as Error).message})`;
  }
  return recreateDatabase(dbPath, reason);
}

function recreateDatabase(dbPath: string, reason: string): { db: Database.Database; report: OpenReport } {
  try {
    removeDatabaseFiles(dbPath);
    const db = connect(dbPath);
    migrate(db);
    markSessionOpen(db);
    return { db, report: { rebuilt: true, reason: `${reason}; it was recreated empty and is rebuilt from the graph` } };
  } catch (error) {
    // Last resort so the app still searches: an in-memory index, rebuilt from the graph on every start.
    const db = connect(':memory:');
    migrate(db);
    return {
      db,
      report: { rebuilt: true, reason: `${reason}; ${dbPath} could not be replaced (${(error as Error).message}), so the index is kept in memory for this session` },
    };
  }
}

function connect(dbPath: string): Database.Database {
  if (dbPath !== ':memory:') fs.mkdirSync(path.dirname(dbPath), { recursive: true });
  const db = new Database(dbPath, betterSqliteOptions()); // Electron loads its own build of the binding
  try {
    db.pragma('journal_mode = WAL');
    // A cache: losing the last transactions on power loss is fine, a rebuild restores them.
    db.pragma('synchronous = NORMAL');
    db.pragma('temp_store = MEMORY');
    db.pragma('cache_size = -16000');
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}

/** Why this database cannot be used as is, or undefined when it can (possibly after migrating). */
function unusableReason(db: Database.Database): string | undefined {
  const version = db.pragma('user_version', { simple: true }) as number;
  if (version === 0) {
    const objects = (db.prepare('SELECT count(*) AS n FROM sqlite_master').get() as { n: number }).n;
    return objects ? 'the index file holds tables but no schema version (an old or foreign database)' : undefined;
  }
  if (version > SCHEMA_VERSION) return `the index has schema version ${version}, newer than this app's ${SCHEMA_VERSION}`;
  for (let v = version; v < SCHEMA_VERSION; v++) {
    if (!MIGRATIONS[v]) return `the index has an old schema version ${version} (current is ${SCHEMA_VERSION})`;
  }
  // A full check reads the whole file (~0.4 s at 10,000 pages), so it runs only after a session that did not
  // close cleanly; damage found later while in use is handled by SearchIndex.guarded.
  const session = db.prepare("SELECT value FROM meta WHERE key = 'session'").get() as { value: string } | undefined;
  if (session?.value === 'closed') return undefined;
  const problems = (db.pragma('quick_check', { simple: false }) as { quick_check: string }[]).map((row) => row.quick_check).filter((text) => text !== 'ok');
  return problems.length ? `the index file is damaged (${problems.slice(0, 3).join('; ')})` : undefined;
}

function markSessionOpen(db: Database.Database): void {
  db.prepare("INSERT INTO meta (key, value) VALUES ('session', 'open') ON CONFLICT(key) DO UPDATE SET value = excluded.value").run();
}

/** SQLite's word for a damaged or foreign file. */
function isDamage(error: unknown): boolean {
  const code = error instanceof Database.SqliteError ? error.code : undefined;
  return code !== undefined && (code.startsWith('SQLITE_CORRUPT') || code === 'SQLITE_NOTADB');
}

function migrate(db: Database.Database): void {
  const version = db.pragma('user_version', { simple: true }) as number;
  if (version === SCHEMA_VERSION) return;
  db.transaction(() => {
    for (let v = version; v < SCHEMA_VERSION; v++) MIGRATIONS[v](db);
    db.pragma(`user_version = ${SCHEMA_VERSION}`);
  })();
}

function removeDatabaseFiles(dbPath: string): void {
  if (dbPath === ':memory:') return;
  for (const suffix of ['', '-wal', '-shm', '-journal']) fs.rmSync(dbPath + suffix, { force: true });
}

// ---------------------------------------------------------------------------------------------------------
// Filters and result rows.

interface PageFingerprintRow {
  path: string;
  hash: string;
  mtime_ms: number;
  title: string;
  kind: string;
  properties: string;
}

/** What decides whether a page's rows must be rewritten; the parse of an unchanged file can still change (config.edn). */
function fingerprintOfRow(row: PageFingerprintRow): string {
  return JSON.stringify([row.hash, row.mtime_ms, row.title, row.kind, row.properties]);
}

function fingerprintOfPage(page: ParsedPage): string {
  return JSON.stringify([page.hash, page.mtimeMs, page.title, page.kind, JSON.stringify(page.properties)]);
}

function docFilterClauses(filters: SearchFilters): { clauses: string[]; params: unknown[] } {
  const clauses: string[] = [];
  const params: unknown[] = [];
  if (filters.kinds?.length) {
    for (const kind of filters.kinds) {
      if (!SEARCH_KINDS.includes(kind)) throw new InvalidInputError(`unknown search kind "${kind}"; use one of ${SEARCH_KINDS.join(', ')}`);
    }
    clauses.push(`d.kind IN (${filters.kinds.map(() => '?').join(', ')})`);
    params.push(...filters.kinds);
  }
  const tag = filters.tag === undefined ? undefined : normalizeTags([filters.tag.replace(/\[\[|\]\]/g, '').replace(/^#/, '')])[0];
  if (tag) {
    clauses.push('d.rowid IN (SELECT doc FROM doc_tags WHERE tag = ?)');
    params.push(tag);
  }
  if (filters.language) {
    clauses.push('d.language = ?');
    params.push(normalizeLanguage(filters.language));
  }
  if (filters.status) {
    clauses.push('d.status = ?');
    params.push(filters.status.toLowerCase());
  }
  if (filters.source) {
    clauses.push('d.source = ?');
    params.push(filters.source);
  }
  if (filters.from) {
    clauses.push('d.date >= ?');
    params.push(filterDay('from', filters.from));
  }
  if (filters.to) {
    clauses.push('d.date <= ?');
    params.push(filterDay('to', filters.to));
  }
  return { clauses, params };
}

/**
 * The skill row `s` holds its skill-id: no other page with that id was updated later (or, updated at the same
 * time, sorts first). One skill per skill-id, by the rule of holdsSkillOver in skills/model.ts.
 */
const HELD_SKILL = (() => {
  // The `updated` column holds the day only; the full time is in the skill's JSON.
  const [mine, theirs] = ["coalesce(json_extract(s.data, '$.updated'), '')", "coalesce(json_extract(o.data, '$.updated'), '')"];
  return `NOT EXISTS (SELECT 1 FROM skills o WHERE o.id = s.id AND o.path <> s.path AND (${theirs} > ${mine} OR (${theirs} = ${mine} AND o.path < s.path)))`;
})();

function skillFilterClauses(opts: Omit<SkillQuery, 'sort' | 'limit' | 'offset'>): { clauses: string[]; params: unknown[] } {
  const clauses: string[] = [HELD_SKILL];
  const params: unknown[] = [];
  const tag = opts.tag === undefined ? undefined : normalizeTags([opts.tag.replace(/\[\[|\]\]/g, '').replace(/^#/, '')])[0];
  if (tag) {
    clauses.push('s.path IN (SELECT page_path FROM page_tags WHERE tag = ?)');
    params.push(tag);
  }
  if (opts.language) {
    clauses.push('s.language = ?');
    params.push(normalizeLanguage(opts.language));
  }
  if (opts.status) {
    clauses.push('s.status = ?');
    params.push(opts.status.toLowerCase());
  }
  if (opts.source) {
    clauses.push('s.source = ?');
    params.push(opts.source);
  }
  if (opts.server) {
    clauses.push('s.path IN (SELECT skill_path FROM skill_servers WHERE server = ?)');
    params.push(opts.server);
  }
  return { clauses, params };
}

function normalizeLanguage(language: string): string {
  const lower = language.trim().toLowerCase();
  return LANGUAGE_ALIASES[lower] ?? lower;
}

function filterDay(bound: 'from' | 'to', value: string): string {
  const day = isoDay(value);
  if (!day) throw new InvalidInputError(`search filter "${bound}" must be a date like 2025-01-31, got "${value}"`);
  return day;
}

interface BrowseRow {
  kind: SearchKind;
  key: string;
  title: string;
  skill_name: string | null;
  preview: string;
}

interface RankedRow {
  id: number;
  kind: SearchKind;
  key: string;
  title: string;
  skill_name: string | null;
  rank: number;
}

interface BlockTextRow {
  ord: number;
  uuid: string | null;
  text: string;
}

interface BlockRow extends BlockTextRow {
  path: string;
  level: number;
  parent: number;
  marker: string | null;
}

function blockOf(row: BlockRow): IndexedBlock {
  return {
    path: row.path,
    ord: row.ord,
    ...(row.uuid === null ? {} : { uuid: row.uuid }),
    level: row.level,
    parent: row.parent,
    ...(row.marker === null ? {} : { marker: row.marker }),
    text: row.text,
  };
}

interface ToolDocRow {
  server: string;
  tool: string;
  identifier: string;
  description: string;
  signature: string;
  input_schema: string;
  output_schema: string | null;
  read_only: number;
  schema_hash: string;
}

function hitOf(row: { kind: SearchKind; key: string; title: string; skill_name: string | null }, snippet: string, score: number): SearchHit {
  return { kind: row.kind, key: row.key, title: row.title, snippet, score, ...(row.skill_name ? { skillName: row.skill_name } : {}) };
}
