// The search index's SQLite file: opening it (creating, checking the schema version, migrating), replacing it
// when it is corrupt, foreign or too new, and the one connection every index reader and writer goes through
// (cached statements, damage found while in use replaces the file and retries once). Disposable by design: a bad
// file is replaced, never repaired.
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { betterSqliteOptions } from '../native-binding';
import { DiskFullError, isDiskFull } from '../disk-full';
import { MIGRATIONS, SCHEMA_VERSION } from './schema';

export interface OpenReport {
  /** True when the file could not be used as it was and the index was recreated empty. */
  rebuilt: boolean;
  reason?: string;
}

export class IndexFile {
  private readonly statements = new Map<string, Database.Statement>();
  private readonly resetListeners = new Set<(reason: string) => void>();
  /** Why the file was last replaced while in use, for the status bar. */
  private replacedBecause: string | undefined;

  private constructor(
    private db: Database.Database,
    readonly openReport: OpenReport,
    readonly dbPath: string,
  ) {}

  /**
   * Opens (creating if needed) the index at `dbPath`. Never throws for a corrupt, foreign or old-schema file:
   * it is replaced by an empty index and `openReport` says why, so the caller rebuilds from the graph.
   */
  static open(dbPath: string): IndexFile {
    const { db, report } = openDatabase(dbPath);
    return new IndexFile(db, report, dbPath);
  }

  /** The connection as it is now (replaced when the file was found damaged): for pragmas and transactions. */
  get database(): Database.Database {
    return this.db;
  }

  /** Why the file was last replaced while in use, if it was. */
  get problem(): string | undefined {
    return this.replacedBecause;
  }

  /** See SearchIndex.onReset. */
  onReset(listener: (reason: string) => void): () => void {
    this.resetListeners.add(listener);
    return () => this.resetListeners.delete(listener);
  }

  /** Runs `operation`; if SQLite finds the file damaged, replaces it with an empty index and runs it again there. */
  guarded<T>(operation: () => T): T {
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
  named(error: unknown): unknown {
    return isDiskFull(error) ? new DiskFullError(path.dirname(this.dbPath)) : error;
  }

  replaceDamagedFile(error: Error): void {
    try {
      this.db.close();
    } catch {
      // Closing a damaged database may fail too; the file is removed either way.
    }
    this.statements.clear();
    const { db, report } = recreateDatabase(this.dbPath, `the index file is damaged (${error.message})`);
    this.db = db;
    this.replacedBecause = report.reason;
    for (const listener of this.resetListeners) {
      try {
        listener(report.reason!);
      } catch {
        // A failing listener must not stop the others.
      }
    }
  }

  /** Runs `work` in one transaction of the current connection. */
  transaction<T>(work: () => T): T {
    return this.db.transaction(work)();
  }

  run(sql: string, ...params: unknown[]): Database.RunResult {
    return this.statement(sql).run(...params);
  }

  get(sql: string, ...params: unknown[]): unknown {
    return this.statement(sql).get(...params);
  }

  all(sql: string, ...params: unknown[]): unknown[] {
    return this.statement(sql).all(...params);
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

  private statement(sql: string): Database.Statement {
    let statement = this.statements.get(sql);
    if (!statement) {
      statement = this.db.prepare(sql);
      this.statements.set(sql, statement);
    }
    return statement;
  }
}

/** SQLite's word for a damaged or foreign file. */
export function isDamage(error: unknown): boolean {
  const code = error instanceof Database.SqliteError ? error.code : undefined;
  return code !== undefined && (code.startsWith('SQLITE_CORRUPT') || code === 'SQLITE_NOTADB');
}

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
  // close cleanly; damage found later while in use is handled by IndexFile.guarded.
  const session = db.prepare("SELECT value FROM meta WHERE key = 'session'").get() as { value: string } | undefined;
  if (session?.value === 'closed') return undefined;
  const problems = (db.pragma('quick_check', { simple: false }) as { quick_check: string }[]).map((row) => row.quick_check).filter((text) => text !== 'ok');
  return problems.length ? `the index file is damaged (${problems.slice(0, 3).join('; ')})` : undefined;
}

function markSessionOpen(db: Database.Database): void {
  db.prepare("INSERT INTO meta (key, value) VALUES ('session', 'open') ON CONFLICT(key) DO UPDATE SET value = excluded.value").run();
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
