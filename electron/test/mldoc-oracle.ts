// Logseq's own parser (mldoc) as the test oracle for what we write (pages, skill pages, journal entries): page
// properties, blocks with their properties, and fenced code exactly as Logseq would read them.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { Mldoc } = require('mldoc') as { Mldoc: { parseJson(text: string, config: string): string } };
// Logseq 0.10's markdown parse options, minus `inline_type_ast` which this mldoc release rejects.
const MLDOC_CONFIG = JSON.stringify({
  toc: false, parse_outline_only: false, heading_number: false, keep_line_break: true, format: 'Markdown', heading_to_list: false,
  exporting_keep_properties: true, export_md_remove_options: [], hiccup_in_block: true, enable_drawers: true, parse_marker: true, parse_priority: true,
});

export interface OracleBlock {
  level: number;
  title: string;
  properties: Record<string, string>;
  code: Array<{ lang: string; code: string }>;
}
export interface OracleView {
  pageProperties: Record<string, string>;
  blocks: OracleBlock[];
}

type Inline = [string, unknown];
function flattenInline(nodes: Inline[]): string {
  return nodes
    .map(([type, value]) => {
      if (type === 'Plain') return value as string;
      if (type === 'Link') return (value as { full_text: string }).full_text;
      if (type === 'Tag') return '#' + flattenInline(value as Inline[]);
      if (type === 'Code') return '`' + (value as string) + '`';
      if (type === 'Break_Line') return '\n';
      return JSON.stringify([type, value]);
    })
    .join('');
}

function dedent(lines: string[]): string {
  const rows = lines.join('').replace(/\n$/, '').split('\n');
  const indents = rows.filter((row) => row.trim() !== '').map((row) => /^[ \t]*/.exec(row)![0].length);
  const cut = indents.length > 0 ? Math.min(...indents) : 0;
  return rows.map((row) => row.slice(Math.min(cut, row.length))).join('\n');
}

export function mldocView(text: string): OracleView {
  const ast = JSON.parse(Mldoc.parseJson(text, MLDOC_CONFIG)) as Array<[[string, unknown], unknown]>;
  const view: OracleView = { pageProperties: {}, blocks: [] };
  for (const [[type, value]] of ast) {
    const current = view.blocks[view.blocks.length - 1];
    if (type === 'Heading') {
      const heading = value as { level: number; title: Inline[]; marker?: string };
      view.blocks.push({ level: heading.level, title: (heading.marker ? heading.marker + ' ' : '') + flattenInline(heading.title), properties: {}, code: [] });
    } else if (type === 'Property_Drawer') {
      const target = current ? current.properties : view.pageProperties;
      for (const [key, val] of value as Array<[string, string]>) target[key] = val;
    } else if (type === 'Src' && current) {
      const src = value as { lines: string[]; language: string | null };
      current.code.push({ lang: src.language ?? '', code: dedent(src.lines) });
    }
  }
  return view;
}
