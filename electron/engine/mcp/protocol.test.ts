// MCP beyond tools, as the pool speaks it to real servers: resources, prompts, progress, log messages,
// elicitation, roots, a new session after an HTTP server restarts, and cancellation that never touches finished calls.
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { CancelledNotificationSchema } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import { McpPool, type ServerLogLine, type ToolProgress, type ToolTaskStatus } from './pool';
import { McpCancelledError } from './errors';
import { everythingEntry, fixtureConfig, fixtureServer, repoRoot } from './fixtures/real-servers';
import type { ServerState } from '../../../shared/types';

const everything = { command: process.execPath, args: [everythingEntry] };
const pools: McpPool[] = [];
const servers: http.Server[] = [];

afterEach(async () => {
  await Promise.all(pools.splice(0).map((pool) => pool.close()));
  await Promise.all(servers.splice(0).map((server) => new Promise<void>((resolve) => server.close(() => resolve()))));
});

function pool(options: Partial<ConstructorParameters<typeof McpPool>[0]> & Pick<ConstructorParameters<typeof McpPool>[0], 'configs'>): McpPool {
  const created = new McpPool(options);
  pools.push(created);
  return created;
}

/** A small stateful Streamable HTTP server built with the SDK; it counts the cancellations it receives. */
async function httpServer(port = 0): Promise<{ url: string; port: number; cancellations: string[]; close(): Promise<void> }> {
  const cancellations: string[] = [];
  const sessions = new Map<string, StreamableHTTPServerTransport>();
  const server = http.createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = chunks.length > 0 ? JSON.parse(Buffer.concat(chunks).toString('utf8')) : undefined;
    const sessionId = req.headers['mcp-session-id'] as string | undefined;
    let transport = sessionId ? sessions.get(sessionId) : undefined;
    if (!transport) {
      if (sessionId || body?.method !== 'initialize') {
        res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ jsonrpc: '2.0', error: { code: -32001, message: 'Session not found' }, id: null }));
        return;
      }
      const created = new StreamableHTTPServerTransport({ sessionIdGenerator: () => randomUUID(), onsessioninitialized: (id) => void sessions.set(id, created) });
      const mcp = new McpServer({ name: 'http-test', version: '1.0.0' });
      mcp.registerTool('add', { inputSchema: { a: z.number(), b: z.number() } }, async ({ a, b }) => ({ content: [{ type: 'text', text: String(a + b) }] }));
      mcp.server.setNotificationHandler(CancelledNotificationSchema, async (notification) => {
        cancellations.push(String(notification.params.requestId));
      });
      await mcp.connect(created);
      transport = created;
    }
    await transport.handleRequest(req, res, body);
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', () => resolve()));
  servers.push(server);
  const bound = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${bound}/mcp`,
    port: bound,
    cancellations,
    close: async () => {
      servers.splice(servers.indexOf(server), 1);
      await Promise.all([...sessions.values()].map((transport) => transport.close()));
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

describe('resources and prompts', () => {
  it('lists and reads the resources and prompts of server-everything', async () => {
    const p = pool({ configs: { everything } });
    const resources = await p.listResources('everything');
    expect(resources.length).toBeGreaterThan(0);
    const read = await p.readResource('everything', resources[0].uri);
    expect(read.contents[0].uri).toBe(resources[0].uri);
    expect((await p.listResourceTemplates('everything')).length).toBeGreaterThan(0);

    const prompts = await p.listPrompts('everything');
    const simple = prompts.find((prompt) => !prompt.arguments?.some((argument) => argument.required));
    expect(simple).toBeDefined();
    const prompt = await p.getPrompt('everything', simple!.name);
    expect(prompt.messages.length).toBeGreaterThan(0);
  });
});

describe('task-augmented tools', () => {
  it('calls a tool that requires a task (server-everything simulate-research-query) and returns its final result', async () => {
    const p = pool({ configs: { everything } });
    const tools = await p.listTools('everything');
    expect(tools.find((tool) => tool.name === 'simulate-research-query')?.execution?.taskSupport).toBe('required');
    const statuses: ToolTaskStatus[] = [];
    const result = await p.callTool('everything', 'simulate-research-query', { topic: 'bubblewrap' }, { onTaskStatus: (status) => statuses.push(status) });
    expect(result.isError).not.toBe(true);
    expect(JSON.stringify(result.content)).toContain('bubblewrap');
    // Each stage's status message as it came, each change once (the SDK polls many times per stage), ending completed.
    const messages = statuses.map((status) => status.statusMessage);
    expect(messages).toEqual(expect.arrayContaining(['Gathering sources...', 'Analyzing content...', 'Generating report...']));
    const changes = statuses.map((status) => `${status.status} ${status.statusMessage}`);
    expect(new Set(changes).size).toBe(changes.length);
    expect(statuses.at(-1)?.status).toBe('completed');
    expect(statuses.slice(0, -1).every((status) => status.status === 'working')).toBe(true);
    expect(new Set(statuses.map((status) => status.taskId)).size).toBe(1);
  }, 60_000);

  it('calls a tool with optional task support as a task only when the caller asks, with the same result', async () => {
    const p = pool({ configs: { counter: fixtureConfig('optional-task') } });
    expect((await p.listTools('counter'))[0].execution?.taskSupport).toBe('optional');
    const statuses: ToolTaskStatus[] = [];
    const asTask = await p.callTool('counter', 'count-slowly', { to: 3 }, { taskWhenOptional: true, onTaskStatus: (status) => statuses.push(status) });
    expect(asTask.content).toEqual([{ type: 'text', text: 'counted to 3' }]);
    expect(statuses.map((status) => status.statusMessage ?? status.status)).toEqual(expect.arrayContaining(['counted 1 of 3', 'counted 3 of 3']));
    expect(statuses.at(-1)?.status).toBe('completed');

    statuses.length = 0;
    const plain = await p.callTool('counter', 'count-slowly', { to: 2 }, { onTaskStatus: (status) => statuses.push(status) });
    expect(plain.content).toEqual([{ type: 'text', text: 'counted to 2' }]);
    expect(statuses).toEqual([]);
  }, 60_000);

  it("reports each status the server announces (notifications/tasks/status), not only those its polls happen to see", async () => {
    // The task suggests a poll every 5 s while it counts a step every 150 ms: polling alone sees the first step or two
    // and then completed; every step in between can only come from the server's notifications.
    const p = pool({ configs: { counter: { command: process.execPath, args: [fixtureServer, 'optional-task', '5000'] } } });
    const statuses: ToolTaskStatus[] = [];
    const result = await p.callTool('counter', 'count-slowly', { to: 4 }, { taskWhenOptional: true, onTaskStatus: (status) => statuses.push(status) });
    expect(result.content).toEqual([{ type: 'text', text: 'counted to 4' }]);
    const working = statuses.filter((status) => status.status === 'working' && status.statusMessage).map((status) => status.statusMessage);
    expect(working.slice(-4)).toEqual(['counted 1 of 4', 'counted 2 of 4', 'counted 3 of 4', 'counted 4 of 4']);
    expect(statuses.at(-1)?.status).toBe('completed');
  }, 60_000);
});

describe('progress and log messages', () => {
  it('passes on the progress a long tool call reports', async () => {
    const p = pool({ configs: { everything } });
    const progress: ToolProgress[] = [];
    const result = await p.callTool('everything', 'trigger-long-running-operation', { duration: 0.3, steps: 3 }, { onProgress: (step) => progress.push(step) });
    expect(result.isError).toBeFalsy();
    // The last step's notification races the result on the wire; the steps before it always arrive first.
    expect(progress.map((step) => step.progress).slice(0, 2)).toEqual([1, 2]);
    expect(progress.every((step) => step.total === 3)).toBe(true);
  });

  it('keeps the server log (stderr and MCP log messages) per server', async () => {
    const p = pool({ configs: { everything } });
    const lines: ServerLogLine[] = [];
    p.on('log', (line) => lines.push(line));
    await p.callTool('everything', 'toggle-simulated-logging', {});
    await expect.poll(() => p.serverLog('everything').some((line) => line.level !== 'stderr'), { timeout: 20_000 }).toBe(true);
    expect(lines.length).toBeGreaterThan(0);
  });
});

describe('requests from the server', () => {
  it('offers elicitation only with a handler, and returns the answer the host gave', async () => {
    const without = pool({ configs: { everything } });
    expect((await without.listTools('everything')).map((tool) => tool.name)).not.toContain('trigger-elicitation-request');

    const asked: string[] = [];
    const p = pool({
      configs: { everything },
      serverRequests: {
        elicit: async (server, params) => {
          asked.push(`${server}: ${params.message}`);
          return { action: 'decline' };
        },
      },
    });
    expect((await p.listTools('everything')).map((tool) => tool.name)).toContain('trigger-elicitation-request');
    const result = await p.callTool('everything', 'trigger-elicitation-request', {});
    expect(asked).toHaveLength(1);
    expect(JSON.stringify(result.content)).toMatch(/decline/i);
  });
});

describe('roots', () => {
  const filesystemEntry = path.join(repoRoot, 'node_modules/@modelcontextprotocol/server-filesystem/dist/index.js');
  const textOf = (result: { content: unknown }) => (result.content as { type: string; text?: string }[]).map((c) => c.text ?? '').join('\n');
  let folders: string | undefined;
  afterEach(() => folders && fs.rmSync(folders, { recursive: true, force: true }));

  it('offers a server its roots from mcp.json, and tells it when the config changes them, without a restart', async () => {
    folders = fs.mkdtempSync(path.join(os.tmpdir(), 'skillgraph-roots-'));
    const [fromArgs, first, second] = ['from-args', 'first', 'second'].map((name) => path.join(folders!, name));
    for (const folder of [fromArgs, first, second]) fs.mkdirSync(folder);
    const filesystem = { command: process.execPath, args: [filesystemEntry, fromArgs] };
    const p = pool({ configs: { filesystem: { ...filesystem, roots: [first] } } });
    const states: ServerState[] = [];
    p.on('state', (state) => states.push(state));
    // server-filesystem replaces the folders of its arguments with the roots it is offered.
    const allowed = async () => textOf(await p.callTool('filesystem', 'list_allowed_directories', {}));
    await expect.poll(allowed, { timeout: 20_000 }).toContain(first);
    expect(await allowed()).not.toContain(fromArgs);
    expect(p.states()[0].offeredRoots).toEqual({ from: 'mcp.json', roots: [{ uri: pathToFileURL(first).href, name: 'first' }] });

    p.setConfigs({ filesystem: { ...filesystem, roots: [pathToFileURL(second).href] } });
    await expect.poll(allowed, { timeout: 20_000 }).toContain(second);
    expect(await allowed()).not.toContain(first);
    expect(p.states()[0].offeredRoots?.roots).toEqual([{ uri: pathToFileURL(second).href, name: 'second' }]);
    expect(states.map((state) => state.status)).not.toContain('stopped');
  }, 60_000);

  it("offers the host's roots to servers without their own, and only its own to a server that has roots in mcp.json", async () => {
    let hostRoots = [{ uri: 'file:///work/agent-project', name: 'agent-project' }];
    const p = pool({
      configs: { everything, pinned: { ...everything, roots: ['/srv/pinned'] }, none: { ...everything, roots: [] } },
      serverRequests: { roots: async () => hostRoots },
    });
    const rootsOf = async (server: string) => textOf(await p.callTool(server, 'get-roots-list', {}));
    expect(await rootsOf('everything')).toContain('file:///work/agent-project');
    expect(await rootsOf('pinned')).toContain('file:///srv/pinned');
    expect(await rootsOf('pinned')).not.toContain('agent-project');
    expect(await rootsOf('none')).toMatch(/no roots are currently configured/);
    expect(p.states().find((state) => state.name === 'everything')?.offeredRoots).toEqual({ from: 'agent', roots: hostRoots });

    hostRoots = [{ uri: 'file:///work/next-project', name: 'next-project' }];
    p.hostRootsChanged();
    await expect.poll(() => rootsOf('everything'), { timeout: 20_000 }).toContain('file:///work/next-project');
    expect(await rootsOf('pinned')).toContain('file:///srv/pinned');
  }, 60_000);

  it('declares no roots to a server when neither mcp.json nor the host has any to offer', async () => {
    const p = pool({ configs: { everything } });
    expect((await p.listTools('everything')).map((tool) => tool.name)).not.toContain('get-roots-list');
    expect(p.states()[0].offeredRoots).toBeUndefined();
  });
});

describe('Streamable HTTP sessions', () => {
  it('starts a new session when the server restarted and forgot the old one', async () => {
    const first = await httpServer();
    const p = pool({ configs: { web: { type: 'http', url: first.url } } });
    expect((await p.callTool('web', 'add', { a: 1, b: 2 })).content).toEqual([{ type: 'text', text: '3' }]);
    await first.close();
    // A restart takes a moment in life too. Without one, the client's pooled keep-alive socket, which it has not yet
    // seen closed, fails the next call with "other side closed": a connection reset, not the forgotten session this
    // test is about.
    await new Promise((resolve) => setTimeout(resolve, 200));
    await httpServer(first.port);
    expect((await p.callTool('web', 'add', { a: 2, b: 3 })).content).toEqual([{ type: 'text', text: '5' }]);
    expect(p.serverLog('web').some((line) => /forgot the session/.test(line.text))).toBe(true);
  });
});

describe('cancellation', () => {
  it('cancels a waiting call and never the calls that already finished on the same signal', async () => {
    const web = await httpServer();
    const p = pool({ configs: { web: { type: 'http', url: web.url }, everything } });
    const run = new AbortController();
    for (let i = 0; i < 3; i++) await p.callTool('web', 'add', { a: i, b: i }, { signal: run.signal });
    // Cancelled once the server is working on it: its first progress report says so.
    let started!: () => void;
    const working = new Promise<void>((resolve) => (started = resolve));
    const waiting = p.callTool('everything', 'trigger-long-running-operation', { duration: 5, steps: 5 }, { signal: run.signal, onProgress: () => started() });
    await working;
    run.abort('cancelled');
    await expect(waiting).rejects.toBeInstanceOf(McpCancelledError);
    // Give any stray notification time to arrive: none may name the three finished calls.
    await p.callTool('web', 'add', { a: 0, b: 0 });
    expect(web.cancellations).toEqual([]);
  });
});
