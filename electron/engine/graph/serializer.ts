// Serialises pages and blocks the way Logseq 0.10 writes markdown: unbulleted page properties,
// tab-indented `- ` blocks, block properties and continuation lines two spaces past the bullet.
import type { PropertyValue } from '../../../shared/types';
import { GraphFormatError } from './errors';
import { PROPERTY_LINE, SRC_BEGIN, srcEndFor } from './parser';

export type PropertyList = Array<[string, PropertyValue]>;

export interface BlockSpec {
  /** First line is the block's title; later lines (and fenced code) are continuation lines. */
  text: string;
  properties?: PropertyList;
  children?: BlockSpec[];
}

export interface PageDoc {
  properties: PropertyList;
  blocks: BlockSpec[];
}

export interface SerializeOptions {
  /** One nesting step; Logseq's default is a tab (`:export/bullet-indentation`). */
  indentation?: string;
}

const PROPERTY_KEY = /^[A-Za-z0-9_][A-Za-z0-9_\-.\/?!*+<>=&$%@]*$/;
const FENCE = /^(`{3,}|~{3,})(.*)$/;
const LIST_OR_HEADING = /^([-*+](?:[ \t]|$)|#{1,6}[ \t])/;

/** OCaml's String.trim, which mldoc uses on each line inside a code block (JS trim also strips Unicode spaces). */
function mldocTrim(line: string): string {
  return line.replace(/^[ \t\n\r\f]+|[ \t\n\r\f]+$/g, '');
}

/** A line mldoc takes for the end of a fenced block: it closes at the first line starting with ``` or ~~~, whatever opened it. */
function closesFence(line: string): boolean {
  const t = mldocTrim(line);
  return t.startsWith('```') || t.startsWith('~~~');
}

/** The code of a code block as it can be kept in a Logseq page: LF line ends, no trailing blank lines. */
export function normalizeCode(code: string): string {
  return code.replace(/\r\n?/g, '\n').replace(/(?:\n[ \t]*)+$/, '');
}

/**
 * The block text for a code block that Logseq (mldoc) and our reader both read back as exactly `code`.
 * mldoc understands only three-backtick fences and ends one at the first line starting with ``` or ~~~, so code
 * holding such a line is written as an Org-style `#+BEGIN_SRC` block, which Logseq also accepts in markdown pages and
 * shows as the same code block. Code that neither can hold is refused, with the line that breaks both.
 */
export function codeBlockText(lang: string, code: string): string {
  if (/[\s`~]/.test(lang)) throw new GraphFormatError(`"${lang}" cannot be a code block language: no spaces, backticks or tildes`);
  const body = normalizeCode(code);
  const lines = body.split('\n');
  const fenceBreaker = lines.findIndex(closesFence);
  if (fenceBreaker === -1) return `\`\`\`${lang}\n${body}\n\`\`\``;
  const srcBreaker = lines.findIndex((line) => mldocTrim(line).toLowerCase().startsWith('#+end_src'));
  // mldoc strips the first line's indentation from every line of a #+BEGIN_SRC block, so that line must start the code.
  const indentedFirst = /^[ \t]/.test(lines[0]);
  if (srcBreaker === -1 && !indentedFirst) return `#+BEGIN_SRC ${lang}\n${body}\n#+END_SRC`;
  const why = srcBreaker !== -1
    ? `line ${srcBreaker + 1} starts with #+END_SRC`
    : 'its first line is indented (Logseq would remove that indentation from every line)';
  throw new GraphFormatError(
    `this code cannot be stored so that Logseq reads it back unchanged: line ${fenceBreaker + 1} starts with ${mldocTrim(lines[fenceBreaker]).slice(0, 3)} ` +
      `(Logseq ends a code block there) and ${why}. Change that line (mldoc ignores its indentation), e.g. build the fence string as '\\x60'.repeat(3) in the code`,
  );
}

function formatValue(key: string, value: PropertyValue): string {
  if (Array.isArray(value)) {
    return value
      .map((item) => item.trim())
      .filter((item) => item !== '')
      .map((item) => (/[,\s#[\]]/.test(item) && !item.startsWith('[[') ? `[[${item}]]` : item))
      .join(', ');
  }
  if (/[\r\n]/.test(value)) throw new GraphFormatError(`property ${key}:: has a line break in its value; Logseq properties are single lines`);
  return value.trim();
}

export function serializeProperties(properties: PropertyList, prefix = ''): string[] {
  const lines: string[] = [];
  for (const [rawKey, value] of properties) {
    const key = rawKey.trim();
    if (!PROPERTY_KEY.test(key)) throw new GraphFormatError(`"${rawKey}" is not a valid Logseq property name (letters, digits, - and _)`);
    const text = formatValue(key, value);
    if (Array.isArray(value) && text === '') continue;
    lines.push(text === '' ? `${prefix}${key}::` : `${prefix}${key}:: ${text}`);
  }
  return lines;
}

/** Checks the text reads back as one block with the same lines, and returns its lines. */
function blockLines(text: string): string[] {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  while (lines.length > 1 && lines[lines.length - 1].trim() === '') lines.pop();
  let fence: string | undefined;
  let srcEnd: RegExp | undefined;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (srcEnd) {
      if (srcEnd.test(line)) srcEnd = undefined;
      continue;
    }
    const src = fence ? null : SRC_BEGIN.exec(line);
    if (src && lines.slice(i + 1).some((l) => srcEndFor(src[1]).test(l))) {
      srcEnd = srcEndFor(src[1]);
      continue;
    }
    const m = FENCE.exec(line.trimStart());
    if (fence) {
      if (m && m[1][0] === fence[0] && m[1].length >= fence.length && m[2].trim() === '') fence = undefined;
      continue;
    }
    if (m && !(m[1][0] === '`' && m[2].includes('`'))) {
      fence = m[1];
      continue;
    }
    if (i > 0 && LIST_OR_HEADING.test(line.trimStart())) {
      throw new GraphFormatError(`block line ${i + 1} ("${line.trim().slice(0, 40)}") would start a new block in Logseq; make it a child block or put it in a code fence`);
    }
    if (i > 0 && PROPERTY_LINE.test(line)) {
      throw new GraphFormatError(`block line ${i + 1} ("${line.trim().slice(0, 40)}") would be read as a property; pass it in properties instead`);
    }
  }
  if (fence) throw new GraphFormatError(`a code fence (${fence}) in block "${lines[0].slice(0, 40)}" is never closed`);
  return lines;
}

function serializeBlock(block: BlockSpec, depth: number, indentation: string, out: string[]): void {
  const indent = indentation.repeat(depth);
  const continuation = `${indent}  `;
  const lines = blockLines(block.text);
  const properties = serializeProperties(block.properties ?? [], continuation);
  const first = lines[0];
  const firstFence = FENCE.exec(first.trimStart());
  const firstSrc = SRC_BEGIN.exec(first);
  out.push(first === '' ? `${indent}-` : `${indent}- ${first}`);
  const rest = lines.slice(1).map((line) => (line === '' ? '' : continuation + line));
  if (firstSrc || (firstFence && !(firstFence[1][0] === '`' && firstFence[2].includes('`')))) {
    // Logseq reads the properties of a block that opens with code after the closing fence.
    const closes = firstSrc ? (line: string) => srcEndFor(firstSrc[1]).test(line) : (line: string) => FENCE.test(line.trimStart());
    let close = 0;
    while (close < rest.length && !closes(rest[close])) close++;
    out.push(...rest.slice(0, close + 1), ...properties, ...rest.slice(close + 1));
  } else {
    out.push(...properties, ...rest);
  }
  for (const child of block.children ?? []) serializeBlock(child, depth + 1, indentation, out);
}

/** Top-level blocks as Logseq writes them, newline-terminated. */
export function serializeBlocks(blocks: BlockSpec[], options: SerializeOptions = {}): string {
  const out: string[] = [];
  for (const block of blocks) serializeBlock(block, 0, options.indentation ?? '\t', out);
  return out.length === 0 ? '' : out.join('\n') + '\n';
}

export function serializePage(doc: PageDoc, options: SerializeOptions = {}): string {
  const head = serializeProperties(doc.properties);
  if (head.length === 0) return serializeBlocks(doc.blocks.length > 0 ? doc.blocks : [{ text: '' }], options);
  if (doc.blocks.length === 0) return head.join('\n') + '\n';
  return head.join('\n') + '\n\n' + serializeBlocks(doc.blocks, options);
}
