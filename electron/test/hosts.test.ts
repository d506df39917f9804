// One dispatcher serves the whole contract, and both hosts are thin transports over it: Electron IPC (after
// its main-frame and app:// origin checks) and browser-mode HTTP (after its token and origin checks) give the same
// replies. IPC is driven through the registration main.ts uses (registerContractIpc over the IpcMainLike that
// Electron's ipcMain satisfies); what only Electron can show (its frames' identity) is in e2e/shell.electron.spec.ts.
import net from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { METHOD_NAMES } from '../../shared/contract';
import { createDispatcher, type Dispatch, type Reply } from '../../shared/contract/dispatch';
import { createHandlers } from '../engine/api/handlers';
import type { Engine } from '../engine/engine';
import { APP_INDEX_URL, APP_ORIGIN } from '../main/app-protocol';
import { IPC_CHANNELS } from '../main/channels';
import { isMainFrameOf, registerContractIpc, type IpcInvokeHandler, type IpcMainLike, type IpcSender } from '../main/ipc';
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

/**
 * The invoke side of Electron's ipcMain, as its IpcMainImpl keeps it: one handler per channel, a second
 * registration on a channel is an error, and invoking a channel nobody handles fails.
 */
class InvokeChannels implements IpcMainLike {
  private readonly handlers = new Map<string, IpcInvokeHandler>();
  handle(channel: string, listener: IpcInvokeHandler): void {
    if (this.handlers.has(channel)) throw new Error(`Attempted to register a second handler for '${channel}'`);
    this.handlers.set(channel, listener);
  }
  removeHandler(channel: string): void {
    this.handlers.delete(channel);
  }
  channels(): string[] {
    return [...this.handlers.keys()];
  }
  invoke(channel: string, event: IpcSender, ...args: [unknown, unknown]): Promise<Reply> {
    const handler = this.handlers.get(channel);
    if (!handler) return Promise.reject(new Error(`No handler registered for '${channel}'`));
    return handler(event, ...args);
  }
}

/** A window's WebContents and its main frame, as the identity check compares them. */
function windowShowing(url: string) {
  const mainFrame = { url };
  const webContents = { mainFrame };
  return { webContents, fromMainFrame: { sender: webContents, senderFrame: mainFrame } satisfies IpcSender };
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
    const ours = windowShowing(APP_INDEX_URL);
    const ipcMain = new InvokeChannels();
    registerContractIpc(ipcMain, dispatch, (event) => isMainFrameOf(event, ours.webContents));
    for (const [method, input] of calls) {
      const direct = await dispatch(method, input);
      const overIpc = await ipcMain.invoke(IPC_CHANNELS.invoke, ours.fromMainFrame, method, input);
      const response = await post(method, input);
      const overHttp = (await response.json()) as Reply;
      expect(overIpc, method).toEqual(direct);
      expect(overHttp, method).toEqual(JSON.parse(JSON.stringify(direct)));
      expect(response.status, method).toBe(httpStatusOf(direct));
    }
    expect(httpStatusOf(await dispatch('nope.nothing', {}))).toBe(404);
    expect(httpStatusOf(await dispatch('skills.get', { name: 42 }))).toBe(400);
  });

  it('IPC puts the contract on the one invoke channel only, once, and takes it off on quit', async () => {
    const ipcMain = new InvokeChannels();
    const unregister = registerContractIpc(ipcMain, dispatch, () => true);
    expect(ipcMain.channels()).toEqual([IPC_CHANNELS.invoke]);
    expect(() => registerContractIpc(ipcMain, dispatch, () => true)).toThrow(/second handler/);
    unregister();
    expect(ipcMain.channels()).toEqual([]);
    await expect(ipcMain.invoke(IPC_CHANNELS.invoke, windowShowing(APP_INDEX_URL).fromMainFrame, 'app.status', {})).rejects.toThrow(/No handler/);
  });

  it('IPC answers only a frame showing our app:// origin, however a hostile URL is spelled', async () => {
    const forbidden = { ok: false, error: { code: 'forbidden-sender' } };
    for (const url of [
      'file:///opt/Skillgraph/resources/app/dist/renderer/index.html',
      'https://evil.example/',
      'http://127.0.0.1:4870/',
      'data:text/html,<script>skillgraph.invoke("app.status")</script>',
      'blob:app://skillgraph/0b7c2d5e-1111-4000-8000-000000000000',
      'javascript:alert(1)',
      'about:blank',
      'about:srcdoc',
      'chrome-error://chromewebdata/',
      'app://skillgraph.evil/index.html',
      'app://evil/skillgraph/index.html',
      'app://skillgraph@evil/index.html',
      'app://evil/#app://skillgraph/',
      'app://skillgraph:8080/index.html',
      'app:/skillgraph/index.html',
      'skillgraph://app/index.html',
      '',
    ]) {
      const frame = windowShowing(url);
      const ipcMain = new InvokeChannels();
      registerContractIpc(ipcMain, dispatch, (event) => isMainFrameOf(event, frame.webContents));
      expect(await ipcMain.invoke(IPC_CHANNELS.invoke, frame.fromMainFrame, 'app.status', {}), url).toMatchObject(forbidden);
    }
    // Our own origin, whatever page or path it shows: dot segments are resolved by the URL parser and stay on it
    // (which files app:// then serves is rendererFileFor's job, desktop-shell.test.ts).
    for (const url of [APP_INDEX_URL, `${APP_ORIGIN}/`, `${APP_ORIGIN}/index.html?x=1#/skills`, `${APP_ORIGIN}/../../etc/passwd`]) {
      const frame = windowShowing(url);
      const ipcMain = new InvokeChannels();
      registerContractIpc(ipcMain, dispatch, (event) => isMainFrameOf(event, frame.webContents));
      expect(await ipcMain.invoke(IPC_CHANNELS.invoke, frame.fromMainFrame, 'app.status', {}), url).toMatchObject({ ok: true, result: { graphDir: engine.graphDir } });
    }
  });

  it('IPC answers only the main frame of our own window', async () => {
    const ours = windowShowing(APP_INDEX_URL);
    const ipcMain = new InvokeChannels();
    registerContractIpc(ipcMain, dispatch, (event) => isMainFrameOf(event, ours.webContents));
    const forbidden = { ok: false, error: { code: 'forbidden-sender' } };
    const subframe: IpcSender = { sender: ours.webContents, senderFrame: { url: APP_INDEX_URL } };
    const otherWindow = windowShowing(APP_INDEX_URL).fromMainFrame;
    const frameGone: IpcSender = { sender: ours.webContents, senderFrame: null };
    for (const [what, event] of [['subframe', subframe], ['another window', otherWindow], ['frame gone', frameGone]] as const) {
      expect(await ipcMain.invoke(IPC_CHANNELS.invoke, event, 'app.status', {}), what).toMatchObject(forbidden);
    }
    expect(await ipcMain.invoke(IPC_CHANNELS.invoke, ours.fromMainFrame, 'app.status', {})).toMatchObject({ ok: true });
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
