// Logseq's own parser (mldoc) as the test oracle for what we write (pages, skill pages, journal entries): page
// properties, blocks with their properties, and code exactly as Logseq 0.10 reads and shows them.
//
// A block is what Logseq's graph-parser makes of it (deps/graph-parser/src/logseq/graph_parser/block.cljs,
// `extract-blocks` and `get-block-content`): the file's bytes from the block's bullet to the next bullet, the bullet
// removed (`text/remove-level-spaces`) and `level + 1` indentation characters removed from each later line
// (`mldoc/remove-indentation-spaces`). Logseq renders and edits a block by parsing that content again, so the code a
// person sees and edits is read from the re-parsed content, not from the whole-file parse.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { Mldoc } = require('mldoc') as { Mldoc: { parseJson(text: string, config: string): string; parseInlineJson(text: string, config: string): string } };
// Logseq 0.10's markdown parse options, minus `inline_type_ast` which this mldoc release rejects.
const MLDOC_CONFIG = JSON.stringify({
  toc: false, parse_outline_only: false, heading_number: false, keep_line_break: true, format: 'Markdown', heading_to_list: false,
  exporting_keep_properties: true, export_md_remove_options: [], hiccup_in_block: true, enable_drawers: true, parse_marker: true, parse_priority: true,
});

export interface OracleBlock {
  level: number;
  /** The block's first line as Logseq shows it, task marker included (`TODO fix`). */
  title: string;
  /** Raw property values, as written after `key::`. */
  properties: Record<string, string>;
  /** Code blocks Logseq shows in the block (Src nodes of its content), with their lines exactly. */
  code: Array<{ lang: string; code: string }>;
}
export interface LogseqBlock extends OracleBlock {
  marker?: string;
  priority?: string;
  /** Heading size (`# x` in a block) when the block is shown as a heading. */
  heading?: number;
  /** Logseq's :block/content: bullet and indentation removed. */
  content: string;
  /** Other body nodes Logseq would render (lists, quotes, tables...) by mldoc type: prose must produce none. */
  bodyTypes: string[];
}
export interface OracleView {
  pageProperties: Record<string, string>;
  blocks: OracleBlock[];
}

type Inline = [string, unknown];
/** Inline nodes back to the text a reader sees; anything this cannot render plainly is shown as `⟨Type⟩`. */
export function flattenInline(nodes: Inline[]): string {
  return nodes
    .map(([type, value]) => {
      if (type === 'Plain') return value as string;
      if (type === 'Link') return (value as { full_text: string }).full_text;
      if (type === 'Tag') return '#' + flattenInline(value as Inline[]);
      if (type === 'Code') return (value as string).includes('`') ? '``' + (value as string) + '``' : '`' + (value as string) + '`';
      if (type === 'Break_Line') return '\n';
      return `⟨${type}⟩`;
    })
    .join('');
}

/** How Logseq shows a property value: its text parsed inline (refs, tags, escapes). */
export function propertyValueText(value: string): string {
  const ast = JSON.parse(Mldoc.parseInlineJson(value, MLDOC_CONFIG)) as Array<[Inline, unknown]>;
  return flattenInline(ast.map(([node]) => node));
}

type AstNode = [[string, unknown], { start_pos: number; end_pos: number }];
function parse(text: string): AstNode[] {
  return JSON.parse(Mldoc.parseJson(text, MLDOC_CONFIG)) as AstNode[];
}

function removeIndentationSpaces(content: string, level: number): string {
  const [first, ...rest] = content.split(/\r?\n/);
  return [first, ...rest.map((line) => (line.slice(0, level).trim() === '' ? line.slice(level) : line.trimStart()))].join('\n');
}

function blockContent(bytes: Buffer, from: number, to: number | undefined, level: number): string {
  const raw = bytes.subarray(from, to).toString('utf8');
  const withoutBullet = raw.trimStart().replace(/^-+\s?/, '');
  return removeIndentationSpaces(withoutBullet, level + 1).replace(/\s+$/, '');
}

/** The page as Logseq reads it: page properties, and per block its level, title, properties and code. */
export function mldocView(text: string): OracleView {
  const view = logseqView(text);
  return { pageProperties: view.pageProperties, blocks: view.blocks.map(({ level, title, properties, code }) => ({ level, title, properties, code })) };
}

/** Like mldocView, with each block's content, marker, priority, heading size and other rendered body nodes. */
export function logseqView(text: string): { pageProperties: Record<string, string>; blocks: LogseqBlock[] } {
  const ast = parse(text);
  const bytes = Buffer.from(text, 'utf8');
  const view: { pageProperties: Record<string, string>; blocks: LogseqBlock[] } = { pageProperties: {}, blocks: [] };
  const headings = ast.map(([[type]], i) => (type === 'Heading' ? i : -1)).filter((i) => i >= 0);
  for (const [[type, value]] of ast) {
    if (type === 'Property_Drawer' && view.blocks.length === 0) {
      for (const [key, val] of value as Array<[string, string]>) view.pageProperties[key] = val;
    }
    if (type === 'Heading') break;
  }
  headings.forEach((index, n) => {
    const level = (ast[index][0][1] as { level: number }).level;
    const next = headings[n + 1];
    const content = blockContent(bytes, ast[index][1].start_pos, next === undefined ? undefined : ast[next][1].start_pos, level);
    const block: LogseqBlock = { level, title: '', properties: {}, content, code: [], bodyTypes: [] };
    for (const [[t, v]] of ast.slice(index + 1, next)) {
      if (t === 'Property_Drawer') for (const [key, val] of v as Array<[string, string]>) block.properties[key] = val;
    }
    // The block as Logseq renders it (frontend/format/block.cljs `parse-title-and-body`): "- " + its content, parsed again.
    const shown = parse('- ' + content.trimStart());
    const [[firstType, firstValue]] = shown[0];
    const body = firstType === 'Heading' ? shown.slice(1) : shown;
    if (firstType === 'Heading') {
      const heading = firstValue as { title: Inline[]; marker?: string; priority?: string; size?: number | null };
      block.title = (heading.marker ? heading.marker + ' ' : '') + flattenInline(heading.title);
      if (heading.marker) block.marker = heading.marker;
      if (heading.priority) block.priority = heading.priority;
      if (heading.size) block.heading = heading.size;
    }
    for (const [[t, v]] of body) {
      if (t === 'Src') {
        const src = v as { lines: string[]; language: string | null };
        block.code.push({ lang: src.language ?? '', code: src.lines.join('').replace(/\n$/, '') });
      } else if (t !== 'Property_Drawer' && t !== 'Heading') block.bodyTypes.push(t);
      else if (t === 'Heading') block.bodyTypes.push('Heading');
    }
    view.blocks.push(block);
  });
  return view;
}
