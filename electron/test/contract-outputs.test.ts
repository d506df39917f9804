// Every contract method, called once through browser mode (HTTP, the token, the one dispatcher) on a real engine
// with the real npm MCP servers, answers a result its output schema allows: the dispatcher checks each result
// against the contract, so a handler that drifts from the shape the renderer types against fails here.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { METHOD_NAMES, methods, type EventName, type EventPayload, type MethodInput, type MethodName, type MethodOutput } from '../../shared/contract';
import { createDispatcher, type Reply } from '../../shared/contract/dispatch';
import { createHandlers } from '../engine/api/handlers';
import type { Engine } from '../engine/engine';
import { realServerConfigs } from '../engine/mcp/fixtures/real-servers';
import { startBrowserServer, type BrowserServer } from '../server/browser-server';
import { openTestEngine, tempDir } from './helpers';

let engine: Engine;
let server: BrowserServer;
const workDir = tempDir();
const answered = new Map<MethodName, Reply>();

beforeAll(async () => {
  engine = await openTestEngine({ host: 'browser', watch: true });
  server = await startBrowserServer({ handlers: createHandlers(engine), subscribe: (l) => engine.events.subscribe(l), staticDir: tempDir(), port: 0, portExplicit: true });
});
afterAll(async () => {
  await server?.close();
  await engine?.close();
});

/** Calls one method over HTTP as the renderer does; the reply must be a result (the dispatcher checked its shape). */
async function call<M extends MethodName>(method: M, input: MethodInput<M>): Promise<MethodOutput<M>> {
  const response = await fetch(`${server.url}api/${method}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${server.token}` },
    body: JSON.stringify(input),
  });
  const reply = (await response.json()) as Reply<MethodOutput<M>>;
  answered.set(method, reply);
  expect(reply, `${method} answered ${JSON.stringify(reply).slice(0, 400)}`).toMatchObject({ ok: true });
  return (reply as { result: MethodOutput<M> }).result;
}

/** The next event of a kind that matches, subscribed before the call that causes it. */
function nextEvent<E extends EventName>(name: E, matches: (payload: EventPayload<E>) => boolean = () => true): Promise<EventPayload<E>> {
  return new Promise((resolve) => {
    const unsubscribe = engine.events.subscribe((event: EventName, payload: unknown) => {
      if (event === (name as EventName) && matches(payload as EventPayload<E>)) {
        unsubscribe();
        resolve(payload as EventPayload<E>);
      }
    });
  });
}

const finished = (runId: string) => nextEvent('run.status', (run) => run.id === runId && !['queued', 'checking', 'running'].includes(run.status));

describe('every contract method answers what its output schema allows', () => {
  it('app, pages, search and queries', async () => {
    await call('app.status', {});
    const { pages } = await call('pages.list', {});
    const welcome = pages.find((p) => p.title === 'Welcome to Skillgraph');
    expect(welcome).toBeDefined();
    await call('pages.get', { path: welcome!.path });
    await call('pages.resolve', { name: 'welcome to skillgraph' });
    await call('pages.references', { name: 'Skills', unlinked: true });
    await call('search.query', { query: 'skill', limit: 5 });
    await call('query.simple', { query: '(page "Skills")' });
    await call('journal.list', { days: 30 });
  });

  it('servers, their resources and prompts, the API tree and tool calls that ask the user a question or for a completion', async () => {
    const configs = realServerConfigs(workDir);
    await call('servers.add', { name: 'everything', config: configs.everything });
    await call('servers.update', { name: 'everything', config: configs.everything });
    await call('servers.import', { json: JSON.stringify({ mcpServers: { memory: configs.memory } }) });
    await call('servers.list', {});
    await call('api.generate', {});
    await call('api.tree', {});
    await call('api.tool', { server: 'everything', tool: 'echo' });
    await call('api.file', { server: 'everything', file: 'index.ts' });
    expect((await call('api.call', { server: 'everything', tool: 'echo', args: { message: 'hi' } })).ok).toBe(true);
    const progressed = nextEvent('api.progress', (p) => p.callId === 'long-1');
    const longCall = call('api.call', { server: 'everything', tool: 'trigger-long-running-operation', args: { duration: 60, steps: 60 }, callId: 'long-1' });
    await progressed;
    await call('api.cancel', { callId: 'long-1' });
    expect((await longCall).cancelled).toBe(true);

    const { resources } = await call('servers.resources', { name: 'everything' });
    expect(resources.length).toBeGreaterThan(0);
    await call('servers.readResource', { name: 'everything', uri: resources[0].uri });
    const { prompts } = await call('servers.prompts', { name: 'everything' });
    const simple = prompts.find((p) => !(p.arguments ?? []).some((a) => a.required));
    expect(simple, 'a prompt without required arguments').toBeDefined();
    await call('servers.getPrompt', { name: 'everything', prompt: simple!.name, args: {} });

    const asked = nextEvent('servers.elicit');
    const elicitingCall = call('api.call', { server: 'everything', tool: 'trigger-elicitation-request', args: {} });
    await call('servers.elicitAnswer', { id: (await asked).id, action: 'decline' });
    await elicitingCall;

    const sampling = nextEvent('servers.sample');
    const samplingCall = call('api.call', { server: 'everything', tool: 'trigger-sampling-request', args: { prompt: 'Capital of France?', maxTokens: 16 } });
    await call('servers.sampleAnswer', { id: (await sampling).id, action: 'send', text: 'Paris' });
    expect((await samplingCall).ok).toBe(true);

    await call('servers.log', { name: 'everything' });
    await call('servers.restart', { name: 'memory' });
    await call('servers.remove', { name: 'memory' });
  });

  it('runs, sessions, approvals and settings', async () => {
    await call('settings.update', { allowedDomains: ['api.github.com'], parallelRuns: 2 });
    const started = await call('runs.start', {
      code: "import { echo } from './servers/everything';\nconsole.log(JSON.stringify(await echo({ message: 'from a run' })));",
      language: 'typescript',
      session: 'outputs',
    });
    expect((await finished(started.runId)).status).toBe('succeeded');
    // Agents' runs through the gateway ask the one approval queue (gateway.test.ts drives that path); ask it here.
    const asked = nextEvent('approvals.changed', (p) => p.pending > 0);
    const outcome = engine.approvals.request({ runId: 'agent-run', server: 'everything', tool: 'echo', args: { message: 'x' } });
    await asked;
    const { pending } = await call('approvals.list', {});
    expect(pending.map((p) => p.runId)).toEqual(['agent-run']);
    await call('approvals.decide', { id: pending[0].id, allow: false });
    expect((await outcome).allow).toBe(false);
    await call('settings.get', {});

    await call('runs.get', { runId: started.runId });
    await call('runs.log', { runId: started.runId });
    await call('runs.list', { limit: 10 });
    const waiting = await call('runs.start', { code: "console.log('waiting');\nawait new Promise((resolve) => setTimeout(resolve, 600_000));", language: 'javascript' });
    const stopped = finished(waiting.runId);
    await nextEvent('run.output', (o) => o.runId === waiting.runId && o.chunk.includes('waiting'));
    await call('runs.cancel', { runId: waiting.runId });
    expect((await stopped).status).toBe('cancelled');
    await call('sessions.files', { session: 'outputs' });
    await call('sessions.clear', { session: 'outputs' });
  });

  it('skills: save, change, run, rename, delete and restore', async () => {
    const code = 'export async function doubleIt({ n }: { n: number }): Promise<number> {\n  return n * 2;\n}\n';
    await call('skills.save', { name: 'double_it', description: 'Doubles a number', code, language: 'typescript', tags: ['math'] });
    await call('skills.update', { name: 'double_it', usage: 'Call with { n }.' });
    await call('skills.setStatus', { name: 'double_it', status: 'approved' });
    await call('skills.list', { tag: 'math' });
    await call('skills.get', { name: 'double_it' });
    await call('skills.signature', { name: 'double_it' });
    const ran = await call('skills.run', { name: 'double_it', args: { n: 21 } });
    await finished(ran.runId);
    await call('skills.rename', { name: 'double_it', newName: 'double_number' });
    const { recycledPath } = await call('skills.delete', { name: 'double_number' });
    await call('skills.restore', { recycledPath });
  });

  it('blocks and the editor services', async () => {
    // A block with an id:: property, as Logseq writes one when a block is referenced.
    const uuid = '6650a1b2-2222-4000-8000-000000000001';
    const indexed = nextEvent('graph.changed', (p) => p.events.some((e) => e.path.endsWith('Referenced.md')));
    fs.writeFileSync(path.join(engine.graphDir, 'pages', 'Referenced.md'), `- A block others point to\n  id:: ${uuid}\n\t- its child\n`);
    await indexed;
    await call('blocks.get', { uuid });
    const code = 'const total: number = Math.max(1, 2);\nconsole.log(total);\n';
    await call('editor.diagnostics', { code });
    await call('editor.complete', { code, offset: code.indexOf('max') + 2 });
    await call('editor.describe', { code, offset: code.indexOf('max') + 2, name: 'max' });
    await call('editor.hover', { code, offset: code.indexOf('total') + 1 });
    await call('editor.signature', { code, offset: code.indexOf('(1') + 1 });
  });

  it('leaves no method uncalled', () => {
    expect(METHOD_NAMES.filter((name) => !answered.has(name))).toEqual([]);
  });
});

describe('the dispatcher holds handlers to the output schema', () => {
  it('answers invalid-output, naming the field, when a handler returns another shape', async () => {
    const handlers = createHandlers(engine);
    const drifted = { ...handlers, 'app.status': async () => ({ ...(await handlers['app.status']({})), version: 42 }) } as unknown as typeof handlers;
    const reply = await createDispatcher(drifted)('app.status', {});
    expect(reply).toMatchObject({ ok: false, error: { code: 'invalid-output' } });
    expect((reply as Extract<Reply, { ok: false }>).error.message).toMatch(/version/);
    expect(methods['app.status'].output.safeParse((await createDispatcher(handlers)('app.status', {}) as { result: unknown }).result).success).toBe(true);
  });
});
