// The `skillgraph` command line as a user runs it: help, init, status, search and bad input.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { tempDir } from './helpers';

const run = promisify(execFile);
const root = path.resolve(import.meta.dirname, '..', '..');
const tsx = path.join(root, 'node_modules', '.bin', 'tsx');
const cliEntry = path.join(root, 'electron', 'cli', 'main.ts');

async function cli(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(tsx, [cliEntry, ...args], { env: { ...process.env, ...env }, timeout: 60_000 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('skillgraph CLI', () => {
  it('lists its commands and the shared options', async () => {
    const { code, stdout } = await cli(['--help']);
    expect(code).toBe(0);
    for (const word of ['serve', 'start', 'search', 'servers list', 'api generate', '--graph', '--data', '--json']) expect(stdout).toContain(word);
  });

  it('init creates a graph; status reports it as JSON; search finds the welcome page', async () => {
    const dir = tempDir();
    const graph = path.join(dir, 'graph');
    const data = path.join(dir, 'data');
    const init = await cli(['init', '--graph', graph, '--data', data, '--json']);
    expect(init.code).toBe(0);
    expect(JSON.parse(init.stdout)).toEqual({ graph, created: true });

    const status = await cli(['status', '--json'], { SKILLGRAPH_GRAPH: graph, SKILLGRAPH_DATA: data });
    expect(status.code).toBe(0);
    const parsed = JSON.parse(status.stdout);
    expect(parsed.graphDir).toBe(graph);
    expect(parsed.index.pages).toBeGreaterThanOrEqual(2);

    const search = await cli(['search', 'welcom', '--json', '--graph', graph, '--data', data]);
    expect(search.code).toBe(0);
    expect(JSON.parse(search.stdout).hits.map((h: { title: string }) => h.title)).toContain('Welcome to Skillgraph');
  });

  it('explains a missing graph folder and leaves nothing behind', async () => {
    const dir = tempDir();
    const { code, stderr } = await cli(['status', '--graph', path.join(dir, 'nope'), '--data', path.join(dir, 'data')]);
    expect(code).toBe(2);
    expect(stderr).toMatch(/Graph folder .*nope does not exist/);
    expect(fs.readdirSync(dir)).toEqual([]);
  });

  it('rejects unknown commands and options with usage', async () => {
    expect((await cli(['frobnicate'])).stderr).toMatch(/Unknown command/);
    const bad = await cli(['search', 'x', '--nope']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/Usage: skillgraph search/);
  });
});
