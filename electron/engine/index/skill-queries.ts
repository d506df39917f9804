// The skills the index holds, for the list view and lookups by name: filtered (tag, language, status, source,
// server), sorted (name, updated, usage by backlinks) and paged, one skill per skill-id (the page updated last
// holds it, as skills/model.ts decides). Plain functions over an IndexFile; the caller guards them against damage.
import type { Skill } from '../../../shared/types';
import { addFieldFilters, type FilterClauses } from './filters';
import type { IndexFile } from './index-file';

export interface SkillQuery {
  tag?: string;
  language?: string;
  status?: string;
  source?: 'agent' | 'person';
  server?: string;
  sort?: 'name' | 'updated' | 'usage';
  limit?: number;
  offset?: number;
}

export type SkillFilters = Omit<SkillQuery, 'sort' | 'limit' | 'offset'>;

/**
 * The skill row `s` holds its skill-id: no other page with that id was updated later (or, updated at the same
 * time, sorts first). One skill per skill-id, by the rule of holdsSkillOver in skills/model.ts.
 */
const HELD_SKILL = (() => {
  // The `updated` column holds the day only; the full time is in the skill's JSON.
  const [mine, theirs] = ["coalesce(json_extract(s.data, '$.updated'), '')", "coalesce(json_extract(o.data, '$.updated'), '')"];
  return `NOT EXISTS (SELECT 1 FROM skills o WHERE o.id = s.id AND o.path <> s.path AND (${theirs} > ${mine} OR (${theirs} = ${mine} AND o.path < s.path)))`;
})();

/** See SearchIndex.skills. */
export function listSkills(file: IndexFile, opts: SkillQuery): Skill[] {
  const { clauses, params } = skillFilterClauses(opts);
  const where = clauses.length ? `WHERE ${clauses.join(' AND ')}` : '';
  const order =
    opts.sort === 'updated'
      ? 's.updated IS NULL, s.updated DESC, s.name COLLATE NOCASE, s.path'
      : opts.sort === 'usage'
        ? '(SELECT count(*) FROM page_refs r WHERE r.target = s.page_name AND r.page_path <> s.path) DESC, s.name COLLATE NOCASE, s.path'
        : 's.name COLLATE NOCASE, s.path';
  const limit = opts.limit === undefined ? -1 : Math.max(Math.trunc(opts.limit), 0);
  const offset = Math.max(Math.trunc(opts.offset ?? 0), 0);
  // Order first, then read the (large) JSON of the page of skills only, in the same statement: one query per skill
  // (1,000 on a big graph) was a third of `skills list`'s time.
  const rows = file.all(
    `WITH page AS (SELECT s.path, row_number() OVER (ORDER BY ${order}) AS k FROM skills s ${where} ORDER BY ${order} LIMIT ? OFFSET ?)
     SELECT d.data FROM page JOIN skills d ON d.path = page.path ORDER BY page.k`,
    ...params,
    limit,
    offset,
  ) as { data: string }[];
  return rows.map(({ data }) => JSON.parse(data) as Skill);
}

/** How many skills `listSkills(opts)` would list without paging. */
export function countSkills(file: IndexFile, opts: SkillFilters): number {
  const { clauses, params } = skillFilterClauses(opts);
  const where = clauses.length ? `WHERE ${clauses.join(' AND ')}` : '';
  return (file.get(`SELECT count(*) AS n FROM skills s ${where}`, ...params) as { n: number }).n;
}

/** The skill named `name` (case-insensitive); when two pages claim the name, the first path wins. */
export function skillNamed(file: IndexFile, name: string): Skill | undefined {
  const row = file.get(`SELECT data FROM skills s WHERE name = ? COLLATE NOCASE AND ${HELD_SKILL} ORDER BY path LIMIT 1`, name) as { data: string } | undefined;
  return row ? (JSON.parse(row.data) as Skill) : undefined;
}

function skillFilterClauses(opts: SkillFilters): FilterClauses {
  const filter = addFieldFilters({ clauses: [HELD_SKILL], params: [] }, opts, 's', 's.path IN (SELECT page_path FROM page_tags WHERE tag = ?)');
  if (opts.server) {
    filter.clauses.push('s.path IN (SELECT skill_path FROM skill_servers WHERE server = ?)');
    filter.params.push(opts.server);
  }
  return filter;
}
