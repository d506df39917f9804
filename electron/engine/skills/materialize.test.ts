// Materializing skills is incremental: a skill unchanged since the last materialization is not written again (its
// file keeps its mtime), a changed or missing one is, and what cannot be imported stays reported on every pass.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Skill } from '../../../shared/types';
import { parseGraphConfig } from '../graph/config';
import { parsePage } from '../graph/parser';
import { materializeSkills, SkillStaging } from './materialize';
import { skillFromPage } from './model';

const config = parseGraphConfig('/g', '{:file/name-format :triple-lowbar}');
const FENCE = '`'.repeat(3);
const dirs: string[] = [];

afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sg-materialize-'));
  dirs.push(dir);
  return dir;
}

/** A skill as the graph reads it from its page file. */
function skill(name: string, description: string, code: string, language: 'ts' | 'python' = 'ts'): Skill {
  const body = code.split('\n').map((line) => `  ${line}`).join('\n');
  const raw = `type:: skill\ndescription:: ${description}\n\n- ${FENCE}${language}\n${body}\n  ${FENCE}\n`;
  const parsed = skillFromPage(parsePage(raw, `pages/skills___${name}.md`, config, 1));
  if (!parsed) throw new Error(`the page of ${name} is not a skill`);
  return parsed;
}

function mtimes(root: string): Map<string, number> {
  const dir = path.join(root, 'skills');
  return new Map(fs.readdirSync(dir).map((name) => [name, fs.statSync(path.join(dir, name)).mtimeMs]));
}

const hello = skill('say_hello', 'Greets', "export async function sayHello() { return 'hello'; }");
const peak = skill('py_peak', 'Peak of counts', 'def py_peak(counts):\n    return max(counts)', 'python');
const broken = skill('broken', 'Does not parse', 'export function broken( {');

describe('materializeSkills', () => {
  it('writes nothing on a second pass over unchanged skills, and only the changed skill after an edit', async () => {
    const root = tempDir();
    const first = await materializeSkills(root, [hello, peak, broken]);
    expect(first.written).toEqual(['skills/README.md', 'skills/__init__.py', 'skills/index.ts', 'skills/py_peak.py', 'skills/say_hello.ts']);
    expect(first.skipped.map((s) => s.name)).toEqual(['broken']);
    const before = mtimes(root);

    const again = await materializeSkills(root, [hello, peak, broken]);
    expect(again).toEqual({ written: [], unchanged: 5, removed: [], skipped: first.skipped });
    expect(mtimes(root)).toEqual(before);

    // An unchanged skill's module is not even read: a hand edit in skills/ stays until the skill itself changes.
    fs.writeFileSync(path.join(root, 'skills/py_peak.py'), '# edited by hand\n');
    expect((await materializeSkills(root, [hello, peak, broken])).written).toEqual([]);
    expect(fs.readFileSync(path.join(root, 'skills/py_peak.py'), 'utf8')).toBe('# edited by hand\n');
    const peakAgain = skill('py_peak', 'Peak of counts', 'def py_peak(counts):\n    return max(counts or [0])', 'python');
    expect((await materializeSkills(root, [hello, peakAgain, broken])).written).toEqual(['skills/py_peak.py']);
    await materializeSkills(root, [hello, peak, broken]);
    before.set('py_peak.py', fs.statSync(path.join(root, 'skills/py_peak.py')).mtimeMs);

    const edited = skill('say_hello', 'Greets', "export async function sayHello() { return 'hi there'; }");
    const third = await materializeSkills(root, [edited, peak, broken]);
    expect(third.written).toEqual(['skills/say_hello.ts']);
    expect(fs.readFileSync(path.join(root, 'skills/say_hello.ts'), 'utf8')).toContain("return 'hi there'");
    const after = mtimes(root);
    for (const name of ['README.md', '__init__.py', 'index.ts', 'py_peak.py']) expect(after.get(name)).toBe(before.get(name));
  });

  it('rewrites a module deleted from skills/, and removes the module of a skill gone from the graph', async () => {
    const root = tempDir();
    await materializeSkills(root, [hello, peak]);
    fs.rmSync(path.join(root, 'skills/py_peak.py'));
    fs.writeFileSync(path.join(root, 'skills/stray.ts'), 'export {};\n');
    const result = await materializeSkills(root, [hello, peak]);
    expect(result.written).toEqual(['skills/py_peak.py']);
    expect(result.removed).toEqual(['skills/stray.ts']);

    const gone = await materializeSkills(root, [peak]);
    expect(gone.removed).toEqual(['skills/say_hello.ts']);
    expect(fs.readFileSync(path.join(root, 'skills/index.ts'), 'utf8')).not.toContain('sayHello');
  });

  it('renders the same files with a damaged manifest as with none, writing nothing that is already right', async () => {
    const root = tempDir();
    await materializeSkills(root, [hello, peak, broken]);
    const files = (dir: string) => Object.fromEntries(fs.readdirSync(path.join(dir, 'skills')).map((name) => [name, fs.readFileSync(path.join(dir, 'skills', name), 'utf8')]));
    const expected = files(root);
    fs.writeFileSync(path.join(root, '.skills-manifest.json'), '{ not json');
    const result = await materializeSkills(root, [hello, peak, broken]);
    expect(result.written).toEqual([]);
    expect(result.skipped.map((s) => s.name)).toEqual(['broken']);
    expect(files(root)).toEqual(expected);
  });

  it('keeps the first page of a name on every pass; the second stays reported as a duplicate', async () => {
    const root = tempDir();
    const twin = { ...skill('say_hello', 'Another greeting', "export async function sayHello() { return 'twin'; }"), path: 'pages/zz_say_hello.md' };
    const first = await materializeSkills(root, [twin, hello]);
    const again = await materializeSkills(root, [twin, hello]);
    for (const result of [first, again]) expect(result.skipped).toEqual([{ name: 'say_hello', reason: expect.stringContaining('also names skill say_hello') }]);
    expect(fs.readFileSync(path.join(root, 'skills/say_hello.ts'), 'utf8')).toContain("return 'hello'");
  });
});

describe('SkillStaging', () => {
  it('under a durable key, a new staging over the same folder (a new process) makes no pass; a new key, or a module removed, makes one', async () => {
    const root = tempDir();
    const read: string[] = [];
    const skillsOf = (list: Skill[]) => () => {
      read.push(list.map((s) => s.name).join(','));
      return list;
    };
    const first = new SkillStaging(root);
    expect(await first.stage('index v1', skillsOf([hello, peak]), { durable: true })).toMatchObject({ written: expect.arrayContaining(['skills/say_hello.ts']) });
    expect(await first.stage('index v1', skillsOf([hello, peak]), { durable: true })).toBeUndefined();
    // The next process: same key, same folder, nothing read.
    const next = new SkillStaging(root);
    expect(await next.stage('index v1', skillsOf([hello, peak]), { durable: true })).toBeUndefined();
    expect([first.passesMade, next.passesMade, read.length]).toEqual([1, 0, 1]);
    // The skills changed (the index's version did): a pass, which writes the changed skill.
    const edited = skill('say_hello', 'Greets warmly', "export async function sayHello() { return 'hi'; }");
    expect((await next.stage('index v2', skillsOf([edited, peak]), { durable: true }))?.written).toEqual(['skills/README.md', 'skills/say_hello.ts']);
    // A module removed by hand: the folder's stamp changed, so even the same key makes a pass that writes it back.
    fs.rmSync(path.join(root, 'skills', 'py_peak.py'));
    expect((await new SkillStaging(root).stage('index v2', skillsOf([edited, peak]), { durable: true }))?.written).toEqual(['skills/py_peak.py']);
  });

  it('after a pass under a key only its process knew (the graph\'s change count), the next process passes again', async () => {
    const root = tempDir();
    await new SkillStaging(root).stage('index v1', () => [hello], { durable: true });
    // The app stages from its graph under its own key: the durable record no longer says what skills/ holds.
    await new SkillStaging(root).stage('graph 7', () => [hello, peak]);
    const next = new SkillStaging(root);
    expect(await next.stage('index v1', () => [hello], { durable: true })).toMatchObject({ removed: ['skills/py_peak.py'] });
  });
});
