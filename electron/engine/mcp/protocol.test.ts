// MCP beyond tools, as the pool speaks it to real servers: resources, prompts, progress, log messages,
// elicitation, a new session after an HTTP server restarts, and cancellation that never touches finished calls.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { CancelledNotificationSchema } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import { McpPool, type ServerLogLine, type ToolProgress } from './pool';
import { McpCancelledError } from './errors';
import { everythingEntry } from './fixtures/real-servers';

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
    const result = await p.callTool('everything', 'simulate-research-query', { topic: 'bubblewrap' });
    expect(result.isError).not.toBe(true);
    expect(JSON.stringify(result.content)).toContain('bubblewrap');
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
