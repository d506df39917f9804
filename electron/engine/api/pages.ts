// Handlers for the Logseq reader: a page with its block tree, name resolution, references, the page list,
// referenced blocks and simple queries. Pages come from the live graph; references and queries from the index.
import fs from 'node:fs/promises';
import path from 'node:path';
import type { PageBlock } from '../../../shared/contract';
import { NotFoundError } from '../../../shared/errors';
import type { ParsedBlock, ParsedPage } from '../../../shared/types';
import type { Engine } from '../engine';
import { pageNameOf } from '../graph/names';
import { linkedReferences, listPages, namesOf, pageAt, resolvePage, unlinkedReferences } from '../index/references';
import { evaluateSimpleQuery } from '../index/simple-query';
import { readOrgPage } from '../reader/org';
import type { HandlerSlice } from './types';

export function pageHandlers(engine: Engine): HandlerSlice<'pages.get' | 'pages.resolve' | 'pages.references' | 'pages.list' | 'blocks.get' | 'query.simple'> {
  const graphName = path.basename(engine.graphDir);
  const logseqUrl = (title: string) => `logseq://graph/${encodeURIComponent(graphName)}?page=${encodeURIComponent(title)}`;
  return {
    'pages.get': async ({ path: relPath }) => {
      const page = engine.graph.getByPath(relPath);
      if (!page) throw new NotFoundError(`No page at ${relPath} in the graph.`);
      const markdown = await fs.readFile(path.join(engine.graphDir, engine.graph.diskPath(page.path)), 'utf8');
      const read = page.format === 'org' ? readOrgPage(markdown, page) : { properties: page.properties, blocks: page.blocks.map(pageBlock), warnings: page.warnings };
      return {
        path: page.path,
        title: page.title,
        name: page.name,
        kind: page.kind,
        format: page.format,
        markdown,
        properties: read.properties,
        aliases: aliasesOf(page),
        blocks: read.blocks,
        warnings: read.warnings,
        logseqUrl: logseqUrl(page.title),
      };
    },
    'pages.resolve': async ({ name }) => {
      const page = resolvePage(engine.index, name);
      return { name: pageNameOf(name.trim()), ...(page ? { page: target(page) } : {}) };
    },
    'pages.references': async ({ name, unlinked }) => {
      const page = resolvePage(engine.index, name);
      const names = page ? namesOf(page) : [pageNameOf(name.trim())];
      return {
        linked: linkedReferences(engine.index, names, page?.path),
        ...(unlinked ? { unlinked: unlinkedReferences(engine.index, page ?? { path: '', name: names[0], title: name.trim(), aliases: [] }) } : {}),
      };
    },
    'pages.list': async () => ({ pages: listPages(engine.index) }),
    'blocks.get': async ({ uuid }) => {
      const found = engine.index.block(uuid);
      const page = found && engine.graph.getByPath(found.path);
      const indexedPage = found && pageAt(engine.index, found.path);
      if (!found || !page || !indexedPage) throw new NotFoundError(`No block with id ${uuid.trim()} in the graph (the ((reference)) points nowhere).`);
      return { page: target(indexedPage), uuid: found.uuid ?? uuid, blocks: subtree(page, found.ord).map((block) => pageBlock(block, block.ord)) };
    },
    'query.simple': async ({ query }) => evaluateSimpleQuery(engine.index, query),
  };
}

function target(page: { path: string; title: string; kind: 'page' | 'journal'; journalDate?: string }) {
  return { path: page.path, title: page.title, kind: page.kind, ...(page.journalDate ? { journalDate: page.journalDate } : {}) };
}

export function pageBlock(block: ParsedBlock, ord: number): PageBlock {
  return {
    ord,
    ...(block.uuid ? { uuid: block.uuid } : {}),
    level: block.level,
    parent: block.parent,
    ...(block.marker ? { marker: block.marker } : {}),
    text: block.text,
    properties: block.properties,
    collapsed: String(block.properties.collapsed ?? '').toLowerCase() === 'true',
  };
}

/** The block at `ord` and every block under it, in file order, keeping their ords. */
function subtree(page: ParsedPage, ord: number): Array<ParsedBlock & { ord: number }> {
  const inside = new Set([ord]);
  const out: Array<ParsedBlock & { ord: number }> = [{ ...page.blocks[ord], ord }];
  for (let i = ord + 1; i < page.blocks.length && inside.has(page.blocks[i].parent); i++) {
    inside.add(i);
    out.push({ ...page.blocks[i], ord: i });
  }
  return out;
}

function aliasesOf(page: ParsedPage): string[] {
  const value = page.properties.alias;
  if (value === undefined) return [];
  return (Array.isArray(value) ? value : value.split(',')).map((item) => item.trim().replace(/^\[\[(.*)\]\]$/, '$1')).filter(Boolean);
}
