// Both hosts serve the whole contract: every method has a handler over Electron IPC and over browser-mode
// HTTP, with inputs parsed, and browser mode enforces its token and origin rules.
import net from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { METHOD_NAMES } from '../../shared/contract';
import { createHandlers } from '../engine/api/handlers';
import type { Engine } from '../engine/engine';
import { channelFor, registerIpcHandlers } from '../main/ipc';
import { startBrowserServer, type BrowserServer } from '../server/browser-server';
import { openTestEngine, tempDir } from './helpers';

let engine: Engine;
let server: BrowserServer;

beforeAll(async () => {
  engine = await openTestEngine();
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

describe('the contract is served by both hosts', () => {
  it('the engine provides a handler for every contract method', () => {
    const handlers = createHandlers(engine);
    expect(Object.keys(handlers).sort()).toEqual([...METHOD_NAMES].sort());
    for (const name of METHOD_NAMES) expect(typeof handlers[name]).toBe('function');
  });

  it('the Electron host registers one validated IPC channel per method', async () => {
    const registered = new Map<string, (event: unknown, input: unknown) => Promise<unknown>>();
    const ipcMain = { handle: (channel: string, fn: never) => void registered.set(channel, fn), removeHandler: () => {} };
    let trusted = true;
    const channels = registerIpcHandlers(ipcMain as never, createHandlers(engine), () => trusted);
    expect(channels.sort()).toEqual(METHOD_NAMES.map(channelFor).sort());

    const status = (await registered.get(channelFor('app.status'))!({}, {})) as { ok: boolean; result: { graphDir: string } };
    expect(status.ok).toBe(true);
    expect(status.result.graphDir).toBe(engine.graphDir);

    const invalid = (await registered.get(channelFor('skills.get'))!({}, { name: 42 })) as { ok: boolean; error: { code: string } };
    expect(invalid).toMatchObject({ ok: false, error: { code: 'invalid-input' } });

    trusted = false;
    const forbidden = (await registered.get(channelFor('app.status'))!({}, {})) as { ok: boolean; error: { code: string } };
    expect(forbidden).toMatchObject({ ok: false, error: { code: 'forbidden-sender' } });
  });

  it('browser mode answers every method (never "unknown method")', async () => {
    for (const name of METHOD_NAMES) {
      const response = await post(name, { __probe: true });
      const body = (await response.json()) as { ok: boolean; error?: { code: string } };
      expect(body.error?.code, name).not.toBe('unknown-method');
    }
    const unknown = await post('nope.nothing', {});
    expect(unknown.status).toBe(404);
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
