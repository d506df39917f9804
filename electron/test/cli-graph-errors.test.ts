// What the command line says when Logseq is writing the page it was asked to change: one line a person can act
// on (no stack), the typed code with --json, a non-zero exit, and the page left exactly as the other program wrote it.
import { execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { tempDir } from './helpers';

const run = promisify(execFile);
const root = path.resolve(import.meta.dirname, '..', '..');
const tsx = path.join(root, 'node_modules', '.bin', 'tsx');
const cliEntry = path.join(root, 'electron', 'cli', 'main.ts');

async function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(tsx, [cliEntry, ...args], { timeout: 60_000 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

const PAGE = [
  'type:: skill',
  'skill-id:: busy-skill-id',
  'description:: Counts to one',
  'language:: typescript',
  'status:: draft',
  '',
  '- Counts to one',
  '- ```ts',
  '  export function busySkill(): number {',
  '    return 1;',
  '  }',
  '  ```',
  '',
].join('\n');

/** Another program saving the page without pause (write-to-temp-then-rename, so it is never half written). */
const KEEPS_SAVING = `
const fs = require('node:fs');
const [file, page] = [process.argv[1], process.argv[2]];
let n = 0;
setInterval(() => {
  fs.writeFileSync(file + '.tmp', page + '- saved ' + (++n) + '\\n');
  fs.renameSync(file + '.tmp', file);
}, 5);`;

let saver: ReturnType<typeof spawn> | undefined;
afterEach(() => {
  saver?.kill();
  saver = undefined;
});

describe('skillgraph CLI while Logseq writes the page', () => {
  it('says in one line that Logseq is writing it, exits 1, and changes nothing', async () => {
    const dir = tempDir();
    const graph = path.join(dir, 'graph');
    fs.mkdirSync(path.join(graph, 'logseq'), { recursive: true });
    fs.mkdirSync(path.join(graph, 'pages'));
    fs.writeFileSync(path.join(graph, 'logseq', 'config.edn'), '{:file/name-format :triple-lowbar}\n');
    const file = path.join(graph, 'pages', 'Skills___busy_skill.md');
    fs.writeFileSync(file, PAGE);
    saver = spawn(process.execPath, ['-e', KEEPS_SAVING, file, PAGE], { stdio: 'ignore' });

    const where = ['--graph', graph, '--data', path.join(dir, 'data')];
    const plain = await cli(['skills', 'approve', 'busy_skill', ...where]);
    expect(plain.code).toBe(1);
    expect(plain.stderr).toBe('skillgraph: Logseq (or another program) is writing pages/Skills___busy_skill.md right now; nothing was changed. Try again in a moment\n');

    const json = await cli(['skills', 'approve', 'busy_skill', '--json', ...where]);
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout).error).toEqual({ code: 'graph-busy', message: expect.stringContaining('is writing pages/Skills___busy_skill.md right now') });

    saver.kill();
    await new Promise((resolve) => saver!.once('exit', resolve));
    const final = fs.readFileSync(file, 'utf8');
    expect(final).toMatch(/^- saved \d+$/m);
    expect(final).toContain('status:: draft');
    // No journal entry for a change that was not made.
    expect(fs.existsSync(path.join(graph, 'journals')) ? fs.readdirSync(path.join(graph, 'journals')) : []).toEqual([]);
  }, 60_000);
});
