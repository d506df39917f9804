// Turns what a user types into a safe FTS5 MATCH expression, and the small text helpers the indexer shares
// with it. User input never reaches FTS5 syntax unquoted: every term becomes a quoted string.

const HAS_WORD_CHAR = /[\p{L}\p{N}]/u;

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
      if (HAS_WORD_CHAR.test(word)) parts.push(`${quote(word)}*`);
    } else if (phrase !== undefined && HAS_WORD_CHAR.test(phrase)) {
      parts.push(closed ? quote(phrase) : `${quote(phrase)}*`);
    }
  }
  return parts.length ? parts.join(' ') : null;
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
  for (const identifier of text.match(/[A-Za-z][A-Za-z0-9]*[a-z0-9][A-Z][A-Za-z0-9]*/g) ?? []) {
    for (const part of identifier.split(/(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])/)) {
      if (part.length > 1) seen.add(part.toLowerCase());
    }
  }
  return [...seen].join(' ');
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
