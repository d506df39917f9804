// Skill events in the Logseq journal: one block per save, update, review, rename, delete or restore, with
// properties Logseq can query (`type:: skill-event`), and reading them back from every journal page.
import type { Actor, ParsedPage, Skill } from '../../../shared/types';
import type { JournalEntry } from '../../../shared/contract';
import type { BlockSpec, PropertyList } from '../graph/serializer';
import { parseSource } from './model';

export type SkillAction = 'created' | 'updated' | 'approved' | 'rejected' | 'renamed' | 'deleted' | 'restored' | 'needs-review';

export interface SkillEvent {
  action: SkillAction;
  /** Page title `Skills/<name>` the entry links to. */
  pageTitle: string;
  actor: Actor;
  at: Date;
  run?: string;
  servers?: string[];
  /** A short clause after the standard sentence, e.g. `from Skills/old_name` or why it needs review. */
  detail?: string;
}

const VERBS: Record<SkillAction, string> = {
  created: 'saved',
  updated: 'updated',
  approved: 'approved',
  rejected: 'rejected',
  renamed: 'renamed',
  deleted: 'deleted',
  restored: 'restored',
  'needs-review': 'marked for review',
};

function who(actor: Actor): string {
  return actor.name ? `${actor.kind} ${actor.name}` : actor.kind === 'person' ? 'a person' : 'an agent';
}

/** The journal block for one skill event. */
export function skillEventBlock(event: SkillEvent): BlockSpec {
  const link = `[[${event.pageTitle}]]`;
  const detail = event.detail ? ` ${event.detail.replace(/\s+/g, ' ').trim()}` : '';
  const properties: PropertyList = [
    ['type', 'skill-event'],
    ['action', event.action],
    ['skill', link],
    ['actor', event.actor.kind],
  ];
  if (event.actor.name) properties.push([event.actor.kind === 'agent' ? 'agent' : 'person', event.actor.name]);
  properties.push(['at', event.at.toISOString()]);
  if (event.run) properties.push(['run', event.run]);
  if (event.servers?.length) properties.push(['servers', event.servers]);
  return { text: `Skill ${link} ${VERBS[event.action]} by ${who(event.actor)}${detail}`, properties };
}

function first(value: string | string[] | undefined): string | undefined {
  const text = (Array.isArray(value) ? value[0] : value)?.trim();
  return text ? text : undefined;
}

function list(value: string | string[] | undefined): string[] {
  const items = Array.isArray(value) ? value : (value ?? '').split(',');
  return items.map((item) => item.replace(/\[\[([^\]]*)\]\]/g, '$1').trim()).filter(Boolean);
}

/** `[[Skills/foo]]` -> `foo`. */
function skillNameOf(ref: string): string {
  const title = ref.replace(/^\[\[|\]\]$/g, '').trim();
  return title.split('/').pop()!.trim();
}

/** Skill events written on journal pages, by us or by hand, as contract entries (not yet sorted). */
export function journalEntriesOf(page: ParsedPage, statusOf: (name: string) => Skill['status'] | undefined): JournalEntry[] {
  if (page.kind !== 'journal') return [];
  const entries: JournalEntry[] = [];
  for (const block of page.blocks) {
    const props = block.properties;
    if (first(props.type)?.toLowerCase() !== 'skill-event') continue;
    const skillRef = first(props.skill);
    if (!skillRef) continue;
    const kind = first(props.actor)?.toLowerCase() === 'agent' ? 'agent' : 'person';
    const name = first(kind === 'agent' ? props.agent : props.person);
    const actor: Actor = name ? { kind, name: name.replace(/^\[\[|\]\]$/g, '') } : kind === 'agent' ? { kind } : parseSource(undefined);
    const skill = skillNameOf(skillRef);
    const status = statusOf(skill);
    const entry: JournalEntry = {
      date: page.journalDate ?? '',
      journalPath: page.path,
      action: first(props.action) ?? 'updated',
      skill,
      actor,
      servers: list(props.servers),
      text: block.text.split('\n')[0],
    };
    const at = first(props.at);
    if (at) entry.at = at;
    const run = first(props.run);
    if (run) entry.run = run;
    if (status) entry.skillStatus = status;
    entries.push(entry);
  }
  return entries;
}

/** Newest first: by `at::` when present, else by the journal's date; stable within a page (later blocks first). */
export function sortJournalEntries(entries: JournalEntry[]): JournalEntry[] {
  const keyed = entries.map((entry, index) => ({ entry, index, key: entry.at ?? `${entry.date}T23:59:59.999Z` }));
  keyed.sort((a, b) => (a.key < b.key ? 1 : a.key > b.key ? -1 : b.index - a.index));
  return keyed.map((k) => k.entry);
}
