// Logseq's simple queries (`{{query …}}`) read and evaluated from the index: and/or/not, page refs and tags,
// "full text", (task …), (priority …), (property k v), (page-property k v), (page-tags …), (page "x") and
// (between a b) over journals. Anything else is a typed error naming the operator, never an empty result.
import { InvalidInputError } from '../../../shared/errors';
import { pageNameOf } from '../graph/names';
import { PAGE_ORD, propertyItems } from './refs';
import type { SearchIndex } from './search-index';

export type QueryNode =
  | { op: 'and' | 'or'; args: QueryNode[] }
  | { op: 'not'; args: QueryNode[] }
  | { op: 'ref'; name: string }
  | { op: 'text'; text: string }
  | { op: 'call'; name: string; args: string[] };

export class QuerySyntaxError extends InvalidInputError {
  constructor(query: string, problem: string) {
    super(`query ${JSON.stringify(query)}: ${problem}`);
  }
}

type Token = { kind: 'open' | 'close' } | { kind: 'ref'; name: string } | { kind: 'text'; text: string } | { kind: 'word'; word: string };

function tokenize(query: string): Token[] {
  const tokens: Token[] = [];
  const pattern = /\s+|(\()|(\))|#?\[\[([^\]]*)\]\]|"([^"]*)"|#([^\s()[\]"#,]+)|([^\s()"]+)/gy;
  let last = 0;
  for (let m = pattern.exec(query); m; m = pattern.exec(query)) {
    last = pattern.lastIndex;
    if (m[1]) tokens.push({ kind: 'open' });
    else if (m[2]) tokens.push({ kind: 'close' });
    else if (m[3] !== undefined) tokens.push({ kind: 'ref', name: m[3] });
    else if (m[4] !== undefined) tokens.push({ kind: 'text', text: m[4] });
    else if (m[5] !== undefined) tokens.push({ kind: 'ref', name: m[5] });
    else if (m[6] !== undefined) tokens.push({ kind: 'word', word: m[6] });
  }
  if (last < query.length) throw new QuerySyntaxError(query, `cannot read it from character ${last + 1} (an unclosed " or [[?)`);
  return tokens;
}

const BOOLEAN_OPS = new Set(['and', 'or', 'not']);
const CALLS = new Set(['task', 'todo', 'priority', 'property', 'page-property', 'page-tags', 'page', 'between']);

/** Reads a simple query; several terms at the top level are joined with and, as Logseq does. */
export function parseSimpleQuery(query: string): QueryNode {
  const tokens = tokenize(query.trim());
  let at = 0;
  const node = (): QueryNode => {
    const token = tokens[at++];
    if (!token) throw new QuerySyntaxError(query, 'it ends too early (a missing closing parenthesis?)');
    if (token.kind === 'ref') return { op: 'ref', name: token.name };
    if (token.kind === 'text') return { op: 'text', text: token.text };
    if (token.kind === 'word') return { op: 'text', text: token.word };
    if (token.kind === 'close') throw new QuerySyntaxError(query, 'it has a ) without a matching (');
    const head = tokens[at++];
    if (!head || head.kind !== 'word') throw new QuerySyntaxError(query, 'a ( must be followed by an operator such as and, or, not, task, property');
    const op = head.word.toLowerCase();
    if (BOOLEAN_OPS.has(op)) {
      const args: QueryNode[] = [];
      while (tokens[at] && tokens[at].kind !== 'close') args.push(node());
      if (!tokens[at++]) throw new QuerySyntaxError(query, `(${op} …) is never closed`);
      if (!args.length) throw new QuerySyntaxError(query, `(${op}) needs at least one term`);
      return { op: op as 'and' | 'or' | 'not', args };
    }
    if (!CALLS.has(op)) throw new QuerySyntaxError(query, `unknown operator (${op} …); simple queries support and, or, not, ${[...CALLS].join(', ')}`);
    const args: string[] = [];
    for (; tokens[at] && tokens[at].kind !== 'close'; at++) {
      const arg = tokens[at];
      if (arg.kind === 'open') throw new QuerySyntaxError(query, `(${op} …) takes names and values, not another (…)`);
      args.push(arg.kind === 'ref' ? arg.name : arg.kind === 'text' ? arg.text : arg.kind === 'word' ? arg.word : '');
    }
    if (!tokens[at++]) throw new QuerySyntaxError(query, `(${op} …) is never closed`);
    return { op: 'call', name: op === 'todo' ? 'task' : op, args };
  };
  const terms: QueryNode[] = [];
  while (at < tokens.length) terms.push(node());
  if (!terms.length) throw new QuerySyntaxError(query, 'it is empty');
  return terms.length === 1 ? terms[0] : { op: 'and', args: terms };
}

export interface QueryResultBlock {
  path: string;
  ord: number;
  uuid?: string;
  marker?: string;
  text: string;
}
export interface QueryResultPage {
  path: string;
  title: string;
  kind: 'page' | 'journal';
}
export interface SimpleQueryResult {
  /** Pages, for queries made only of page-level terms (page-property, page-tags). */
  pages: QueryResultPage[];
  /** Blocks grouped under their page, in file order. */
  groups: Array<{ page: QueryResultPage; blocks: QueryResultBlock[] }>;
  /** How many blocks matched in all (groups hold at most `limit`). */
  total: number;
}

/** A set of matches: page paths for page-level terms, `path\0ord` keys for block-level ones. */
type Matches = { level: 'page' | 'block'; keys: Set<string> };

const QUERY_MACRO = /\{\{query\b/i;
const key = (path: string, ord: number) => `${path}\u0000${ord}`;
const pathOfKey = (k: string) => k.slice(0, k.indexOf('\u0000'));

export function evaluateSimpleQuery(index: SearchIndex, query: string, options: { limit?: number; today?: Date } = {}): SimpleQueryResult {
  const tree = parseSimpleQuery(query);
  const today = options.today ?? new Date();
  const blockKeys = (sql: string, ...params: unknown[]): Matches => ({
    level: 'block',
    keys: new Set(index.readRows<{ path: string; ord: number }>(sql, ...params).map((row) => key(row.path, row.ord))),
  });
  const pageKeys = (sql: string, ...params: unknown[]): Matches => ({ level: 'page', keys: new Set(index.readRows<{ path: string }>(sql, ...params).map((row) => row.path)) });
  const allBlocks = () => blockKeys('SELECT path, ord FROM blocks');
  const allPages = () => pageKeys('SELECT path FROM pages');

  const toBlocks = (m: Matches): Matches => {
    if (m.level === 'block') return m;
    const all = allBlocks();
    return { level: 'block', keys: new Set([...all.keys].filter((k) => m.keys.has(pathOfKey(k)))) };
  };

  const evaluate = (node: QueryNode): Matches => {
    switch (node.op) {
      case 'ref':
        return blockKeys('SELECT path, ord FROM block_refs WHERE target = ? AND ord <> ?', pageNameOf(node.name.trim()), PAGE_ORD);
      case 'text':
        return blockKeys('SELECT path, ord FROM blocks WHERE instr(lower(text), ?) > 0', node.text.toLowerCase());
      case 'and': {
        const parts = node.args.map(evaluate);
        const level = parts.every((p) => p.level === 'page') ? 'page' : 'block';
        const sets = parts.map((p) => (level === 'block' ? toBlocks(p) : p));
        return { level, keys: new Set([...sets[0].keys].filter((k) => sets.every((s) => s.keys.has(k)))) };
      }
      case 'or': {
        const parts = node.args.map(evaluate);
        const level = parts.every((p) => p.level === 'page') ? 'page' : 'block';
        return { level, keys: new Set(parts.flatMap((p) => [...(level === 'block' ? toBlocks(p) : p).keys])) };
      }
      case 'not': {
        const inner = node.args.length === 1 ? evaluate(node.args[0]) : evaluate({ op: 'or', args: node.args });
        const universe = inner.level === 'page' ? allPages() : allBlocks();
        return { level: inner.level, keys: new Set([...universe.keys].filter((k) => !inner.keys.has(k))) };
      }
      case 'call':
        return call(node.name, node.args);
    }
  };

  const call = (name: string, args: string[]): Matches => {
    const need = (n: number) => {
      if (args.length < n) throw new QuerySyntaxError(query, `(${name} …) needs ${n === 1 ? 'an argument' : `${n} arguments`}`);
    };
    switch (name) {
      case 'task': {
        need(1);
        const markers = args.map((a) => a.toUpperCase());
        return blockKeys(`SELECT path, ord FROM blocks WHERE marker IN (${markers.map(() => '?').join(', ')})`, ...markers);
      }
      case 'priority': {
        need(1);
        const wanted = args.map((a) => a.toUpperCase());
        const rows = index.readRows<{ path: string; ord: number; text: string }>("SELECT path, ord, text FROM blocks WHERE instr(text, '[#') > 0");
        return { level: 'block', keys: new Set(rows.filter((r) => wanted.some((p) => r.text.includes(`[#${p}]`))).map((r) => key(r.path, r.ord))) };
      }
      case 'property':
      case 'page-property': {
        need(1);
        const prop = args[0].toLowerCase().replace(/^:/, '');
        const values = args.slice(1).flatMap((value) => propertyItems(value));
        const ordClause = name === 'property' ? 'ord <> ?' : 'ord = ?';
        const valueClause = values.length ? ` AND value IN (${values.map(() => '?').join(', ')})` : '';
        const sql = `SELECT DISTINCT path, ord FROM block_props WHERE key = ? AND ${ordClause}${valueClause}`;
        return name === 'property' ? blockKeys(sql, prop, PAGE_ORD, ...values) : pageKeys(sql, prop, PAGE_ORD, ...values);
      }
      case 'page-tags': {
        need(1);
        const tags = args.flatMap((tag) => propertyItems(tag));
        return pageKeys(`SELECT DISTINCT path FROM block_props WHERE ord = ? AND key = 'tags' AND value IN (${tags.map(() => '?').join(', ')})`, PAGE_ORD, ...tags);
      }
      case 'page': {
        need(1);
        const names = args.map((a) => pageNameOf(a.trim()));
        return blockKeys(`SELECT b.path, b.ord FROM blocks b JOIN pages p ON p.path = b.path WHERE p.name IN (${names.map(() => '?').join(', ')})`, ...names);
      }
      case 'between': {
        need(2);
        const [from, to] = [dayOf(args[0]), dayOf(args[1])].sort();
        return blockKeys("SELECT b.path, b.ord FROM blocks b JOIN pages p ON p.path = b.path WHERE p.kind = 'journal' AND p.journal_date BETWEEN ? AND ?", from, to);
      }
    }
    throw new QuerySyntaxError(query, `unknown operator (${name} …)`);
  };

  /** today, yesterday, tomorrow, -7d / +2w / -1m / -1y, 2026-12-01, or a journal page's title. */
  const dayOf = (arg: string): string => {
    const word = arg.trim().toLowerCase();
    const shift = (days: number) => new Date(Date.UTC(today.getFullYear(), today.getMonth(), today.getDate() + days)).toISOString().slice(0, 10);
    if (word === 'today') return shift(0);
    if (word === 'yesterday') return shift(-1);
    if (word === 'tomorrow') return shift(1);
    const relative = /^([+-]?\d+)([dwmy])$/.exec(word);
    if (relative) {
      const n = Number(relative[1]);
      return shift(relative[2] === 'd' ? n : relative[2] === 'w' ? n * 7 : relative[2] === 'm' ? n * 30 : n * 365);
    }
    if (/^\d{4}-\d{2}-\d{2}$/.test(word)) return word;
    if (/^\d{8}$/.test(word)) return `${word.slice(0, 4)}-${word.slice(4, 6)}-${word.slice(6)}`;
    const [journal] = index.readRows<{ journal_date: string }>("SELECT journal_date FROM pages WHERE kind = 'journal' AND name = ?", pageNameOf(arg.trim()));
    if (journal) return journal.journal_date;
    throw new QuerySyntaxError(query, `(between …) cannot read the date "${arg}"; use today, -7d, 2026-12-01 or a journal page such as [[Dec 1st, 2026]]`);
  };

  const result = evaluate(tree);
  const limit = options.limit ?? 200;
  const pageInfo = new Map<string, QueryResultPage>();
  for (const row of index.readRows<QueryResultPage>('SELECT path, title, kind FROM pages')) pageInfo.set(row.path, row);
  if (result.level === 'page') {
    const pages = [...result.keys].map((path) => pageInfo.get(path)).filter((page): page is QueryResultPage => !!page);
    pages.sort((a, b) => a.title.localeCompare(b.title, undefined, { sensitivity: 'base' }));
    return { pages: pages.slice(0, limit), groups: [], total: pages.length };
  }
  const keys = [...result.keys].map((k) => ({ path: pathOfKey(k), ord: Number(k.slice(k.indexOf('\u0000') + 1)) }));
  keys.sort((a, b) => a.path.localeCompare(b.path) || a.ord - b.ord);
  const groups = new Map<string, { page: QueryResultPage; blocks: QueryResultBlock[] }>();
  let total = 0;
  for (const { path, ord } of keys) {
    const [block] = index.readRows<{ uuid: string | null; marker: string | null; text: string }>('SELECT uuid, marker, text FROM blocks WHERE path = ? AND ord = ?', path, ord);
    const page = pageInfo.get(path);
    // A query never lists the block holding a query (its own words and links would match it), as in Logseq.
    if (!block || !page || QUERY_MACRO.test(block.text)) continue;
    if (++total > limit) continue;
    let group = groups.get(path);
    if (!group) groups.set(path, (group = { page, blocks: [] }));
    group.blocks.push({ path, ord, ...(block.uuid ? { uuid: block.uuid } : {}), ...(block.marker ? { marker: block.marker } : {}), text: block.text });
  }
  return { pages: [], groups: [...groups.values()], total };
}
