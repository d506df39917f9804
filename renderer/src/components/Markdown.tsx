// Renders Markdown written by people or agents: marked turns it into HTML and DOMPurify strips scripts,
// event handlers and dangerous URLs before it reaches the DOM.
import DOMPurify from 'dompurify';
import { marked } from 'marked';
import { useMemo } from 'react';

/** Logseq property lines (`key:: value`) are metadata, shown elsewhere; block bullets become plain paragraphs. */
function withoutLogseqProperties(markdown: string): string {
  return markdown
    .split('\n')
    .filter((line) => !/^\s*-?\s*[A-Za-z][\w-]*:: /.test(line))
    .join('\n');
}

export function sanitizeMarkdown(markdown: string): string {
  const html = marked.parse(withoutLogseqProperties(markdown), { async: false, gfm: true });
  return DOMPurify.sanitize(html, { USE_PROFILES: { html: true }, FORBID_TAGS: ['style', 'form', 'input', 'button', 'iframe'] });
}

export function Markdown(props: { source: string; className?: string }) {
  const html = useMemo(() => sanitizeMarkdown(props.source), [props.source]);
  if (!props.source.trim()) return null;
  return <div className={`markdown ${props.className ?? ''}`} dangerouslySetInnerHTML={{ __html: html }} />;
}
