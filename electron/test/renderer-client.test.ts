// The renderer's browser-mode client and the Console's session, run in Node against the real browser-mode server
// over a real engine (ws stands in for the browser's WebSocket, fetch is Node's): what the UI calls is what it gets.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createHttpClient } from '../../renderer/src/client/http-client';
import { ApiError, type ConnectionState, type SkillgraphClient } from '../../renderer/src/client/client';
import { consoleSession } from '../../renderer/src/views/consoleSession';
import { createHandlers } from '../engine/api/handlers';
import type { Engine } from '../engine/engine';
import { realServerConfigs } from '../engine/mcp/fixtures/real-servers';
import { startBrowserServer, type BrowserServer } from '../server/browser-server';
import { openTestEngine, tempDir } from './helpers';

let engine: Engine;
let server: BrowserServer;
let client: SkillgraphClient;
const base = () => server.url.replace(/\/$/, '');

/**
 * ws as a browser's WebSocket: a browser reports a refused connection as an `error` then a `close` event, never as a
 * thrown error; ws throws an `error` nobody listens to, so one listener is added (the client reacts to `close`).
 */
class BrowserWebSocket extends WebSocket {
  constructor(...args: ConstructorParameters<typeof WebSocket>) {
    super(...args);
    this.on('error', () => undefined);
  }
}

beforeAll(async () => {
  (globalThis as { WebSocket?: unknown }).WebSocket ??= BrowserWebSocket;
  engine = await openTestEngine({ host: 'browser' });
  server = await startBrowserServer({ handlers: createHandlers(engine), subscribe: (l) => engine.events.subscribe(l), staticDir: tempDir(), port: 0, portExplicit: true });
  const handlers = createHandlers(engine);
  await handlers['servers.add']({ name: 'everything', config: realServerConfigs(tempDir()).everything });
  await handlers['api.generate']({});
  client = createHttpClient(server.token, base());
  await new Promise<void>((resolve) => {
    const off = client.onConnection((state) => {
      if (state !== 'open') return;
      queueMicrotask(off);
      resolve();
    });
  });
});
afterAll(async () => {
  await server?.close();
  await engine?.close();
});

const rejection = (promise: Promise<unknown>) => promise.then(() => { throw new Error('expected a rejection'); }, (error: unknown) => error);

describe('the browser-mode client', () => {
  it('answers a call with the result, and a refused call with an ApiError carrying the wire code', async () => {
    expect(await client.call('app.status', {})).toMatchObject({ graphDir: engine.graphDir, host: 'browser' });
    const invalid = await rejection(client.call('skills.get', { name: 42 as unknown as string }));
    expect(invalid).toBeInstanceOf(ApiError);
    expect(invalid).toMatchObject({ code: 'invalid-input', message: expect.stringMatching(/^name: /) });
    expect(await rejection(client.call('skills.get', { name: 'no-such-skill' }))).toMatchObject({ code: 'not-found' });
    expect(await rejection(client.call('nope.nothing' as 'app.status', {}))).toMatchObject({ code: 'unknown-method' });
  });

  it('hands each event to the listeners of its name only, until they unsubscribe', async () => {
    const notices: unknown[] = [];
    const problems: unknown[] = [];
    const offNotice = client.on('run.notice', (p) => notices.push(p));
    const offProblem = client.on('app.problem', (p) => problems.push(p));
    const second = new Promise((resolve) => {
      const off = client.on('run.notice', (p) => (off(), resolve(p)));
    });
    engine.events.emit('run.notice', { runId: 'r1', message: 'first' });
    expect(await second).toEqual({ runId: 'r1', message: 'first' });
    offNotice();
    const after = new Promise((resolve) => {
      const off = client.on('run.notice', (p) => (off(), resolve(p)));
    });
    engine.events.emit('run.notice', { runId: 'r1', message: 'after unsubscribing' });
    await after;
    offProblem();
    expect(notices).toEqual([{ runId: 'r1', message: 'first' }]);
    expect(problems).toEqual([]);
  });

  it('says the token is wrong, and says the server is gone when it cannot be reached', async () => {
    const states: ConnectionState[] = [];
    const stranger = createHttpClient('not-the-token', base());
    stranger.onConnection((state) => states.push(state));
    expect(await rejection(stranger.call('app.status', {}))).toMatchObject({ code: 'bad-token' });
    expect(states[0]).toBe('connecting');
    const nowhere = createHttpClient(server.token, 'http://127.0.0.1:9');
    expect(await rejection(nowhere.call('app.status', {}))).toMatchObject({ code: 'offline', message: expect.stringContaining('skillgraph serve') });
  });
});

describe("the Console's session over the client", () => {
  it('runs the code, streams its output and tool calls, and takes the run record when it ends', async () => {
    consoleSession.setLanguage('typescript');
    consoleSession.setCode("import { echo } from './servers/everything/echo';\nconsole.log(JSON.stringify(await echo({ message: 'from the console' })));\n");
    const finished = new Promise<void>((resolve) => {
      const off = consoleSession.subscribe(() => {
        if (consoleSession.state.finishedRuns === 0) return;
        off();
        resolve();
      });
    });
    await consoleSession.run(client);
    expect(consoleSession.state.runId).toMatch(/./);
    await finished;
    const { state } = consoleSession;
    expect(state.status).toBe('succeeded');
    expect(consoleSession.output.snapshot().map((c) => c.text).join('')).toContain('from the console');
    expect(state.toolCalls.map((c) => `${c.server}/${c.tool}`)).toEqual(['everything/echo']);
    expect(state.logPath).toMatch(/\.log$/);
    expect(state.summary).toMatchObject({ id: state.runId, status: 'succeeded' });
  });

  it('shows why a run could not start, and keeps the code', async () => {
    consoleSession.setSession('not a valid session!');
    await consoleSession.run(client);
    expect(consoleSession.state).toMatchObject({ status: undefined, error: expect.stringMatching(/session/) });
    expect(consoleSession.state.code).toContain('from the console');
    consoleSession.setSession('console');
  });
});
