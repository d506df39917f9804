// The pool against real MCP servers: the three npm servers, a fixture server built on the SDK, and servers that
// crash, hang or send malformed tools; each failure is reported per server while the others keep working.
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ServerConfig, ServerState } from '../../../shared/types';
import { McpServerError, McpTimeoutError, McpToolReportedError } from './errors';
import { everythingEntry, fixtureConfig, fixtureServer, realServerConfigs } from './fixtures/real-servers';
import { McpPool } from './pool';
import { toolResultToData } from './result';
import { until } from '../test-fixtures';

let workDir: string;
const pools: McpPool[] = [];

function makePool(...args: ConstructorParameters<typeof McpPool>): McpPool {
  const pool = new McpPool(...args);
  pools.push(pool);
  return pool;
}

beforeAll(async () => {
  workDir = await mkdtemp(path.join(os.tmpdir(), 'skillgraph-pool-'));
});
afterEach(async () => {
  await Promise.all(pools.splice(0).map((pool) => pool.close()));
});
afterAll(async () => {
  await rm(workDir, { recursive: true, force: true });
});

describe('McpPool with the real npm servers', () => {
  it('starts servers lazily, lists their tools and returns parsed data from real calls', async () => {
    const pool = makePool({ configs: realServerConfigs(workDir) });
    expect(pool.states().map((state) => state.status)).toEqual(['idle', 'idle', 'idle']);

    const catalog = await pool.catalog();
    expect([...catalog.keys()]).toEqual(['everything', 'filesystem', 'memory']);
    expect(catalog.get('filesystem')!.map((tool) => tool.name)).toContain('read_text_file');
    expect(pool.states().every((state) => state.status === 'ready' && state.toolCount > 0)).toBe(true);

    expect(toolResultToData(await pool.callTool('everything', 'echo', { message: 'hello' }))).toBe('Echo: hello');
    const weather = toolResultToData(await pool.callTool('everything', 'get-structured-content', { location: 'Chicago' })) as Record<string, unknown>;
    expect(typeof weather.temperature).toBe('number');

    const file = path.join(workDir, 'note.txt');
    await pool.callTool('filesystem', 'write_file', { path: file, content: 'written through MCP' });
    const read = toolResultToData(await pool.callTool('filesystem', 'read_text_file', { path: file }));
    expect(JSON.stringify(read)).toContain('written through MCP');

    await pool.callTool('memory', 'create_entities', { entities: [{ name: 'Ada', entityType: 'person', observations: ['wrote the first program'] }] });
    const graph = toolResultToData(await pool.callTool('memory', 'read_graph', {})) as { entities: { name: string }[] };
    expect(graph.entities.map((entity) => entity.name)).toContain('Ada');
  });

  it('raises McpToolReportedError carrying the server message when a tool reports an error', async () => {
    const pool = makePool({ configs: realServerConfigs(workDir) });
    const result = await pool.callTool('filesystem', 'read_text_file', { path: path.join(os.tmpdir(), 'outside-the-allowed-dir.txt') });
    expect(result.isError).toBe(true);
    expect(() => toolResultToData(result, { server: 'filesystem', tool: 'read_text_file' })).toThrow(McpToolReportedError);
    expect(() => toolResultToData(result, { server: 'filesystem', tool: 'read_text_file' })).toThrow(/filesystem.*read_text_file.*denied|outside/i);
  });
});

describe('McpPool failures stay per server', () => {
  it('reports crash, missing command, missing env var and malformed tools while a healthy server works', async () => {
    const pool = makePool({
      env: {},
      configs: {
        healthy: realServerConfigs(workDir).everything,
        crashes: { command: process.execPath, args: ['-e', "console.error('missing GITHUB_TOKEN'); process.exit(1)"] },
        nocommand: { command: 'skillgraph-no-such-command-xyz' },
        needsenv: { command: process.execPath, args: ['-e', ''], env: { TOKEN: '${env:SKILLGRAPH_TEST_TOKEN}' } },
        brokenlist: fixtureConfig('broken-list'),
        malformed: fixtureConfig('malformed'),
      },
    });
    const catalog = await pool.catalog();
    expect([...catalog.keys()].sort()).toEqual(['healthy', 'malformed']);
    const byName = Object.fromEntries(pool.states().map((state) => [state.name, state])) as Record<string, ServerState>;
    expect(byName.crashes).toMatchObject({ status: 'failed' });
    expect(byName.crashes.error).toMatch(/server `crashes` exited while starting: missing GITHUB_TOKEN/);
    expect(byName.nocommand.error).toMatch(/command `skillgraph-no-such-command-xyz` was not found/);
    expect(byName.needsenv.error).toBe('server `needsenv` needs environment variable SKILLGRAPH_TEST_TOKEN, which is not set');
    expect(byName.brokenlist.status).toBe('failed');
    expect(byName.brokenlist.error).toMatch(/server `brokenlist` sent a malformed tools\/list answer/);

    expect(byName.malformed.status).toBe('ready');
    expect(catalog.get('malformed')!.map((tool) => tool.name)).toEqual(['ok', 'dangling-ref']);
    expect(byName.malformed.error).toMatch(/skipped 2 tool\(s\) with malformed definitions: `bad_type` \(inputSchema\.type.*`bad_properties` \(inputSchema\.properties/);

    expect(toolResultToData(await pool.callTool('healthy', 'echo', { message: 'still here' }))).toBe('Echo: still here');
    await expect(pool.callTool('crashes', 'anything')).rejects.toThrow(/missing GITHUB_TOKEN/);
    await expect(pool.callTool('unknown', 'anything')).rejects.toThrow(/no MCP server named `unknown`/);
  });

  it('gives up on a server that never answers initialize, while another server in the pool answers', async () => {
    const pool = makePool({
      startTimeoutMs: 4000,
      configs: { hangs: { command: process.execPath, args: ['-e', 'setInterval(()=>{},1000)'] }, healthy: fixtureConfig('paginated') },
    });
    const [hung, healthy] = await Promise.allSettled([pool.listTools('hangs'), pool.listTools('healthy')]);
    expect(hung.status).toBe('rejected');
    expect((hung as PromiseRejectedResult).reason).toBeInstanceOf(McpTimeoutError);
    expect(pool.states().find((state) => state.name === 'hangs')).toMatchObject({ status: 'failed', error: 'server `hangs` did not answer initialize within 4000 ms' });
    expect(healthy.status).toBe('fulfilled');
    expect(pool.states().find((state) => state.name === 'healthy')?.status).toBe('ready');
  });

  it('gives a server its own startupTimeoutMs from mcp.json instead of the pool default', async () => {
    const pool = makePool({
      startTimeoutMs: 60_000,
      configs: { hangs: { command: process.execPath, args: ['-e', 'setInterval(()=>{},1000)'], startupTimeoutMs: 1500 } },
    });
    await expect(pool.listTools('hangs')).rejects.toBeInstanceOf(McpTimeoutError);
    expect(pool.states()[0]).toMatchObject({ status: 'failed', error: 'server `hangs` did not answer initialize within 1500 ms' });
  });

  it('never shows a secret taken from the environment in an error', async () => {
    const pool = makePool({
      env: { SKILLGRAPH_TEST_SECRET: 'sup3r-s3cret-value' },
      configs: {
        leaky: { command: process.execPath, args: ['-e', "console.error('rejected token ' + process.env.API_TOKEN); process.exit(1)"], env: { API_TOKEN: '${env:SKILLGRAPH_TEST_SECRET}' } },
      },
    });
    await expect(pool.listTools('leaky')).rejects.toThrow(McpServerError);
    const [state] = pool.states();
    expect(state.error).toContain('rejected token [redacted SKILLGRAPH_TEST_SECRET]');
    expect(state.error).not.toContain('sup3r-s3cret-value');
  });
});

describe('McpPool redacts secrets from everything a server sends', () => {
  const SECRET = 'ghp_Secr3tTok3nValue_42';
  const leaky = (env: Record<string, string>) =>
    makePool({ env: { LEAKY_TOKEN: SECRET }, configs: { leaky: { ...fixtureConfig('leaky'), env } } as Record<string, ServerConfig> });
  const base64 = Buffer.from(SECRET).toString('base64');

  it('masks a ${env:…} value in results, structured content, encodings, errors, JSON-RPC errors, stderr and tool lists', async () => {
    const pool = leaky({ API_TOKEN: '${env:LEAKY_TOKEN}' });
    const tools = await pool.listTools('leaky');
    const result = await pool.callTool('leaky', 'leak');
    const toolError = await pool.callTool('leaky', 'leak_error');
    const rpcError = await pool.callTool('leaky', 'leak_rpc_error').then(
      () => undefined,
      (error: Error) => error,
    );
    const seen = JSON.stringify({ tools, result, toolError, rpc: rpcError && { message: rpcError.message, stack: rpcError.stack }, states: pool.states() });
    expect(seen).not.toContain(SECRET);
    expect(seen).not.toContain(base64);
    expect(seen).not.toContain(encodeURIComponent(SECRET));
    expect(result.structuredContent).toEqual({ token: '[redacted LEAKY_TOKEN]', nested: [{ token: '[redacted LEAKY_TOKEN]' }] });
    expect(JSON.parse((result.content[0] as { text: string }).text)).toMatchObject({ token: '[redacted LEAKY_TOKEN]', header: 'Bearer [redacted LEAKY_TOKEN]' });
    expect(tools[0].description).toBe('Returns the token ([redacted LEAKY_TOKEN])');
    expect(() => toolResultToData(toolError, { server: 'leaky', tool: 'leak_error' })).toThrow('401 for token [redacted LEAKY_TOKEN]');
    expect(rpcError?.message).toContain('upstream rejected [redacted LEAKY_TOKEN]');
  });

  it('masks a secret written literally in the config (a secret-named env key), and keeps the server usable', async () => {
    const pool = leaky({ API_TOKEN: SECRET });
    const result = await pool.callTool('leaky', 'leak');
    expect(JSON.stringify(result)).not.toContain(SECRET);
    expect(result.structuredContent).toEqual({ token: '[redacted env.API_TOKEN]', nested: [{ token: '[redacted env.API_TOKEN]' }] });
  });

  it('masks stderr in the crash message even when the secret arrives split across writes', async () => {
    const pool = makePool({
      env: { LEAKY_TOKEN: SECRET },
      configs: {
        split: {
          command: process.execPath,
          args: ['-e', "const t = process.env.API_TOKEN; process.stderr.write('bad ' + t.slice(0, 5)); setTimeout(() => { process.stderr.write(t.slice(5) + '\\n'); process.exit(1); }, 50)"],
          env: { API_TOKEN: '${env:LEAKY_TOKEN}' },
        },
      },
    });
    await expect(pool.listTools('split')).rejects.toThrow('bad [redacted LEAKY_TOKEN]');
    expect(JSON.stringify(pool.states())).not.toContain(SECRET.slice(5));
  });
});

/** Alive means present and not a zombie (a zombie has exited and only waits to be reaped). */
function alive(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

describe('McpPool ends a server together with the processes it started', () => {
  it('kills the whole process group of a server that hangs at start, even a child that ignores SIGTERM', async () => {
    const pool = makePool({ startTimeoutMs: 1500, configs: { hangs: fixtureConfig('hang-with-child') } });
    const error = await pool.listTools('hangs').then(
      () => undefined,
      (failure: Error) => failure,
    );
    expect(error).toBeInstanceOf(McpTimeoutError);
    const [, leader, child] = /leader (\d+) child (\d+)/.exec(error!.message) ?? [];
    expect(leader && child).toBeTruthy();
    expect(alive(Number(leader))).toBe(false);
    expect(alive(Number(child))).toBe(false);
  });

  it('also ends a process the server detached from its group with setsid(), at a hang and at close', async () => {
    const marker = `skillgraph-detached-${process.pid}-${Date.now()}`;
    // A child started with detached: true calls setsid(): it leads a group and a session of its own, and ignores SIGTERM.
    const detachChild = `require('node:child_process').spawn(process.execPath, ['-e', 'process.on("SIGTERM",()=>{});setInterval(()=>{},1000)', '${marker}'], { stdio: 'ignore', detached: true })`;
    const hanging = makePool({
      startTimeoutMs: 1500,
      configs: { hangs: { command: process.execPath, args: ['-e', `${detachChild}; setInterval(() => {}, 1000)`] } },
    });
    await expect(hanging.listTools('hangs')).rejects.toBeInstanceOf(McpTimeoutError);
    expect(processesWith(marker).filter(alive)).toEqual([]);

    const healthy = makePool({
      configs: { wrapped: { command: process.execPath, args: ['-e', `${detachChild}; require('node:child_process').spawn(process.execPath, [${JSON.stringify(fixtureServer)}, 'paginated'], { stdio: 'inherit' })`] } },
    });
    expect((await healthy.listTools('wrapped')).length).toBe(5);
    expect(processesWith(marker).filter(alive).length).toBeGreaterThanOrEqual(2); // the launcher names the marker too
    await healthy.close();
    expect(processesWith(marker).filter(alive)).toEqual([]);
  });

  it('kills what a healthy server started when the pool closes', async () => {
    const marker = `skillgraph-orphan-${process.pid}-${Date.now()}`;
    // A launcher that starts a helper process and then the real server, as `npx`/`uvx` wrappers do.
    const wrapper = makePool({
      configs: {
        wrapped: {
          command: process.execPath,
          args: ['-e', `require('node:child_process').spawn(process.execPath, ['-e', 'setInterval(()=>{},1000)', '${marker}'], { stdio: 'ignore' }); require('node:child_process').spawn(process.execPath, [${JSON.stringify(fixtureServer)}, 'paginated'], { stdio: 'inherit' })`],
        },
      },
    });
    expect((await wrapper.listTools('wrapped')).length).toBe(5);
    expect(processesWith(marker).filter(alive)).toHaveLength(2); // the launcher (its script names the marker) and its helper
    await wrapper.close();
    expect(processesWith(marker).filter(alive)).toEqual([]);
  });
});

/** Pids whose command line contains `marker`. */
function processesWith(marker: string): number[] {
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .filter((pid) => {
      try {
        return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(marker);
      } catch {
        return false;
      }
    })
    .map(Number);
}

describe('McpPool protocol behaviour on a real SDK server', () => {
  it('follows nextCursor across tools/list pages', async () => {
    const pool = makePool({ configs: { paged: fixtureConfig('paginated') } });
    const tools = await pool.listTools('paged');
    expect(tools.map((tool) => tool.name)).toEqual(['tool-0', 'tool-1', 'tool-2', 'tool-3', 'tool-4']);
    expect(pool.states()[0].toolCount).toBe(5);
  });

  it('follows notifications/tools/list_changed', async () => {
    const pool = makePool({ configs: { dyn: fixtureConfig('dynamic') } });
    const changes: string[] = [];
    pool.on('toolsChanged', (server) => changes.push(server));
    expect((await pool.listTools('dyn')).map((tool) => tool.name)).not.toContain('double');
    await pool.callTool('dyn', 'add_tool', { name: 'double' });
    await until('a tools/list_changed from the server', () => changes.length > 0);
    expect(changes).toContain('dyn');
    expect((await pool.listTools('dyn')).map((tool) => tool.name)).toContain('double');
    expect(toolResultToData(await pool.callTool('dyn', 'double', { x: 21 }))).toEqual({ doubled: 42 });
  });

  it('times out a slow call with McpTimeoutError and keeps the server usable', async () => {
    const pool = makePool({ configs: { dyn: fixtureConfig('dynamic') } });
    await expect(pool.callTool('dyn', 'sleep', { ms: 5000 }, { timeoutMs: 300 })).rejects.toThrow(McpTimeoutError);
    await expect(pool.callTool('dyn', 'sleep', { ms: 5000 }, { timeoutMs: 300 })).rejects.toThrow('tool `sleep` on server `dyn` did not answer within 300 ms');
    expect(toolResultToData(await pool.callTool('dyn', 'sleep', { ms: 1 }))).toBe('awake');
  });

  it('turns isError results into McpToolReportedError with the server message', async () => {
    const pool = makePool({ configs: { dyn: fixtureConfig('dynamic') } });
    const result = await pool.callTool('dyn', 'fail');
    expect(() => toolResultToData(result, { server: 'dyn', tool: 'fail' })).toThrow('tool `fail` on server `dyn` failed: quota exceeded for this key');
  });

  it('restarts a crashed server with backoff and reports the reason from its stderr', async () => {
    const pool = makePool({ configs: { dyn: fixtureConfig('dynamic') }, restartBackoffMs: 100 });
    const seen: ServerState[] = [];
    pool.on('state', (state) => seen.push(state));
    await pool.listTools('dyn');
    await pool.callTool('dyn', 'crash');
    const failed = await until('the server to be seen failed', () => seen.find((state) => state.status === 'failed'));
    expect(failed.error).toMatch(/server `dyn` exited unexpectedly: fatal: simulated crash for the test/);
    await until('the server restarted once and ready', () => pool.states()[0].status === 'ready' && pool.states()[0].restarts === 1);
    expect(toolResultToData(await pool.callTool('dyn', 'sleep', { ms: 1 }))).toBe('awake');
  });
});

describe('McpPool over HTTP', () => {
  let child: ChildProcess | undefined;
  afterEach(() => {
    child?.kill();
    child = undefined;
  });

  async function freePort(): Promise<number> {
    return new Promise((resolve) => {
      const probe = createServer().listen(0, '127.0.0.1', () => {
        const { port } = probe.address() as { port: number };
        probe.close(() => resolve(port));
      });
    });
  }

  async function startEverything(transport: 'streamableHttp' | 'sse'): Promise<number> {
    const port = await freePort();
    child = spawn(process.execPath, [everythingEntry, transport], { env: { ...process.env, PORT: String(port) }, stdio: ['ignore', 'ignore', 'pipe'] });
    let output = '';
    child.stderr!.on('data', (chunk) => (output += chunk));
    await until('the server to say it is listening', () => /listening|running/i.test(output));
    return port;
  }

  it('connects to a Streamable HTTP server with headers', async () => {
    const port = await startEverything('streamableHttp');
    const pool = makePool({ env: { SKILLGRAPH_TEST_TOKEN: 'abc123' }, configs: { remote: { url: `http://127.0.0.1:${port}/mcp`, headers: { Authorization: 'Bearer ${env:SKILLGRAPH_TEST_TOKEN}' } } } });
    expect(toolResultToData(await pool.callTool('remote', 'echo', { message: 'over http' }))).toBe('Echo: over http');
    expect(pool.states()[0]).toMatchObject({ transport: 'http', status: 'ready' });
  });

  it('falls back to SSE when a server only speaks SSE', async () => {
    const port = await startEverything('sse');
    const pool = makePool({ configs: { legacy: { url: `http://127.0.0.1:${port}/sse` } } });
    expect(toolResultToData(await pool.callTool('legacy', 'echo', { message: 'over sse' }))).toBe('Echo: over sse');
    expect(pool.states()[0]).toMatchObject({ transport: 'sse', status: 'ready' });
  });
});
