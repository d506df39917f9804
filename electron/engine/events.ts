// The engine's outbound event bus: services publish contract events here and each host forwards them
// over its own transport (IPC, WebSocket, or the terminal for the CLI).
import type { EventName, EventPayload, EventSink } from '../../shared/contract';

export type EventListener = <E extends EventName>(event: E, payload: EventPayload<E>) => void;

export class EventBus {
  private listeners = new Set<EventListener>();

  readonly emit: EventSink = (event, payload) => {
    for (const listener of this.listeners) {
      try {
        listener(event, payload);
      } catch {
        // A failing transport must not stop the engine or the other listeners.
      }
    }
  };

  subscribe(listener: EventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
