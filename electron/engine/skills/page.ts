// The skill page on disk: how a new skill page is laid out (properties, description, Usage, Example, Code), and
// edits that change only the lines a skill operation owns, so whatever else a person wrote in Logseq survives.
import type { Actor, PropertyValue, SkillLanguage, SkillStatus } from '../../../shared/types';
import type { GraphConfig } from '../graph/config';
import { codeBlocksOf, parsePage, PROPERTY_LINE, SRC_BEGIN, srcEndFor } from '../graph/parser';
import { escapeProseLine } from '../graph/plain-text';
import { codeBlockText, serializeBlocks, serializeProperties, type BlockSpec, type PageDoc, type PropertyList } from '../graph/serializer';
import { fenced, locateSkillCode, sectionOf, PROSE_PROPERTIES } from './model';

export { fenced };

export interface SkillPageFields {
  id: string;
  description: string;
  tags: string[];
  language: SkillLanguage;
  status: SkillStatus;
  source: Actor;
  servers: string[];
  run?: string;
  pins: Record<string, string>;
  created: string;
  updated: string;
  usage: string;
  example: string;
  code: string;
}

export const FENCE_LANG: Record<SkillLanguage, string> = { typescript: 'typescript', python: 'python' };

/** Properties are one line each in Logseq: a description is kept to one line. */
export function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

export function normalizeTags(tags: readonly string[]): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const raw of tags) {
    const tag = raw.trim().replace(/^#/, '').replace(/^\[\[(.*)\]\]$/, '$1').trim();
    if (tag && !seen.has(tag.toLowerCase())) {
      seen.add(tag.toLowerCase());
      out.push(tag);
    }
  }
  return out;
}

export function formatSource(actor: Actor): string {
  const name = actor.name?.trim();
  if (!name) return actor.kind;
  return /[[\]]/.test(name) ? `${actor.kind} ${name}` : `${actor.kind} [[${name}]]`;
}

export function formatPins(pins: Record<string, string>): string {
  return Object.entries(pins)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([tool, hash]) => `${tool}@${hash}`)
    .join(', ');
}

/**
 * A markdown fenced snippet (```lang ... ```, or a longer fence) split into its language and code, or undefined when
 * `text` is not exactly one snippet. An unclosed fence runs to the end, as in CommonMark.
 */
export function unwrapSnippet(text: string): { lang: string; code: string } | undefined {
  const lines = text.replace(/\r\n?/g, '\n').trim().split('\n');
  const open = /^(`{3,}|~{3,})[ \t]*([^\s`]*)[^`]*$/.exec(lines[0]);
  if (!open) return undefined;
  const closeAt = lines.findIndex((line, i) => i > 0 && line.trim().startsWith(open[1]) && line.trim().replace(open[1][0] === '`' ? /`/g : /~/g, '') === '');
  if (closeAt !== -1 && closeAt !== lines.length - 1) return undefined;
  return { lang: open[2], code: lines.slice(1, closeAt === -1 ? undefined : closeAt).join('\n') };
}

/**
 * Usage prose as child blocks: one per line (trimmed; blank lines dropped), each escaped so Logseq shows it as the
 * plain text it is, and fenced snippets kept whole as code blocks Logseq reads back exactly.
 */
export function usageBlocks(usage: string): BlockSpec[] {
  const blocks: BlockSpec[] = [];
  const lines = usage.replace(/\r\n?/g, '\n').split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trim();
    if (line === '') continue;
    const open = /^(`{3,}|~{3,})/.exec(line);
    if (open) {
      const body = [line];
      while (++i < lines.length) {
        body.push(lines[i]);
        if (lines[i].trim().startsWith(open[1]) && lines[i].trim().replace(/[`~]/g, '') === '') break;
      }
      const snippet = unwrapSnippet(body.join('\n'))!;
      blocks.push({ text: codeBlockText(snippet.lang, snippet.code) });
    } else {
      blocks.push({ text: escapeProseLine(line) });
    }
  }
  return blocks;
}

/** A property as the page holds it: prose properties (the description) escaped so Logseq shows them as plain text. */
function pageProperty(key: string, value: PropertyValue): [string, PropertyValue] {
  return PROSE_PROPERTIES.has(key.toLowerCase()) && typeof value === 'string' ? [key, escapeProseLine(oneLine(value))] : [key, value];
}

/** The Example (a call, written as code) or Code block of a skill page. */
function codeSection(lang: string, text: string): string {
  const snippet = unwrapSnippet(text);
  return snippet ? codeBlockText(snippet.lang || lang, snippet.code) : codeBlockText(lang, text);
}

function skillProperties(fields: SkillPageFields): PropertyList {
  const list: PropertyList = [
    ['type', 'skill'],
    ['skill-id', fields.id],
    pageProperty('description', fields.description),
    ['tags', normalizeTags(fields.tags)],
    ['language', fields.language],
    ['status', fields.status],
    ['source', formatSource(fields.source)],
    ['servers', fields.servers],
  ];
  if (fields.run) list.push(['run', fields.run]);
  const pins = formatPins(fields.pins);
  if (pins) list.push(['pins', pins]);
  list.push(['created', fields.created], ['updated', fields.updated]);
  return list;
}

/** The page a new skill gets: properties, then the description, Usage, Example and Code blocks. */
export function skillPageDoc(fields: SkillPageFields): PageDoc {
  const lang = FENCE_LANG[fields.language];
  const blocks: BlockSpec[] = [{ text: escapeProseLine(oneLine(fields.description)) }];
  const usage = usageBlocks(fields.usage);
  if (usage.length) blocks.push({ text: 'Usage', children: usage });
  if (fields.example.trim()) blocks.push({ text: 'Example', children: [{ text: codeSection(lang, fields.example.trim()) }] });
  blocks.push({ text: 'Code', children: [{ text: codeBlockText(lang, fields.code) }] });
  return { properties: skillProperties(fields), blocks };
}

// ---------------------------------------------------------------------------------------------
// Edits of an existing page's text.

interface Text {
  bom: string;
  eol: string;
  lines: string[];
}

function split(content: string): Text {
  const bom = content.startsWith('\ufeff') ? '\ufeff' : '';
  const body = bom ? content.slice(1) : content;
  return { bom, eol: body.includes('\r\n') ? '\r\n' : '\n', lines: body.split(/\r?\n/) };
}

function join(text: Text): string {
  return text.bom + text.lines.join(text.eol);
}

/**
 * Sets page properties (null removes one), replacing a property's line in place and adding new ones at the end
 * of the page's property lines. Other lines stay byte for byte.
 */
export function setPageProperties(content: string, updates: Array<[string, PropertyValue | null]>): string {
  const text = split(content);
  let end = 0;
  while (end < text.lines.length && PROPERTY_LINE.test(text.lines[end])) end++;
  const hadProperties = end > 0;
  for (const [key, value] of updates) {
    const at = text.lines.slice(0, end).findIndex((line) => PROPERTY_LINE.exec(line)![1].toLowerCase() === key.toLowerCase());
    const rendered = value === null ? [] : serializeProperties([pageProperty(key, value)]);
    if (at >= 0) {
      text.lines.splice(at, 1, ...rendered);
      end += rendered.length - 1;
    } else if (rendered.length) {
      text.lines.splice(end, 0, ...rendered);
      end += rendered.length;
    }
  }
  if (!hadProperties && end > 0 && text.lines.length > end && text.lines[end].trim() !== '') text.lines.splice(end, 0, '');
  return join(text);
}

function descendantsEnd(blocks: ReturnType<typeof parsePage>['blocks'], index: number): number {
  let last = index;
  for (let j = index + 1; j < blocks.length && blocks[j].level > blocks[index].level; j++) last = j;
  return blocks[last].endLine;
}

function indentBlock(serialized: string, prefix: string): string[] {
  return serialized
    .replace(/\n$/, '')
    .split('\n')
    .map((line) => (line === '' ? '' : prefix + line));
}

/** Replaces the skill's code fence (as skillFromPage finds it) with `code`; appends a Code block when there is none. */
export function replaceSkillCode(content: string, relPath: string, config: GraphConfig, code: string, language: SkillLanguage): string {
  const page = parsePage(content, relPath, config, 0);
  const at = locateSkillCode(page);
  const text = split(content);
  if (!at) {
    while (text.lines.length && text.lines[text.lines.length - 1] === '') text.lines.pop();
    text.lines.push(...indentBlock(serializeBlocks([{ text: 'Code', children: [{ text: codeBlockText(FENCE_LANG[language], code) }] }], { indentation: config.bulletIndentation }), ''), '');
    return join(text);
  }
  const block = page.blocks[at.block];
  const target = block.code[at.fence];
  const bullet = /^([ \t]*)[-*+][ \t]/.exec(text.lines[block.startLine]);
  const continuation = `${bullet ? bullet[1] : ''}  `;
  // The code regions of the block in file order; the one to replace is the first holding the code the page reads.
  for (let i = block.startLine; i < block.endLine; i++) {
    const src = SRC_BEGIN.exec(text.lines[i].replace(/^([ \t]*)[-*+][ \t]+/, '$1'));
    const open = src ? null : /^([ \t]*(?:[-*+][ \t]+)?)(`{3,}|~{3,})(.*)$/.exec(text.lines[i]);
    if (!src && (!open || open[3].includes('`'))) continue;
    const closeLine = src ? srcEndFor(src[1]) : new RegExp(`^[ \\t]*${open![2][0] === '`' ? '`' : '~'}{${open![2].length},}[ \\t]*$`);
    let close = i + 1;
    while (close < block.endLine && !closeLine.test(text.lines[close])) close++;
    const regionText = text.lines
      .slice(i, close + 1)
      .map((line, n) => (n === 0 ? line.slice(/^[ \t]*(?:[-*+][ \t]+)?/.exec(line)![0].length) : line.slice(Math.min(/^[ \t]*/.exec(line)![0].length, continuation.length))))
      .join('\n');
    const found = codeBlocksOf(regionText)[0];
    if (!found || found.code !== target.code || found.lang !== target.lang) {
      i = close;
      continue;
    }
    const prefix = /^[ \t]*(?:[-*+][ \t]+)?/.exec(text.lines[i])![0];
    const lang = (src ? (src[2] ?? '').split(/\s+/)[0] : open![3].trim().split(/\s+/)[0]) || FENCE_LANG[language];
    const lines = codeBlockText(lang, code).split('\n');
    const closeIndent = close < text.lines.length ? /^[ \t]*/.exec(text.lines[close])![0] : continuation;
    const inner = lines.slice(1, -1).map((line) => (line === '' ? '' : continuation + line));
    text.lines.splice(i, close - i + 1, prefix + lines[0], ...inner, closeIndent + lines[lines.length - 1]);
    return join(text);
  }
  return content;
}

/** Replaces the Usage section (block and children) or adds one before the code; empty usage removes it. */
export function replaceUsage(content: string, relPath: string, config: GraphConfig, usage: string): string {
  const page = parsePage(content, relPath, config, 0);
  const text = split(content);
  const index = page.blocks.findIndex((block) => sectionOf(block) === 'usage');
  const children = usageBlocks(usage);
  if (index >= 0) {
    const block = page.blocks[index];
    const prefix = config.bulletIndentation.repeat(block.level);
    const replacement = children.length ? indentBlock(serializeBlocks([{ text: 'Usage', children }], { indentation: config.bulletIndentation }), prefix) : [];
    text.lines.splice(block.startLine, descendantsEnd(page.blocks, index) - block.startLine, ...replacement);
    return join(text);
  }
  if (!children.length) return content;
  const rendered = indentBlock(serializeBlocks([{ text: 'Usage', children }], { indentation: config.bulletIndentation }), '');
  const code = locateSkillCode(page);
  let top = code?.block;
  while (top !== undefined && page.blocks[top].parent >= 0) top = page.blocks[top].parent;
  if (top === undefined) {
    while (text.lines.length && text.lines[text.lines.length - 1] === '') text.lines.pop();
    text.lines.push(...rendered, '');
  } else {
    text.lines.splice(page.blocks[top].startLine, 0, ...rendered);
  }
  return join(text);
}

/** Rewrites the first block when it still repeats the old description (the page's prose summary). */
export function replaceDescriptionBlock(content: string, relPath: string, config: GraphConfig, oldDescription: string, description: string): string {
  const page = parsePage(content, relPath, config, 0);
  const first = page.blocks[0];
  if (!first || first.level !== 0 || first.endLine - first.startLine !== 1) return content;
  if (first.text !== escapeProseLine(oneLine(oldDescription)) && oneLine(first.text) !== oneLine(oldDescription)) return content;
  const text = split(content);
  const bullet = /^([ \t]*[-*+][ \t]+)/.exec(text.lines[first.startLine]);
  if (!bullet) return content;
  text.lines[first.startLine] = bullet[1] + escapeProseLine(oneLine(description));
  return join(text);
}
