// The gateway's MCP features beyond its six tools, as an agent's SDK Client meets them over stdio and Streamable HTTP
// with server-everything behind it: execute_code streaming progress and log notifications, an agent's cancel ending
// the run as cancelled, the API tree and skills as resources (with completion), approved skills as prompts,
// list_changed when a skill changes, and server-everything's sampling and elicitation requests relayed to the agent
// (or declined with a reason when the agent cannot answer them); over HTTP, a dropped stream resumed with Last-Event-ID.
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { CreateMessageRequestSchema, ElicitRequestSchema, LoggingMessageNotificationSchema, PromptListChangedNotificationSchema, ResourceListChangedNotificationSchema, type LoggingMessageNotification } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REAL_SERVERS, startGateway, type GatewayHarness } from './fixtures/harness';
import { until } from '../test-fixtures';

describe.each([{ transport: 'stdio' as const }, { transport: 'http' as const }])('skillgraph mcp over $transport, beyond tools', ({ transport }) => {
  let gw: GatewayHarness & { url?: string };
  const logs: LoggingMessageNotification['params'][] = [];
  const changed: string[] = [];
  const sampled: string[] = [];

  beforeAll(async () => {
    gw = await startGateway({
      http: transport === 'http',
      servers: () => ({ everything: REAL_SERVERS.everything() }),
      // Over HTTP the agent declares neither sampling nor elicitation: those requests are declined there.
      capabilities: transport === 'stdio' ? { sampling: {}, elicitation: {} } : {},
      prepare: (client) => {
        client.setNotificationHandler(LoggingMessageNotificationSchema, (n) => void logs.push(n.params));
        client.setNotificationHandler(ResourceListChangedNotificationSchema, () => void changed.push('resources'));
        client.setNotificationHandler(PromptListChangedNotificationSchema, () => void changed.push('prompts'));
        if (transport === 'stdio') {
          client.setRequestHandler(CreateMessageRequestSchema, (request) => {
            sampled.push(JSON.stringify(request.params.messages[0].content));
            return { model: 'agent-test-model', role: 'assistant', content: { type: 'text', text: 'the agent says forty-two' } };
          });
          client.setRequestHandler(ElicitRequestSchema, () => ({ action: 'accept', content: { name: 'Grace Hopper', check: true } }));
        }
      },
    });
  }, 180_000);

  afterAll(async () => {
    await gw?.close();
  });

  it('streams what the run prints and the calls it makes as progress and log notifications, filtered by the log level', async () => {
    const progress: string[] = [];
    const code = "import { getSum } from './servers/everything';\nconsole.log('first line');\nconsole.log(JSON.stringify(await getSum({ a: 1, b: 2 })));\nconsole.log('last line');";
    const result = await gw.client.callTool({ name: 'execute_code', arguments: { code } }, undefined, { timeout: 180_000, onprogress: (p) => void progress.push(p.message ?? '') });
    expect(result.isError).toBeFalsy();
    expect(progress).toEqual(expect.arrayContaining(['first line', 'last line', expect.stringMatching(/^everything\/get-sum answered \(\d+ B\)$/)]));
    expect(progress.indexOf('first line')).toBeLessThan(progress.indexOf('last line'));
    expect(logs).toEqual(expect.arrayContaining([{ level: 'info', logger: 'execute_code stdout', data: 'first line' }]));
    // A call's lines are debug detail: not sent at the default level (info), sent once the agent asks for debug.
    expect(logs.filter((l) => l.logger === 'execute_code toolCall')).toEqual([]);
    await gw.client.setLoggingLevel('debug');
    logs.length = 0;
    await gw.client.callTool({ name: 'execute_code', arguments: { code } }, undefined, { timeout: 180_000 });
    expect(logs).toEqual(expect.arrayContaining([{ level: 'debug', logger: 'execute_code toolCall', data: 'everything/get-sum called' }, { level: 'debug', logger: 'execute_code toolCall', data: expect.stringMatching(/^everything\/get-sum answered/) }]));

    await gw.client.setLoggingLevel('warning');
    logs.length = 0;
    await gw.client.callTool({ name: 'execute_code', arguments: { code: "console.log('quiet');\nconsole.error('loud');", language: 'javascript' } }, undefined, { timeout: 180_000 });
    expect(logs.map((l) => l.data)).toEqual(['loud']);
    expect(logs[0].level).toBe('warning');
    await gw.client.setLoggingLevel('info');
  }, 180_000);

  it('ends the run as cancelled when the agent cancels execute_code', async () => {
    const abort = new AbortController();
    const progress: string[] = [];
    const call = gw.client.callTool(
      { name: 'execute_code', arguments: { code: "console.log('waiting');\nawait new Promise((r) => setTimeout(r, 120_000));\nconsole.log('never');", session: 'cancel-me' } },
      undefined,
      { signal: abort.signal, timeout: 180_000, onprogress: (p) => void progress.push(p.message ?? '') },
    );
    const settled = call.then(
      () => 'answered',
      (error: Error) => error.message,
    );
    await until('the run to start', () => progress.includes('waiting'));
    abort.abort('the agent changed its mind');
    expect(await settled).toMatch(/changed its mind|abort/i);
    const runsDir = path.join(gw.dataDir, 'runs');
    // A summary being rewritten right now reads as cut short; the next look reads it whole.
    const readSummary = (file: string) => {
      try {
        return JSON.parse(fs.readFileSync(path.join(runsDir, file), 'utf8')) as { session: string; status: string };
      } catch {
        return undefined;
      }
    };
    const summary = await until('the run to be recorded cancelled', () =>
      fs
        .readdirSync(runsDir)
        .filter((f) => f.endsWith('.json'))
        .map(readSummary)
        .find((s) => s?.session === 'cancel-me' && !['queued', 'checking', 'running'].includes(s.status)), );
    expect(summary.status).toBe('cancelled');
  }, 180_000);

  it('offers the API tree and skills as resources, with templates and completion of paths', async () => {
    const { resources } = await gw.client.listResources();
    const index = resources.find((r) => r.uri === 'skillgraph://api/servers/everything/index.ts');
    expect(index).toMatchObject({ name: 'servers/everything/index.ts', mimeType: 'text/x-typescript' });
    const read = await gw.client.readResource({ uri: 'skillgraph://api/servers/everything/index.ts' });
    expect(read.contents[0]).toMatchObject({ uri: 'skillgraph://api/servers/everything/index.ts', text: expect.stringContaining("export * from './get_sum.js';") });
    await expect(gw.client.readResource({ uri: 'skillgraph://api/../mcp.json' })).rejects.toThrow(/outside the API tree/);
    await expect(gw.client.readResource({ uri: 'skillgraph://skills/no_such_skill' })).rejects.toThrow(/No skill is named "no_such_skill"/);
    const { resourceTemplates } = await gw.client.listResourceTemplates();
    expect(resourceTemplates.map((t) => t.uriTemplate)).toEqual(['skillgraph://api/{+path}', 'skillgraph://skills/{name}']);
    const completion = await gw.client.complete({ ref: { type: 'ref/resource', uri: 'skillgraph://api/{+path}' }, argument: { name: 'path', value: 'servers/everything/get_s' } });
    expect(completion.completion.values).toEqual(expect.arrayContaining(['servers/everything/get_sum.ts', 'servers/everything/get_structured_content.ts']));
    expect(completion.completion.values.every((v) => v.startsWith('servers/everything/get_s'))).toBe(true);
  }, 180_000);

  it('offers approved skills as prompts, and says when skills change', async () => {
    const name = `greet_team_${transport}`;
    const fn = `greetTeam${transport === 'http' ? 'Http' : 'Stdio'}`;
    const code = `export async function ${fn}(): Promise<string> {\n  return 'hello team';\n}\n`;
    await gw.call('save_skill', { name, description: 'Say hello to the team.', code });
    // a saved skill is a new resource, and the prompts are looked at again (a draft adds none)
    await until('resources/ and prompts/list_changed after the skill was saved', () => changed.includes('resources') && changed.includes('prompts'));
    // a draft is not offered as a prompt; a person approves it in the graph, then it is
    expect((await gw.client.listPrompts()).prompts.map((p) => p.name)).not.toContain(name);
    const page = path.join(gw.graphDir, 'pages', `Skills___${name}.md`);
    changed.length = 0;
    fs.writeFileSync(page, fs.readFileSync(page, 'utf8').replace('status:: draft', 'status:: approved'));
    await until('prompts/list_changed after the approval', () => changed.includes('prompts'));
    const { prompts } = await gw.client.listPrompts();
    expect(prompts.find((p) => p.name === name)).toMatchObject({ description: 'Say hello to the team.', arguments: [{ name: 'task', required: false }] });
    const got = await gw.client.getPrompt({ name, arguments: { task: 'greet the new hires' } });
    const first = got.messages[0].content;
    expect(first.type === 'text' && first.text).toContain(`import { ${fn} } from './skills/${name}';`);
    expect(first.type === 'text' && first.text).toContain('Task: greet the new hires');
    await expect(gw.client.getPrompt({ name: 'no_such_skill' })).rejects.toThrow(/No approved skill is named "no_such_skill"/);
  }, 180_000);

  it.runIf(transport === 'http')('listens on 127.0.0.1 and refuses a Host or Origin that is not this machine', async () => {
    const url = new URL(gw.url!);
    expect(url.hostname).toBe('127.0.0.1');
    const post = (headers: Record<string, string>) =>
      new Promise<{ status: number; message: string }>((resolve, reject) => {
        const req = http.request(url, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', ...headers } }, (res) => {
          let body = '';
          res.on('data', (chunk: Buffer) => (body += chunk.toString()));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, message: String((JSON.parse(body) as { error?: { message?: string } }).error?.message) }));
        });
        req.on('error', reject);
        req.end(JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'ping' }));
      });
    expect(await post({ host: 'evil.example.com' })).toMatchObject({ status: 403, message: expect.stringContaining('Host "evil.example.com" is not this machine') });
    expect(await post({ origin: 'http://evil.example.com' })).toMatchObject({ status: 403, message: expect.stringContaining('Origin "http://evil.example.com" is not this machine') });
    expect(await post({ 'mcp-session-id': 'forgotten' })).toMatchObject({ status: 404, message: expect.stringContaining('Session not found') });
  });

  it.runIf(transport === 'http')('resumes a dropped stream: the agent reconnects with Last-Event-ID and gets the progress, logs and result it missed', async () => {
    // The agent's own fetch cuts the execute_code answer stream once the first line has arrived, and lets the
    // reconnection through only after the run has ended, so everything after the first line is sent while no stream is open.
    const runsDir = path.join(gw.dataDir, 'runs');
    const session = 'resume-me';
    const runEnded = () =>
      fs.readdirSync(runsDir).some((f) => {
        if (!f.endsWith('.json')) return false;
        try {
          const run = JSON.parse(fs.readFileSync(path.join(runsDir, f), 'utf8')) as { session: string; status: string };
          return run.session === session && run.status === 'succeeded';
        } catch {
          return false; // being rewritten right now: the next look reads it whole
        }
      });
    let cut = false;
    let lastIdBeforeCut: string | undefined;
    const resumedWith: string[] = [];
    const cuttingFetch: typeof fetch = async (input, init) => {
      const headers = new Headers(init?.headers);
      const resumeFrom = headers.get('last-event-id');
      if (init?.method === 'GET' && resumeFrom) {
        resumedWith.push(resumeFrom);
        await until('the run to end while the stream is down', runEnded);
      }
      const response = await fetch(input, init);
      if (init?.method !== 'POST' || !String(init.body).includes('"execute_code"') || !response.body) return response;
      const upstream = response.body.getReader();
      const decoder = new TextDecoder();
      const body = new ReadableStream<Uint8Array>({
        async pull(controller) {
          const { done, value } = await upstream.read();
          if (done) return controller.close();
          controller.enqueue(value);
          const chunk = decoder.decode(value, { stream: true });
          lastIdBeforeCut = [...chunk.matchAll(/^id: (.+)$/gm)].at(-1)?.[1] ?? lastIdBeforeCut;
          if (chunk.includes('"first line"')) {
            cut = true;
            controller.close();
            await upstream.cancel('the network dropped');
          }
        },
      });
      return new Response(body, { status: response.status, statusText: response.statusText, headers: response.headers });
    };
    const agent = new Client({ name: 'resuming-agent', version: '1.0.0' });
    const agentLogs: string[] = [];
    agent.setNotificationHandler(LoggingMessageNotificationSchema, (n) => void agentLogs.push(String(n.params.data)));
    await agent.connect(new StreamableHTTPClientTransport(new URL(gw.url!), { fetch: cuttingFetch }));
    try {
      const progress: string[] = [];
      const code = "import { getSum } from './servers/everything';\nconsole.log('first line');\nawait new Promise((r) => setTimeout(r, 300));\nconsole.log('second line');\nconsole.log(JSON.stringify(await getSum({ a: 20, b: 22 })));";
      const result = (await agent.callTool({ name: 'execute_code', arguments: { code, session } }, undefined, { timeout: 180_000, onprogress: (p) => void progress.push(p.message ?? '') })) as {
        content: { type: string; text?: string }[];
      };
      expect(cut).toBe(true);
      expect(resumedWith).toEqual([lastIdBeforeCut]);
      expect(progress).toEqual(expect.arrayContaining(['first line', 'second line', expect.stringMatching(/^everything\/get-sum answered/)]));
      expect(progress.filter((p) => p === 'second line')).toHaveLength(1);
      expect(agentLogs).toEqual(expect.arrayContaining(['first line', 'second line']));
      expect(result.content[0].text).toContain('second line');
      expect(result.content[0].text).toContain('42');
    } finally {
      await agent.close();
    }
  }, 180_000);

  it.runIf(transport === 'http')('says why it cannot resume after an event it no longer keeps', async () => {
    const { transport: initial } = gw.client as unknown as { transport: StreamableHTTPClientTransport };
    const response = await fetch(gw.url!, { headers: { accept: 'text/event-stream', 'mcp-session-id': initial.sessionId!, 'mcp-protocol-version': '2025-11-25', 'last-event-id': 'forgotten#1' } });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: { message: string } }).error.message).toContain('Cannot resume after event "forgotten#1"');
  });

  it(transport === 'stdio' ? "relays server-everything's sampling and elicitation requests to the agent" : 'declines sampling with the reason when the agent does not support it', async () => {
    const code = "import { triggerSamplingRequest } from './servers/everything';\nconsole.log(JSON.stringify(await triggerSamplingRequest({ prompt: 'what is six times seven?', maxTokens: 20 })));";
    const answer = await gw.call('execute_code', { code }, { allowError: true });
    if (transport === 'http') {
      expect(answer.text).toMatch(/asked for a completion from the model \(sampling\).*(the agent \(gateway-test-agent\) does not support|no connected agent \([^)]*gateway-test-agent[^)]*\) supports) sampling; declined/);
      return;
    }
    expect(answer.text).toContain('the agent says forty-two');
    expect(sampled).toEqual([expect.stringContaining('what is six times seven?')]);
    const elicited = await gw.call('execute_code', { code: "import { triggerElicitationRequest } from './servers/everything';\nconsole.log(JSON.stringify(await triggerElicitationRequest()));" });
    expect(elicited.text).toContain('Grace Hopper');
  }, 180_000);
});
