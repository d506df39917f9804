// A remark plugin for Logseq's inline syntax: [[page]], #tag, #[[multi word]], ((uuid)), {{embed …}},
// {{query …}} and [#A] priorities become their own mdast nodes, which remark-rehype turns into custom
// elements (page-ref, block-ref, …) that the renderer maps to React components. Code is never touched.
import type { Root, RootContent, Text, PhrasingContent, Link } from 'mdast';

/** Order matters: #[[x]] before [[x]], macros before refs inside them. */
const INLINE = /\{\{\s*(embed|query)\s+([\s\S]*?)\}\}|#\[\[([^\]]+)\]\]|\[\[([^\]]+)\]\]|\(\(([0-9a-fA-F-]{8,})\)\)|\[#([A-C])\]|(^|[\s,(])#([^\s,;!?"'()[\]{}#]+)/g;

type Custom = { type: 'logseq'; data: { hName: string; hProperties: Record<string, string> }; children: [] };

function element(hName: string, hProperties: Record<string, string>): Custom {
  return { type: 'logseq', data: { hName, hProperties }, children: [] };
}

export function splitLogseqText(value: string): Array<Text | Custom> {
  const out: Array<Text | Custom> = [];
  let last = 0;
  const push = (text: string) => {
    if (text) out.push({ type: 'text', value: text });
  };
  for (const m of value.matchAll(INLINE)) {
    const start = m.index;
    const [whole, macro, macroArg, tagRef, pageRef, blockRef, priority, tagLead, tag] = m;
    if (macro) {
      push(value.slice(last, start));
      const arg = macroArg.trim();
      if (macro === 'query') out.push(element('logseq-query', { query: arg }));
      else {
        const block = /^\(\(([0-9a-fA-F-]{8,})\)\)$/.exec(arg);
        const page = /^\[\[(.+)\]\]$/.exec(arg);
        if (block) out.push(element('block-embed', { uuid: block[1] }));
        else if (page) out.push(element('page-embed', { name: page[1] }));
        else push(whole);
      }
    } else if (tagRef !== undefined || pageRef !== undefined) {
      push(value.slice(last, start));
      out.push(element('page-ref', { name: (tagRef ?? pageRef).trim(), tag: tagRef !== undefined ? 'true' : 'false' }));
    } else if (blockRef) {
      push(value.slice(last, start));
      out.push(element('block-ref', { uuid: blockRef }));
    } else if (priority) {
      push(value.slice(last, start));
      out.push(element('priority-chip', { priority }));
    } else if (tag) {
      const cleaned = tag.replace(/[.]+$/, '');
      push(value.slice(last, start) + tagLead);
      out.push(element('page-ref', { name: cleaned, tag: 'true' }));
      push(tag.slice(cleaned.length));
    }
    last = start + whole.length;
  }
  push(value.slice(last));
  return out;
}

type Parent = { children: Array<RootContent | PhrasingContent> };

function transform(node: Parent): void {
  const next: Array<RootContent | PhrasingContent> = [];
  for (const child of node.children) {
    if (child.type === 'text') {
      // Logseq shows a block's line breaks as written (Markdown would join the lines into one).
      child.value.split('\n').forEach((line, i) => {
        if (i > 0) next.push({ type: 'break' });
        next.push(...(splitLogseqText(line) as unknown as PhrasingContent[]));
      });
      continue;
    }
    // Raw HTML is shown as the text it is, never as markup (and never dropped: nothing the user wrote is lost).
    if (child.type === 'html') {
      next.push({ type: 'text', value: child.value });
      continue;
    }
    // [label]([[page]]): a labelled page link.
    if (child.type === 'link' && /^\[\[.+\]\]$/.test(decodeURI((child as Link).url))) {
      const name = decodeURI((child as Link).url).slice(2, -2);
      next.push({ ...(child as Link), url: `#/name/${encodeURIComponent(name)}` });
      continue;
    }
    // code and inlineCode hold a value, not children, so they are never rewritten.
    if ('children' in child) transform(child as Parent);
    next.push(child);
  }
  node.children = next;
}

export function remarkLogseq() {
  return (tree: Root) => transform(tree as Parent);
}
