// Turns what a user types into a safe FTS5 MATCH expression, and the small text helpers the indexer shares
// with it. User input never reaches FTS5 syntax unquoted: every term becomes a quoted string.

const HAS_WORD_CHAR = /[\p{L}\p{N}]/u;
const SHORT_PREFIX = 2;
const NAME_COLUMNS = '{title names tags}';
const CAMEL_HUMPS = /[a-z0-9][A-Z]/g;

/**
 * `analyze_err` -> `"analyze_err"*`; `"error spike" deploy` -> `"error spike" "deploy"*`.
 * Bare words match as prefixes (search as you type); quoted text is a phrase, a prefix only while its
 * closing quote has not been typed. Operators (AND, OR, NOT, NEAR, column:) are treated as words.
 * Returns null when nothing searchable is left.
 */
export function toFtsQuery(input: string): string | null {
  const parts: string[] = [];
  const pattern = /"([^"]*)("?)|([^\s"]+)/g;
  for (let match = pattern.exec(input); match; match = pattern.exec(input)) {
    const [, phrase, closed, word] = match;
    if (word !== undefined) {
      if (!HAS_WORD_CHAR.test(word)) continue;
      // A one- or two-letter prefix matches most of the body text: slow, and noise. While the user has typed
      // that little, it matches names, titles and tags by prefix and the body only as a whole word.
      // The same holds for the last part of `still_a`, which FTS5 reads as the phrase "still" "a"*.
      const lastPart = word.split(/[^\p{L}\p{N}]+/u).filter(Boolean).pop() ?? '';
      // A lone letter is taken as a whole word only: expanding it would walk a large part of the index.
      if (lastPart.length <= 1 && lastPart.length === word.replace(/[^\p{L}\p{N}]/gu, '').length) parts.push(quote(word));
      else if (lastPart.length <= SHORT_PREFIX) parts.push(`(${NAME_COLUMNS} : ${quote(word)}* OR ${quote(word)})`);
      else parts.push(`${quote(word)}*`);
    } else if (phrase !== undefined && HAS_WORD_CHAR.test(phrase)) {
      parts.push(closed ? quote(phrase) : `${quote(phrase)}*`);
    }
  }
  return parts.length ? parts.join(' ') : null;
}

export interface HighlightTerms {
  /** Folded tokens that match only as whole words. */
  exact: Set<string>;
  /** Folded tokens that match as prefixes. */
  prefixes: string[];
}

/** The tokens a snippet should mark for this input, read the same way toFtsQuery reads it. */
export function highlightTerms(input: string): HighlightTerms {
  const terms: HighlightTerms = { exact: new Set(), prefixes: [] };
  const pattern = /"([^"]*)("?)|([^\s"]+)/g;
  for (let match = pattern.exec(input); match; match = pattern.exec(input)) {
    const [, phrase, closed, word] = match;
    const tokens = tokenize(word ?? phrase ?? '').map((token) => token.folded);
    const prefixLast = word !== undefined ? tokens[tokens.length - 1]?.length > 1 : !closed;
    tokens.forEach((token, i) => {
      if (i === tokens.length - 1 && prefixLast) terms.prefixes.push(token);
      else terms.exact.add(token);
    });
  }
  return terms;
}

export interface Token {
  start: number;
  end: number;
  /** Lower-cased, diacritics removed, as unicode61 with remove_diacritics folds it. */
  folded: string;
}

/** Splits text into tokens the way the unicode61 tokenizer does (runs of letters and digits). */
export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  for (const match of text.matchAll(/[\p{L}\p{N}\p{M}]+/gu)) {
    tokens.push({ start: match.index, end: match.index + match[0].length, folded: fold(match[0]) });
  }
  return tokens;
}

function fold(token: string): string {
  return token.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
}

function quote(text: string): string {
  return `"${text.replace(/"/g, '""')}"`;
}

/**
 * Extra words for identifiers written in camelCase or PascalCase, which unicode61 keeps as one token:
 * `fetchUserData` -> `fetch user data`. snake_case needs nothing: the tokenizer already splits on `_`.
 */
export function identifierParts(text: string): string {
  const seen = new Set<string>();
  let coveredUntil = 0;
  // Find humps first and grow each to its identifier: linear, and prose (which has almost none) costs one scan.
  for (const hump of text.matchAll(CAMEL_HUMPS)) {
    if (hump.index < coveredUntil) continue;
    let start = hump.index;
    while (start > 0 && isAsciiWordChar(text.charCodeAt(start - 1))) start--;
    let end = hump.index + 2;
    while (end < text.length && isAsciiWordChar(text.charCodeAt(end))) end++;
    coveredUntil = end;
    for (const part of text.slice(start, end).split(/(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])/)) {
      if (part.length > 1) seen.add(part.toLowerCase());
    }
  }
  return [...seen].join(' ');
}

function isAsciiWordChar(code: number): boolean {
  return (code >= 48 && code <= 57) || (code >= 65 && code <= 90) || (code >= 97 && code <= 122);
}

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

/**
 * An ISO day (YYYY-MM-DD) from the ways dates appear in Logseq properties: `2025-01-05`,
 * `2025-01-05T10:00:00Z`, `[[Jan 5th, 2025]]`, `20250105`. Undefined when it is not a date.
 */
export function isoDay(raw: string | undefined): string | undefined {
  if (!raw) return undefined;
  const text = raw.replace(/\[\[|\]\]/g, '').trim();
  const iso = /^(\d{4})-(\d{2})-(\d{2})/.exec(text) ?? /^(\d{4})(\d{2})(\d{2})$/.exec(text) ?? /^(\d{4})_(\d{2})_(\d{2})$/.exec(text);
  if (iso) return validDay(+iso[1], +iso[2], +iso[3]);
  const named = /^([A-Za-z]{3})[a-z]*\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})$/.exec(text);
  if (named) {
    const month = MONTHS.indexOf(named[1].toLowerCase()) + 1;
    return month ? validDay(+named[3], month, +named[2]) : undefined;
  }
  return undefined;
}

function validDay(year: number, month: number, day: number): string | undefined {
  const date = new Date(Date.UTC(year, month - 1, day));
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return undefined;
  return date.toISOString().slice(0, 10);
}
