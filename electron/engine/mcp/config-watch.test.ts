// mcp.json edited by hand reaches a running engine: a server added on disk is started and generated, a broken file is
// reported while the last good config runs on (and is never overwritten), a fix is applied, a roots-only edit is told
// to the server without a restart, and the app's own writes are not heard back as edits. Real engine, real servers.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServerConfig, ServerState } from '../../../shared/types';
import { Engine } from '../engine';
import { until } from '../test-fixtures';
import { diffServerConfigs } from './config';
import { realServerConfigs } from './fixtures/real-servers';

let root: string;
let engine: Engine;
let servers: Record<string, ServerConfig>;
const configEvents: Array<{ problem?: string }> = [];
const starts: string[] = [];
let mcpJson: string;

const writeByHand = (document: unknown) => fs.writeFileSync(mcpJson, typeof document === 'string' ? document : `${JSON.stringify(document, null, 2)}\n`);
const textOf = (result: { content?: unknown }) => (result.content as Array<{ text?: string }>).map((block) => block.text ?? '').join('\n');
const rootsOf = async (server: string) => textOf(await engine.pool.callTool(server, 'get-roots-list', {}));

beforeAll(async () => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'sg-mcp-json-watch-'));
  for (const dir of ['data', 'graph', 'work', 'first', 'second']) fs.mkdirSync(path.join(root, dir));
  servers = realServerConfigs(path.join(root, 'work'));
  mcpJson = path.join(root, 'data', 'mcp.json');
  writeByHand({ mcpServers: { everything: { ...servers.everything, roots: [path.join(root, 'first')] } } });
  // As the gateway opens it (watching, no graph); the app and browser mode watch the same way.
  engine = await Engine.open({ graph: path.join(root, 'graph'), data: path.join(root, 'data'), host: 'cli', watch: true, loadGraph: false, warmSandbox: false });
  engine.events.subscribe((event, payload) => {
    if (event === 'servers.config') configEvents.push(payload as { problem?: string });
  });
  engine.pool.on('state', (state: ServerState) => {
    if (state.status === 'starting') starts.push(state.name);
  });
  await engine.serverConfigs.whenWatching();
}, 60_000);

afterAll(async () => {
  await engine?.close();
  fs.rmSync(root, { recursive: true, force: true });
});

describe('mcp.json edited while the engine runs', () => {
  it('starts a server added by hand and generates its API, leaving the running ones alone', async () => {
    expect(await rootsOf('everything')).toContain(pathToFileURL(path.join(root, 'first')).href);
    starts.length = 0;
    writeByHand({ mcpServers: { everything: { ...servers.everything, roots: [path.join(root, 'first')] }, memory: servers.memory } });
    await until('memory to be generated', () => engine.apiTree.toolDocs('memory').length > 0);
    expect(engine.apiTree.toolDocs('memory').map((doc) => doc.tool)).toContain('create_entities');
    expect(engine.serverStates().map((state) => state.name)).toEqual(['everything', 'memory']);
    expect(starts).toEqual(['memory']);
    expect(configEvents.at(-1)).toEqual({});
  }, 60_000);

  it('reports a broken file, keeps the last good config running and never overwrites the file', async () => {
    const broken = '{ "mcpServers": { "everything": { "command": ';
    writeByHand(broken);
    await until('the problem to be reported', () => engine.serverConfigs.problem);
    expect(engine.serverConfigs.problem).toMatch(/mcp\.json is not valid JSON: .* at line 1, column \d+\. The servers keep running with the last valid mcp\.json/);
    expect(configEvents.at(-1)?.problem).toBe(engine.serverConfigs.problem);
    expect(engine.problems.at(-1)).toMatchObject({ what: 'reading mcp.json after it changed' });
    expect(Object.keys(engine.serverConfigs.list())).toEqual(['everything', 'memory']);
    expect(textOf(await engine.pool.callTool('everything', 'echo', { message: 'still here' }))).toContain('still here');
    // The app's own edit is refused rather than written over the person's unfinished file.
    await expect(engine.serverConfigs.add('extra', servers.everything)).rejects.toThrow(/Fix mcp\.json first/);
    expect(fs.readFileSync(mcpJson, 'utf8')).toBe(broken);

    // A file that is JSON but not a valid config is refused too, saying where.
    writeByHand({ mcpServers: { everything: { args: [] } } });
    await until('the schema problem', () => /not a valid mcpServers file/.test(engine.serverConfigs.problem ?? ''));
    expect(engine.serverConfigs.problem).toContain('everything');
    expect(engine.serverStates().map((state) => state.name)).toEqual(['everything', 'memory']);
  }, 60_000);

  it('applies the fixed file: a roots-only change is told to the running server, a removed server stops', async () => {
    starts.length = 0;
    writeByHand({ mcpServers: { everything: { ...servers.everything, roots: [path.join(root, 'second')] } } });
    await until('memory to be removed', () => engine.serverStates().length === 1);
    expect(engine.serverConfigs.problem).toBeUndefined();
    expect(configEvents.at(-1)).toEqual({});
    await expect.poll(() => rootsOf('everything'), { timeout: 20_000 }).toContain(pathToFileURL(path.join(root, 'second')).href);
    await until('memory to leave the API tree', () => engine.apiTree.toolDocs('memory').length === 0);
    expect(starts).toEqual([]);
  }, 60_000);

  it("does not hear the app's own writes as edits", async () => {
    const before = configEvents.length;
    const heard = engine.serverConfigs.heardChanges;
    await engine.serverConfigs.add('memory', servers.memory);
    await until("the app's write to be heard", () => engine.serverConfigs.heardChanges > heard);
    expect(configEvents.length).toBe(before);
    await engine.reloadServers();
    expect(engine.serverStates().map((state) => state.name)).toEqual(['everything', 'memory']);
    // The next edit by hand is the next thing heard.
    writeByHand({ mcpServers: { ...engine.serverConfigs.list(), filesystem: servers.filesystem } });
    await until('the hand edit', () => configEvents.length > before);
    await until('filesystem to be configured', () => engine.serverStates().some((state) => state.name === 'filesystem'));
    expect(configEvents.length).toBe(before + 1);
  }, 60_000);
});

describe('diffServerConfigs', () => {
  it('tells added, removed, changed and roots-only servers apart', () => {
    const a: ServerConfig = { command: 'node', args: ['a.js'] };
    expect(diffServerConfigs({ keep: a, gone: a, moved: a, rooted: { ...a, roots: ['/x'] } }, { keep: a, moved: { ...a, args: ['b.js'] }, rooted: { ...a, roots: ['/y'] }, fresh: a })).toEqual({
      added: ['fresh'],
      removed: ['gone'],
      changed: ['moved'],
      rootsOnly: ['rooted'],
    });
  });
});
