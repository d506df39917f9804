// The type-checker's record of passes on disk, specified with the real compiler over a small API tree: a checker in a
// new process (here: a new TypeChecker on the same record) answers a recorded pass without building a program; an
// API file that moved, another checker identity, or a damaged record make it check again; the record stays bounded.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { TypeChecker } from './typecheck';
import { PASSED_CHECKS_KEPT, passedChecksFile } from './typecheck-passed';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

function setup(): { apiDir: string; record: string; echo: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sg-tcrec-'));
  dirs.push(dir);
  const apiDir = path.join(dir, 'api');
  const echo = path.join(apiDir, 'servers', 'demo', 'echo.ts');
  fs.mkdirSync(path.dirname(echo), { recursive: true });
  fs.writeFileSync(echo, 'export async function echo(message: string): Promise<string> {\n  return message;\n}\n');
  return { apiDir, record: passedChecksFile(dir), echo };
}

const CODE = "import { echo } from './servers/demo/echo';\nconsole.log(await echo('hi'));\n";

describe('the record of passed type-checks', async () => {
  it('lets a new checker answer a recorded pass without building a program, until an API file it read changes', async () => {
    const { apiDir, record, echo } = setup();
    const first = new TypeChecker(apiDir, { passedFile: record });
    expect(await first.check(CODE)).toEqual([]);
    expect(first.programsBuilt).toBe(1);
    first.dispose();

    const second = new TypeChecker(apiDir, { passedFile: record });
    expect(await second.check(CODE)).toEqual([]);
    expect(second.programsBuilt).toBe(0);
    second.dispose();

    // The API file now takes a number: the recorded pass no longer counts, and the code fails.
    fs.writeFileSync(echo, 'export async function echo(message: number): Promise<string> {\n  return String(message);\n}\n');
    const third = new TypeChecker(apiDir, { passedFile: record });
    const errors = await third.check(CODE);
    expect(third.programsBuilt).toBe(1);
    expect(errors.map((e) => [e.line, e.message])).toEqual([[2, "Argument of type 'string' is not assignable to parameter of type 'number'."]]);
    third.dispose();
    // A failure is not recorded: yet another checker checks again.
    const fourth = new TypeChecker(apiDir, { passedFile: record });
    expect(await fourth.check(CODE)).toHaveLength(1);
    expect(fourth.programsBuilt).toBe(1);
    fourth.dispose();
  });

  it('ignores a record written by another checker (compiler, @types/node or options) and one that is damaged, saying so', async () => {
    const { apiDir, record } = setup();
    const first = new TypeChecker(apiDir, { passedFile: record });
    await first.check(CODE);
    first.dispose();
    const stored = JSON.parse(fs.readFileSync(record, 'utf8')) as { checker: string };
    expect(stored.checker).toMatch(/^typescript-native \d+\.\d+\.\d+, @types\/node \S+, options \d+$/);

    fs.writeFileSync(record, JSON.stringify({ ...stored, checker: 'typescript 4.0.0, @types/node 14.0.0, options 1' }));
    const other = new TypeChecker(apiDir, { passedFile: record });
    expect(await other.check(CODE)).toEqual([]);
    expect(other.programsBuilt).toBe(1);
    other.dispose();

    fs.writeFileSync(record, '{"version":1,"checker":');
    const problems: string[] = [];
    const damaged = new TypeChecker(apiDir, { passedFile: record, onProblem: (problem) => problems.push(problem) });
    expect(await damaged.check(CODE)).toEqual([]);
    expect(damaged.programsBuilt).toBe(1);
    damaged.dispose();
    expect(problems).toEqual([expect.stringContaining(`the type-check record ${record} is not valid JSON`)]);
    // The pass replaced the damaged record with a sound one.
    const after = new TypeChecker(apiDir, { passedFile: record });
    expect(await after.check(CODE)).toEqual([]);
    expect(after.programsBuilt).toBe(0);
    after.dispose();
  });

  it(`keeps the ${PASSED_CHECKS_KEPT} most recently used passes`, async () => {
    const { apiDir, record } = setup();
    const checker = new TypeChecker(apiDir, { passedFile: record });
    const snippet = (i: number) => `const n${i}: number = ${i};\nconsole.log(n${i});\n`;
    for (let i = 0; i <= PASSED_CHECKS_KEPT; i++) expect(await checker.check(snippet(i))).toEqual([]);
    checker.dispose();
    expect((JSON.parse(fs.readFileSync(record, 'utf8')) as { passed: unknown[] }).passed).toHaveLength(PASSED_CHECKS_KEPT);
    const fresh = new TypeChecker(apiDir, { passedFile: record });
    expect(await fresh.check(snippet(PASSED_CHECKS_KEPT))).toEqual([]);
    expect(fresh.programsBuilt).toBe(0);
    // The oldest was dropped.
    expect(await fresh.check(snippet(0))).toEqual([]);
    expect(fresh.programsBuilt).toBe(1);
    fresh.dispose();
  });
});
