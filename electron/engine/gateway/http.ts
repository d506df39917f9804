// The gateway over Streamable HTTP (`skillgraph mcp --http <port>`), for agents and tools that connect by URL (and
// the official conformance suite's server scenarios). One MCP server per session, all over the same engine. Bound to
// 127.0.0.1 only; a request whose Host or Origin names anything but this machine is refused (DNS rebinding: a web
// page must not reach the gateway through a name that resolves here). Each session keeps its recent events, so an
// agent whose SSE stream dropped mid-run reconnects with Last-Event-ID and gets what it missed.
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { SessionEventStore, type SessionEventStoreLimits } from './event-store';

export const GATEWAY_HTTP_PATH = '/mcp';
const LOOPBACK_NAMES = new Set(['localhost', '127.0.0.1', '[::1]']);

export interface GatewayHttpServer {
  /** Where agents connect, e.g. http://127.0.0.1:3333/mcp. */
  url: string;
  close(): Promise<void>;
}

/** The hostname of a Host header (`localhost:3333`, `[::1]:3333`), without the port. */
function hostnameOf(host: string): string {
  return host.startsWith('[') ? host.slice(0, host.indexOf(']') + 1) : host.replace(/:\d+$/, '');
}

/** Why a request is refused before MCP sees it, or undefined when it may go on. */
function refusal(req: http.IncomingMessage): string | undefined {
  const host = req.headers.host;
  if (!host || !LOOPBACK_NAMES.has(hostnameOf(host).toLowerCase())) return `Host "${host ?? ''}" is not this machine; the gateway answers only localhost, 127.0.0.1 and [::1].`;
  const origin = req.headers.origin;
  if (origin !== undefined) {
    let name = '';
    try {
      name = new URL(origin).hostname.toLowerCase();
    } catch {
      // Unparseable: refused with this reason, which the request's 403 carries.
      return `Origin "${origin}" is not a URL.`;
    }
    if (!LOOPBACK_NAMES.has(name)) return `Origin "${origin}" is not this machine; web pages elsewhere may not call the gateway.`;
  }
  return undefined;
}

function sendError(res: http.ServerResponse, status: number, message: string): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify({ jsonrpc: '2.0', error: { code: -32000, message }, id: null }));
}

/**
 * Serves `createServer()` (a fresh gateway MCP server per session) at http://127.0.0.1:<port>/mcp; port 0 picks a free
 * one. A request naming an unknown session gets 404, which tells a client to start a new session.
 */
export async function serveGatewayOverHttp(opts: {
  port: number;
  createServer: () => McpServer;
  onError?: (error: unknown) => void;
  /** How much of each session's stream is kept for resuming (defaults in SessionEventStore). */
  eventLimits?: SessionEventStoreLimits;
  /** Milliseconds an agent is told to wait before reconnecting a dropped stream (SSE `retry`). */
  retryIntervalMs?: number;
}): Promise<GatewayHttpServer> {
  const sessions = new Map<string, { transport: StreamableHTTPServerTransport; server: McpServer; events: SessionEventStore }>();
  const report = opts.onError ?? ((error: unknown) => process.stderr.write(`skillgraph mcp: HTTP request failed: ${error instanceof Error ? error.message : String(error)}\n`));

  const handle = async (req: http.IncomingMessage, res: http.ServerResponse): Promise<void> => {
    const refused = refusal(req);
    if (refused) return sendError(res, 403, refused);
    if (new URL(req.url ?? '/', 'http://localhost').pathname !== GATEWAY_HTTP_PATH) return sendError(res, 404, `Not found: the gateway is at ${GATEWAY_HTTP_PATH}.`);
    const sessionId = req.headers['mcp-session-id'];
    if (typeof sessionId === 'string') {
      const session = sessions.get(sessionId);
      if (!session) return sendError(res, 404, `Session not found: "${sessionId}" ended or never existed; initialize a new session.`);
      // The SDK's own answer to a forgotten event is "Invalid event ID format"; this one says what happened.
      const lastEventId = req.headers['last-event-id'];
      if (req.method === 'GET' && typeof lastEventId === 'string' && !session.events.has(lastEventId)) {
        return sendError(res, 400, `Cannot resume after event "${lastEventId}": this session no longer keeps it (only its newest events are kept); call again.`);
      }
      return session.transport.handleRequest(req, res);
    }
    if (req.method !== 'POST') return sendError(res, 400, 'No session: start one with an initialize request (POST).');
    const server = opts.createServer();
    const events = new SessionEventStore(opts.eventLimits);
    const transport: StreamableHTTPServerTransport = new StreamableHTTPServerTransport({
      sessionIdGenerator: () => randomUUID(),
      eventStore: events,
      retryInterval: opts.retryIntervalMs ?? 1000,
      onsessioninitialized: (id) => void sessions.set(id, { transport, server, events }),
      onsessionclosed: (id) => void sessions.delete(id),
    });
    transport.onclose = () => {
      if (transport.sessionId) sessions.delete(transport.sessionId);
    };
    await server.connect(transport);
    await transport.handleRequest(req, res);
    // Anything but an initialize request without a session was refused by the transport: nothing to keep.
    if (!transport.sessionId) await server.close();
  };

  const httpServer = http.createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      report(error);
      if (!res.headersSent) sendError(res, 500, `The gateway failed on this request: ${error instanceof Error ? error.message : String(error)}`);
      else res.end();
    });
  });
  await new Promise<void>((resolve, reject) => {
    httpServer.once('error', reject);
    httpServer.listen(opts.port, '127.0.0.1', () => {
      httpServer.off('error', reject);
      resolve();
    });
  });
  const { port } = httpServer.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}${GATEWAY_HTTP_PATH}`,
    async close() {
      await Promise.all([...sessions.values()].map(({ server }) => server.close().catch(report)));
      sessions.clear();
      httpServer.closeAllConnections();
      await new Promise<void>((resolve) => httpServer.close(() => resolve()));
    },
  };
}
