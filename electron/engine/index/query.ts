// Turns what a user types into a safe FTS5 MATCH expression, and the small text helpers the indexer shares
// with it. User input never reaches FTS5 syntax unquoted: every term becomes a quoted string.

const HAS_WORD_CHAR = /[\p{L}\p{N}]/u;
const SHORT_PREFIX = 2;
const NAME_COLUMNS = '{title names tags}';
const CAMEL_HUMPS = /[a-z0-9][A-Z]/g;

/**
 * Words that carry no meaning in a sentence ("sum of two numbers"). In a query with other words they are
 * dropped; a query made only of them keeps them. Words that name things ("not", "up", "get") are kept.
 */
const STOPWORDS = new Set(
  'a an the of to in on at by for from with and or is are was were be been it its as that this these those what which who how when where why do does i me my we our you your can will would should could into about there their then than so if'.split(' '),
);

/** One term of a query: its FTS5 expression and what it marks in snippets. */
interface QueryTerm {
  fts: string;
  exact: string[];
  prefix?: string;
}

/**
 * `analyze_err` -> `"analyze_err"*`; `"error spike" deploy` -> `"error spike" AND "deploy"*`.
 * Bare words match as prefixes (search as you type); quoted text is a phrase, a prefix only while its
 * closing quote has not been typed. Operators (AND, OR, NOT, NEAR, column:) are treated as words.
 * `any` joins the terms with OR (the fallback when no document has them all). Returns null when nothing
 * searchable is left.
 */
export function toFtsQuery(input: string, join: 'all' | 'any' = 'all'): string | null {
  const terms = queryTerms(input);
  if (!terms.length) return null;
  return terms.map((term) => term.fts).join(join === 'all' ? ' AND ' : ' OR ');
}

/** How many terms `toFtsQuery` makes of this input (a fallback to any term only helps with two or more). */
export function termCount(input: string): number {
  return queryTerms(input).length;
}

export interface HighlightTerms {
  /** Folded tokens that match only as whole words. */
  exact: Set<string>;
  /** Folded tokens that match as prefixes. */
  prefixes: string[];
}

/** The tokens a snippet should mark for this input, read the same way toFtsQuery reads it. */
export function highlightTerms(input: string): HighlightTerms {
  const highlight: HighlightTerms = { exact: new Set(), prefixes: [] };
  for (const term of queryTerms(input)) {
    for (const token of term.exact) highlight.exact.add(token);
    if (term.prefix) highlight.prefixes.push(term.prefix);
  }
  return highlight;
}

function queryTerms(input: string): QueryTerm[] {
  const parts: Array<{ phrase?: string; closed?: boolean; word?: string }> = [];
  const pattern = /"([^"]*)("?)|([^\s"]+)/g;
  for (let match = pattern.exec(input); match; match = pattern.exec(input)) {
    const [, phrase, closed, word] = match;
    if (word !== undefined && HAS_WORD_CHAR.test(word)) parts.push({ word });
    else if (phrase !== undefined && HAS_WORD_CHAR.test(phrase)) parts.push({ phrase, closed: !!closed });
  }
  const isStopword = (part: (typeof parts)[number]) => part.word !== undefined && STOPWORDS.has(fold(part.word));
  // Stopwords in a sentence would have to appear in every hit (and one- or two-letter ones used to be
  // confined to names): drop them, unless nothing else was typed.
  const kept = parts.some((part) => !isStopword(part)) ? parts.filter((part) => !isStopword(part)) : parts;
  return kept.map((part, i) => (part.word !== undefined ? wordTerm(part.word, kept.length > 1 && i < kept.length - 1) : phraseTerm(part.phrase!, part.closed!)));
}

/**
 * A bare word. `finished` words (followed by more words) that are one or two letters long match as whole
 * words anywhere ("ip address"); the word being typed is a prefix, and while it is that short the prefix
 * only reaches names, titles and tags (a one- or two-letter prefix matches most of the body: slow, and noise).
 * The same holds for the last part of `still_a`, which FTS5 reads as the phrase "still" "a"*.
 */
function wordTerm(word: string, finished: boolean): QueryTerm {
  const tokens = tokenize(word).map((token) => token.folded);
  const last = tokens[tokens.length - 1] ?? '';
  const whole = { fts: quote(word), exact: tokens };
  // A lone letter is taken as a whole word only: expanding it would walk a large part of the index.
  if (last.length <= 1 && tokens.length === 1) return whole;
  if (last.length <= SHORT_PREFIX) {
    if (finished) return whole;
    const fts = `(${NAME_COLUMNS} : ${quote(word)}* OR ${quote(word)})`;
    // A one-letter prefix marks only whole words: as a prefix it would mark most of a snippet.
    return last.length > 1 ? { fts, exact: tokens.slice(0, -1), prefix: last } : { fts, exact: tokens };
  }
  return { fts: `${quote(word)}*`, exact: tokens.slice(0, -1), prefix: last };
}

function phraseTerm(phrase: string, closed: boolean): QueryTerm {
  const tokens = tokenize(phrase).map((token) => token.folded);
  if (closed) return { fts: quote(phrase), exact: tokens };
  return { fts: `${quote(phrase)}*`, exact: tokens.slice(0, -1), prefix: tokens[tokens.length - 1] };
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
