// First start and bad locations: a new graph comes from the template; a wrong graph folder is refused
// with a clear message and nothing is created.
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
