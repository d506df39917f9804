// Derives the index rows for one page or one tool doc: pure functions, so the incremental path and the full
// rebuild produce identical rows by construction.
import type { ParsedPage, PropertyValue, SearchKind, Skill, ToolDoc } from '../../../shared/types';
import { skillFromPage } from '../skills/model';
import { identifierParts, isoDay } from './query';

export interface SearchDocRow {
  origin: 'graph' | 'tool';
  owner: string;
  kind: SearchKind;
  key: string;
  title: string;
  names: string;
  tags: string;
  body: string;
  terms: string;
  language: string | null;
  status: string | null;
  source: string | null;
  date: string | null;
  skill_name: string | null;
}

export interface PageRows {
  page: ParsedPage;
  skill: Skill | null;
  /** Lower-cased, unique, sorted. */
  tags: string[];
  doc: SearchDocRow;
  /** The page's blocks as one JSON array of [uuid, level, parent, marker, text], for a single INSERT … json_each. */
  blocks: string;
}

export function pageRows(page: ParsedPage): PageRows {
  const skill = skillFromPage(page);
  const tags = normalizeTags(skill ? skill.tags : listProperty(page.properties['tags']));
  const blockText = page.blocks.map((block) => block.text).filter((text) => text.trim()).join('\n');
  const kind: SearchKind = skill ? 'skill' : page.kind;
  const body = skill ? [skill.description, blockText].filter(Boolean).join('\n') : blockText;
  // A page is found by its aliases as by its title (alias:: is another name for the same page).
  const aliases = listProperty(page.properties['alias']);
  const names = skill ? unique([skill.name, skill.id, identifierParts(`${skill.name} ${skill.id}`)]) : unique([identifierParts(page.title), ...aliases]);
  const date =
    page.journalDate ??
    isoDay(skill?.updated) ??
    isoDay(skill?.created) ??
    isoDay(firstProperty(page.properties['updated'])) ??
    isoDay(firstProperty(page.properties['created'])) ??
    new Date(page.mtimeMs).toISOString().slice(0, 10);
  return {
    page,
    skill,
    tags,
    blocks: JSON.stringify(page.blocks.map((block) => [block.uuid?.toLowerCase() ?? null, block.level, block.parent, block.marker ?? null, block.text])),
    doc: {
      origin: 'graph',
      owner: page.path,
      kind,
      key: page.path,
      title: page.title,
      names,
      // Servers a skill uses are searchable with its tags ("github" finds skills that call GitHub).
      tags: [...tags, ...(skill?.servers ?? [])].join(' '),
      body,
      terms: identifierParts(body),
      language: skill?.language ?? null,
      status: skill?.status ?? null,
      source: skill?.source.kind ?? null,
      date,
      skill_name: skill?.name ?? null,
    },
  };
}

export function toolDocRow(server: string, doc: ToolDoc): SearchDocRow {
  const body = [doc.description, doc.signature].filter(Boolean).join('\n');
  return {
    origin: 'tool',
    owner: server,
    kind: 'tool',
    key: `${server}/${doc.tool}`,
    title: doc.tool,
    names: unique([doc.identifier, server, identifierParts(`${doc.tool} ${doc.identifier}`)]),
    tags: '',
    body,
    terms: identifierParts(body),
    language: null,
    status: null,
    source: null,
    date: null,
    skill_name: null,
  };
}

export function normalizeTags(tags: string[]): string[] {
  return [...new Set(tags.map((tag) => tag.trim().toLowerCase()).filter(Boolean))].sort();
}

function unique(parts: string[]): string {
  return [...new Set(parts.flatMap((part) => part.split(' ')).filter(Boolean))].join(' ');
}

function listProperty(value: PropertyValue | undefined): string[] {
  const items = Array.isArray(value) ? value : (value ?? '').split(',');
  return items.map((item) => item.replace(/\[\[|\]\]/g, '').replace(/^#/, '').trim()).filter(Boolean);
}

function firstProperty(value: PropertyValue | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
