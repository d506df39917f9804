// Servers and the generated API through the contract handlers, as the app and browser mode use them, with
// the real npm MCP servers: configure, generate, browse the tree, "Try it", restart, import.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Handlers } from '../../shared/contract';
import { createHandlers } from '../engine/api/handlers';
import type { Engine } from '../engine/engine';
import { realServerConfigs } from '../engine/mcp/fixtures/real-servers';
import { openTestEngine, tempDir } from './helpers';

let engine: Engine;
let api: Handlers;
const workDir = tempDir();

beforeAll(async () => {
  engine = await openTestEngine();
  api = createHandlers(engine);
  const configs = realServerConfigs(workDir);
  await api['servers.add']({ name: 'everything', config: configs.everything });
  await api['servers.add']({ name: 'filesystem', config: configs.filesystem });
});
afterAll(async () => engine?.close());

describe('servers and the API tree', () => {
  it('generates the tree for configured servers and indexes their tool docs', async () => {
    const generated = await api['api.generate']({});
    expect(generated.written).toBeGreaterThan(5);
    const tree = await api['api.tree']({});
    expect(tree.servers.map((s) => s.server)).toEqual(['everything', 'filesystem']);
    const echo = tree.servers[0].tools.find((t) => t.tool === 'echo');
    expect(echo?.description).toMatch(/echo/i);
    expect(fs.existsSync(path.join(tree.root, 'servers', 'everything', 'echo.ts'))).toBe(true);

    const listed = await api['servers.list']({});
    expect(listed.servers.find((s) => s.name === 'everything')?.state.status).toBe('ready');

    const search = await api['search.query']({ query: 'echo', filters: { kinds: ['tool'] } });
    expect(search.hits[0]?.key).toBe('everything/echo');

    const status = await api['app.status']({});
    expect(status.servers).toMatchObject({ ready: 2, total: 2, failed: 0 });
    expect(status.index.tools).toBeGreaterThan(5);
  });

  it('shows a tool\'s generated TypeScript and Python, and calls it for "Try it"', async () => {
    const files = await api['api.tool']({ server: 'everything', tool: 'echo' });
    expect(files.typescript).toMatch(/export async function echo\(/);
    expect(files.python).toMatch(/async def echo\(/);
    const call = await api['api.call']({ server: 'everything', tool: 'echo', args: { message: 'hi there' } });
    expect(call).toMatchObject({ ok: true, data: 'Echo: hi there' });
    const bad = await api['api.call']({ server: 'filesystem', tool: 'read_text_file', args: { path: '/etc/shadow' } });
    expect(bad.ok).toBe(false);
    expect(bad.error).toMatch(/denied|outside|not allowed/i);
  });

  it('restarts a server on request', async () => {
    const state = await api['servers.restart']({ name: 'everything' });
    expect(state.status).toBe('ready');
  });

  it('imports a pasted Claude Desktop config and removes servers', async () => {
    const json = JSON.stringify({ mcpServers: { memory: realServerConfigs(workDir).memory, 'bad name!': { command: 'x' } } });
    const result = await api['servers.import']({ json });
    expect(result.imported).toEqual(['memory']);
    expect(result.skipped[0].name).toBe('bad name!');
    const saved = JSON.parse(fs.readFileSync(path.join(engine.dataDir, 'mcp.json'), 'utf8'));
    expect(Object.keys(saved.mcpServers).sort()).toEqual(['everything', 'filesystem', 'memory']);
    const after = await api['servers.remove']({ name: 'memory' });
    expect(after.servers.map((s) => s.name)).toEqual(['everything', 'filesystem']);
    await expect(api['servers.remove']({ name: 'memory' })).rejects.toThrow(/No server named memory/);
  });
});
