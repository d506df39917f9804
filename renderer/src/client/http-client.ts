// SkillgraphClient for browser mode: POST /api/<method> with the bearer token, events over a WebSocket
// (the token travels as a subprotocol, never in the URL). Reconnects after the server restarts.
import type { EventName, MethodName } from '../../../shared/contract';
import type { Reply } from '../../../shared/contract/dispatch';
import { ApiError, EventFanout, type ConnectionState, type SkillgraphClient } from './client';

const TOKEN_KEY = 'skillgraph.token';

/** Takes the token from the URL fragment (#token=…) once, keeps it for this tab, and clears the URL. */
export function takeToken(): string | undefined {
  const match = /(?:^|[#&])token=([^&]+)/.exec(window.location.hash);
  if (match) {
    sessionStorage.setItem(TOKEN_KEY, decodeURIComponent(match[1]));
    history.replaceState(null, '', window.location.pathname + window.location.search);
  }
  return sessionStorage.getItem(TOKEN_KEY) ?? undefined;
}

export function createHttpClient(token: string, base = window.location.origin): SkillgraphClient {
  const fanout = new EventFanout();
  const connectionListeners = new Set<(state: ConnectionState) => void>();
  let state: ConnectionState = 'connecting';
  const setState = (next: ConnectionState) => {
    state = next;
    for (const listener of connectionListeners) listener(next);
  };

  let retry = 500;
  const connect = () => {
    const ws = new WebSocket(base.replace(/^http/, 'ws') + '/events', ['skillgraph', `token.${token}`]);
    ws.onopen = () => {
      retry = 500;
      setState('open');
    };
    ws.onmessage = (message) => {
      const { event, payload } = JSON.parse(String(message.data)) as { event: string; payload: unknown };
      fanout.dispatch(event, payload);
    };
    ws.onclose = () => {
      setState('closed');
      setTimeout(connect, retry);
      retry = Math.min(retry * 2, 10_000);
    };
  };
  connect();

  return {
    host: 'browser',
    async call(method: MethodName, input: unknown) {
      let response: Response;
      try {
        response = await fetch(`${base}/api/${method}`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
          body: JSON.stringify(input ?? {}),
        });
      } catch {
        throw new ApiError('offline', 'Cannot reach the Skillgraph server. Is `skillgraph serve` still running?');
      }
      const body = (await response.json().catch(() => null)) as Reply | null;
      if (!body) throw new ApiError('bad-response', `The server answered ${response.status} without a JSON body.`);
      if (!body.ok) throw new ApiError(body.error?.code ?? 'error', body.error?.message ?? 'Unknown error');
      return body.result as never;
    },
    on(event: EventName, listener) {
      return fanout.on(event, listener as (payload: unknown) => void);
    },
    onConnection(listener) {
      connectionListeners.add(listener);
      listener(state);
      return () => connectionListeners.delete(listener);
    },
  };
}
