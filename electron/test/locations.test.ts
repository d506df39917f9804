// First start and bad locations: a new graph comes from the template; a wrong graph folder is refused
// with a clear message and nothing is created.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Engine } from '../engine/engine';
import { tempDir } from './helpers';

describe('where the graph lives', () => {
  it('creates a real Logseq graph from the template on first start', async () => {
    const data = path.join(tempDir(), 'data');
    const engine = await Engine.open({ data, host: 'cli' });
    expect(engine.locations.createdGraph).toBe(true);
    expect(engine.graphDir).toBe(path.join(data, 'graph'));
    const config = fs.readFileSync(path.join(engine.graphDir, 'logseq', 'config.edn'), 'utf8');
    expect(config).toMatch(/:file\/name-format :triple-lowbar/);
    expect(fs.readFileSync(path.join(engine.graphDir, 'pages', 'Skills.md'), 'utf8')).toMatch(/\{\{query \(page-property :type "skill"\)\}\}/);
    expect(fs.readdirSync(path.join(engine.graphDir, 'journals'))).toEqual([]);
    await engine.close();

    const again = await Engine.open({ data, host: 'cli' });
    expect(again.locations.createdGraph).toBe(false);
    expect(again.graphDir).toBe(engine.graphDir);
    await again.close();
  });

  it('refuses a graph folder that does not exist, creating nothing', async () => {
    const dir = tempDir();
    const data = path.join(dir, 'data');
    const graph = path.join(dir, 'missing-graph');
    await expect(Engine.open({ data, graph, host: 'cli' })).rejects.toThrow(/does not exist.*skillgraph init/);
    expect(fs.existsSync(graph)).toBe(false);
    expect(fs.existsSync(data)).toBe(false);
  });

  it('refuses a file given as the graph folder', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'notes.md');
    fs.writeFileSync(file, '- hello\n');
    await expect(Engine.open({ data: path.join(dir, 'data'), graph: file, host: 'cli' })).rejects.toThrow(/is a file, not a folder/);
    expect(fs.readFileSync(file, 'utf8')).toBe('- hello\n');
  });

  it('init creates a graph in a new folder and never touches a non-empty one', async () => {
    const dir = tempDir();
    const graph = path.join(dir, 'g');
    const engine = await Engine.open({ data: path.join(dir, 'data'), graph, host: 'cli', initGraph: true });
    expect(fs.existsSync(path.join(graph, 'logseq', 'config.edn'))).toBe(true);
    await engine.close();
    fs.writeFileSync(path.join(graph, 'pages', 'Mine.md'), '- mine\n');
    const reopened = await Engine.open({ data: path.join(dir, 'data'), graph, host: 'cli', initGraph: true });
    expect(reopened.locations.createdGraph).toBe(false);
    expect(fs.readFileSync(path.join(graph, 'pages', 'Mine.md'), 'utf8')).toBe('- mine\n');
    await reopened.close();
  });

  it('reports a malformed settings file instead of overwriting it', async () => {
    const dir = tempDir();
    const data = path.join(dir, 'data');
    fs.mkdirSync(data);
    fs.writeFileSync(path.join(data, 'config.json'), '{ not json');
    await expect(Engine.open({ data, host: 'cli' })).rejects.toThrow(/config.json is not valid JSON/);
    expect(fs.readFileSync(path.join(data, 'config.json'), 'utf8')).toBe('{ not json');
  });
});

/** `nobody` must be able to read this checkout (a clone under /root, say, is closed to it). */
function nobodyCanReadRepo(): boolean {
  const entry = path.resolve(import.meta.dirname, '..', '..', 'node_modules', 'tsx', 'dist', 'cli.mjs');
  try {
    execFileSync('/usr/bin/setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, '-e', `require('fs').accessSync(${JSON.stringify(entry)})`], { stdio: 'ignore', timeout: 10_000 });
    return true;
  } catch {
    console.log('[locations.test] skipping the unwritable-graph check: the user nobody cannot read this checkout');
    return false;
  }
}

describe('a graph folder the user cannot write', () => {
  // Root may write anywhere, so the check runs the CLI as the unprivileged user `nobody` where that is possible.
  const canDropPrivileges = process.getuid?.() === 0 && fs.existsSync('/usr/bin/setpriv') && nobodyCanReadRepo();
  it.skipIf(!canDropPrivileges)('is refused with a clear message, and nothing is created', async () => {
    const { execFile } = await import('node:child_process');
    const dir = tempDir();
    fs.chmodSync(dir, 0o755);
    const graph = path.join(dir, 'graph');
    const data = path.join(dir, 'data');
    fs.mkdirSync(graph);
    fs.writeFileSync(path.join(graph, 'keep.md'), '- mine\n');
    fs.mkdirSync(data, { mode: 0o777 });
    fs.chmodSync(data, 0o777);
    const root = path.resolve(import.meta.dirname, '..', '..');
    const result = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
      execFile(
        '/usr/bin/setpriv',
        ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, path.join(root, 'node_modules', 'tsx', 'dist', 'cli.mjs'), path.join(root, 'electron', 'cli', 'main.ts'), 'status', '--graph', graph, '--data', data],
        { env: { ...process.env, HOME: data, TMPDIR: data }, timeout: 60_000 },
        (error, _stdout, stderr) => resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stderr }),
      );
    });
    expect(result.stderr).toMatch(/Graph folder .* is not writable by this user/);
    expect(result.code).toBe(2);
    expect(fs.readdirSync(graph)).toEqual(['keep.md']);
    expect(fs.readdirSync(data).filter((f) => !f.startsWith('tsx'))).toEqual([]);
  });
});
