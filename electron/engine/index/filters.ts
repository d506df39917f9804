// The filters search and the skill list share (tag, language, status, source), turned into SQL clauses over
// the table each one reads, plus the date bounds of a search. One reading of each filter: a tag without its
// `#`/`[[ ]]`, a language by its aliases, a status in lower case, a date as an ISO day.
import { InvalidInputError } from '../../../shared/errors';
import { normalizeTags } from './documents';
import { isoDay } from './query';

export interface FilterClauses {
  clauses: string[];
  params: unknown[];
}

export interface FieldFilters {
  tag?: string;
  language?: string;
  status?: string;
  source?: string;
}

const LANGUAGE_ALIASES: Record<string, string> = { ts: 'typescript', js: 'typescript', javascript: 'typescript', py: 'python' };

/**
 * Clauses for the shared filters, appended to `into`: `alias` names the table holding language/status/source
 * columns, `tagClause` tests one tag (its `?` is the normalised tag).
 */
export function addFieldFilters(into: FilterClauses, filters: FieldFilters, alias: string, tagClause: string): FilterClauses {
  const tag = filters.tag === undefined ? undefined : normalizeTags([filters.tag.replace(/\[\[|\]\]/g, '').replace(/^#/, '')])[0];
  if (tag) {
    into.clauses.push(tagClause);
    into.params.push(tag);
  }
  const columns: Array<[string, string | undefined, (value: string) => string]> = [
    ['language', filters.language, normalizeLanguage],
    ['status', filters.status, (status) => status.toLowerCase()],
    ['source', filters.source, (source) => source],
  ];
  for (const [column, value, normalize] of columns) {
    if (!value) continue;
    into.clauses.push(`${alias}.${column} = ?`);
    into.params.push(normalize(value));
  }
  return into;
}

export function filterDay(bound: 'from' | 'to', value: string): string {
  const day = isoDay(value);
  if (!day) throw new InvalidInputError(`search filter "${bound}" must be a date like 2025-01-31, got "${value}"`);
  return day;
}

function normalizeLanguage(language: string): string {
  const lower = language.trim().toLowerCase();
  return LANGUAGE_ALIASES[lower] ?? lower;
}
