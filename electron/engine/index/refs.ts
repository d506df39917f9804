// The index's reference rows: which block of which page links which page (linked references), and every
// block's and page's properties (simple queries). Derived per page by pure functions, so the incremental
// path and a rebuild write the same rows.
import type { ParsedPage, PropertyValue } from '../../../shared/types';
import { pageNameOf } from '../graph/names';

/** `ord` of the rows that stand for the page itself (its page properties, Logseq's pre-block). */
export const PAGE_ORD = -1;

export const REFS_SCHEMA = `
CREATE TABLE block_refs (target TEXT NOT NULL, path TEXT NOT NULL, ord INTEGER NOT NULL, PRIMARY KEY (target, path, ord)) WITHOUT ROWID;
CREATE INDEX block_refs_path ON block_refs(path);
CREATE TABLE block_props (path TEXT NOT NULL, ord INTEGER NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL, PRIMARY KEY (path, ord, key, value)) WITHOUT ROWID;
CREATE INDEX block_props_key ON block_props(key, value);
`;

export const REFS_TABLES = ['block_refs', 'block_props'] as const;

export interface ReferenceRows {
  /** [target page name, block ord] */
  refs: Array<[string, number]>;
  /** [block ord, key, lower-cased value]; one row per item of a list value. */
  props: Array<[number, string, string]>;
}

export function referenceRows(page: ParsedPage): ReferenceRows {
  const refs = new Map<string, [string, number]>();
  const addRef = (target: string, ord: number) => {
    const name = pageNameOf(target.trim());
    if (name) refs.set(`${ord}\u0000${name}`, [name, ord]);
  };
  const props = new Map<string, [number, string, string]>();
  const addProps = (ord: number, properties: Record<string, PropertyValue>) => {
    for (const [key, value] of Object.entries(properties)) {
      for (const item of propertyItems(value)) props.set(`${ord}\u0000${key}\u0000${item}`, [ord, key, item]);
    }
  };
  // Page properties that link pages (tags::, alias:: …) are the page's own references, shown as its pre-block.
  for (const ref of propertyRefs(page.properties)) addRef(ref, PAGE_ORD);
  addProps(PAGE_ORD, page.properties);
  page.blocks.forEach((block, ord) => {
    for (const ref of block.refs) addRef(ref, ord);
    addProps(ord, block.properties);
  });
  return { refs: [...refs.values()], props: [...props.values()] };
}

/** Properties whose values never link pages, as the graph parser reads them. */
const NON_REF_PROPERTIES = new Set(['id', 'title', 'collapsed', 'created-at', 'updated-at', 'heading']);
const PAGE_REF = /\[\[([^[\]]+?)\]\]/g;
const TAG = /(^|[\s,(])#(?!\[\[)([^\s,;!?"'()[\]{}#]+)/g;

/** Page names the page properties link: list items, and `[[x]]` / `#x` inside text values. */
function propertyRefs(properties: Record<string, PropertyValue>): string[] {
  const names: string[] = [];
  for (const [key, value] of Object.entries(properties)) {
    if (NON_REF_PROPERTIES.has(key)) continue;
    if (Array.isArray(value)) names.push(...value);
    else {
      for (const m of value.matchAll(PAGE_REF)) names.push(m[1]);
      for (const m of value.matchAll(TAG)) names.push(m[2].replace(/[.]+$/, ''));
    }
  }
  return names;
}

/** The comparable items of a property value: lower-cased, without `[[ ]]` or `#`. */
export function propertyItems(value: PropertyValue): string[] {
  const items = Array.isArray(value) ? value : value.split(/,\s*/);
  return [...new Set(items.map((item) => item.trim().replace(/^#/, '').replace(/^\[\[(.*)\]\]$/, '$1').trim().toLowerCase()).filter(Boolean))];
}

type Run = (sql: string, ...params: unknown[]) => unknown;

export function writeReferenceRows(run: Run, path: string, rows: ReferenceRows): void {
  for (const [target, ord] of rows.refs) run('INSERT INTO block_refs (target, path, ord) VALUES (?, ?, ?)', target, path, ord);
  for (const [ord, key, value] of rows.props) run('INSERT INTO block_props (path, ord, key, value) VALUES (?, ?, ?, ?)', path, ord, key, value);
}

export function removeReferenceRows(run: Run, path: string): void {
  run('DELETE FROM block_refs WHERE path = ?', path);
  run('DELETE FROM block_props WHERE path = ?', path);
}
