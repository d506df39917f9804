// The index database's schema and its versions. The index is a disposable cache: a version with no
// migration path is dropped and rebuilt from the graph rather than repaired.
import type Database from 'better-sqlite3';
import { REFS_SCHEMA, REFS_TABLES } from './refs';

/** Bump when the tables change or when the rows derived from a page change (rows must be rebuilt). */
export const SCHEMA_VERSION = 4;

/**
 * `MIGRATIONS[n]` takes a database at version n to version n + 1. Version 0 is an empty file. A future
 * additive change appends here; a change in how pages become rows leaves a gap, forcing a rebuild.
 */
export const MIGRATIONS: Record<number, (db: Database.Database) => void> = {
  0: (db) => db.exec(SCHEMA_V1),
  // Nothing read the blocks table, and writing every block's text a second time cost ~12% of a cold build.
  1: (db) => db.exec('DROP TABLE blocks'),
  // Blocks are back, read by search hits (the best matching block) and by ((uuid)) references. The index keeps
  // no page source to derive them from, so every page's hash is cleared: the existing rows keep answering
  // searches, and the next rebuild from the graph (the feeder's start) sees every page as changed and rewrites it.
  2: (db) => db.exec(`${BLOCKS_V3}\nUPDATE pages SET hash = '';`),
  // Linked references and simple queries (index/refs.ts): block-level refs and properties. Every page's hash is
  // cleared for the same reason as above: the next rebuild rewrites each page and fills the new tables.
  3: (db) => db.exec(`${REFS_SCHEMA}\nUPDATE pages SET hash = '';`),
};

// ord is the block's position in ParsedPage.blocks, so parent (an ord too) resolves within the page. The
// primary key doubles as the index on path (WITHOUT ROWID: the table is that one b-tree).
const BLOCKS_V3 = `
CREATE TABLE blocks (
  path TEXT NOT NULL,
  ord INTEGER NOT NULL,
  uuid TEXT,
  level INTEGER NOT NULL,
  parent INTEGER NOT NULL,
  marker TEXT,
  text TEXT NOT NULL,
  PRIMARY KEY (path, ord)
) WITHOUT ROWID;
CREATE INDEX blocks_uuid ON blocks(uuid) WHERE uuid IS NOT NULL;
`;

// Column weights for bm25, in FTS column order: title, names, tags, body, terms.
export const RANK_WEIGHTS = [10, 8, 4, 1, 0.5] as const;

const SCHEMA_V1 = `
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);

CREATE TABLE pages (
  path TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  title TEXT NOT NULL,
  kind TEXT NOT NULL,
  journal_date TEXT,
  format TEXT NOT NULL,
  properties TEXT NOT NULL,
  warnings TEXT NOT NULL,
  hash TEXT NOT NULL,
  mtime_ms REAL NOT NULL
);
CREATE INDEX pages_name ON pages(name);

CREATE TABLE blocks (
  page_path TEXT NOT NULL,
  position INTEGER NOT NULL,
  uuid TEXT,
  level INTEGER NOT NULL,
  parent INTEGER NOT NULL,
  marker TEXT,
  text TEXT NOT NULL,
  PRIMARY KEY (page_path, position)
) WITHOUT ROWID;
CREATE INDEX blocks_uuid ON blocks(uuid) WHERE uuid IS NOT NULL;

CREATE TABLE page_tags (page_path TEXT NOT NULL, tag TEXT NOT NULL, PRIMARY KEY (page_path, tag)) WITHOUT ROWID;
CREATE INDEX page_tags_tag ON page_tags(tag);

-- Page names each page links to; backlink counts rank skills by how often they are used.
CREATE TABLE page_refs (page_path TEXT NOT NULL, target TEXT NOT NULL, PRIMARY KEY (page_path, target)) WITHOUT ROWID;
CREATE INDEX page_refs_target ON page_refs(target);

CREATE TABLE skills (
  path TEXT PRIMARY KEY,
  id TEXT NOT NULL,
  name TEXT NOT NULL,
  page_name TEXT NOT NULL,
  description TEXT NOT NULL,
  language TEXT NOT NULL,
  status TEXT NOT NULL,
  source TEXT NOT NULL,
  source_name TEXT,
  created TEXT,
  updated TEXT,
  data TEXT NOT NULL
);
CREATE INDEX skills_name ON skills(name COLLATE NOCASE, path);
CREATE INDEX skills_updated ON skills(updated, name COLLATE NOCASE);

CREATE TABLE skill_servers (skill_path TEXT NOT NULL, server TEXT NOT NULL, PRIMARY KEY (skill_path, server)) WITHOUT ROWID;
CREATE INDEX skill_servers_server ON skill_servers(server);

CREATE TABLE tool_docs (
  server TEXT NOT NULL,
  tool TEXT NOT NULL,
  identifier TEXT NOT NULL,
  description TEXT NOT NULL,
  signature TEXT NOT NULL,
  input_schema TEXT NOT NULL,
  output_schema TEXT,
  read_only INTEGER NOT NULL,
  schema_hash TEXT NOT NULL,
  PRIMARY KEY (server, tool)
) WITHOUT ROWID;

-- One searchable document per page, journal, skill or tool, so one bm25 ranks all kinds together.
-- origin 'graph' documents are owned by a page path, origin 'tool' documents by a server name.
-- Kept narrow (no text) because ranking joins every match to it; the text lives in search_text.
CREATE TABLE search_docs (
  rowid INTEGER PRIMARY KEY,
  origin TEXT NOT NULL,
  owner TEXT NOT NULL,
  kind TEXT NOT NULL,
  key TEXT NOT NULL,
  title TEXT NOT NULL,
  language TEXT,
  status TEXT,
  source TEXT,
  date TEXT,
  skill_name TEXT,
  UNIQUE (origin, key)
);
CREATE INDEX search_docs_owner ON search_docs(origin, owner);
CREATE INDEX search_docs_kind_title ON search_docs(kind, title COLLATE NOCASE);

-- The indexed text of each document (same rowid), and the content table of search_fts.
CREATE TABLE search_text (
  rowid INTEGER PRIMARY KEY,
  title TEXT NOT NULL,
  names TEXT NOT NULL,
  tags TEXT NOT NULL,
  body TEXT NOT NULL,
  terms TEXT NOT NULL
);

CREATE TABLE doc_tags (doc INTEGER NOT NULL, tag TEXT NOT NULL, PRIMARY KEY (tag, doc)) WITHOUT ROWID;
CREATE INDEX doc_tags_doc ON doc_tags(doc);

-- unicode61 splits on '_' and '-', so snake_case names match on their parts and a quoted query
-- "analyze_error_spike" becomes the phrase analyze error spike. camelCase parts go into names/terms.
CREATE VIRTUAL TABLE search_fts USING fts5(
  title, names, tags, body, terms,
  content = 'search_text', content_rowid = 'rowid',
  tokenize = 'unicode61 remove_diacritics 2',
  prefix = '2'
);

CREATE TRIGGER search_text_ai AFTER INSERT ON search_text BEGIN
  INSERT INTO search_fts(rowid, title, names, tags, body, terms)
  VALUES (new.rowid, new.title, new.names, new.tags, new.body, new.terms);
END;
CREATE TRIGGER search_text_ad AFTER DELETE ON search_text BEGIN
  INSERT INTO search_fts(search_fts, rowid, title, names, tags, body, terms)
  VALUES ('delete', old.rowid, old.title, old.names, old.tags, old.body, old.terms);
END;
CREATE TRIGGER search_text_au AFTER UPDATE ON search_text BEGIN
  INSERT INTO search_fts(search_fts, rowid, title, names, tags, body, terms)
  VALUES ('delete', old.rowid, old.title, old.names, old.tags, old.body, old.terms);
  INSERT INTO search_fts(rowid, title, names, tags, body, terms)
  VALUES (new.rowid, new.title, new.names, new.tags, new.body, new.terms);
END;
-- Deleting a document deletes its text (and so its full-text entries) and its tags.
CREATE TRIGGER search_docs_ad AFTER DELETE ON search_docs BEGIN
  DELETE FROM search_text WHERE rowid = old.rowid;
  DELETE FROM doc_tags WHERE doc = old.rowid;
END;
`;

/** Tables whose rows are derived from the graph and the tool catalog (all but meta and the FTS shadows). */
export const CONTENT_TABLES = ['pages', 'blocks', 'page_tags', 'page_refs', 'skills', 'skill_servers', 'tool_docs', 'search_docs', 'search_text', 'doc_tags', ...REFS_TABLES] as const;
