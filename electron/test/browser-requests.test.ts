// Browser mode's request entry over real HTTP: a foreign Host (DNS rebinding) is refused, malformed paths answer
// 400 without naming any folder, and mistakes the caller can fix answer 4xx, never 500.
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createHandlers } from '../engine/api/handlers';
import type { Engine } from '../engine/engine';
import { startBrowserServer, type BrowserServer } from '../server/browser-server';
import { openTestEngine, tempDir } from './helpers';

let engine: Engine;
let server: BrowserServer;
const staticDir = tempDir('skillgraph-static-');

beforeAll(async () => {
  fs.writeFileSync(path.join(staticDir, 'index.html'), '<!doctype html><title>Skillgraph</title>');
  fs.writeFileSync(path.join(staticDir, 'app.js'), 'console.log(1)');
  engine = await openTestEngine();
  server = await startBrowserServer({ handlers: createHandlers(engine), subscribe: (l) => engine.events.subscribe(l), staticDir, port: 0, portExplicit: true });
});
afterAll(async () => {
  await server?.close();
  await engine?.close();
});

/** A raw request: fetch would normalise the path and forbids setting Host. */
function request(rawPath: string, options: { method?: string; host?: string | null; body?: string; auth?: boolean } = {}): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = {};
    if (options.host !== null) headers.Host = options.host ?? `127.0.0.1:${server.port}`;
    if (options.auth) headers.Authorization = `Bearer ${server.token}`;
    if (options.body !== undefined) headers['Content-Type'] = 'application/json';
    const req = http.request({ host: '127.0.0.1', port: server.port, path: rawPath, method: options.method ?? 'GET', headers, setHost: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

describe('browser mode checks Host (DNS-rebinding defence)', () => {
  it('serves 127.0.0.1, localhost and [::1] with its own port', async () => {
    for (const host of [`127.0.0.1:${server.port}`, `localhost:${server.port}`, `LOCALHOST:${server.port}`, `[::1]:${server.port}`]) {
      const answer = await request('/', { host });
      expect(answer.status, host).toBe(200);
      expect(answer.body).toContain('<title>Skillgraph</title>');
    }
  });

  it('refuses any other Host, a missing Host and another port, for pages, the API and the event socket', async () => {
    for (const host of ['evil.example', `evil.example:${server.port}`, '127.0.0.1', `127.0.0.1:${server.port + 1}`, `localhost.evil.example:${server.port}`, null]) {
      const page = await request('/', { host });
      const api = await request('/api/app.status', { host, method: 'POST', body: '{}', auth: true });
      if (host === null) {
        // Node's HTTP parser refuses an HTTP/1.1 request without Host before we see it.
        expect([page.status, api.status]).toEqual([400, 400]);
        continue;
      }
      expect(page.status, host).toBe(403);
      expect(JSON.parse(page.body).error.code).toBe('forbidden-host');
      expect(api.status, host).toBe(403);
    }
    const ws = new WebSocket(`ws://127.0.0.1:${server.port}/events`, ['skillgraph', `token.${server.token}`], { headers: { Host: `evil.example:${server.port}` } });
    const outcome = await new Promise<string>((resolve) => {
      ws.once('open', () => resolve('open'));
      ws.once('error', (error) => resolve(error.message));
    });
    expect(outcome).toMatch(/403/);
  });
});

describe('browser mode refuses malformed paths with 400 and names no folder', () => {
  it.each(['/%', '/%zz', '/app.js%00', '/%00', '/..%2F..%2Fetc%2Fpasswd', '/a/%2e%2e/%2e%2e/etc/passwd', '/%5C..%5Cetc%5Cpasswd', '/app.js%5c..', '/api/%'])('%s', async (rawPath) => {
    const answer = await request(rawPath);
    expect(answer.status).toBe(400);
    expect(JSON.parse(answer.body).error.code).toBe('bad-path');
    expect(answer.body).not.toContain(staticDir);
    expect(answer.body).not.toContain(path.dirname(staticDir));
  });

  it('still serves files whose names need %-encoding', async () => {
    fs.writeFileSync(path.join(staticDir, 'a b.js'), 'ok');
    expect((await request('/a%20b.js')).status).toBe(200);
    expect((await request('/app.js')).body).toBe('console.log(1)');
  });
});

describe('browser mode answers mistakes the caller can fix with 4xx, never 500', () => {
  const api = (method: string, body: string) => request(`/api/${method}`, { method: 'POST', body, auth: true });

  it('bad JSON, an unknown method and input the contract rejects', async () => {
    expect((await api('app.status', '{not json')).status).toBe(400);
    expect((await api('no.such.method', '{}')).status).toBe(404);
    expect((await api('search.query', '{"query": 7}')).status).toBe(400);
    expect((await api('search.query', 'null')).status).toBe(400);
  });

  it('an invalid server name, and a skill name that is taken', async () => {
    const badName = await api('servers.add', JSON.stringify({ name: 'bad name!', config: { command: 'node' } }));
    expect(badName.status).toBe(400);
    expect(JSON.parse(badName.body).error.message).toContain('server name `bad name!` is invalid');
    const skill = { name: 'count_things', description: 'Counts', code: 'console.log(1)', language: 'typescript' };
    const first = await api('skills.save', JSON.stringify(skill));
    expect(first.status, first.body).toBe(200);
    const again = await api('skills.save', JSON.stringify(skill));
    expect(again.status).toBe(409);
    expect(JSON.parse(again.body).error.code).toBe('skill-exists');
  });
});
