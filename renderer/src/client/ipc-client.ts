// SkillgraphClient over Electron IPC: the preload exposes `window.skillgraph` with invoke() and on().
import type { EventName, MethodName } from '../../../shared/contract';
import type { Reply } from '../../../shared/contract/dispatch';
import { ApiError, EventFanout, type ConnectionState, type SkillgraphClient } from './client';

interface PreloadBridge {
  invoke(method: string, input: unknown): Promise<Reply>;
  on(listener: (event: string, payload: unknown) => void): () => void;
}

export function preloadBridge(): PreloadBridge | undefined {
  return (window as unknown as { skillgraph?: PreloadBridge }).skillgraph;
}

export function createIpcClient(bridge: PreloadBridge): SkillgraphClient {
  const fanout = new EventFanout();
  bridge.on((event, payload) => fanout.dispatch(event, payload));
  return {
    host: 'electron',
    async call(method: MethodName, input: unknown) {
      const reply = await bridge.invoke(method, input);
      if (!reply.ok) throw new ApiError(reply.error.code, reply.error.message);
      return reply.result as never;
    },
    on(event: EventName, listener) {
      return fanout.on(event, listener as (payload: unknown) => void);
    },
    onConnection(listener: (state: ConnectionState) => void) {
      listener('open');
      return () => {};
    },
  };
}
