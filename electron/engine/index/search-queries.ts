// Reading the search index: ranked full-text search over every kind (bm25 with the schema's weights, title hits
// first, documents with every term before those with some), the best-matching block of a page, blocks by page or
// uuid, and the indexed tool docs. Plain functions over an IndexFile; the caller guards them against damage.
import { InvalidInputError } from '../../../shared/errors';
import type { SearchFilters, SearchHit, SearchKind, ToolDoc } from '../../../shared/types';
import { highlightTerms, termCount, toFtsQuery, type HighlightTerms } from './query';
import { leadSnippet, markedSnippet, matchStrength } from './snippets';
import { RANK_WEIGHTS } from './schema';
import { plainText, titleFirstOrder } from './reading';
import { addFieldFilters, filterDay, type FilterClauses } from './filters';
import type { IndexFile } from './index-file';

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

const DEFAULT_LIMIT = 20;
const MAX_LIMIT = 200;
const SNIPPET_TOKENS = 16;
const SEARCH_KINDS: readonly SearchKind[] = ['skill', 'page', 'journal', 'tool'];

/** See SearchIndex.search. */
export function searchDocuments(file: IndexFile, query: string, opts: SearchOptions): SearchResult {
  const limit = Math.min(Math.max(Math.trunc(opts.limit ?? DEFAULT_LIMIT), 1), MAX_LIMIT);
  const offset = Math.max(Math.trunc(opts.offset ?? 0), 0);
  const { clauses, params } = docFilterClauses(opts.filters ?? {});
  const match = toFtsQuery(query);
  if (!match) {
    if (!clauses.length) return { hits: [], total: 0, allTerms: 0 };
    const where = `WHERE ${clauses.join(' AND ')}`;
    const total = (file.get(`SELECT count(*) AS n FROM search_docs d ${where}`, ...params) as { n: number }).n;
    const rows = file.all(
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
      ? (file.get(`SELECT count(*) AS n FROM ${from} WHERE ${where}`, expression, ...params) as { n: number }).n
      : (file.get('SELECT count(*) AS n FROM search_fts WHERE search_fts MATCH ?', expression) as { n: number }).n;
  const titleFirst = titleFirstOrder(query);
  const ranked = (expression: string, rowLimit: number, rowOffset: number) =>
    file.all(
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
      const text = file.get('SELECT body, tags FROM search_text WHERE rowid = ?', row.id) as { body: string; tags: string };
      const body = plainText(text.body);
      const bodySnippet = markedSnippet(body, terms, SNIPPET_TOKENS);
      const snippet = bodySnippet ?? markedSnippet(text.tags, terms, SNIPPET_TOKENS) ?? leadSnippet(body, SNIPPET_TOKENS);
      const hit = hitOf(row, snippet, -row.rank);
      // A page's body is its blocks' text, so when the body has no match (a title hit) no block has one either.
      if ((row.kind !== 'page' && row.kind !== 'journal') || bodySnippet === null) return hit;
      const block = bestBlock(file, row.key, terms);
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
function bestBlock(file: IndexFile, pagePath: string, terms: HighlightTerms): SearchHit['block'] {
  let best: { row: BlockTextRow; distinct: number; matches: number } | undefined;
  for (const row of file.all('SELECT ord, uuid, text FROM blocks WHERE path = ? ORDER BY ord', pagePath) as BlockTextRow[]) {
    const strength = matchStrength(row.text, terms);
    if (!strength.distinct) continue;
    if (!best || strength.distinct > best.distinct || (strength.distinct === best.distinct && strength.matches > best.matches)) best = { row, ...strength };
  }
  if (!best) return undefined;
  return { ...(best.row.uuid === null ? {} : { uuid: best.row.uuid }), ord: best.row.ord, text: best.row.text };
}

/** The blocks of one indexed page in file order; empty when the page is not indexed. */
export function blocksOf(file: IndexFile, pagePath: string): IndexedBlock[] {
  return (file.all('SELECT * FROM blocks WHERE path = ? ORDER BY ord', pagePath) as BlockRow[]).map(blockOf);
}

/** See SearchIndex.block. */
export function blockByUuid(file: IndexFile, id: string): IndexedBlock | undefined {
  const row = file.get('SELECT * FROM blocks WHERE uuid = ? ORDER BY path, ord LIMIT 1', id) as BlockRow | undefined;
  return row ? blockOf(row) : undefined;
}

/** The indexed tool docs of one server, or of all servers. */
export function toolDocs(file: IndexFile, server?: string): ToolDoc[] {
  const rows = (server === undefined ? file.all('SELECT * FROM tool_docs ORDER BY server, tool') : file.all('SELECT * FROM tool_docs WHERE server = ? ORDER BY tool', server)) as ToolDocRow[];
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

function docFilterClauses(filters: SearchFilters): FilterClauses {
  const filter: FilterClauses = { clauses: [], params: [] };
  if (filters.kinds?.length) {
    for (const kind of filters.kinds) {
      if (!SEARCH_KINDS.includes(kind)) throw new InvalidInputError(`unknown search kind "${kind}"; use one of ${SEARCH_KINDS.join(', ')}`);
    }
    filter.clauses.push(`d.kind IN (${filters.kinds.map(() => '?').join(', ')})`);
    filter.params.push(...filters.kinds);
  }
  addFieldFilters(filter, filters, 'd', 'd.rowid IN (SELECT doc FROM doc_tags WHERE tag = ?)');
  if (filters.from) {
    filter.clauses.push('d.date >= ?');
    filter.params.push(filterDay('from', filters.from));
  }
  if (filters.to) {
    filter.clauses.push('d.date <= ?');
    filter.params.push(filterDay('to', filters.to));
  }
  return filter;
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
