// Builds search-result snippets in JS from a document's text: the passage with the most query terms, with
// matches wrapped in \u0002 … \u0003. FTS5's snippet() re-runs prefix expansion per row, which cost more than
// the whole ranked search on common prefixes; this reads only the text of the hits shown.
import { tokenize, type HighlightTerms } from './query';

export const MARK_OPEN = '\u0002';
export const MARK_CLOSE = '\u0003';
const ELLIPSIS = '…';

/**
 * The window of `maxTokens` tokens with the most distinct matching terms (then the most matches, then the
 * earliest). Returns null when nothing in `text` matches.
 */
export function markedSnippet(text: string, terms: HighlightTerms, maxTokens = 16): string | null {
  const tokens = tokenize(text);
  const matchKey = tokens.map((token) => matchOf(token.folded, terms));
  if (!matchKey.some((key) => key !== undefined)) return null;
  let best = { start: 0, distinct: -1, matches: -1 };
  for (let start = 0; start < tokens.length; start++) {
    if (matchKey[start] === undefined) continue;
    // Start the window a little before the first match so the snippet reads in context.
    const from = Math.max(0, Math.min(start - 2, tokens.length - maxTokens));
    const keys = new Set<string>();
    let matches = 0;
    for (let i = from; i < Math.min(tokens.length, from + maxTokens); i++) {
      const key = matchKey[i];
      if (key === undefined) continue;
      keys.add(key);
      matches++;
    }
    if (keys.size > best.distinct || (keys.size === best.distinct && matches > best.matches)) best = { start: from, distinct: keys.size, matches };
  }
  const end = Math.min(tokens.length, best.start + maxTokens);
  let out = best.start > 0 ? ELLIPSIS : '';
  let cursor = best.start > 0 ? tokens[best.start].start : 0;
  for (let i = best.start; i < end; i++) {
    const token = tokens[i];
    out += text.slice(cursor, token.start);
    const word = text.slice(token.start, token.end);
    out += matchKey[i] === undefined ? word : `${MARK_OPEN}${word}${MARK_CLOSE}`;
    cursor = token.end;
  }
  out += end < tokens.length ? ELLIPSIS : text.slice(cursor);
  return out;
}

/** How well `text` matches: distinct query terms found, and all matching tokens. */
export function matchStrength(text: string, terms: HighlightTerms): { distinct: number; matches: number } {
  const keys = new Set<string>();
  let matches = 0;
  for (const token of tokenize(text)) {
    const key = matchOf(token.folded, terms);
    if (key === undefined) continue;
    keys.add(key);
    matches++;
  }
  return { distinct: keys.size, matches };
}

/** The start of the text, for hits whose match is in the title only. */
export function leadSnippet(text: string, maxTokens = 16): string {
  const tokens = tokenize(text);
  if (tokens.length <= maxTokens) return text.trim();
  return `${text.slice(0, tokens[maxTokens - 1].end).trim()}${ELLIPSIS}`;
}

function matchOf(folded: string, terms: HighlightTerms): string | undefined {
  if (terms.exact.has(folded)) return folded;
  for (const prefix of terms.prefixes) if (folded.startsWith(prefix)) return prefix;
  return undefined;
}
