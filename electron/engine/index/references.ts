// Read models over the index's reference rows: resolving a page name (or alias) to its page, the linked and
// unlinked references of a page grouped by the page they are on, and every page with its backlink count.
import { pageNameOf } from '../graph/names';
import { PAGE_ORD } from './refs';
import type { SearchIndex } from './search-index';

export interface IndexedPage {
  path: string;
  name: string;
  title: string;
  kind: 'page' | 'journal';
  journalDate?: string;
  format: string;
  mtimeMs: number;
  aliases: string[];
}

export interface ReferenceBlock {
  ord: number;
  uuid?: string;
  marker?: string;
  /** The block's text; for the page's own properties (ord -1), its property lines. */
  text: string;
}

export interface ReferenceGroup {
  page: { path: string; title: string; kind: 'page' | 'journal'; journalDate?: string };
  blocks: ReferenceBlock[];
}

interface PageRow {
  path: string;
  name: string;
  title: string;
  kind: 'page' | 'journal';
  journal_date: string | null;
  format: string;
  mtime_ms: number;
  properties: string;
}

interface RefRow {
  path: string;
  ord: number;
  title: string;
  kind: 'page' | 'journal';
  journal_date: string | null;
  properties: string;
  uuid: string | null;
  marker: string | null;
  text: string | null;
}

const PAGE_COLUMNS = 'path, name, title, kind, journal_date, format, mtime_ms, properties';

function pageOf(row: PageRow): IndexedPage {
  const aliases = aliasesOf(row.properties);
  return {
    path: row.path,
    name: row.name,
    title: row.title,
    kind: row.kind,
    ...(row.journal_date ? { journalDate: row.journal_date } : {}),
    format: row.format,
    mtimeMs: row.mtime_ms,
    aliases,
  };
}

function aliasesOf(propertiesJson: string): string[] {
  const value = (JSON.parse(propertiesJson) as Record<string, string | string[]>).alias;
  if (value === undefined) return [];
  const items = Array.isArray(value) ? value : value.split(',');
  return items.map((item) => item.trim().replace(/^\[\[(.*)\]\]$/, '$1').replace(/^#/, '').trim()).filter(Boolean);
}

/**
 * The page a `[[name]]` link opens, as Logseq resolves it: the page with that name (case-insensitive), else
 * the page that holds it as `alias::`. When two pages claim it, the first path wins.
 */
export function resolvePage(index: SearchIndex, name: string): IndexedPage | undefined {
  const wanted = pageNameOf(name.trim());
  if (!wanted) return undefined;
  const [own] = index.readRows<PageRow>(`SELECT ${PAGE_COLUMNS} FROM pages WHERE name = ? ORDER BY path LIMIT 1`, wanted);
  if (own) return pageOf(own);
  const [aliased] = index.readRows<PageRow>(
    `SELECT ${PAGE_COLUMNS} FROM pages WHERE path IN (SELECT path FROM block_props WHERE ord = ? AND key = 'alias' AND value = ?) ORDER BY path LIMIT 1`,
    PAGE_ORD,
    wanted,
  );
  return aliased ? pageOf(aliased) : undefined;
}

export function pageAt(index: SearchIndex, path: string): IndexedPage | undefined {
  const [row] = index.readRows<PageRow>(`SELECT ${PAGE_COLUMNS} FROM pages WHERE path = ?`, path);
  return row ? pageOf(row) : undefined;
}

/** Every name that links to this page: its own and its aliases, lower-cased. */
export function namesOf(page: Pick<IndexedPage, 'name' | 'aliases'>): string[] {
  return [...new Set([page.name, ...page.aliases.map((alias) => pageNameOf(alias))])];
}

/**
 * Blocks on other pages that link any of `names`, grouped by page: journals newest first, then pages by title,
 * blocks in file order. A link in a page's properties is listed as that page's property lines (ord -1).
 */
export function linkedReferences(index: SearchIndex, names: string[], ownPath?: string): ReferenceGroup[] {
  if (!names.length) return [];
  const rows = index.readRows<RefRow>(
    `SELECT DISTINCT r.path, r.ord, p.title, p.kind, p.journal_date, p.properties, b.uuid, b.marker, b.text
     FROM block_refs r JOIN pages p ON p.path = r.path LEFT JOIN blocks b ON b.path = r.path AND b.ord = r.ord
     WHERE r.target IN (${names.map(() => '?').join(', ')}) AND r.path <> ?
     ORDER BY p.journal_date IS NULL, p.journal_date DESC, p.title COLLATE NOCASE, r.path, r.ord`,
    ...names,
    ownPath ?? '',
  );
  return group(rows.map((row) => ({ row, text: row.ord === PAGE_ORD ? propertyLines(row.properties) : (row.text ?? '') })));
}

/**
 * Blocks on other pages that mention the page's title or an alias as plain words, without linking it.
 * A scan of the blocks table, so callers load it on demand, as Logseq does.
 */
export function unlinkedReferences(index: SearchIndex, page: Pick<IndexedPage, 'path' | 'name' | 'title' | 'aliases'>): ReferenceGroup[] {
  const names = namesOf(page);
  const phrases = [...new Set([page.title, ...page.aliases].map((phrase) => phrase.trim().toLowerCase()).filter((phrase) => phrase.length >= 2))];
  if (!phrases.length) return [];
  const rows = index.readRows<RefRow>(
    `SELECT b.path, b.ord, p.title, p.kind, p.journal_date, p.properties, b.uuid, b.marker, b.text
     FROM blocks b JOIN pages p ON p.path = b.path
     WHERE b.path <> ? AND (${phrases.map(() => 'instr(lower(b.text), ?) > 0').join(' OR ')})
       AND NOT EXISTS (SELECT 1 FROM block_refs r WHERE r.path = b.path AND r.ord = b.ord AND r.target IN (${names.map(() => '?').join(', ')}))
     ORDER BY p.journal_date IS NULL, p.journal_date DESC, p.title COLLATE NOCASE, b.path, b.ord`,
    page.path,
    ...phrases,
    ...names,
  );
  // SQL found the substring; keep only whole-word mentions ("tag" is no mention of "Tagging").
  const patterns = phrases.map((phrase) => new RegExp(`(^|[^\\p{L}\\p{N}])${escapeRegExp(phrase)}($|[^\\p{L}\\p{N}])`, 'iu'));
  return group(rows.filter((row) => patterns.some((pattern) => pattern.test(row.text ?? ''))).map((row) => ({ row, text: row.text ?? '' })));
}

/** Every page and journal with the number of other pages linking it (by name or alias). */
export function listPages(index: SearchIndex): Array<IndexedPage & { backlinks: number }> {
  const pages = index.readRows<PageRow>(`SELECT ${PAGE_COLUMNS} FROM pages ORDER BY title COLLATE NOCASE, path`).map(pageOf);
  const linking = new Map<string, Set<string>>();
  for (const row of index.readRows<{ target: string; path: string }>('SELECT DISTINCT target, path FROM block_refs')) {
    let paths = linking.get(row.target);
    if (!paths) linking.set(row.target, (paths = new Set()));
    paths.add(row.path);
  }
  return pages.map((page) => {
    const from = new Set<string>();
    for (const name of namesOf(page)) for (const path of linking.get(name) ?? []) if (path !== page.path) from.add(path);
    return { ...page, backlinks: from.size };
  });
}

function group(items: Array<{ row: RefRow; text: string }>): ReferenceGroup[] {
  const groups = new Map<string, ReferenceGroup>();
  for (const { row, text } of items) {
    let entry = groups.get(row.path);
    if (!entry) {
      entry = { page: { path: row.path, title: row.title, kind: row.kind, ...(row.journal_date ? { journalDate: row.journal_date } : {}) }, blocks: [] };
      groups.set(row.path, entry);
    }
    entry.blocks.push({ ord: row.ord, ...(row.uuid ? { uuid: row.uuid } : {}), ...(row.marker ? { marker: row.marker } : {}), text });
  }
  return [...groups.values()];
}

function propertyLines(propertiesJson: string): string {
  const properties = JSON.parse(propertiesJson) as Record<string, string | string[]>;
  return Object.entries(properties)
    .map(([key, value]) => `${key}:: ${Array.isArray(value) ? value.join(', ') : value}`)
    .join('\n');
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
