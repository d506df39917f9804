// The offline search index: a better-sqlite3 + FTS5 cache of the graph's pages, journals and skills and of the
// MCP tool catalog. This facade is the one API its callers use; the jobs live beside it: index-file.ts (opening,
// schema version, replacing a damaged file), writes.ts (pages, tool docs, batches), search-queries.ts (ranked
// search, blocks, tool docs), skill-queries.ts (the skill list). Disposable by design: a corrupt or foreign
// database is replaced, never repaired.
import type { GraphEvent, ParsedPage, Skill, ToolDoc } from '../../../shared/types';
import { IndexFile, type OpenReport } from './index-file';
import { IndexWriter, SKILLS_VERSION_KEY, type IndexProgress, type RebuildReport } from './writes';
import { blockByUuid, blocksOf, searchDocuments, toolDocs, type IndexedBlock, type SearchOptions, type SearchResult } from './search-queries';
import { countSkills, listSkills, skillNamed, type SkillFilters, type SkillQuery } from './skill-queries';

export type { OpenReport } from './index-file';
export type { IndexProgress, RebuildReport } from './writes';
export type { IndexedBlock, SearchOptions, SearchResult } from './search-queries';
export type { SkillQuery } from './skill-queries';

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

export class SearchIndex {
  private readonly writer: IndexWriter;

  private constructor(private readonly file: IndexFile) {
    this.writer = new IndexWriter(file);
  }

  /**
   * Opens (creating if needed) the index at `dbPath`. Never throws for a corrupt, foreign or old-schema file:
   * it is replaced by an empty index and `openReport` says why, so the caller rebuilds from the graph.
   */
  static open(dbPath: string): SearchIndex {
    return new SearchIndex(IndexFile.open(dbPath));
  }

  get openReport(): OpenReport {
    return this.file.openReport;
  }

  get dbPath(): string {
    return this.file.dbPath;
  }

  /**
   * Called when damage found while in use made the index replace its file with an empty one: the listener
   * should rebuild from the graph and re-add tool docs. Returns the unsubscribe.
   */
  onReset(listener: (reason: string) => void): () => void {
    return this.file.onReset(listener);
  }

  /** Applies watcher events in one transaction. Order matters: later events win. */
  applyEvents(events: readonly GraphEvent[]): void {
    this.writer.applyEvents(events);
  }

  /**
   * Makes the index hold exactly `pages` (tool docs are kept). Writes in short transactions and yields to
   * the event loop between them, so the process stays responsive and searches keep answering (with the old
   * rows) while a cold index is built. Pages whose content is already indexed are skipped.
   */
  rebuild(pages: readonly ParsedPage[], onProgress?: (progress: IndexProgress) => void): Promise<RebuildReport> {
    return this.writer.rebuild(pages, onProgress);
  }

  /** The file mtime recorded with each indexed page, by path: what the catch-up compares a stat against. */
  pageMtimes(): Map<string, number> {
    const rows = this.file.guarded(() => this.file.all('SELECT path, mtime_ms FROM pages') as Array<{ path: string; mtime_ms: number }>);
    return new Map(rows.map((row) => [row.path, row.mtime_ms]));
  }

  /** A value the index keeps about itself (the graph scan's config stamp, for one). */
  metaValue(key: string): string | undefined {
    return this.file.guarded(() => (this.file.get('SELECT value FROM meta WHERE key = ?', key) as { value: string } | undefined)?.value);
  }

  /**
   * Changes whenever a skill is added, changed or removed (by any process writing this index); 'none' before any
   * skill was written. What the skills staged for runs are keyed on when the graph is not in memory.
   */
  skillsVersion(): string {
    return this.metaValue(SKILLS_VERSION_KEY) ?? 'none';
  }

  setMetaValue(key: string, value: string): void {
    this.writer.setMetaValue(key, value);
  }

  /**
   * Writes `pages` (replacing their rows) and drops `removedPaths`, in ONE transaction: what a catch-up from disk
   * found changed. Into an empty index this is a cold build, with the bulk-load settings of `rebuild`.
   */
  replacePages(pages: readonly ParsedPage[], removedPaths: readonly string[], meta: Record<string, string> = {}): void {
    this.writer.replacePages(pages, removedPaths, meta);
  }

  /** Replaces everything indexed for `server` with `docs`. */
  upsertToolDocs(server: string, docs: readonly ToolDoc[]): void {
    this.writer.upsertToolDocs(server, docs);
  }

  removeServer(server: string): void {
    this.writer.removeServer(server);
  }

  /**
   * Ranked full-text search over every kind. Bare words match as prefixes, quoted text as phrases; documents
   * with every term come first, and when none has them all, documents with any term (`allTerms` is then 0).
   * An empty query with filters lists the matching documents by title; with neither it finds nothing.
   */
  search(query: string, opts: SearchOptions = {}): SearchResult {
    return this.file.guarded(() => searchDocuments(this.file, query, opts));
  }

  /** The blocks of one indexed page in file order; empty when the page is not indexed. */
  blocksOf(pagePath: string): IndexedBlock[] {
    return this.file.guarded(() => blocksOf(this.file, pagePath));
  }

  /**
   * The block a `((uuid))` reference points to (the uuid with or without the parentheses). When two blocks
   * claim the uuid (a copied page), the first path wins, as it does for skill names.
   */
  block(uuid: string): IndexedBlock | undefined {
    const id = uuid.trim().replace(/^\(\((.*)\)\)$/, '$1').trim().toLowerCase();
    if (!id) return undefined;
    return this.file.guarded(() => blockByUuid(this.file, id));
  }

  /** Rows for the read models kept beside the index (references.ts, simple-query.ts): statements cached, damage handled. */
  readRows<T>(sql: string, ...params: unknown[]): T[] {
    return this.file.guarded(() => this.file.all(sql, ...params)) as T[];
  }

  /** Skills for the list view, filtered, sorted and paged. `sort: 'usage'` ranks by pages linking to the skill. */
  skills(opts: SkillQuery = {}): Skill[] {
    return this.file.guarded(() => listSkills(this.file, opts));
  }

  /** How many skills `skills(opts)` would list without paging. */
  countSkills(opts: SkillFilters = {}): number {
    return this.file.guarded(() => countSkills(this.file, opts));
  }

  /** The skill named `name` (case-insensitive); when two pages claim the name, the first path wins. */
  skill(name: string): Skill | undefined {
    return this.file.guarded(() => skillNamed(this.file, name));
  }

  /** The indexed tool docs of one server, or of all servers. */
  toolDocs(server?: string): ToolDoc[] {
    return this.file.guarded(() => toolDocs(this.file, server));
  }

  status(): IndexStatus {
    const counts = this.file.guarded(() =>
      this.file.get(
        'SELECT (SELECT count(*) FROM pages) AS pages, (SELECT count(*) FROM skills) AS skills, (SELECT count(*) FROM tool_docs) AS tools, (SELECT value FROM meta WHERE key = ?) AS last',
        'lastUpdated',
      ),
    ) as { pages: number; skills: number; tools: number; last: string | null };
    const progress = this.writer.progress;
    const problem = this.file.problem ?? this.openReport.reason;
    return {
      pages: counts.pages,
      skills: counts.skills,
      tools: counts.tools,
      ...(counts.last === null ? {} : { lastUpdated: Number(counts.last) }),
      ...(progress ? { progress: { ...progress } } : {}),
      ...(problem ? { problem } : {}),
    };
  }

  /** Problems SQLite finds in the file and in the full-text index; empty when healthy. */
  verify(): string[] {
    return this.file.verify();
  }

  close(): void {
    this.file.close();
  }
}
