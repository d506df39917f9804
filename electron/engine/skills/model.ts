// Reads a Skill out of a parsed Logseq page (`type:: skill`): pure, no I/O, shared by the index and the
// skills service so a skill means the same thing wherever it is listed, searched or run.
import type { Actor, ParsedBlock, ParsedPage, PropertyValue, Skill, SkillLanguage, SkillStatus } from '../../../shared/types';

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
    description: joinValue(props['description']),
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

function findSections(blocks: ParsedBlock[]): Sections {
  const found: Sections = { usage: '', example: '', inSection: new Set() };
  for (let i = 0; i < blocks.length; i++) {
    const restLines = blocks[i].text.split('\n').slice(1);
    const section = sectionOf(blocks[i]);
    if (!section || found[section]) continue;
    const parts = [restLines.join('\n').trim()];
    found.inSection.add(i);
    for (let j = i + 1; j < blocks.length && blocks[j].level > blocks[i].level; j++) {
      found.inSection.add(j);
      parts.push(blocks[j].text.trim());
    }
    const text = parts.filter(Boolean).join('\n');
    // An example written as one fenced block is the call itself; the fence is only how Logseq shows it.
    found[section] = section === 'example' ? (LONE_FENCE.exec(text)?.[2] ?? text) : text;
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
