// `skillgraph run` errors as a user reads them: a failed tool call, a thrown error and a type error are each named
// at the user's file and line, once, without the runtime's frames (the bridge, the runner, node:internal, .staging).
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCliCapturing, tempDir } from './helpers';

const FILESYSTEM_SERVER = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../node_modules/@modelcontextprotocol/server-filesystem/dist/index.js');

const cli = runCliCapturing;

const RUNTIME_TRACES = [/node:internal/, /_bridge\.(ts|py)/, /runner\.(mjs|py)/, /\.staging/, /Node\.js v\d/, /Traceback/, /asyncio/, /\bat Socket\b/];

function expectNoRuntimeFrames(text: string): void {
  for (const trace of RUNTIME_TRACES) expect(text).not.toMatch(trace);
}

let dir: string;
let where: string[];
let outside: string;

beforeAll(async () => {
  dir = tempDir();
  const shared = path.join(dir, 'shared');
  fs.mkdirSync(shared);
  outside = path.join(dir, 'outside.txt');
  fs.writeFileSync(outside, 'not for the server');
  where = ['--graph', path.join(dir, 'graph'), '--data', path.join(dir, 'data')];
  expect((await cli(['init', ...where])).code).toBe(0);
  expect((await cli(['servers', 'add', 'fs', ...where, '--', process.execPath, FILESYSTEM_SERVER, shared])).code).toBe(0);
  expect((await cli(['api', 'generate', ...where])).code).toBe(0);
}, 120_000);

/** Writes `name` in the test folder and runs it from there, as `skillgraph run name`. */
async function run(name: string, code: string): Promise<{ code: number; stdout: string; stderr: string }> {
  fs.writeFileSync(path.join(dir, name), code);
  const cwd = process.cwd();
  process.chdir(dir);
  try {
    return await cli(['run', name, ...where]);
  } finally {
    process.chdir(cwd);
  }
}

describe('skillgraph run reports errors at the user\'s line', () => {
  it('a failed tool call in TypeScript: one line at hello.ts, no runtime frame', async () => {
    const result = await run('hello.ts', `import { readTextFile } from './servers/fs';\n\nconst r = await readTextFile({ path: ${JSON.stringify(outside)} });\nconsole.log(r.content);\n`);
    expect(result.code).toBe(1);
    const [first, ...rest] = result.stderr.split('\n');
    expect(first).toMatch(/^hello\.ts:3:\d+ McpToolError: tool `read_text_file` on server `fs` failed: Access denied/);
    // nothing else but the run's closing line with its log path
    expect(rest.filter(Boolean)).toEqual([expect.stringMatching(/^\[skillgraph\] run \S+ failed \(exit code 1\); full log: /)]);
    expectNoRuntimeFrames(result.stderr);
  }, 120_000);

  it('a thrown error in TypeScript keeps the user\'s own frames, innermost first', async () => {
    const result = await run('throws.ts', `function parse(text: string): number {\n  throw new RangeError('not a number: ' + text);\n}\n\nparse('x');\n`);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^throws\.ts:2:\d+ RangeError: not a number: x\n {4}at throws\.ts:5:1\n/);
    expectNoRuntimeFrames(result.stderr);
  }, 120_000);

  it('a type error is printed once, at the file\'s name', async () => {
    const result = await run('typed.ts', `import { readTextFile } from './servers/fs';\n\nawait readTextFile({ path: 42 });\n`);
    expect(result.code).toBe(3);
    const errors = result.stderr.split('\n').filter((line) => line.includes('error TS'));
    expect(errors).toEqual([expect.stringMatching(/^typed\.ts:3:\d+ - error TS2322: /)]);
    expect(result.stderr).not.toContain('main.ts');
  }, 120_000);

  it('a failed tool call in Python: one line at hello.py, no bridge or runner frame', async () => {
    const result = await run('hello.py', `from servers.fs import read_text_file\n\nr = await read_text_file({"path": ${JSON.stringify(outside)}})\nprint(r)\n`);
    expect(result.code).toBe(1);
    expect(result.stderr.split('\n')[0]).toMatch(/^hello\.py:3 McpToolError: tool `read_text_file` on server `fs` failed: Access denied/);
    expectNoRuntimeFrames(result.stderr);
  }, 120_000);

  it('a Python error inside a function names the function\'s line, then the call', async () => {
    const result = await run('deep.py', `def check(value):\n    raise ValueError(f"bad value {value}")\n\ncheck(7)\n`);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^deep\.py:2 ValueError: bad value 7\n {4}at deep\.py:4\n/);
    expectNoRuntimeFrames(result.stderr);
  }, 120_000);
});
