// Reads an Org-mode page for the reader with mldoc (Logseq's own parser): headings become blocks, property
// drawers block properties, #+ directives page properties, and Org markup the Markdown the renderer shows.
import { createRequire } from 'node:module';
import type { PageBlock } from '../../../shared/contract';
import type { ParsedPage, Properties } from '../../../shared/types';

// mldoc is a CommonJS build of Logseq's OCaml parser; loaded on first use (it is 400 kB of JS).
const require = createRequire(import.meta.url);
let mldoc: { parseJson(text: string, config: string): string } | undefined;

const CONFIG = JSON.stringify({
  toc: false,
  parse_outline_only: false,
  heading_number: false,
  keep_line_break: true,
  format: 'Org',
  heading_to_list: false,
  exporting_keep_properties: true,
  inline_type_with_pos: false,
  inline_skip_macro: false,
  export_md_remove_options: [],
  hiccup_in_block: true,
});

type Node = [string, ...unknown[]];
type Positioned = [Node, { start_pos: number; end_pos: number }];

export interface OrgRead {
  properties: Properties;
  blocks: PageBlock[];
  warnings: string[];
}

export function readOrgPage(source: string, page: Pick<ParsedPage, 'warnings'>): OrgRead {
  mldoc ??= (require('mldoc') as { Mldoc: typeof mldoc }).Mldoc!;
  const warnings = page.warnings.filter((warning) => !warning.startsWith('org-mode page'));
  let ast: Positioned[];
  try {
    ast = JSON.parse(mldoc.parseJson(source, CONFIG)) as Positioned[];
  } catch (error) {
    return { properties: {}, blocks: [{ ord: 0, level: 0, parent: -1, text: source, properties: {}, collapsed: false }], warnings: [...warnings, `org page could not be parsed (${(error as Error).message}); shown as text`] };
  }
  const properties: Properties = {};
  const blocks: PageBlock[] = [];
  /** Open headings: [org level, ord]. */
  const stack: Array<[number, number]> = [];
  let current: { block: PageBlock; body: string[] } | undefined;
  const bodies: string[][] = [];
  const startBlock = (orgLevel: number, text: string, marker?: string) => {
    while (stack.length && stack[stack.length - 1][0] >= orgLevel) stack.pop();
    const block: PageBlock = { ord: blocks.length, level: stack.length, parent: stack.length ? stack[stack.length - 1][1] : -1, text, properties: {}, collapsed: false, ...(marker ? { marker } : {}) };
    stack.push([orgLevel, block.ord]);
    blocks.push(block);
    current = { block, body: [] };
    bodies.push(current.body);
  };
  for (const [node, pos] of ast) {
    const [type] = node;
    if (type === 'Directive' && !current) {
      properties[String(node[1]).toLowerCase()] = String(node[2]);
      continue;
    }
    if (type === 'Heading') {
      const heading = node[1] as { title: Node[]; marker?: string; priority?: string; level: number; tags?: string[] };
      const prefix = [heading.marker, heading.priority ? `[#${heading.priority}]` : undefined].filter(Boolean).join(' ');
      const title = inline(heading.title).trim();
      const tags = (heading.tags ?? []).map((tag) => ` #${tag}`).join('');
      startBlock(heading.level, `${prefix ? `${prefix} ` : ''}${title}${tags}`, heading.marker);
      continue;
    }
    if (type === 'Property_Drawer') {
      const target = current ? current.block.properties : properties;
      for (const [key, value] of node[1] as Array<[string, string]>) target[key.toLowerCase()] = value;
      if (current) current.block.collapsed = String(current.block.properties.collapsed ?? '') === 'true';
      continue;
    }
    if (!current) startBlock(1, '');
    current!.body.push(element(node, source.slice(pos.start_pos, pos.end_pos)));
  }
  blocks.forEach((block, i) => {
    const body = bodies[i].filter((part) => part.trim() !== '').join('\n');
    block.text = [block.text, body].filter((part) => part !== '').join('\n');
  });
  return { properties, blocks, warnings };
}

/** One block-level Org element as the Markdown (with Logseq's #+BEGIN_X blocks) the renderer reads. */
function element(node: Node, raw: string): string {
  const [type] = node;
  switch (type) {
    case 'Paragraph':
      return inline(node[1] as Node[]).replace(/\n+$/, '');
    case 'List':
      return listItems(node[1] as ListItem[], 0);
    case 'Custom': {
      const name = String(node[1]).toUpperCase();
      return `#+BEGIN_${name}\n${String(node[4] ?? '').replace(/\n$/, '')}\n#+END_${name}`;
    }
    case 'Src': {
      const src = node[1] as { language?: string | null; lines?: string[] };
      return `\`\`\`${src.language ?? ''}\n${(src.lines ?? []).join('').replace(/\n$/, '')}\n\`\`\``;
    }
    case 'Example':
      return `#+BEGIN_EXAMPLE\n${(node[1] as string[]).join('').replace(/\n$/, '')}\n#+END_EXAMPLE`;
    case 'Quote':
      return (node[1] as Node[]).map((child) => `> ${element(child, '')}`).join('\n');
    case 'Horizontal_Rule':
      return '---';
    default:
      return raw.trim();
  }
}

interface ListItem {
  content: Node[];
  items: ListItem[];
  ordered: boolean;
}

function listItems(items: ListItem[], depth: number): string {
  return items
    .map((item, i) => {
      const bullet = item.ordered ? `${i + 1}.` : '-';
      const text = item.content.map((child) => element(child, '')).join(' ');
      const children = item.items.length ? `\n${listItems(item.items, depth + 1)}` : '';
      return `${'  '.repeat(depth)}${bullet} ${text}${children}`;
    })
    .join('\n');
}

/** Org inline markup as Markdown with Logseq links: *b* -> **b**, /i/ -> *i*, [[url][label]] -> [label](url). */
function inline(nodes: Node[]): string {
  return nodes.map(inlineNode).join('');
}

function inlineNode(node: Node): string {
  const [type] = node;
  switch (type) {
    case 'Plain':
      return String(node[1]);
    case 'Break_Line':
    case 'Hard_Break_Line':
      return '\n';
    case 'Emphasis': {
      const [[kind], children] = node[1] as [[string], Node[]];
      const text = inline(children);
      if (kind === 'Bold') return `**${text}**`;
      if (kind === 'Italic') return `*${text}*`;
      if (kind === 'Strike_through') return `~~${text}~~`;
      return text;
    }
    case 'Code':
    case 'Verbatim':
      return `\`${String(node[1])}\``;
    case 'Tag':
      return `#${inline(node[1] as Node[])}`;
    case 'Link': {
      const link = node[1] as { url: [string, unknown]; label: Node[]; full_text: string };
      const label = inline(link.label);
      const [kind, value] = link.url;
      if (kind === 'Page_ref') return label ? `[${label}]([[${String(value)}]])` : `[[${String(value)}]]`;
      if (kind === 'Block_ref') return `((${String(value)}))`;
      if (kind === 'Complex') {
        const { protocol, link: rest } = value as { protocol: string; link: string };
        return `[${label || `${protocol}:${rest}`}](${protocol}:${protocol === 'http' || protocol === 'https' ? '//' : ''}${rest})`;
      }
      if (kind === 'Search') return `[[${String(value)}]]`;
      return link.full_text;
    }
    default: {
      const text = (node[1] as { full_text?: string } | undefined)?.full_text;
      return typeof text === 'string' ? text : '';
    }
  }
}
