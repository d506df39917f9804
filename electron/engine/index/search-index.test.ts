// Specification of search: what finds a skill, how hits rank, filters, paging, snippets, tool docs,
// the skills listing and hostile input. Real SQLite files in a temp folder, pages from the real parser.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ToolDoc } from '../../../shared/types';
import { SearchIndex } from './search-index';
import { notePage, skillPage, skillPath } from './test-fixtures';

let dir: string;
let index: SearchIndex;

const spike = skillPage({
  name: 'analyze_error_spike',
  description: 'Finds the deploy that caused a burst of exceptions in Sentry',
  tags: ['ops', 'incident'],
  servers: ['sentry', 'github'],
  updated: '2025-03-02',
  code: 'const issues = await sentry.listIssues({ since: window });\nconst culprit = correlateDeploys(issues);\nconsole.log(culprit);',
  usage: 'run after an alert fires',
});
const summary = skillPage({
  name: 'summarize_pull_requests',
  description: 'Writes a weekly digest of merged pull requests',
  tags: ['github', 'reporting'],
  language: 'python',
  status: 'approved',
  source: 'person [[Ada]]',
  servers: ['github'],
  updated: '2025-01-10',
  code: 'prs = await github.search_pull_requests(state="merged")\nprint(len(prs))',
});
const fetchSkill = skillPage({
  name: 'fetchUserProfiles',
  description: 'Loads profiles for a list of accounts',
  tags: ['crm'],
  status: 'needs-review',
  updated: '2024-12-01',
  code: 'export async function run() { return crm.getAccounts(); }',
});
const notes = notePage('pages/Incident notes.md', 'tags:: ops\n\n- The error spike on Monday came from a bad deploy.\n- Follow up with the [[Skills/analyze_error_spike]] skill.\n');
const journal = notePage('journals/2025_03_02.md', '- Saved [[Skills/analyze_error_spike]] after the outage\n- Lunch with the team\n');
const unrelated = notePage('pages/Gardening.md', '- Tomatoes need sun and water.\n');

const tools: ToolDoc[] = [
  {
    server: 'sentry',
    tool: 'list_issues',
    identifier: 'listIssues',
    description: 'List unresolved issues of a project, newest first',
    signature: 'function listIssues(input: ListIssuesInput): Promise<ListIssuesOutput>',
    inputSchema: { type: 'object', properties: { project: { type: 'string' } } },
    readOnly: true,
    schemaHash: 'h1',
  },
  {
    server: 'sentry',
    tool: 'resolve_issue',
    identifier: 'resolveIssue',
    description: 'Mark an issue resolved',
    signature: 'function resolveIssue(input: ResolveIssueInput): Promise<void>',
    inputSchema: { type: 'object' },
    readOnly: false,
    schemaHash: 'h2',
  },
];

beforeEach(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sg-index-'));
  index = SearchIndex.open(path.join(dir, 'index.sqlite'));
  await index.rebuild([spike, summary, fetchSkill, notes, journal, unrelated]);
  index.upsertToolDocs('sentry', tools);
});

afterEach(() => {
  index.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const keys = (query: string, opts?: Parameters<SearchIndex['search']>[1]) => index.search(query, opts).hits.map((hit) => hit.key);

describe('finding a skill', () => {
  it('by its name, as a whole and by its snake_case parts', () => {
    expect(keys('analyze_error_spike')[0]).toBe(skillPath('analyze_error_spike'));
    expect(keys('spike')[0]).toBe(skillPath('analyze_error_spike'));
    expect(keys('analyze_err')[0]).toBe(skillPath('analyze_error_spike'));
  });

  it('by the parts of a camelCase name, and by a prefix of it', () => {
    expect(keys('profiles')[0]).toBe(skillPath('fetchUserProfiles'));
    expect(keys('user')).toContain(skillPath('fetchUserProfiles'));
    expect(keys('fetchUs')[0]).toBe(skillPath('fetchUserProfiles'));
  });

  it('by a word of its description, and a prefix of that word', () => {
    expect(keys('digest')).toEqual([skillPath('summarize_pull_requests')]);
    expect(keys('dige')).toEqual([skillPath('summarize_pull_requests')]);
  });

  it('by a word inside its code, including camelCase identifiers', () => {
    expect(keys('correlateDeploys')).toEqual([skillPath('analyze_error_spike')]);
    expect(keys('correlate')).toEqual([skillPath('analyze_error_spike')]);
    expect(keys('search_pull_requests')).toEqual([skillPath('summarize_pull_requests')]);
    expect(keys('getAcc')).toEqual([skillPath('fetchUserProfiles')]);
  });

  it('by one of its tags, and a prefix of the tag', () => {
    expect(keys('reporting')).toEqual([skillPath('summarize_pull_requests')]);
    expect(keys('report')).toEqual([skillPath('summarize_pull_requests')]);
  });

  it('by its usage notes', () => {
    expect(keys('alert fires')).toEqual([skillPath('analyze_error_spike')]);
  });
});

describe('ranking and snippets', () => {
  it('ranks the page titled by the words above pages that only mention them', () => {
    const hits = index.search('error spike').hits;
    expect(hits[0].key).toBe(skillPath('analyze_error_spike'));
    expect(hits.slice(1).map((hit) => hit.key).sort()).toEqual(['journals/2025_03_02.md', 'pages/Incident notes.md']);
    expect(hits[0].score).toBeGreaterThan(hits[1].score);
    expect(hits[0].kind).toBe('skill');
    expect(hits[0].skillName).toBe('analyze_error_spike');
  });

  it('ranks a title match above a body-only match for the same word', () => {
    expect(keys('incident')).toEqual(['pages/Incident notes.md', skillPath('analyze_error_spike')]);
    expect(keys('github')[0]).toBe(skillPath('summarize_pull_requests'));
  });

  it('wraps matches in \\u0002 … \\u0003 markers', () => {
    const hit = index.search('tomatoes').hits[0];
    expect(hit.snippet).toContain('\u0002Tomatoes\u0003');
    expect(index.search('burst').hits[0].snippet).toMatch(/\u0002burst\u0003 of exceptions/);
  });

  it('matches quoted text as a phrase only', () => {
    expect(keys('"bad deploy"')).toEqual(['pages/Incident notes.md']);
    expect(keys('"deploy bad"')).toEqual([]);
  });

  it('ranks documents with every word first; when none has them all, those with any, and says so', () => {
    expect(index.search('lunch team')).toMatchObject({ total: 1, allTerms: 1 });
    const either = index.search('spike tomatoes');
    expect(either.allTerms).toBe(0);
    expect(either.hits.map((hit) => hit.key)).toEqual(expect.arrayContaining([skillPath('analyze_error_spike'), 'pages/Gardening.md']));
    expect(either.total).toBe(either.hits.length);
  });
});

describe('sentence queries (people and agents ask in words)', () => {
  const everything: ToolDoc[] = [
    { server: 'everything', tool: 'get-sum', identifier: 'getSum', description: 'Returns the sum of two numbers', signature: 'function getSum(input: GetSumInput): Promise<unknown>', inputSchema: { type: 'object' }, readOnly: true, schemaHash: 's1' },
    { server: 'everything', tool: 'echo', identifier: 'echo', description: 'Echoes back the input', signature: 'function echo(input: EchoInput): Promise<unknown>', inputSchema: { type: 'object' }, readOnly: true, schemaHash: 's2' },
    { server: 'everything', tool: 'lookup_host', identifier: 'lookupHost', description: 'Resolves a host name to an IP address', signature: 'function lookupHost(input: LookupHostInput): Promise<unknown>', inputSchema: { type: 'object' }, readOnly: true, schemaHash: 's3' },
  ];
  beforeEach(() => index.upsertToolDocs('everything', everything));

  it('finds a tool by a sentence from its description, short words and all', () => {
    expect(keys('sum of two numbers')[0]).toBe('everything/get-sum');
    expect(index.search('sum of two numbers').allTerms).toBe(1);
    expect(keys('the sum of', { filters: { kinds: ['tool'] } })).toEqual(['everything/get-sum']);
  });

  it('matches a short word inside a sentence as a whole word anywhere', () => {
    expect(keys('ip for a host')).toEqual(['everything/lookup_host']);
  });

  it('keeps the word being typed a prefix, a short one in names', () => {
    expect(keys('error sp')).toEqual([skillPath('analyze_error_spike')]);
    expect(keys('lookup ho')).toEqual(['everything/lookup_host']);
  });

  it('falls back to any of the words, ranked by bm25, when no document has them all', () => {
    const result = index.search('add up two numbers please', { filters: { kinds: ['tool'] } });
    expect(result.allTerms).toBe(0);
    expect(result.hits[0].key).toBe('everything/get-sum');
    expect(result.hits[0].snippet).toContain('\u0002numbers\u0003');
  });

  it('fills a page with any-word hits after the all-word ones when asked (agents want enough candidates)', () => {
    const strict = index.search('issue echo', { filters: { kinds: ['tool'] } });
    expect(strict.allTerms).toBe(0);
    const filled = index.search('unresolved issue', { filters: { kinds: ['tool'] }, fillWithAnyTerm: true });
    expect(filled.allTerms).toBe(1);
    expect(filled.hits.map((hit) => hit.key)).toEqual(['sentry/list_issues', 'sentry/resolve_issue']);
    expect(filled.total).toBe(2);
    const paged = index.search('unresolved issue', { filters: { kinds: ['tool'] }, fillWithAnyTerm: true, limit: 1, offset: 1 });
    expect(paged.hits.map((hit) => hit.key)).toEqual(['sentry/resolve_issue']);
    expect(index.search('unresolved issue', { filters: { kinds: ['tool'] } }).hits.map((hit) => hit.key)).toEqual(['sentry/list_issues']);
  });

  it('keeps a query made only of stopwords', () => {
    expect(keys('the')).not.toEqual([]);
    expect(keys('with the').sort()).toEqual(['journals/2025_03_02.md', 'pages/Incident notes.md']);
  });
});

describe('hostile and odd input', () => {
  it.each(['"foo AND (', 'tags:', 'NEAR(a b)', '*', '"', '""', '-', 'a OR', 'title:spike', '^spike', 'spike)', '(((', "'; DROP TABLE pages; --", '\\', '   ', ''])(
    'never throws for %j',
    (query) => {
      expect(() => index.search(query)).not.toThrow();
    },
  );

  it('treats FTS5 operators and column names as plain words', () => {
    expect(index.search('tags: spike').allTerms).toBe(0);
    expect(keys('spike NOT error')).toEqual(['pages/Incident notes.md']);
    expect(keys('spike AND')).toEqual(keys('spike'));
    expect(keys('"error spike')[0]).toBe(skillPath('analyze_error_spike'));
  });

  it('rejects a filter date it cannot read with a clear error', () => {
    expect(() => index.search('spike', { filters: { from: 'last tuesday' } })).toThrow(/"from" must be a date like 2025-01-31/);
  });
});

describe('filters and paging', () => {
  it('filters by kind', () => {
    expect(keys('issue', { filters: { kinds: ['tool'] } }).sort()).toEqual(['sentry/list_issues', 'sentry/resolve_issue']);
    expect(keys('spike', { filters: { kinds: ['page', 'journal'] } }).sort()).toEqual(['journals/2025_03_02.md', 'pages/Incident notes.md']);
    expect(keys('spike', { filters: { kinds: ['journal'] } })).toEqual(['journals/2025_03_02.md']);
  });

  it('filters by tag (case-insensitive), on skills and pages alike', () => {
    expect(keys('error', { filters: { tag: 'OPS' } }).sort()).toEqual(['pages/Incident notes.md', skillPath('analyze_error_spike')].sort());
    expect(keys('error', { filters: { tag: '#incident' } })).toEqual([skillPath('analyze_error_spike')]);
    expect(keys('error', { filters: { tag: 'gardening' } })).toEqual([]);
  });

  it('filters by language, status and source', () => {
    expect(keys('', { filters: { language: 'py' } })).toEqual([skillPath('summarize_pull_requests')]);
    expect(keys('', { filters: { status: 'needs-review' } })).toEqual([skillPath('fetchUserProfiles')]);
    expect(keys('', { filters: { source: 'person' } })).toEqual([skillPath('summarize_pull_requests')]);
    expect(keys('', { filters: { source: 'agent' } }).sort()).toEqual([skillPath('analyze_error_spike'), skillPath('fetchUserProfiles')].sort());
  });

  it('filters by date range (journal day, skill updated)', () => {
    expect(keys('', { filters: { kinds: ['skill', 'journal'], from: '2025-01-01', to: '2025-02-28' } })).toEqual([skillPath('summarize_pull_requests')]);
    expect(keys('', { filters: { kinds: ['skill', 'journal'], from: '2025-03-02' } }).sort()).toEqual(['journals/2025_03_02.md', skillPath('analyze_error_spike')].sort());
    expect(keys('', { filters: { kinds: ['skill'], to: '2024-12-31' } })).toEqual([skillPath('fetchUserProfiles')]);
  });

  it('pages through results with limit and offset, reporting the total', () => {
    const all = index.search('the', { limit: 200 });
    expect(all.total).toBe(all.hits.length);
    expect(all.total).toBeGreaterThanOrEqual(3);
    const pageOne = index.search('the', { limit: 2 });
    const pageTwo = index.search('the', { limit: 2, offset: 2 });
    expect(pageOne.total).toBe(all.total);
    expect([...pageOne.hits, ...pageTwo.hits]).toEqual(all.hits.slice(0, 4));
    expect(pageOne.hits).toHaveLength(2);
    expect(new Set(all.hits.map((hit) => hit.snippet)).size).toBe(all.hits.length);
    expect(index.search('the', { offset: all.total }).hits).toEqual([]);
  });

  it('matches one letter as a whole word, two letters as a name prefix or a whole word', () => {
    expect(keys('a')).toContain('pages/Incident notes.md');
    expect(keys('to')).toEqual([]);
    expect(keys('fe')).toEqual([skillPath('fetchUserProfiles')]);
    expect(keys('analyze_e')).toEqual([skillPath('analyze_error_spike')]);
  });

  it('finds nothing for an empty query without filters', () => {
    expect(index.search('  ')).toEqual({ hits: [], total: 0, allTerms: 0 });
  });
});

describe('tool docs', () => {
  it('finds a tool by name parts, identifier and description', () => {
    expect(keys('list_issues')[0]).toBe('sentry/list_issues');
    expect(keys('resolveIssue')[0]).toBe('sentry/resolve_issue');
    expect(keys('unresolved')).toEqual(['sentry/list_issues']);
  });

  it('replaces a server\'s docs on upsert and drops them on removeServer', () => {
    index.upsertToolDocs('sentry', [tools[1]]);
    expect(keys('unresolved')).toEqual([]);
    expect(index.toolDocs('sentry').map((doc) => doc.tool)).toEqual(['resolve_issue']);
    expect(index.toolDocs('sentry')[0]).toEqual(tools[1]);
    index.removeServer('sentry');
    expect(keys('resolveIssue')).toEqual([]);
    expect(index.status().tools).toBe(0);
  });
});

describe('skills listing', () => {
  it('lists every skill as a full Skill, sorted by name by default', () => {
    const skills = index.skills();
    expect(skills.map((skill) => skill.name)).toEqual(['analyze_error_spike', 'fetchUserProfiles', 'summarize_pull_requests']);
    expect(skills[0]).toMatchObject({ description: spike.properties.description, servers: ['sentry', 'github'], source: { kind: 'agent', name: 'Claude Desktop' } });
    expect(skills[0].code).toContain('correlateDeploys');
  });

  it('filters by tag, language, status, source and server, and counts', () => {
    expect(index.skills({ tag: 'Ops' }).map((s) => s.name)).toEqual(['analyze_error_spike']);
    expect(index.skills({ language: 'python' }).map((s) => s.name)).toEqual(['summarize_pull_requests']);
    expect(index.skills({ status: 'needs-review' }).map((s) => s.name)).toEqual(['fetchUserProfiles']);
    expect(index.skills({ source: 'agent' }).map((s) => s.name)).toEqual(['analyze_error_spike', 'fetchUserProfiles']);
    expect(index.skills({ server: 'github' }).map((s) => s.name)).toEqual(['analyze_error_spike', 'summarize_pull_requests']);
    expect(index.countSkills({ server: 'github' })).toBe(2);
  });

  it('sorts by updated (newest first) and by usage (pages linking to the skill)', () => {
    expect(index.skills({ sort: 'updated' }).map((s) => s.name)).toEqual(['analyze_error_spike', 'summarize_pull_requests', 'fetchUserProfiles']);
    expect(index.skills({ sort: 'usage' }).map((s) => s.name)).toEqual(['analyze_error_spike', 'fetchUserProfiles', 'summarize_pull_requests']);
    index.applyEvents(
      ['Mon', 'Tue', 'Wed'].map((day) => ({ type: 'added' as const, page: notePage(`pages/Standup ${day}.md`, '- ran [[Skills/summarize_pull_requests]] twice\n') })),
    );
    expect(index.skills({ sort: 'usage' }).map((s) => s.name)).toEqual(['summarize_pull_requests', 'analyze_error_spike', 'fetchUserProfiles']);
  });

  it('pages with limit and offset', () => {
    expect(index.skills({ limit: 1, offset: 1 }).map((s) => s.name)).toEqual(['fetchUserProfiles']);
  });

  it('looks a skill up by name', () => {
    expect(index.skill('ANALYZE_ERROR_SPIKE')?.path).toBe(skillPath('analyze_error_spike'));
    expect(index.skill('nope')).toBeUndefined();
  });
});

describe('incremental updates and status', () => {
  it('applies change, rename and remove events', () => {
    const edited = notePage('pages/Gardening.md', '- Cucumbers like heat.\n', 1_700_000_001_000);
    index.applyEvents([{ type: 'changed', page: edited }]);
    expect(keys('tomatoes')).toEqual([]);
    expect(keys('cucumbers')).toEqual(['pages/Gardening.md']);

    const moved = notePage('pages/Vegetables.md', '- Cucumbers like heat.\n', 1_700_000_001_000);
    index.applyEvents([{ type: 'renamed', from: 'pages/Gardening.md', page: moved }]);
    expect(index.search('cucumbers').hits.map((hit) => hit.title)).toEqual(['Vegetables']);

    index.applyEvents([{ type: 'removed', path: skillPath('analyze_error_spike'), name: 'skills/analyze_error_spike' }]);
    expect(keys('correlate')).toEqual([]);
    expect(index.skill('analyze_error_spike')).toBeUndefined();
  });

  it('reports counts and the last update time', () => {
    const before = Date.now();
    index.applyEvents([{ type: 'added', page: notePage('pages/New.md', '- fresh\n') }]);
    const status = index.status();
    expect(status).toMatchObject({ pages: 7, skills: 3, tools: 2 });
    expect(status.lastUpdated).toBeGreaterThanOrEqual(before);
    expect(status.progress).toBeUndefined();
  });

  it('reports progress while rebuilding and skips pages already indexed', async () => {
    const seen: number[] = [];
    const report = await index.rebuild([spike, summary, fetchSkill, notes, journal], (progress) => {
      seen.push(progress.indexed);
      expect(index.status().progress?.total).toBe(5);
    });
    expect(report).toMatchObject({ written: 0, unchanged: 5, removed: 1 });
    expect(seen[seen.length - 1]).toBe(5);
    expect(keys('tomatoes')).toEqual([]);
    expect(index.verify()).toEqual([]);
  });
});

describe('the skills version', () => {
  it('changes when a skill is added, edited or removed, by any writer of the file, and not for other pages or an unchanged rebuild', async () => {
    const first = index.skillsVersion();
    expect(first).not.toBe('none');
    index.applyEvents([{ type: 'changed', page: notePage('pages/Gardening.md', '- Cucumbers like heat.\n', 1_700_000_001_000) }]);
    await index.rebuild([spike, summary, fetchSkill, notes, journal, notePage('pages/Gardening.md', '- Cucumbers like heat.\n', 1_700_000_001_000)]);
    expect(index.skillsVersion()).toBe(first);
    const edited = skillPage({ name: 'analyze_error_spike', description: 'Finds the deploy behind an error burst', code: 'console.log(1);' });
    index.replacePages([edited], []);
    const afterEdit = index.skillsVersion();
    expect(afterEdit).not.toBe(first);
    // Another connection to the same file (another process) sees the change and makes its own.
    const other = SearchIndex.open(path.join(dir, 'index.sqlite'));
    try {
      expect(other.skillsVersion()).toBe(afterEdit);
      other.applyEvents([{ type: 'removed', path: skillPath('fetchUserProfiles'), name: 'skills/fetchUserProfiles' }]);
      expect(index.skillsVersion()).not.toBe(afterEdit);
    } finally {
      other.close();
    }
  });

  it('is "none" in an index that never held a skill', () => {
    const empty = SearchIndex.open(path.join(dir, 'empty.sqlite'));
    try {
      empty.applyEvents([{ type: 'added', page: notePage('pages/New.md', '- fresh\n') }]);
      expect(empty.skillsVersion()).toBe('none');
    } finally {
      empty.close();
    }
  });
});
