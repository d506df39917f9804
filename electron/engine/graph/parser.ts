// Logseq outline parser for one markdown page: page properties (or YAML front matter), nested
// `- ` blocks, block properties, references, task markers and fenced code. Pure, sync and fast;
// block content is kept as exact slices of the file so nothing we do not own is re-serialised.
import { createHash } from 'node:crypto';
import { fromMarkdown } from 'mdast-util-from-markdown';
import type { CodeFence, ParsedBlock, ParsedPage, Properties, PropertyValue } from '../../../shared/types';
import type { GraphConfig } from './config';
import { normalizeRelPath, pageFormatOf } from './config';
import { formatJournalDay, isoDay, journalDayOfTitle } from './journals';
import { pageNameOf, titleFromPath } from './names';

/** `key:: value` as Logseq's markdown property syntax accepts it (value may be empty). */
export const PROPERTY_LINE = /^([A-Za-z0-9_][A-Za-z0-9_\-.\/?!*+<>=&$%@]*)::(?:[ \t]+(.*?))?[ \t]*$/;
const BULLET_LINE = /^([ \t]*)([-*+])(?:[ \t](.*))?$/;
const HEADING_LINE = /^([ \t]*)#{1,6}[ \t]+\S/;
const FENCE_LINE = /^[ \t]*(`{3,}|~{3,})(.*)$/;
const MARKER = /^(TODO|DOING|DONE|LATER|NOW|WAITING|WAIT|CANCELED|CANCELLED|IN-PROGRESS|STARTED)(?:[ \t]|$)/;
const PAGE_REF = /\[\[([^[\]]+?)\]\]/g;
const TAG = /(^|[\s,(])#(?!\[\[)([^\s,;!?"'()[\]{}#]+)/g;
const FENCE_ANYWHERE = /^[ \t]*(?:`{3,}|~{3,})/m;
/** An Org-style block (`#+BEGIN_SRC ts` ... `#+END_SRC`), which mldoc also reads in markdown pages, case-insensitively. */
export const SRC_BEGIN = /^[ \t]*#\+begin_(\S+)(?:[ \t]+(.*?))?[ \t]*$/i;
const SRC_ANYWHERE = /^[ \t]*#\+begin_/im;
/** mldoc ends a `#+BEGIN_<name>` block at the first line starting (after spaces) with `#+END_<name>`. */
export function srcEndFor(name: string): RegExp {
  return new RegExp(`^[ \\t\\f\\r]*#\\+end_${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`, 'i');
}
const INLINE_CODE = /(`+)(?!`)[\s\S]*?[^`]\1(?!`)/g;
const BLOCK_REF = /\(\(([0-9a-fA-F][0-9a-fA-F-]{7,})\)\)/g;
/** Properties whose values are not page references even when they look like tags. */
const NON_REF_PROPERTIES = new Set(['id', 'title', 'collapsed', 'created-at', 'updated-at', 'heading']);

export function contentHash(raw: string): string {
  return createHash('sha1').update(raw, 'utf8').digest('hex');
}

interface Line {
  start: number;
  /** Offset just past the line's text, before `\r\n` or `\n`. */
  end: number;
  text: string;
}

function splitLines(text: string): Line[] {
  const lines: Line[] = [];
  let start = 0;
  while (start <= text.length) {
    let newline = text.indexOf('\n', start);
    if (newline === -1) newline = text.length;
    const end = newline > start && text.charCodeAt(newline - 1) === 13 ? newline - 1 : newline;
    lines.push({ start, end, text: text.slice(start, end) });
    start = newline + 1;
  }
  if (lines.length > 1 && lines[lines.length - 1].text === '' && lines[lines.length - 1].start === text.length) lines.pop();
  return lines;
}

/** Splits a comma-separated property value, keeping commas inside `[[...]]`, dropping `[[ ]]` and `#`. */
export function splitMultiValue(value: string): string[] {
  const items: string[] = [];
  let depth = 0;
  let current = '';
  for (let i = 0; i < value.length; i++) {
    const ch = value[i];
    if (ch === '[' && value[i + 1] === '[') { depth++; current += '[['; i++; continue; }
    if (ch === ']' && value[i + 1] === ']' && depth > 0) { depth--; current += ']]'; i++; continue; }
    if (ch === ',' && depth === 0) { items.push(current); current = ''; continue; }
    current += ch;
  }
  items.push(current);
  return items
    .map((item) => item.trim())
    .map((item) => (item.startsWith('#') ? item.slice(1) : item))
    .map((item) => (item.startsWith('[[') && item.endsWith(']]') ? item.slice(2, -2) : item))
    .map((item) => item.trim())
    .filter((item) => item !== '');
}

function propertyValue(key: string, raw: string, config: Pick<GraphConfig, 'commaSeparatedProperties'>): PropertyValue {
  return config.commaSeparatedProperties.includes(key) ? splitMultiValue(raw) : raw;
}

function collectRefs(text: string, refs: Set<string>, blockRefs?: Set<string>): void {
  for (const m of text.matchAll(PAGE_REF)) refs.add(pageNameOf(m[1].trim()));
  for (const m of text.matchAll(TAG)) {
    const tag = m[2].replace(/[.]+$/, '');
    if (tag !== '') refs.add(pageNameOf(tag));
  }
  if (blockRefs) for (const m of text.matchAll(BLOCK_REF)) blockRefs.add(m[1].toLowerCase());
}

function propertyRefs(key: string, value: PropertyValue, refs: Set<string>): void {
  if (NON_REF_PROPERTIES.has(key)) return;
  if (Array.isArray(value)) for (const item of value) refs.add(pageNameOf(item));
  else collectRefs(value, refs);
}

function maskInlineCode(text: string): string {
  return text.replace(INLINE_CODE, (span) => ' '.repeat(span.length));
}

/**
 * The common shape, fences starting at column 0 of the block text, read line by line; undefined
 * when a fence is indented (inside a list or quote), which is left to mdast.
 */
function readTopLevelFences(text: string): { code: CodeFence[]; masked: string } | undefined {
  const lines = text.split('\n');
  const code: CodeFence[] = [];
  const out: string[] = [];
  let open: { fence: string; lang: string; body: string[] } | undefined;
  for (const line of lines) {
    if (open) {
      const close = /^(`{3,}|~{3,})[ \t]*$/.exec(line);
      if (close && close[1][0] === open.fence[0] && close[1].length >= open.fence.length) {
        code.push({ lang: open.lang, code: open.body.join('\n') });
        open = undefined;
      } else open.body.push(line);
      out.push(' '.repeat(line.length));
      continue;
    }
    const start = /^(`{3,}|~{3,})(.*)$/.exec(line);
    if (start) {
      if (start[1][0] === '`' && start[2].includes('`')) return undefined;
      open = { fence: start[1], lang: start[2].trim().split(/\s+/)[0] ?? '', body: [] };
      out.push(' '.repeat(line.length));
      continue;
    }
    if (/^[ \t]+(`{3,}|~{3,})/.test(line)) return undefined;
    out.push(maskInlineCode(line));
  }
  if (open) return undefined;
  return { code, masked: out.join('\n') };
}

/** `#+BEGIN_SRC` blocks as code (mldoc strips the first code line's indentation from every line), other Org blocks masked. */
function readSrcBlocks(text: string): { code: CodeFence[]; rest: string } {
  const lines = text.split('\n');
  const code: CodeFence[] = [];
  for (let i = 0; i < lines.length; i++) {
    const fence = FENCE_LINE.exec(lines[i]);
    if (fence) {
      // Lines inside a fence are code, not the start of an Org block.
      const close = closingFenceIndex(lines, i + 1, fence[1]);
      if (close !== -1) i = close;
      continue;
    }
    const begin = SRC_BEGIN.exec(lines[i]);
    if (!begin) continue;
    const end = srcEndFor(begin[1]);
    let close = i + 1;
    while (close < lines.length && !end.test(lines[close])) close++;
    if (close === lines.length) continue;
    if (begin[1].toLowerCase() === 'src') {
      const body = lines.slice(i + 1, close);
      const indent = body.length > 0 ? /^[ \t]*/.exec(body[0])![0].length : 0;
      const dedented = body.map((line) => {
        const lead = /^[ \t]*/.exec(line)![0].length;
        return lead >= indent ? line.slice(indent) : line.trim() === '' ? line : line.trimStart();
      });
      code.push({ lang: (begin[2] ?? '').split(/\s+/)[0] ?? '', code: dedented.join('\n') });
    }
    for (let j = i; j <= close; j++) lines[j] = ' '.repeat(lines[j].length);
    i = close;
  }
  return { code, rest: lines.join('\n') };
}

/** Code blocks (fences and `#+BEGIN_SRC`) and the text with code masked out, read through remark's mdast. */
function readMarkdownBody(text: string): { code: CodeFence[]; masked: string } {
  if (SRC_ANYWHERE.test(text)) {
    const { code, rest } = readSrcBlocks(text);
    if (rest !== text) {
      const inner = readMarkdownBody(rest);
      return { code: [...code, ...inner.code], masked: inner.masked };
    }
  }
  if (!text.includes('`') && !text.includes('~~~')) return { code: [], masked: text };
  // mdast costs ~0.1 ms per call to set up, so it is kept for blocks with fences; inline code spans
  // alone are masked with CommonMark's backtick-run rule.
  if (!FENCE_ANYWHERE.test(text)) return { code: [], masked: maskInlineCode(text) };
  const simple = readTopLevelFences(text);
  if (simple) return simple;
  const code: CodeFence[] = [];
  let masked = text;
  const tree = fromMarkdown(text);
  const visit = (node: { type: string; children?: unknown[]; position?: { start: { offset?: number }; end: { offset?: number } }; lang?: string | null; value?: string }): void => {
    if (node.type === 'code' || node.type === 'inlineCode') {
      if (node.type === 'code') code.push({ lang: node.lang ?? '', code: node.value ?? '' });
      const from = node.position?.start.offset;
      const to = node.position?.end.offset;
      if (from !== undefined && to !== undefined) masked = masked.slice(0, from) + ' '.repeat(to - from) + masked.slice(to);
      return;
    }
    if (node.children) for (const child of node.children) visit(child as typeof node);
  };
  visit(tree as unknown as Parameters<typeof visit>[0]);
  return { code, masked };
}

/** The code blocks in a block's text (continuation indentation already removed), as the page read gives them. */
export function codeBlocksOf(blockText: string): CodeFence[] {
  return readMarkdownBody(blockText).code;
}

interface RawBlock {
  indent: string;
  width: number;
  /** Offset where the block's content starts (after the bullet and one space). */
  contentStart: number;
  firstLine: number;
  /** Stripped lines: the first line's text after the bullet, then continuation lines. */
  lines: string[];
  lastLine: number;
  heading: boolean;
}

function stripContinuation(line: string, indent: string): string {
  let rest = line;
  if (indent !== '' && rest.startsWith(indent)) rest = rest.slice(indent.length);
  else if (indent !== '') {
    let n = 0;
    while (n < indent.length + 2 && (rest[n] === ' ' || rest[n] === '\t')) n++;
    return rest.slice(n);
  }
  if (rest.startsWith('  ')) return rest.slice(2);
  if (rest.startsWith('\t') || rest.startsWith(' ')) return rest.slice(1);
  return rest;
}

function closingFenceIndex(lines: string[], from: number, fence: string): number {
  for (let i = from; i < lines.length; i++) {
    const m = FENCE_LINE.exec(lines[i]);
    if (m && m[1][0] === fence[0] && m[1].length >= fence.length && m[2].trim() === '') return i;
  }
  return -1;
}

function hasClosingFence(lines: Line[], from: number, fence: string): boolean {
  const ch = fence[0];
  for (let i = from; i < lines.length; i++) {
    const m = FENCE_LINE.exec(lines[i].text);
    if (m && m[1][0] === ch && m[1].length >= fence.length && m[2].trim() === '') return true;
  }
  return false;
}

function parseFrontMatter(lines: Line[], properties: Properties, config: GraphConfig, warnings: string[]): number {
  if (lines.length === 0 || lines[0].text.trim() !== '---') return 0;
  let close = -1;
  for (let i = 1; i < lines.length; i++) if (lines[i].text.trim() === '---') { close = i; break; }
  if (close === -1) {
    warnings.push('front matter starting on line 1 is never closed with `---`; read as text');
    return 0;
  }
  let listKey: string | undefined;
  for (let i = 1; i < close; i++) {
    const text = lines[i].text;
    const item = /^\s+-\s+(.*)$/.exec(text) ?? /^-\s+(.*)$/.exec(text);
    if (item && listKey) {
      const current = properties[listKey];
      const list = Array.isArray(current) ? current : current ? [current] : [];
      list.push(item[1].trim().replace(/^["']|["']$/g, ''));
      properties[listKey] = list;
      continue;
    }
    const kv = /^([A-Za-z0-9_][\w\-.]*):(?:\s+(.*))?$/.exec(text);
    if (!kv) continue;
    const key = kv[1].toLowerCase();
    const raw = (kv[2] ?? '').trim();
    listKey = raw === '' ? key : undefined;
    if (raw === '') continue;
    const inlineList = /^\[(.*)\]$/.exec(raw);
    properties[key] = inlineList ? splitMultiValue(inlineList[1].replace(/["']/g, '')) : propertyValue(key, raw.replace(/^["']|["']$/g, ''), config);
  }
  return close + 1;
}

/**
 * Parses one page file. Never throws: a malformed page is read as far as it goes and the
 * problem is reported in `warnings`.
 */
export function parsePage(raw: string, relPath: string, config: GraphConfig, mtimeMs = 0): ParsedPage {
  const path = normalizeRelPath(relPath);
  const format = pageFormatOf(path);
  // Logseq (graph_parser/extract.cljc `get-page-name`): `pages/contents.*` is "Contents", else the title the file name carries.
  const fileTitle = path.startsWith('pages/contents.') ? 'Contents' : titleFromPath(path, config);
  const hash = contentHash(raw);
  const text = raw.charCodeAt(0) === 0xfeff ? raw.slice(1) : raw;
  const properties: Properties = {};
  const blocks: ParsedBlock[] = [];
  const pageRefs = new Set<string>();
  const warnings: string[] = [];
  let titleProperty: string | undefined;
  if (format === 'org') {
    // mldoc gathers an Org file's `#+TITLE:` directives into the page's first node, so it names the page wherever it is.
    const directive = /^[ \t]*#\+title:[ \t]*(.*)$/im.exec(text);
    if (directive) titleProperty = directive[1];
    warnings.push('org-mode page: listed but not parsed (only markdown pages are read)');
  } else {
    try {
      titleProperty = parseOutline(text, config, properties, blocks, pageRefs, warnings);
    } catch (error) {
      warnings.push(`page could only be read up to block ${blocks.length}: ${(error as Error).message}`);
    }
  }
  let title = titleProperty !== undefined && titleProperty.trim() !== '' ? titleProperty.trim().normalize('NFC') : fileTitle;
  // A page whose title reads as a date is that day's journal, wherever its file is, titled in the configured format.
  const day = journalDayOfTitle(title, config.journalPageTitleFormat);
  if (day) title = formatJournalDay(day, config.journalPageTitleFormat);
  return {
    path,
    title,
    name: pageNameOf(title),
    kind: day ? 'journal' : 'page',
    ...(day ? { journalDate: isoDay(day) } : {}),
    format,
    hash,
    mtimeMs,
    properties,
    blocks,
    refs: [...pageRefs],
    warnings,
  };
}

/** Reads the outline; returns the `title::` value when Logseq would take it as the title (only from the first parsed node). */
function parseOutline(text: string, config: GraphConfig, properties: Properties, blocks: ParsedBlock[], pageRefs: Set<string>, warnings: string[]): string | undefined {
  const lines = splitLines(text);
  let index = parseFrontMatter(lines, properties, config, warnings);
  while (index < lines.length) {
    const m = PROPERTY_LINE.exec(lines[index].text);
    if (!m) break;
    const key = m[1].toLowerCase();
    properties[key] = propertyValue(key, (m[2] ?? '').trim(), config);
    index++;
  }
  for (const [key, value] of Object.entries(properties)) propertyRefs(key, value, pageRefs);
  // Front matter or property lines at the very top are mldoc's first node; a bulleted `- title::` block is not.
  const leadingTitle = typeof properties.title === 'string' ? properties.title : undefined;

  const raws: RawBlock[] = [];
  let current: RawBlock | undefined;
  let fence: string | undefined;
  let srcEnd: RegExp | undefined;
  for (; index < lines.length; index++) {
    const line = lines[index];
    if (current && srcEnd) {
      current.lines.push(stripContinuation(line.text, current.indent));
      current.lastLine = index;
      if (srcEnd.test(line.text)) srcEnd = undefined;
      continue;
    }
    if (current && fence) {
      current.lines.push(stripContinuation(line.text, current.indent));
      current.lastLine = index;
      const close = FENCE_LINE.exec(line.text);
      if (close && close[1][0] === fence[0] && close[1].length >= fence.length && close[2].trim() === '') fence = undefined;
      continue;
    }
    const bullet = BULLET_LINE.exec(line.text);
    const heading = bullet ? null : HEADING_LINE.exec(line.text);
    if (bullet || heading || (!current && line.text.trim() !== '')) {
      const indent = bullet ? bullet[1] : heading ? heading[1] : '';
      const prefixLength = bullet ? indent.length + 1 + (bullet[3] !== undefined ? 1 : 0) : indent.length;
      current = { indent, width: indent.length, contentStart: line.start + prefixLength, firstLine: index, lines: [line.text.slice(prefixLength)], lastLine: index, heading: !bullet };
      raws.push(current);
    } else if (current) {
      current.lines.push(stripContinuation(line.text, current.indent));
      if (line.text.trim() !== '') current.lastLine = index;
    } else continue;
    const src = SRC_BEGIN.exec(current.lines[current.lines.length - 1]);
    if (src) {
      const end = srcEndFor(src[1]);
      if (lines.slice(index + 1).some((l) => end.test(l.text))) srcEnd = end;
      continue;
    }
    const open = FENCE_LINE.exec(current.lines[current.lines.length - 1]);
    if (open && !(open[1][0] === '`' && open[2].includes('`'))) {
      if (hasClosingFence(lines, index + 1, open[1])) fence = open[1];
      else warnings.push(`code fence opened on line ${index + 1} is never closed; read as text`);
    }
  }

  const stack: Array<{ width: number; index: number }> = [];
  for (let i = 0; i < raws.length; i++) {
    const rawBlock = raws[i];
    while (stack.length > 0 && stack[stack.length - 1].width >= rawBlock.width) stack.pop();
    const parent = stack.length > 0 ? stack[stack.length - 1].index : -1;
    const block = buildBlock(rawBlock, text, lines, config, parent, stack.length, pageRefs);
    // Logseq reads a first block holding only properties as the page's properties (its pre-block).
    if (blocks.length === 0 && Object.keys(properties).length === 0 && block.text === '' && Object.keys(block.properties).length > 0 && rawBlock.width === 0) {
      Object.assign(properties, block.properties);
      continue;
    }
    stack.push({ width: rawBlock.width, index: blocks.length });
    blocks.push(block);
  }
  return leadingTitle;
}

function buildBlock(raw: RawBlock, text: string, lines: Line[], config: GraphConfig, parent: number, level: number, pageRefs: Set<string>): ParsedBlock {
  // Trailing blank lines belong to no block: Logseq trims them.
  let count = raw.lines.length;
  while (count > 1 && raw.lines[count - 1].trim() === '') count--;
  const stripped = raw.lines.slice(0, count);
  const properties: Properties = {};
  const takeProperties = (from: number): number => {
    let j = from;
    for (; j < stripped.length; j++) {
      const prop = PROPERTY_LINE.exec(stripped[j]);
      if (!prop) break;
      const key = prop[1].toLowerCase();
      properties[key] = propertyValue(key, (prop[2] ?? '').trim(), config);
    }
    return j;
  };
  // Logseq keeps a block's properties right after its first line, or after a code fence the block opens with.
  const bodyLines: string[] = [];
  let rest: number;
  const opening = FENCE_LINE.exec(stripped[0]);
  const src = SRC_BEGIN.exec(stripped[0]);
  const closing = src ? stripped.findIndex((line, i) => i > 0 && srcEndFor(src[1]).test(line)) : opening ? closingFenceIndex(stripped, 1, opening[1]) : -1;
  if (PROPERTY_LINE.test(stripped[0])) rest = takeProperties(0);
  else if ((src || (opening && !(opening[1][0] === '`' && opening[2].includes('`')))) && closing !== -1) {
    bodyLines.push(...stripped.slice(0, closing + 1));
    rest = takeProperties(closing + 1);
  } else {
    bodyLines.push(stripped[0]);
    rest = takeProperties(1);
  }
  bodyLines.push(...stripped.slice(rest));
  while (bodyLines.length > 0 && bodyLines[bodyLines.length - 1].trim() === '') bodyLines.pop();
  const blockText = bodyLines.join('\n');
  const { code, masked } = readMarkdownBody(blockText);
  const refs = new Set<string>();
  const blockRefs = new Set<string>();
  collectRefs(masked, refs, blockRefs);
  for (const [key, value] of Object.entries(properties)) propertyRefs(key, value, refs);
  for (const ref of refs) pageRefs.add(ref);
  const marker = MARKER.exec(blockText.replace(/^#{1,6}[ \t]+/, ''))?.[1];
  const endOffset = lines[raw.lastLine].end;
  const block: ParsedBlock = {
    content: text.slice(Math.min(raw.contentStart, endOffset), endOffset),
    text: blockText,
    properties,
    level,
    parent,
    refs: [...refs],
    blockRefs: [...blockRefs],
    code,
    startLine: raw.firstLine,
    endLine: raw.lastLine + 1,
  };
  if (typeof properties.id === 'string' && properties.id !== '') block.uuid = properties.id.toLowerCase();
  if (marker) block.marker = marker;
  return block;
}
