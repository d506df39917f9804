// Writes to the search index: watcher events, full rebuilds and catch-up batches of pages (with the bulk-load
// settings of a cold build), the MCP tool docs of each server, and the index's own meta values (the skills' version among them). Every write goes
// through the IndexFile, so damage found while writing replaces the file and the write is redone there.
import { randomUUID } from 'node:crypto';
import type { GraphEvent, ParsedPage, ToolDoc } from '../../../shared/types';
import { pageRows, toolDocRow, type PageRows, type SearchDocRow } from './documents';
import { isoDay } from './query';
import { referenceRows, removeReferenceRows, writeReferenceRows } from './refs';
import { isDamage, type IndexFile } from './index-file';

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

const REBUILD_CHUNK = 500;
/** Reads the JSON array documents.ts builds: one [uuid, level, parent, marker, text] per block, in order. */
const INSERT_BLOCKS =
  "INSERT INTO blocks (path, ord, uuid, level, parent, marker, text) SELECT ?, key, value ->> 0, value ->> 1, value ->> 2, value ->> 3, value ->> 4 FROM json_each(?)";
/** Below this many pages a build is quick anyway: keep the normal settings. */
const COLD_BUILD_MIN_PAGES = 1000;
const NORMAL_SETTINGS = { synchronous: 'NORMAL', automerge: 4, crisismerge: 16 } as const;
const COLD_BUILD_SETTINGS = { synchronous: 'OFF', automerge: 16, crisismerge: 64 } as const;
const SET_META = 'INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value';
/**
 * Meta key of the skills' version: a new random value whenever a write adds, replaces or removes a skill row, so a
 * process that staged the skills under one version (skills/materialize.ts) knows, even after a restart, that nothing
 * changed while it stays the same. Random rather than counted: an index file replaced by a new one cannot repeat it.
 */
export const SKILLS_VERSION_KEY = 'skills.version';

export class IndexWriter {
  private rebuildProgress: IndexProgress | undefined;
  /** Paths changed by events while a rebuild runs: the events are newer than the rebuild's snapshot. */
  private touchedDuringRebuild: Set<string> | undefined;
  /** A skill row was written or removed since the last touch(): the skills' version changes with it. */
  private skillsWritten = false;

  constructor(private readonly file: IndexFile) {}

  /** Present while a rebuild runs. */
  get progress(): IndexProgress | undefined {
    return this.rebuildProgress;
  }

  /** Applies watcher events in one transaction. Order matters: later events win. */
  applyEvents(events: readonly GraphEvent[]): void {
    if (!events.length) return;
    const prepared = events.map((event) => ({ event, rows: event.type === 'removed' ? undefined : pageRows(event.page) }));
    this.file.guarded(() => this.file.transaction(() => {
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
    }));
  }

  /** See SearchIndex.rebuild. */
  async rebuild(pages: readonly ParsedPage[], onProgress?: (progress: IndexProgress) => void): Promise<RebuildReport> {
    try {
      return await this.rebuildOnce(pages, onProgress);
    } catch (error) {
      if (!isDamage(error)) throw this.file.named(error);
      this.file.replaceDamagedFile(error as Error);
      return this.rebuildOnce(pages, onProgress);
    }
  }

  private async rebuildOnce(pages: readonly ParsedPage[], onProgress?: (progress: IndexProgress) => void): Promise<RebuildReport> {
    const started = performance.now();
    const byPath = new Map<string, ParsedPage>();
    for (const page of pages) byPath.set(page.path, page);
    const indexed = new Map<string, string>();
    for (const row of this.file.database.prepare('SELECT path, hash, mtime_ms, title, kind, properties FROM pages').all() as PageFingerprintRow[]) {
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
      this.rebuildProgress = { indexed: Math.min(report.written + report.unchanged, queue.length), total: queue.length, done };
      onProgress?.(this.rebuildProgress);
    };
    try {
      report_(false);
      for (let start = 0; start < queue.length; start += REBUILD_CHUNK) {
        const chunk = queue.slice(start, start + REBUILD_CHUNK);
        this.file.transaction(() => {
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
        });
        report_(false);
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
      this.file.transaction(() => {
        for (const stalePath of indexed.keys()) {
          if (byPath.has(stalePath) || touched.has(stalePath)) continue;
          this.removePage(stalePath);
          report.removed++;
        }
        this.touch();
      });
      report_(true);
    } finally {
      this.touchedDuringRebuild = undefined;
      this.rebuildProgress = undefined;
      if (cold && this.file.database.open) this.setBuildMode('normal');
    }
    report.durationMs = performance.now() - started;
    return report;
  }

  setMetaValue(key: string, value: string): void {
    this.file.guarded(() => this.file.run(SET_META, key, value));
  }

  /** See SearchIndex.replacePages. */
  replacePages(pages: readonly ParsedPage[], removedPaths: readonly string[], meta: Record<string, string> = {}): void {
    const cold = pages.length >= COLD_BUILD_MIN_PAGES && !this.file.get('SELECT 1 FROM pages LIMIT 1');
    const rows = pages.map(pageRows);
    if (cold) this.setBuildMode('cold');
    try {
      this.file.guarded(() =>
        this.file.transaction(() => {
          for (const removed of removedPaths) this.removePage(removed);
          for (const row of rows) {
            if (!cold) this.removePage(row.page.path);
            this.writePage(row);
          }
          for (const [key, value] of Object.entries(meta)) this.file.run(SET_META, key, value);
          this.touch();
        }),
      );
    } finally {
      if (cold && this.file.database.open) this.setBuildMode('normal');
    }
  }

  private setBuildMode(mode: 'cold' | 'normal'): void {
    const settings = mode === 'cold' ? COLD_BUILD_SETTINGS : NORMAL_SETTINGS;
    const db = this.file.database;
    db.pragma(`synchronous = ${settings.synchronous}`);
    // FTS5 keeps these in its config table; the values are literals (FTS5 reads them from the statement).
    db.exec(`INSERT INTO search_fts(search_fts, rank) VALUES ('automerge', ${settings.automerge}); INSERT INTO search_fts(search_fts, rank) VALUES ('crisismerge', ${settings.crisismerge});`);
  }

  /** Replaces everything indexed for `server` with `docs`. */
  upsertToolDocs(server: string, docs: readonly ToolDoc[]): void {
    const byTool = new Map<string, ToolDoc>();
    for (const doc of docs) byTool.set(doc.tool, doc);
    this.file.guarded(() => this.file.transaction(() => {
      this.deleteServer(server);
      for (const doc of byTool.values()) {
        this.file.run(
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
    }));
  }

  removeServer(server: string): void {
    this.file.guarded(() => this.file.transaction(() => {
      this.deleteServer(server);
      this.touch();
    }));
  }

  private writePage(rows: PageRows): void {
    const { page, skill, tags } = rows;
    const run = (sql: string, ...params: unknown[]) => this.file.run(sql, ...params);
    run(
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
    if (page.blocks.length) run(INSERT_BLOCKS, page.path, rows.blocks);
    for (const tag of tags) run('INSERT INTO page_tags (page_path, tag) VALUES (?, ?)', page.path, tag);
    for (const target of new Set(page.refs.map((ref) => ref.toLowerCase()))) run('INSERT INTO page_refs (page_path, target) VALUES (?, ?)', page.path, target);
    if (skill) {
      this.skillsWritten = true;
      run(
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
      for (const server of new Set(skill.servers)) run('INSERT INTO skill_servers (skill_path, server) VALUES (?, ?)', page.path, server);
    }
    this.insertDoc(rows.doc, tags);
    writeReferenceRows(run, page.path, referenceRows(page));
  }

  private insertDoc(doc: SearchDocRow, tags: string[]): void {
    const { lastInsertRowid } = this.file.run(
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
    this.file.run('INSERT INTO search_text (rowid, title, names, tags, body, terms) VALUES (?, ?, ?, ?, ?, ?)', lastInsertRowid, doc.title, doc.names, doc.tags, doc.body, doc.terms);
    for (const tag of tags) this.file.run('INSERT INTO doc_tags (doc, tag) VALUES (?, ?)', lastInsertRowid, tag);
  }

  private removePage(pagePath: string): void {
    const run = (sql: string, ...params: unknown[]) => this.file.run(sql, ...params);
    run('DELETE FROM pages WHERE path = ?', pagePath);
    run('DELETE FROM blocks WHERE path = ?', pagePath);
    run('DELETE FROM page_tags WHERE page_path = ?', pagePath);
    run('DELETE FROM page_refs WHERE page_path = ?', pagePath);
    if (this.file.run('DELETE FROM skills WHERE path = ?', pagePath).changes > 0) this.skillsWritten = true;
    run('DELETE FROM skill_servers WHERE skill_path = ?', pagePath);
    removeReferenceRows(run, pagePath);
    // The delete triggers take the document's text, full-text entries and tags with it.
    run("DELETE FROM search_docs WHERE origin = 'graph' AND owner = ?", pagePath);
  }

  private deleteServer(server: string): void {
    this.file.run('DELETE FROM tool_docs WHERE server = ?', server);
    this.file.run("DELETE FROM search_docs WHERE origin = 'tool' AND owner = ?", server);
  }

  private touch(): void {
    this.file.run("INSERT INTO meta (key, value) VALUES ('lastUpdated', ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value", String(Date.now()));
    // In the same transaction as the rows: a version read after it commits covers them. A transaction that failed
    // before this leaves the flag set, so the next write changes the version too (one pass more, nothing missed).
    if (this.skillsWritten) this.file.run(SET_META, SKILLS_VERSION_KEY, randomUUID());
    this.skillsWritten = false;
  }
}

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
