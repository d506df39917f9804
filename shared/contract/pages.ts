// Schemas of the Logseq reader's part of the contract: a page with its block tree, linked and unlinked
// references, the list of all pages, one referenced block, and simple-query results.
import { z } from 'zod';
import { Properties } from '../types';

export const PageBlock = z.object({
  /** Position in the page's flat block list; `parent` is an ord too (-1 for top level). */
  ord: z.number().int(),
  uuid: z.string().optional(),
  level: z.number().int(),
  parent: z.number().int(),
  marker: z.string().optional(),
  /** The block's text without property lines (Markdown with Logseq syntax). */
  text: z.string(),
  properties: Properties,
  /** `collapsed:: true`: children hidden until opened. */
  collapsed: z.boolean(),
});
export type PageBlock = z.infer<typeof PageBlock>;

export const PageRefTarget = z.object({ path: z.string(), title: z.string(), kind: z.enum(['page', 'journal']), journalDate: z.string().optional() });

export const ReferenceGroup = z.object({
  page: PageRefTarget,
  blocks: z.array(z.object({ ord: z.number().int(), uuid: z.string().optional(), marker: z.string().optional(), text: z.string() })),
});
export type ReferenceGroup = z.infer<typeof ReferenceGroup>;

export const PageListEntry = z.object({
  path: z.string(),
  name: z.string(),
  title: z.string(),
  kind: z.enum(['page', 'journal']),
  journalDate: z.string().optional(),
  format: z.string(),
  mtimeMs: z.number(),
  aliases: z.array(z.string()),
  /** Other pages linking this one by name or alias. */
  backlinks: z.number().int(),
});
export type PageListEntry = z.infer<typeof PageListEntry>;

export const ResolvedPage = z.object({
  /** Lower-cased name asked for. */
  name: z.string(),
  /** The page the name opens (directly or as an alias); absent when no page has it yet (Logseq would create it). */
  page: PageRefTarget.optional(),
});

export const BlockView = z.object({
  page: PageRefTarget,
  uuid: z.string(),
  /** The block first, then its descendants, in file order. */
  blocks: z.array(PageBlock),
});
export type BlockView = z.infer<typeof BlockView>;

export const SimpleQueryResult = z.object({
  pages: z.array(PageRefTarget),
  groups: z.array(ReferenceGroup),
  total: z.number().int(),
});
export type SimpleQueryResult = z.infer<typeof SimpleQueryResult>;
