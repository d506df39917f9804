// Browser mode host: serves the renderer and the API contract over HTTP + WebSocket on 127.0.0.1.
// Every request needs our own Host, a well-formed path (request-checks.ts), the per-start random token (compared in
// constant time) and a same-origin `Origin`.
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { WebSocketServer, type WebSocket } from 'ws';
import { type EventName, type Handlers } from '../../shared/contract';
import { createDispatcher, DISPATCH_ERRORS, type Reply } from '../../shared/contract/dispatch';
import { InvalidInputError, toWireError } from '../../shared/errors';
import type { EventListener } from '../engine/events';
import { rendererFile, rendererFileHeaders, unbuiltUiMessage } from '../hosts/static-files';
import { allowedHosts, checkRequest, isRejection, statusForError } from './request-checks';

export interface BrowserServerOptions {
  handlers: Handlers;
  subscribe: (listener: EventListener) => () => void;
  /** Folder with the built renderer (index.html + assets). */
  staticDir: string;
  port?: number;
  /** When true, a busy port is an error; otherwise a free port is picked and reported. */
  portExplicit?: boolean;
  token?: string;
  /** Extra origins allowed to call the API (the Vite dev server during development). */
  extraOrigins?: string[];
}

export interface BrowserServer {
  url: string;
  /** The URL with the token in its fragment: opening it logs the browser in. */
  loginUrl: string;
  port: number;
  token: string;
  close(): Promise<void>;
}

export const DEFAULT_PORT = 4870;
const MAX_BODY_BYTES = 8 * 1024 * 1024;
/** Events are dropped for a client whose socket has this much unsent data, so one slow tab cannot grow memory. */
const MAX_WS_BUFFER = 16 * 1024 * 1024;

export function tokensEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && crypto.timingSafeEqual(x, y);
}

export async function startBrowserServer(opts: BrowserServerOptions): Promise<BrowserServer> {
  const token = opts.token ?? crypto.randomBytes(24).toString('base64url');
  const staticRoot = path.resolve(opts.staticDir);
  let port = 0;
  const allowedOrigins = () => new Set([`http://127.0.0.1:${port}`, `http://localhost:${port}`, ...(opts.extraOrigins ?? [])]);

  const dispatch = createDispatcher(opts.handlers);
  const server = http.createServer((req, res) => {
    handleHttp(req, res).catch((error) => {
      const wire = toWireError(error);
      sendJson(res, statusForError(wire.code), { ok: false, error: wire });
    });
  });

  async function handleHttp(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Referrer-Policy', 'no-referrer');
    const checked = checkRequest(req, allowedHosts(port, opts.extraOrigins));
    if (isRejection(checked)) return sendJson(res, checked.status, { ok: false, error: { code: checked.code, message: checked.message } });
    if (checked.path.startsWith('/api/')) return handleApi(req, res, checked.path.slice('/api/'.length));
    if (req.method !== 'GET' && req.method !== 'HEAD') return sendJson(res, 405, { ok: false, error: { code: 'method-not-allowed', message: 'Only GET here.' } });
    serveStatic(checked.path, res);
  }

  async function handleApi(req: http.IncomingMessage, res: http.ServerResponse, name: string): Promise<void> {
    const origin = req.headers.origin;
    if (origin && !allowedOrigins().has(origin)) {
      return sendJson(res, 403, { ok: false, error: { code: 'forbidden-origin', message: `Requests from ${origin} are not allowed.` } });
    }
    const auth = req.headers.authorization ?? '';
    const given = auth.startsWith('Bearer ') ? auth.slice(7) : '';
    if (!tokensEqual(given, token)) {
      return sendJson(res, 401, {
        ok: false,
        error: { code: 'bad-token', message: 'Wrong or missing token. Open the URL that `skillgraph serve` printed (it carries the token).' },
      });
    }
    if (req.method !== 'POST') return sendJson(res, 405, { ok: false, error: { code: 'method-not-allowed', message: 'API calls use POST.' } });
    let body: unknown;
    try {
      body = JSON.parse((await readBody(req)) || '{}');
    } catch (error) {
      return sendJson(res, 400, { ok: false, error: toWireError(error instanceof InvalidInputError ? error : new InvalidInputError('The request body is not valid JSON.')) });
    }
    const reply = await dispatch(name, body);
    sendJson(res, httpStatusOf(reply), reply);
  }

  /** `pathname` is already decoded and checked by checkRequest. */
  function serveStatic(pathname: string, res: http.ServerResponse): void {
    // Path guard (hosts/static-files.ts): nothing outside the renderer folder is ever served.
    const file = rendererFile(pathname, staticRoot, { routesToIndex: true });
    if (!file) return void sendText(res, 404, 'Not found');
    fs.readFile(file, (error, data) => {
      if (error) {
        if (file === path.join(staticRoot, 'index.html')) return sendText(res, 500, unbuiltUiMessage(staticRoot));
        return sendText(res, 404, 'Not found');
      }
      for (const [name, value] of Object.entries(rendererFileHeaders(file))) res.setHeader(name, value);
      res.writeHead(200);
      res.end(data);
    });
  }

  const wss = new WebSocketServer({
    noServer: true,
    handleProtocols: (protocols) => (protocols.has('skillgraph') ? 'skillgraph' : false),
  });
  const sockets = new Set<WebSocket>();
  const unsubscribe = opts.subscribe((event: EventName, payload: unknown) => {
    if (sockets.size === 0) return;
    const frame = JSON.stringify({ event, payload });
    for (const ws of sockets) {
      if (ws.readyState === ws.OPEN && ws.bufferedAmount < MAX_WS_BUFFER) ws.send(frame);
    }
  });

  server.on('upgrade', (req, socket, head) => {
    const checked = checkRequest(req, allowedHosts(port, opts.extraOrigins));
    const origin = req.headers.origin;
    const offered = String(req.headers['sec-websocket-protocol'] ?? '').split(',').map((p) => p.trim());
    const given = offered.find((p) => p.startsWith('token.'))?.slice('token.'.length) ?? '';
    const reject = (status: number, text: string) => {
      socket.write(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\n\r\n`);
      socket.destroy();
    };
    if (isRejection(checked)) return reject(checked.status, checked.status === 403 ? 'Forbidden' : 'Bad Request');
    if (checked.path !== '/events') return reject(404, 'Not Found');
    if (origin && !allowedOrigins().has(origin)) return reject(403, 'Forbidden');
    if (!tokensEqual(given, token)) return reject(401, 'Unauthorized');
    wss.handleUpgrade(req, socket, head, (ws) => {
      sockets.add(ws);
      ws.on('close', () => sockets.delete(ws));
      ws.on('error', () => sockets.delete(ws));
    });
  });

  port = await listen(server, opts.port ?? DEFAULT_PORT, Boolean(opts.portExplicit));
  const url = `http://127.0.0.1:${port}/`;
  return {
    url,
    loginUrl: `${url}#token=${token}`,
    port,
    token,
    close: () =>
      new Promise<void>((resolve) => {
        unsubscribe();
        for (const ws of sockets) ws.terminate();
        wss.close();
        server.closeAllConnections?.();
        server.close(() => resolve());
      }),
  };
}

function listen(server: http.Server, port: number, explicit: boolean): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      server.off('listening', onListening);
      if (error.code === 'EADDRINUSE' && !explicit && port !== 0) {
        // The default port is taken (another Skillgraph?): take any free one rather than failing.
        listen(server, 0, true).then(resolve, reject);
      } else if (error.code === 'EADDRINUSE') {
        reject(new InvalidInputError(`Port ${port} on 127.0.0.1 is already in use. Stop what uses it, or pass --port <number> (or --port 0 for any free port).`));
      } else if (error.code === 'EACCES') {
        reject(new InvalidInputError(`Not allowed to listen on port ${port}. Pass --port with a number above 1024.`));
      } else {
        reject(error);
      }
    };
    const onListening = () => {
      server.off('error', onError);
      resolve((server.address() as { port: number }).port);
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(port, '127.0.0.1');
  });
}

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new InvalidInputError(`The request is larger than ${MAX_BODY_BYTES / 1024 / 1024} MB.`));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** The HTTP status that goes with a reply, so browser tools and logs read the outcome at a glance. */
export function httpStatusOf(reply: Reply): number {
  if (reply.ok) return 200;
  const code = reply.error.code;
  if (code === DISPATCH_ERRORS.unknownMethod || code === 'not-found') return 404;
  if (code === DISPATCH_ERRORS.invalidInput) return 400;
  return statusForError(code);
}

function sendJson(res: http.ServerResponse, status: number, body: Reply): void {
  if (res.headersSent) return;
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store' });
  res.end(JSON.stringify(body));
}

function sendText(res: http.ServerResponse, status: number, text: string): void {
  if (res.headersSent) return;
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8' });
  res.end(text);
}
