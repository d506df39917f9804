// The native compiler process behind TypeChecker (typecheck-native.ts): answers with 1-based UTF-16 positions and
// codes, finds API files generated after a failed import, and is hostile-proof: code that makes the checker run away
// hits the time limit with a clear error, and a killed or timed-out process is replaced by the next check.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { TypeChecker } from './typecheck';

const made: Array<{ dir: string; checker: TypeChecker }> = [];
afterEach(() => {
  for (const { dir, checker } of made.splice(0)) {
    checker.dispose();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

function checkerOver(options: { timeoutMs?: number } = {}): { apiDir: string; checker: TypeChecker } {
  const apiDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sg-native-check-'));
  fs.mkdirSync(path.join(apiDir, 'servers', 'demo'), { recursive: true });
  fs.writeFileSync(path.join(apiDir, 'servers', 'demo', 'greet.ts'), 'export async function greet(name: string): Promise<string> {\n  return `hi ${name}`;\n}\n');
  const checker = new TypeChecker(apiDir, options);
  made.push({ dir: apiDir, checker });
  return { apiDir, checker };
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    // ESRCH: no such process, which is the answer asked for.
    return false;
  }
}

describe('the native type-checker', () => {
  it('reports errors at 1-based UTF-16 line and column with their code, against ./servers and node types', async () => {
    const { checker } = checkerOver();
    const code = `import { greet } from './servers/demo/greet';\nconst é = 'ü'; const n: number = await greet('Ada');\nprocess.stdout.write(String(n) + é);\n`;
    expect(await checker.check(code)).toEqual([{ line: 2, column: 22, code: 2322, message: "Type 'string' is not assignable to type 'number'." }]);
    expect(await checker.check(`await greet(1);`)).toEqual([expect.objectContaining({ line: 1, column: 7, code: 2304 })]);
    expect(await checker.check(`const s: string = process.version;\nexport {};`)).toEqual([]);
  });

  it('finds a server generated after code failed to import it, and sees a rewritten API file', async () => {
    const { apiDir, checker } = checkerOver();
    const code = `import { add } from './servers/math/add';\nconst n: number = await add(1, 2);\n`;
    expect((await checker.check(code)).map((d) => d.code)).toEqual([2307]);
    fs.mkdirSync(path.join(apiDir, 'servers', 'math'));
    fs.writeFileSync(path.join(apiDir, 'servers', 'math', 'add.ts'), 'export async function add(a: number, b: number): Promise<number> {\n  return a + b;\n}\n');
    expect(await checker.check(code)).toEqual([]);
    fs.writeFileSync(path.join(apiDir, 'servers', 'math', 'add.ts'), 'export async function add(a: number, b: number): Promise<string> {\n  return String(a + b);\n}\n');
    expect((await checker.check(code)).map((d) => [d.line, d.code])).toEqual([[2, 2322]]);
  });

  it('stops code that makes the checker run away (deep recursive types) at the time limit with a clear error, ending its process (the next check starts another, as below)', async () => {
    const { checker } = checkerOver({ timeoutMs: 300 });
    await checker.check('export {};').catch(() => undefined); // the process's start may itself take the 300 ms here
    const deep = `type Deep<T, N extends unknown[] = []> = N['length'] extends 3000 ? T : Deep<[T], [...N, 0]>;\nconst x: Deep<1> = 1 as never;\nexport { x };\n`;
    await expect(checker.check(deep)).rejects.toThrow(/type-check took longer than 300 ms and was stopped/);
    expect(checker.compilerPid).toBeUndefined();
  });

  it('replaces a killed compiler process at the next check, and kills its process on dispose', async () => {
    const { checker } = checkerOver();
    expect(await checker.check(`const a: number = 1;\nexport {};`)).toEqual([]);
    const first = checker.compilerPid!;
    expect(alive(first)).toBe(true);
    process.kill(first, 'SIGKILL');
    await new Promise<void>((resolve) => {
      const wait = () => (checker.compilerPid === undefined ? resolve() : setImmediate(wait));
      wait();
    });
    expect(await checker.check(`const b: number = 'no';`)).toEqual([expect.objectContaining({ code: 2322 })]);
    const second = checker.compilerPid!;
    expect(second).not.toBe(first);
    checker.dispose();
    await new Promise<void>((resolve) => {
      const wait = () => (alive(second) ? setTimeout(wait, 10) : resolve());
      wait();
    });
    expect(alive(second)).toBe(false);
  });
  it('closed while warming: the warm-up and a check queued behind it fail as closed, sending nothing to the dead process and leaving none behind', async () => {
    const { checker } = checkerOver();
    const warming = checker.warm();
    const queued = checker.check('const c: number = 3;\nexport {};');
    await new Promise<void>((resolve) => {
      const wait = () => (checker.compilerPid === undefined ? setImmediate(wait) : resolve());
      wait();
    });
    const pid = checker.compilerPid!;
    checker.dispose();
    await expect(warming).rejects.toThrow(/closed/);
    await expect(queued).rejects.toThrow(/closed/);
    await new Promise<void>((resolve) => {
      const wait = () => (alive(pid) ? setTimeout(wait, 10) : resolve());
      wait();
    });
    expect(checker.compilerPid).toBeUndefined();
    // A write to the dead pipe would surface as an unhandled rejection, which fails this file's run.
    await new Promise((resolve) => setTimeout(resolve, 200));
  });
});
