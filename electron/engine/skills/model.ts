// Reads a Skill out of a parsed Logseq page (`type:: skill`): pure, no I/O, shared by the index and the
// skills service so a skill means the same thing wherever it is listed, searched or run.
import type { Actor, ParsedBlock, ParsedPage, PropertyValue, Skill, SkillLanguage, SkillStatus } from '../../../shared/types';
import { unescapeProseLine } from '../graph/plain-text';

/** Properties holding prose, escaped on the page so Logseq shows them as plain text (graph/plain-text.ts). */
export const PROSE_PROPERTIES = new Set(['description']);

/** A CommonMark fence longer than any backtick run inside the code (for text read outside Logseq: usage, SKILL.md). */
export function fenced(lang: string, code: string): string {
  const longest = Math.max(2, ...[...code.matchAll(/`+/g)].map((m) => m[0].length));
  const marker = '`'.repeat(longest + 1);
  return `${marker}${lang}\n${code.replace(/\r\n?/g, '\n').replace(/\n+$/, '')}\n${marker}`;
}

const SKILL_CODE_LANGS: Record<string, SkillLanguage> = {
  ts: 'typescript',
  typescript: 'typescript',
  js: 'typescript',
  javascript: 'typescript',
  py: 'python',
  python: 'python',
};
const STATUSES: readonly SkillStatus[] = ['draft', 'approved', 'archived', 'needs-review'];
const SECTION_HEADINGS = { usage: 'usage', example: 'example', examples: 'example' } as const;

/** True when the page declares itself a skill (`type:: skill`, also `type:: [[skill]]`). */
export function isSkillPage(page: ParsedPage): boolean {
  return firstValue(page.properties['type'])?.toLowerCase() === 'skill';
}

/**
 * Of two pages claiming one skill-id (a copy, or a page saved under its old name while it was renamed), the one
 * that holds the skill: the one updated last (`updated::`, a page without it counts as oldest), then the first
 * path. Decided from the pages alone, so every listing and every rebuild agrees. The index applies the same rule
 * in SQL (HELD_SKILL in index/search-index.ts).
 */
export function holdsSkillOver(a: Skill, b: Skill): boolean {
  const [left, right] = [a.updated ?? '', b.updated ?? ''];
  return left !== right ? left > right : a.path < b.path;
}

/** The skills with one page per skill-id (see holdsSkillOver), in the order given. */
export function oneSkillPerId(skills: readonly Skill[]): Skill[] {
  const holders = new Map<string, Skill>();
  for (const skill of skills) {
    const other = holders.get(skill.id);
    if (!other || holdsSkillOver(skill, other)) holders.set(skill.id, skill);
  }
  return skills.filter((skill) => holders.get(skill.id) === skill);
}

/** The skill a page describes, or null when the page is not a skill. Never throws: problems become warnings. */
export function skillFromPage(page: ParsedPage): Skill | null {
  if (!isSkillPage(page)) return null;
  const props = page.properties;
  const warnings: string[] = [];
  const name = skillNameFromTitle(page.title);

  const sections = findSections(page.blocks);
  const located = locateSkillFence(page.blocks, sections.inSection);
  const fence = located ? page.blocks[located.block].code[located.fence] : undefined;
  if (!fence) warnings.push('no ```ts, ```js or ```python code block found on the page');

  let language: SkillLanguage | undefined;
  const declaredLanguage = firstValue(props['language']);
  if (declaredLanguage) {
    language = SKILL_CODE_LANGS[declaredLanguage.toLowerCase()];
    if (!language) warnings.push(`language:: ${declaredLanguage} is not typescript or python`);
  }
  language ??= fence ? SKILL_CODE_LANGS[fence.lang.toLowerCase()] : 'typescript';

  let status: SkillStatus = 'draft';
  const declaredStatus = firstValue(props['status'])?.toLowerCase();
  if (declaredStatus) {
    if ((STATUSES as readonly string[]).includes(declaredStatus)) status = declaredStatus as SkillStatus;
    else warnings.push(`status:: ${declaredStatus} is not one of ${STATUSES.join(', ')}; treated as draft`);
  }

  return {
    id: firstValue(props['skill-id']) ?? firstValue(props['skill_id']) ?? name,
    name,
    pageTitle: page.title,
    path: page.path,
    description: unescapeProseLine(joinValue(props['description'])),
    tags: listValue(props['tags']),
    language,
    status,
    source: parseSource(firstValue(props['source'])),
    servers: listValue(props['servers']),
    created: firstValue(props['created']),
    updated: firstValue(props['updated']),
    run: firstValue(props['run']),
    pins: parsePins(listValue(props['pins'])),
    usage: sections.usage,
    example: sections.example,
    code: fence?.code ?? '',
    warnings,
  };
}

/** `Skills/analyze_error_spike` -> `analyze_error_spike`; a title without a namespace is the name itself. */
export function skillNameFromTitle(title: string): string {
  const segments = title.split('/');
  return segments[segments.length - 1].trim();
}

/** `agent [[Claude Desktop]]` -> { kind: 'agent', name: 'Claude Desktop' }; anything not naming an agent is a person. */
export function parseSource(raw: string | undefined): Actor {
  if (!raw) return { kind: 'person' };
  const match = /^\s*(\S+)\s*(.*)$/.exec(raw);
  const first = stripLink(match?.[1] ?? '').toLowerCase();
  const rest = stripLink(match?.[2] ?? '');
  const kind = first === 'agent' ? 'agent' : 'person';
  // `source:: [[Ada]]` names a person without saying "person".
  const name = first === 'agent' || first === 'person' ? rest : stripLink(raw);
  return name ? { kind, name } : { kind };
}

function parsePins(entries: string[]): Record<string, string> {
  // Written as `server/tool@schemaHash`; entries without a hash are ignored rather than guessed.
  const pins: Record<string, string> = {};
  for (const entry of entries) {
    const at = entry.lastIndexOf('@');
    if (at > 0 && at < entry.length - 1) pins[entry.slice(0, at).trim()] = entry.slice(at + 1).trim();
  }
  return pins;
}

interface Sections {
  usage: string;
  example: string;
  /** Block indexes inside a Usage or Example section, so their snippets are not taken for the skill's code. */
  inSection: Set<number>;
}

/** A block that is one code block and nothing else (how a snippet or an example is written). */
function loneCode(block: ParsedBlock): { lang: string; code: string } | undefined {
  if (block.code.length !== 1) return undefined;
  const lines = block.text.split('\n');
  const whole = (LONE_FENCE.test(block.text) || /^#\+begin_src\b/i.test(lines[0])) && lines.length >= 2;
  return whole ? block.code[0] : undefined;
}

/** What a person wrote in a prose block, as Logseq shows it: escapes undone, snippets as markdown fences. */
function proseOf(block: ParsedBlock, from = 0): string {
  const code = from === 0 ? loneCode(block) : undefined;
  if (code) return fenced(code.lang, code.code);
  return block.text
    .split('\n')
    .slice(from)
    .map(unescapeProseLine)
    .join('\n')
    .trim();
}

function findSections(blocks: ParsedBlock[]): Sections {
  const found: Sections = { usage: '', example: '', inSection: new Set() };
  for (let i = 0; i < blocks.length; i++) {
    const section = sectionOf(blocks[i]);
    if (!section || found[section]) continue;
    const parts = [proseOf(blocks[i], 1)];
    const children: ParsedBlock[] = [];
    found.inSection.add(i);
    for (let j = i + 1; j < blocks.length && blocks[j].level > blocks[i].level; j++) {
      found.inSection.add(j);
      children.push(blocks[j]);
      parts.push(proseOf(blocks[j]));
    }
    // An example written as one code block is the call itself; the fence is only how Logseq shows it.
    const example = section === 'example' && !parts[0] && children.length === 1 ? loneCode(children[0]) : undefined;
    const text = parts.filter(Boolean).join('\n');
    found[section] = example ? example.code : section === 'example' ? (LONE_FENCE.exec(text)?.[2] ?? text) : text;
  }
  return found;
}

const LONE_FENCE = /^(`{3,}|~{3,})[^\n`]*\n([\s\S]*?)\n\1[ \t]*$/;

/** Where the skill's code is: the first ts/js/python fence outside Usage and Example, else the first one at all. */
export function locateSkillCode(page: ParsedPage): { block: number; fence: number } | undefined {
  return locateSkillFence(page.blocks, findSections(page.blocks).inSection);
}

function locateSkillFence(blocks: ParsedBlock[], inSection: Set<number>): { block: number; fence: number } | undefined {
  let fallback: { block: number; fence: number } | undefined;
  for (let i = 0; i < blocks.length; i++) {
    for (let f = 0; f < blocks[i].code.length; f++) {
      if (!SKILL_CODE_LANGS[blocks[i].code[f].lang.toLowerCase()]) continue;
      if (!inSection.has(i)) return { block: i, fence: f };
      fallback ??= { block: i, fence: f };
    }
  }
  return fallback;
}

/** The section heading a block opens (`Usage`, `## Example:`), if any. */
export function sectionOf(block: ParsedBlock): 'usage' | 'example' | undefined {
  const heading = block.text.split('\n')[0].replace(/^#+\s*/, '').replace(/\*\*/g, '').replace(/:\s*$/, '').trim().toLowerCase();
  return SECTION_HEADINGS[heading as keyof typeof SECTION_HEADINGS];
}

function stripLink(text: string): string {
  return text.replace(/\[\[([^\]]*)\]\]/g, '$1').replace(/^#/, '').trim();
}

function firstValue(value: PropertyValue | undefined): string | undefined {
  const first = Array.isArray(value) ? value[0] : value;
  const text = first === undefined ? '' : stripLink(first);
  return text ? text : undefined;
}

function joinValue(value: PropertyValue | undefined): string {
  return Array.isArray(value) ? value.join(', ') : (value ?? '').trim();
}

/** Multi-value property as a list: the parser may hand it over as a list or as comma-separated text. */
function listValue(value: PropertyValue | undefined): string[] {
  const items = Array.isArray(value) ? value : (value ?? '').split(',');
  return items.map(stripLink).filter(Boolean);
}
