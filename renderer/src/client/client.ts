// The one interface the UI talks to. Two implementations: Electron IPC (through the preload's
// `window.skillgraph`) and browser mode (HTTP + WebSocket with the per-start token).
import type { EventName, EventPayload, MethodInput, MethodName, MethodOutput } from '../../../shared/contract';

export class ApiError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export type ConnectionState = 'connecting' | 'open' | 'closed';

export interface SkillgraphClient {
  readonly host: 'electron' | 'browser';
  call<M extends MethodName>(method: M, input: MethodInput<M>): Promise<MethodOutput<M>>;
  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void;
  onConnection(listener: (state: ConnectionState) => void): () => void;
}

/** Fans events out to per-name listeners; both implementations share it. */
export class EventFanout {
  private listeners = new Map<string, Set<(payload: unknown) => void>>();

  on(event: string, listener: (payload: unknown) => void): () => void {
    let set = this.listeners.get(event);
    if (!set) this.listeners.set(event, (set = new Set()));
    set.add(listener);
    return () => set.delete(listener);
  }

  dispatch(event: string, payload: unknown): void {
    for (const listener of this.listeners.get(event) ?? []) listener(payload);
  }
}
