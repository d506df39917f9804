// One dispatcher serves the whole contract, and both hosts are thin transports over it: Electron IPC (after
// its main-frame check) and browser-mode HTTP (after its token and origin checks) give the same replies.
import net from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { METHOD_NAMES } from '../../shared/contract';
import { createDispatcher, type Dispatch, type Reply } from '../../shared/contract/dispatch';
import { createHandlers } from '../engine/api/handlers';
import type { Engine } from '../engine/engine';
import { APP_INDEX_URL } from '../main/app-protocol';
import { createIpcInvokeHandler, isTrustedSender, type IpcSender } from '../main/ipc';
import { httpStatusOf, startBrowserServer, type BrowserServer } from '../server/browser-server';
import { openTestEngine, tempDir } from './helpers';

let engine: Engine;
let server: BrowserServer;
let dispatch: Dispatch;

beforeAll(async () => {
  engine = await openTestEngine();
  dispatch = createDispatcher(createHandlers(engine));
  server = await startBrowserServer({
    handlers: createHandlers(engine),
    subscribe: (l) => engine.events.subscribe(l),
    staticDir: tempDir(),
    port: 0,
    portExplicit: true,
  });
});
afterAll(async () => {
  await server?.close();
  await engine?.close();
});

const post = (method: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(`${server.url}api/${method}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${server.token}`, ...headers },
    body: JSON.stringify(body),
  });

/** Our window as the trust check sees it: its WebContents and the main frame inside it. */
function windowShowing(url: string) {
  const mainFrame = { url };
  const webContents = { mainFrame };
  return { window: { webContents }, fromMainFrame: { sender: webContents, senderFrame: mainFrame } satisfies IpcSender };
}

describe('the one dispatcher over the contract', () => {
  it('has a handler for every contract method, and answers every one (never "unknown method")', async () => {
    const handlers = createHandlers(engine);
    expect(Object.keys(handlers).sort()).toEqual([...METHOD_NAMES].sort());
    for (const name of METHOD_NAMES) {
      const reply = await dispatch(name, { __probe: true });
      if (!reply.ok) expect(reply.error.code, name).not.toBe('unknown-method');
    }
  });

  it('answers a call with the handler\'s result', async () => {
    const reply = await dispatch('app.status', {});
    expect(reply).toMatchObject({ ok: true, result: { graphDir: engine.graphDir, dataDir: engine.dataDir } });
  });

  it('refuses names that are not contract methods, including the object\'s own properties', async () => {
    for (const name of ['nope.nothing', '__proto__', 'constructor', 'toString', 'hasOwnProperty', '', 42, null, undefined, { toString: () => 'app.status' }]) {
      const reply = await dispatch(name as string, {});
      expect(reply, String(name)).toMatchObject({ ok: false, error: { code: 'unknown-method' } });
    }
  });

  it('parses the input before the handler sees it, and says which field is wrong', async () => {
    const reply = await dispatch('skills.get', { name: 42 });
    expect(reply).toMatchObject({ ok: false, error: { code: 'invalid-input' } });
    expect((reply as Extract<Reply, { ok: false }>).error.message).toMatch(/^name: /);
    for (const hostile of ['a string', 7, [1, 2], true]) {
      expect(await dispatch('search.query', hostile), JSON.stringify(hostile)).toMatchObject({ ok: false, error: { code: 'invalid-input' } });
    }
  });

  it('turns what a handler throws into a typed error the user can act on', async () => {
    const reply = await dispatch('skills.get', { name: 'no-such-skill-here' });
    expect(reply).toMatchObject({ ok: false, error: { code: 'not-found' } });
    expect((reply as Extract<Reply, { ok: false }>).error.message).toContain('no-such-skill-here');
  });
});

describe('both hosts are thin transports over the same dispatcher', () => {
  const calls: Array<[string, unknown]> = [
    ['app.status', {}],
    ['skills.list', {}],
    ['skills.get', { name: 42 }],
    ['skills.get', { name: 'no-such-skill-here' }],
    ['nope.nothing', {}],
  ];

  it('Electron IPC and browser-mode HTTP give the dispatcher\'s reply, with an HTTP status that matches it', async () => {
    const { window, fromMainFrame } = windowShowing(APP_INDEX_URL);
    const ipcInvoke = createIpcInvokeHandler(dispatch, (event) => isTrustedSender(event, window));
    for (const [method, input] of calls) {
      const direct = await dispatch(method, input);
      const overIpc = await ipcInvoke(fromMainFrame, method, input);
      const response = await post(method, input);
      const overHttp = (await response.json()) as Reply;
      expect(overIpc, method).toEqual(direct);
      expect(overHttp, method).toEqual(JSON.parse(JSON.stringify(direct)));
      expect(response.status, method).toBe(httpStatusOf(direct));
    }
    expect(httpStatusOf(await dispatch('nope.nothing', {}))).toBe(404);
    expect(httpStatusOf(await dispatch('skills.get', { name: 42 }))).toBe(400);
  });

  it('IPC answers only the main frame of our own window showing our app:// page', async () => {
    const { window, fromMainFrame } = windowShowing(APP_INDEX_URL);
    const ipcInvoke = createIpcInvokeHandler(dispatch, (event) => isTrustedSender(event, window));
    const forbidden = { ok: false, error: { code: 'forbidden-sender' } };

    const subframe: IpcSender = { sender: fromMainFrame.sender, senderFrame: { url: APP_INDEX_URL } };
    const otherWindow = windowShowing(APP_INDEX_URL).fromMainFrame;
    const navigatedAway = windowShowing('https://evil.example/'), fileUrl = windowShowing('file:///tmp/index.html');
    const lookalike = windowShowing('app://skillgraph.evil/index.html');
    const destroyedFrame: IpcSender = { sender: fromMainFrame.sender, senderFrame: null };

    expect(await ipcInvoke(subframe, 'app.status', {}), 'subframe').toMatchObject(forbidden);
    expect(await ipcInvoke(otherWindow, 'app.status', {}), 'another window').toMatchObject(forbidden);
    expect(await ipcInvoke(destroyedFrame, 'app.status', {}), 'frame gone').toMatchObject(forbidden);
    for (const other of [navigatedAway, fileUrl, lookalike]) {
      const invoke = createIpcInvokeHandler(dispatch, (event) => isTrustedSender(event, other.window));
      expect(await invoke(other.fromMainFrame, 'app.status', {}), other.fromMainFrame.senderFrame.url).toMatchObject(forbidden);
    }
    expect(await ipcInvoke(fromMainFrame, 'app.status', {})).toMatchObject({ ok: true });
  });
});

describe('settings over the contract', () => {
  it('shows the settings a user can change and whether an E2B key is set, never the key itself', async () => {
    const before = (await (await post('settings.get', {})).json()) as { ok: boolean; result: Record<string, unknown> };
    expect(before.result).toMatchObject({ requireApproval: false, piiFilter: true, allowedDomains: [] });
    engine.settings.update({ e2bApiKey: 'e2b_secret_key_value' });
    await post('settings.update', { requireApproval: true, allowedDomains: ['api.github.com'] });
    const response = await post('settings.get', {});
    const raw = await response.text();
    expect(raw).not.toContain('e2b_secret_key_value');
    const after = (JSON.parse(raw) as { result: Record<string, unknown> }).result;
    expect(after).toMatchObject({ requireApproval: true, allowedDomains: ['api.github.com'], e2bConfigured: true });
    expect(after).not.toHaveProperty('e2bApiKey');
    engine.settings.update({ e2bApiKey: undefined, requireApproval: false, allowedDomains: [] });
  });
});

describe('browser mode security', () => {
  it('rejects a wrong or missing token with a clear message', async () => {
    const wrong = await post('app.status', {}, { Authorization: 'Bearer not-the-token' });
    expect(wrong.status).toBe(401);
    expect(((await wrong.json()) as { error: { message: string } }).error.message).toMatch(/token/i);
    const missing = await fetch(`${server.url}api/app.status`, { method: 'POST', body: '{}' });
    expect(missing.status).toBe(401);
  });

  it('rejects requests from another origin', async () => {
    const response = await post('app.status', {}, { Origin: 'http://evil.example' });
    expect(response.status).toBe(403);
    const same = await post('app.status', {}, { Origin: server.url.replace(/\/$/, '') });
    expect(same.status).toBe(200);
  });

  it('parses inputs before the engine sees them', async () => {
    const response = await post('search.query', { query: 7 });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('invalid-input');
  });

  it('streams events over a WebSocket only with the token', async () => {
    const origin = server.url.replace(/\/$/, '');
    const ws = new WebSocket(server.url.replace('http', 'ws') + 'events', ['skillgraph', `token.${server.token}`], { origin });
    await new Promise((resolve, reject) => {
      ws.once('open', resolve);
      ws.once('error', reject);
    });
    const received = new Promise<unknown>((resolve) => ws.once('message', (data) => resolve(JSON.parse(String(data)))));
    engine.events.emit('run.notice', { runId: 'r1', message: 'hello' });
    expect(await received).toEqual({ event: 'run.notice', payload: { runId: 'r1', message: 'hello' } });
    ws.close();

    const bad = new WebSocket(server.url.replace('http', 'ws') + 'events', ['skillgraph', 'token.wrong'], { origin });
    const outcome = await new Promise<string>((resolve) => {
      bad.once('open', () => resolve('open'));
      bad.once('error', (error) => resolve(error.message));
    });
    expect(outcome).toMatch(/401/);
  });

  it('never serves files outside the renderer folder', async () => {
    for (const attempt of ['..%2F..%2F..%2F..%2Fetc%2Fpasswd', '..%2F..%2F..%2F..%2Fetc%2Fhost.conf', '%2e%2e/%2e%2e/%2e%2e/etc/os-release.txt']) {
      const response = await fetch(`${server.url}${attempt}`);
      expect(response.status, attempt).not.toBe(200);
      expect(await response.text()).not.toMatch(/root:|NAME=/);
    }
  });

  it('says clearly when an explicit port is in use', async () => {
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as net.AddressInfo).port;
    await expect(
      startBrowserServer({ handlers: createHandlers(engine), subscribe: () => () => {}, staticDir: path.join(tempDir()), port, portExplicit: true }),
    ).rejects.toThrow(new RegExp(`Port ${port} on 127.0.0.1 is already in use`));
    blocker.close();
  });
});
