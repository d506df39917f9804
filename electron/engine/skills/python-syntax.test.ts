// Python skills are compiled by the real Python compiler on save: a syntax error is refused with the line of
// the code as the user wrote it and nothing is written; without an interpreter the skill is saved with a warning.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../../shared/errors';
import type { Engine } from '../engine';
import { openTestEngine, tempDir } from '../../test/helpers';
import { checkPythonSyntax } from './python-syntax';
import { SkillService } from './service';

const person = { kind: 'person' as const };

let engine: Engine;
let skills: SkillService;

beforeEach(async () => {
  engine = await openTestEngine();
  await engine.indexing;
  skills = new SkillService({ graph: engine.graph, index: engine.index });
});

afterEach(async () => {
  await engine.close();
});

const markdownFiles = async () => (await fs.readdir(engine.graphDir, { recursive: true })).filter((f) => f.endsWith('.md')).sort();

describe('checkPythonSyntax', () => {
  it('accepts what the sandbox runs, top-level await included', async () => {
    expect(await checkPythonSyntax('import asyncio\nawait asyncio.sleep(0)\nprint("done")\n')).toEqual({ kind: 'ok' });
  });

  it('gives the compiler’s line and message', async () => {
    // Messages differ between Python releases ("expected ':'" since 3.10); the line does not.
    expect(await checkPythonSyntax('x = 1\nif x > 0\n    print(x)\n')).toEqual({ kind: 'syntax-error', line: 2, message: expect.stringMatching(/expected ':'|invalid syntax/) });
    expect(await checkPythonSyntax('def f():\n  return 1\n    return 2\n')).toMatchObject({ kind: 'syntax-error', line: 3, message: 'unexpected indent' });
  });

  it('says the code went unchecked when the interpreter is missing', async () => {
    const missing = path.join(tempDir('no-python-'), 'python3');
    expect(await checkPythonSyntax('print(1)', missing)).toEqual({ kind: 'unchecked', reason: `${missing} was not found` });
  });
});

describe('saving a Python skill', () => {
  it('refuses a script with a syntax error, naming the line as written, and writes nothing', async () => {
    const before = await markdownFiles();
    const saving = skills.save({ name: 'broken_script', description: 'Counts rows', code: 'rows = [1, 2]\ntotal = 0\nfor row in rows\n    total += row\nprint(total)', language: 'python' }, person);
    await expect(saving).rejects.toBeInstanceOf(InvalidInputError);
    await expect(saving).rejects.toThrow(/^the Python code of skill "broken_script" does not compile: line 3: (expected ':'|invalid syntax)$/);
    expect(await markdownFiles()).toEqual(before);
    expect(skills.findPage('broken_script')).toBeUndefined();
  });

  it('counts lines of the given code when __future__ imports are moved above the wrapper', async () => {
    const code = 'print("start")\nfrom __future__ import annotations\nvalue = 1\nprint(value +)\n';
    await expect(skills.save({ name: 'future_script', description: 'x', code, language: 'python' }, person)).rejects.toThrow(/does not compile: line 4: invalid syntax/);
  });

  it('refuses a module defining the skill’s function with the error’s own line', async () => {
    const code = 'def parse_rows(text):\n    return [line.split(",") for line in text.splitlines()\n\nx = 1\n';
    await expect(skills.save({ name: 'parse_rows', description: 'x', code, language: 'python' }, person)).rejects.toThrow(/does not compile: line 2: ('\[' was never closed|invalid syntax)/);
  });

  it('saves a script using return and await at top level: it runs inside the skill’s async function', async () => {
    const code = 'import asyncio\nawait asyncio.sleep(0)\nreturn 42';
    const skill = await skills.save({ name: 'wait_then_answer', description: 'Answers after a pause', code, language: 'python' }, person);
    expect(skill.warnings).toEqual([]);
    expect(skill.code).toBe('async def wait_then_answer():\n    import asyncio\n    await asyncio.sleep(0)\n    return 42');
  });

  it('refuses broken code on update and keeps the page as it was', async () => {
    await skills.save({ name: 'py_peak', description: 'Peak of counts', code: 'def py_peak(counts):\n    return max(counts.values())', language: 'python' }, person);
    const page = path.join(engine.graphDir, engine.graph.diskPath(skills.skill('py_peak').path));
    const saved = await fs.readFile(page, 'utf8');
    await expect(skills.update({ name: 'py_peak', code: 'def py_peak(counts):\n    return max(counts.values()))' }, person)).rejects.toThrow(/line 2: (unmatched '\)'|invalid syntax)/);
    expect(await fs.readFile(page, 'utf8')).toBe(saved);
  });

  it('saves with a warning when no Python interpreter is there to check it', async () => {
    const missing = path.join(tempDir('no-python-'), 'python3');
    const unchecked = new SkillService({ graph: engine.graph, index: engine.index, python: missing });
    const skill = await unchecked.save({ name: 'unchecked_script', description: 'x', code: 'for row in rows\n    print(row)', language: 'python' }, person);
    expect(skill.warnings).toEqual([`the Python code was saved without a syntax check: ${missing} was not found`]);
    expect(unchecked.skill('unchecked_script').code).toBe('async def unchecked_script():\n    for row in rows\n        print(row)');
  });
});
