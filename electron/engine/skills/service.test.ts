// Skills as Logseq pages, end to end through a real engine over a real graph in a temp folder: what a save
// writes (checked with Logseq's own parser), search, the next run importing it, edits made in Logseq,
// renames and deletes from either side, racing writes, review and the journal.
import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import ts from 'typescript';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../../shared/errors';
import type { Engine } from '../engine';
import { openTestEngine, tempDir } from '../../test/helpers';
import { journalRelPath } from '../graph/names';
import { GraphConflictError } from '../graph/errors';
import { SkillExistsError, SkillService, type UpdateSkillInput } from './service';
import { mldocView } from '../../test/mldoc-oracle';
import { until } from '../test-fixtures';

const run = promisify(execFile);
const agent = { kind: 'agent' as const, name: 'Claude Desktop' };
const person = { kind: 'person' as const };
const FIXED_NOW = new Date(2025, 2, 14, 10, 30, 0);

const spikeCode = [
  "import { summarizeCounts } from './skills/summarize_counts';",
  '',
  '/** Returns the hour with the most errors. */',
  'export async function analyzeErrorSpike(counts: Record<string, number>): Promise<string> {',
  '  const peak = Object.entries(counts).sort((a, b) => b[1] - a[1])[0];',
  '  return `${peak[0]} (${summarizeCounts(Object.values(counts))})`;',
  '}',
].join('\n');
const summarizeCode = 'export function summarizeCounts(values: number[]): string {\n  return `${values.length} hours, ${values.reduce((a, b) => a + b, 0)} errors`;\n}';

let engine: Engine;
let skills: SkillService;
let now = FIXED_NOW;

/** Waits until `probe` (awaited, so an async probe is judged by what it resolves to) gives a truthy value. */
const file = (rel: string) => path.join(engine.graphDir, rel);
const read = (rel: string) => fs.readFile(file(rel), 'utf8');

beforeEach(async () => {
  engine = await openTestEngine({ watch: true });
  await engine.indexing;
  await engine.graph.whenWatching();
  now = FIXED_NOW;
  skills = new SkillService({ graph: engine.graph, index: engine.index, now: () => now });
});

afterEach(async () => {
  await engine.close();
});

async function saveSpike(): Promise<void> {
  await skills.save({ name: 'summarize_counts', description: 'Summarises hourly counts', code: summarizeCode, language: 'typescript' }, agent);
  await skills.save(
    {
      name: 'analyze_error_spike',
      description: 'Finds the hour of an error spike',
      code: spikeCode,
      language: 'typescript',
      tags: ['ops', 'incident response'],
      usage: 'Call after an alert with hourly error counts.',
      example: "await analyzeErrorSpike({ '10:00': 3, '11:00': 40 })",
      runId: 'run-42',
      servers: ['sentry'],
    },
    agent,
  );
}

describe('saving a skill from a run', () => {
  it('writes a page and a journal entry that Logseq reads with exactly the intended properties, blocks and code', async () => {
    await saveSpike();
    const page = await read('pages/Skills___analyze_error_spike.md');
    const view = mldocView(page);
    expect(view.pageProperties).toEqual({
      type: 'skill',
      'skill-id': expect.stringMatching(/^[0-9a-f-]{36}$/),
      description: 'Finds the hour of an error spike',
      tags: 'ops, [[incident response]]',
      language: 'typescript',
      status: 'draft',
      source: 'agent [[Claude Desktop]]',
      servers: 'sentry',
      run: 'run-42',
      created: FIXED_NOW.toISOString(),
      updated: FIXED_NOW.toISOString(),
    });
    expect(view.blocks.map((b) => [b.level, b.title])).toEqual([
      [1, 'Finds the hour of an error spike'],
      [1, 'Usage'],
      [2, 'Call after an alert with hourly error counts.'],
      [1, 'Example'],
      [2, ''],
      [1, 'Code'],
      [2, ''],
    ]);
    expect(view.blocks[4].code).toEqual([{ lang: 'typescript', code: "await analyzeErrorSpike({ '10:00': 3, '11:00': 40 })" }]);
    expect(view.blocks[6].code).toEqual([{ lang: 'typescript', code: spikeCode }]);

    const journalPath = journalRelPath(FIXED_NOW, engine.graph.config);
    const journal = mldocView(await read(journalPath));
    expect(journal.blocks).toHaveLength(2);
    expect(journal.blocks[1]).toEqual({
      level: 1,
      title: 'Skill [[Skills/analyze_error_spike]] saved by agent Claude Desktop',
      properties: {
        type: 'skill-event',
        action: 'created',
        skill: '[[Skills/analyze_error_spike]]',
        actor: 'agent',
        agent: 'Claude Desktop',
        at: FIXED_NOW.toISOString(),
        run: 'run-42',
        servers: 'sentry',
      },
      code: [],
    });

    const entries = skills.journal();
    expect(entries.map((e) => [e.skill, e.action, e.actor, e.run, e.skillStatus])).toEqual([
      ['analyze_error_spike', 'created', agent, 'run-42', 'draft'],
      ['summarize_counts', 'created', agent, undefined, 'draft'],
    ]);
  });

  it('is searchable at once and listed with its provenance', async () => {
    await saveSpike();
    const { hits } = engine.index.search('spike', { filters: { kinds: ['skill'] } });
    expect(hits.map((h) => h.skillName)).toEqual(['analyze_error_spike']);
    const listed = skills.list({ source: 'agent', tag: 'ops' });
    expect(listed.total).toBe(1);
    expect(listed.skills[0]).toMatchObject({ name: 'analyze_error_spike', source: agent, run: 'run-42', tags: ['ops', 'incident response'], status: 'draft' });
  });

  it('is importable by the next run: materialised modules type-check and run after bundling', async () => {
    await skills.save({ name: 'summarize_counts', description: 'Summarises hourly counts', code: summarizeCode, language: 'typescript' }, person);
    await skills.save({ name: 'analyze_error_spike', description: 'Finds the hour of an error spike', code: spikeCode, language: 'typescript', usage: 'Pass hourly counts.' }, person);
    // A script saved as a skill is wrapped into the skill's function.
    await skills.save({ name: 'say_hello', description: 'Prints a greeting', code: "const who = 'runs';\nconsole.log('hello from ' + who);", language: 'typescript' }, person);
    await skills.save({ name: 'py_peak', description: 'Peak of counts in Python', code: 'def py_peak(counts):\n    return max(counts.values())', language: 'python' }, person);

    const root = tempDir('skills-run-');
    const result = await skills.materialize(root);
    expect(result.skipped).toEqual([]);
    expect((await fs.readdir(path.join(root, 'skills'))).sort()).toEqual(
      ['README.md', '__init__.py', 'analyze_error_spike.ts', 'index.ts', 'py_peak.py', 'say_hello.ts', 'summarize_counts.ts'].sort(),
    );
    const module = await fs.readFile(path.join(root, 'skills/analyze_error_spike.ts'), 'utf8');
    expect(module).toContain(' * Finds the hour of an error spike\n *\n * Usage:\n * Pass hourly counts.');
    expect(module).toContain("from './summarize_counts'");

    const main = path.join(root, 'main.ts');
    await fs.writeFile(
      main,
      "import { analyzeErrorSpike } from './skills/analyze_error_spike';\nimport { sayHello } from './skills';\nawait sayHello();\nconsole.log(await analyzeErrorSpike({ '10:00': 3, '11:00': 40 }));\n",
    );
    const program = ts.createProgram([main], { strict: true, noEmit: true, target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext, moduleResolution: ts.ModuleResolutionKind.Bundler, skipLibCheck: true, types: ['node'] });
    expect(ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'))).toEqual([]);
    await build({ entryPoints: [main], bundle: true, format: 'esm', platform: 'node', outfile: path.join(root, 'out.mjs'), logLevel: 'silent' });
    const { stdout } = await run(process.execPath, [path.join(root, 'out.mjs')]);
    expect(stdout).toBe('hello from runs\n11:00 (2 hours, 43 errors)\n');

    // Deleting a skill removes its module at the next materialisation; nothing else is rewritten.
    await skills.delete('say_hello', person);
    const again = await skills.materialize(root);
    expect(again.removed).toEqual(['skills/say_hello.ts']);
    expect(again.written.sort()).toEqual(['skills/README.md', 'skills/index.ts']);
  });
});

describe('validation', () => {
  it('refuses bad names, case-insensitive collisions and TypeScript that does not export the skill', async () => {
    await expect(skills.save({ name: 'Analyze Spike', description: 'x', code: 'export const x = 1', language: 'typescript' }, person)).rejects.toThrow(
      /cannot be a skill name.*e\.g\. "analyze_spike"/,
    );
    await expect(skills.save({ name: 'a__b', description: 'x', code: 'x', language: 'python' }, person)).rejects.toBeInstanceOf(InvalidInputError);
    await skills.save({ name: 'summarize_counts', description: 'Summarises', code: summarizeCode, language: 'typescript' }, person);
    await expect(skills.save({ name: 'summarize_counts', description: 'again', code: summarizeCode, language: 'typescript' }, person)).rejects.toBeInstanceOf(SkillExistsError);
    // A page made by hand in another case is the same page to Logseq.
    await fs.writeFile(file('pages/skills___Hand_Made.md'), 'type:: skill\n\n- ```python\n  print(1)\n  ```\n');
    await until('the hand-made page', () => engine.graph.getByName('skills/hand_made'));
    await expect(skills.save({ name: 'hand_made', description: 'x', code: 'print(2)', language: 'python' }, person)).rejects.toThrow(/already exists.*case-insensitive/);
    await expect(skills.save({ name: 'wrong_export', description: 'x', code: 'export function other() {}', language: 'typescript' }, person)).rejects.toThrow(
      /export async function wrongExport/,
    );
    await expect(skills.save({ name: 'broken', description: 'x', code: 'export function broken( {', language: 'typescript' }, person)).rejects.toThrow(/does not parse/);
    expect(engine.graph.getByName('skills/wrong_export')).toBeUndefined();
  });
});

describe('edits made in Logseq', () => {
  it('picks up code and tag edits in the page file, in the app and in the index', async () => {
    await saveSpike();
    const rel = 'pages/Skills___analyze_error_spike.md';
    const edited = (await read(rel)).replace('tags:: ops, [[incident response]]', 'tags:: ops, paging').replace('const peak =', 'const top =').replace('peak[0]', 'top[0]');
    await fs.writeFile(file(rel), edited);
    const skill = await until('the index to see the edit', () => {
      const s = engine.index.skill('analyze_error_spike');
      return s?.tags.includes('paging') ? s : undefined;
    });
    expect(skill.code).toContain('const top =');
    expect(skills.skill('analyze_error_spike').tags).toEqual(['ops', 'paging']);
    expect(engine.index.search('paging', { filters: { kinds: ['skill'] } }).hits.map((h) => h.skillName)).toEqual(['analyze_error_spike']);
  });

  it('follows a page renamed or deleted in the graph', async () => {
    await saveSpike();
    await fs.rename(file('pages/Skills___analyze_error_spike.md'), file('pages/Skills___find_spike.md'));
    await until('the renamed skill', () => engine.index.skill('find_spike'));
    expect(engine.index.skill('analyze_error_spike')).toBeUndefined();
    expect(skills.skill('find_spike').description).toBe('Finds the hour of an error spike');

    await fs.rm(file('pages/Skills___find_spike.md'));
    await until('the delete', () => !engine.index.skill('find_spike') && !engine.graph.getByName('skills/find_spike'));
    expect(() => skills.skill('find_spike')).toThrow(/no skill named/);
  });

  it('loses nothing when two saves race with an external edit', async () => {
    await saveSpike();
    const rel = 'pages/Skills___analyze_error_spike.md';
    const external = (async () => {
      const text = await read(rel);
      await fs.writeFile(file(rel), text + '- A note written in Logseq\n');
    })();
    now = new Date(FIXED_NOW.getTime() + 60_000);
    await Promise.all([
      skills.update({ name: 'analyze_error_spike', tags: ['ops', 'raced'] }, person),
      skills.update({ name: 'analyze_error_spike', code: spikeCode.replace('sort(', 'toSorted(') }, person),
      external,
    ]);
    await until('the external write', async () => (await read(rel)).includes('A note written in Logseq'));
    const text = await read(rel);
    expect(text).toContain('- A note written in Logseq');
    expect(text).toContain('tags:: ops, raced');
    expect(text).toContain('toSorted(');
    const view = mldocView(text);
    expect(view.pageProperties.updated).toBe(now.toISOString());
    expect(view.blocks.filter((b) => b.code.length)).toHaveLength(2);
    expect(skills.journal().filter((e) => e.action === 'updated')).toHaveLength(2);
  });
});

describe('an update racing an edit made in Logseq', () => {
  const rel = 'pages/Skills___analyze_error_spike.md';
  /** Saves the page as Logseq would, and starts the update before the watcher has seen that save. */
  async function editInLogseqThenUpdate(edit: (text: string) => string, update: Omit<UpdateSkillInput, 'name'>) {
    const edited = edit(await read(rel));
    await fs.writeFile(file(rel), edited);
    const result = await skills.update({ name: 'analyze_error_spike', ...update }, person).then(
      (skill) => ({ skill, error: undefined }),
      (error: Error) => ({ skill: undefined, error }),
    );
    return { edited, ...result };
  }

  it('refuses to replace code the user changed meanwhile: their code stays, nothing of ours is written', async () => {
    await saveSpike();
    const journalBefore = skills.journal().length;
    const { edited, error } = await editInLogseqThenUpdate((text) => text.replace('const peak =', 'const top =').replace('peak[0]', 'top[0]'), {
      code: spikeCode.replace('sort(', 'toSorted('),
    });
    expect(error).toBeInstanceOf(GraphConflictError);
    expect(error!.message).toMatch(/its code was edited there too, and that edit is kept; your edit was not applied/);
    expect(await read(rel)).toBe(edited);
    expect(skills.journal()).toHaveLength(journalBefore);
  });

  it('refuses to replace a Usage section the user changed meanwhile', async () => {
    await saveSpike();
    const { edited, error } = await editInLogseqThenUpdate((text) => text.replace('Call after an alert with hourly error counts.', 'Call it when PagerDuty fires.'), {
      usage: 'Pass counts per hour.',
      description: 'Finds the peak hour',
    });
    expect(error).toBeInstanceOf(GraphConflictError);
    expect(error!.message).toMatch(/its Usage section was edited there too/);
    expect(await read(rel)).toBe(edited);
  });

  it('puts its change on top when the user changed other fields: both edits are on the page', async () => {
    await saveSpike();
    const { error, skill } = await editInLogseqThenUpdate((text) => text.replace('const peak =', 'const top =').replace('peak[0]', 'top[0]') + '- A note written in Logseq\n', {
      description: 'Finds the peak hour',
    });
    expect(error).toBeUndefined();
    expect(skill).toMatchObject({ description: 'Finds the peak hour' });
    expect(skill!.code).toContain('const top =');
    const view = mldocView(await read(rel));
    expect(view.blocks[0].title).toBe('Finds the peak hour');
    expect(view.blocks.at(-1)!.title).toBe('A note written in Logseq');
  });
});

describe('a rename racing a save under the old name', () => {
  it('leaves one skill per skill-id: the renamed page holds it, the old page stays untouched with a warning', async () => {
    await saveSpike();
    const oldRel = 'pages/Skills___analyze_error_spike.md';
    // Logseq had the page open and saves it under its old name after the rename is over.
    const openInLogseq = (await read(oldRel)) + '- A note typed while it was renamed\n';
    now = new Date(FIXED_NOW.getTime() + 60_000);
    const renamed = await skills.rename('analyze_error_spike', 'find_error_spike', person);
    await fs.writeFile(file(oldRel), openInLogseq);
    await until('the old page to come back', () => engine.graph.getByPath(oldRel));
    await until('the index to hold the old page', () => engine.index.pageMtimes().has(oldRel));

    const listed = skills.all().filter((skill) => skill.id === renamed.id);
    expect(listed.map((skill) => skill.path)).toEqual([renamed.path]);
    expect(engine.index.skills().filter((skill) => skill.id === renamed.id).map((skill) => skill.path)).toEqual([renamed.path]);
    expect(skills.list().total).toBe(2); // summarize_counts and find_error_spike
    expect(engine.index.skill('analyze_error_spike')).toBeUndefined();
    expect(() => skills.skill('analyze_error_spike')).toThrow(/no skill named/);
    expect(engine.graph.duplicateSkillIds()).toEqual([{ skillId: renamed.id, paths: [oldRel, renamed.path].sort() }]);
    expect(engine.graph.warnings.join('\n')).toMatch(/hold the same skill-id .*Skillgraph lists only the one updated last/);
    // The user's page is kept as they saved it.
    expect(await read(oldRel)).toBe(openInLogseq);
  });
});

describe('operations', () => {
  it('updates description, code, tags and usage in place, keeping what a person added', async () => {
    await saveSpike();
    const rel = 'pages/Skills___analyze_error_spike.md';
    await fs.writeFile(file(rel), (await read(rel)) + '- Related: [[Incident 7]]\n');
    await until('the edit', () => engine.graph.getByPath(rel)?.refs.includes('incident 7'));
    const updated = await skills.update(
      { name: 'analyze_error_spike', description: 'Finds the peak hour', usage: 'Pass counts per hour.\n```ts\nawait analyzeErrorSpike(c)\n```', tags: ['ops'] },
      person,
    );
    expect(updated).toMatchObject({ description: 'Finds the peak hour', tags: ['ops'], usage: 'Pass counts per hour.\n```ts\nawait analyzeErrorSpike(c)\n```' });
    const view = mldocView(await read(rel));
    expect(view.blocks[0].title).toBe('Finds the peak hour');
    expect(view.blocks.at(-1)!.title).toBe('Related: [[Incident 7]]');
    expect(updated.code).toBe(spikeCode);
  });

  it('renames page, file, references and the exported function; deletes to logseq/.recycle and restores', async () => {
    await saveSpike();
    await fs.writeFile(file('pages/Runbook.md'), '- When errors spike use [[Skills/analyze_error_spike]]\n');
    await until('the runbook', () => engine.graph.getByPath('pages/Runbook.md'));
    const renamed = await skills.rename('analyze_error_spike', 'find_error_spike', person);
    expect(renamed).toMatchObject({ name: 'find_error_spike', path: 'pages/Skills___find_error_spike.md' });
    expect(renamed.code).toContain('export async function findErrorSpike(');
    expect(renamed.example).toBe("await findErrorSpike({ '10:00': 3, '11:00': 40 })");
    expect(await read('pages/Runbook.md')).toBe('- When errors spike use [[Skills/find_error_spike]]\n');
    await expect(fs.stat(file('pages/Skills___analyze_error_spike.md'))).rejects.toThrow();
    // The history follows the page: earlier journal entries now link the new name.
    expect(skills.journal().filter((e) => e.skill === 'find_error_spike').map((e) => e.action)).toEqual(['renamed', 'created']);
    expect(engine.index.skill('find_error_spike')?.name).toBe('find_error_spike');

    const { recycledPath } = await skills.delete('find_error_spike', person);
    expect(recycledPath).toBe('logseq/.recycle/pages_Skills___find_error_spike.md');
    expect(await read(recycledPath)).toContain('type:: skill');
    expect(engine.index.skill('find_error_spike')).toBeUndefined();
    const restored = await skills.restore(recycledPath, person);
    expect(restored).toMatchObject({ name: 'find_error_spike', path: 'pages/Skills___find_error_spike.md', code: renamed.code });
    await expect(fs.stat(file(recycledPath))).rejects.toThrow();
    expect(skills.journal().slice(0, 3).map((e) => e.action)).toEqual(['restored', 'deleted', 'renamed']);
    await expect(skills.restore('pages/Welcome to Skillgraph.md', person)).rejects.toThrow(/not a file in logseq\/.recycle/);
  });

  it('approves and rejects with journal entries that say who did it', async () => {
    await saveSpike();
    now = new Date(FIXED_NOW.getTime() + 1000);
    expect((await skills.setStatus('analyze_error_spike', 'approved', person)).status).toBe('approved');
    now = new Date(FIXED_NOW.getTime() + 2000);
    expect((await skills.setStatus('summarize_counts', 'archived', { kind: 'person', name: 'Ada' })).status).toBe('archived');
    const [rejected, approved] = skills.journal();
    expect(rejected).toMatchObject({ action: 'rejected', skill: 'summarize_counts', actor: { kind: 'person', name: 'Ada' }, skillStatus: 'archived' });
    expect(approved).toMatchObject({ action: 'approved', skill: 'analyze_error_spike', actor: { kind: 'person' }, skillStatus: 'approved' });
    expect(skills.journal({ days: 1 })).toHaveLength(4);
    const detail = await skills.get('analyze_error_spike');
    expect(detail.history.map((e) => e.action)).toEqual(['approved', 'created']);
    expect(detail.markdown).toContain('status:: approved');
    expect(detail.logseqUrl).toMatch(/^logseq:\/\/graph\/.+\?page=Skills%2Fanalyze_error_spike$/);
  });
});
