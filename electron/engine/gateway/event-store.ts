// The HTTP gateway's memory of what it sent on each SSE stream of one session, so an agent whose stream dropped can
// reconnect with Last-Event-ID and receive what it missed (progress, log messages, the result): the SDK's EventStore,
// bounded (the newest events of the session, by count and by size), in memory only (a restarted gateway has no
// sessions to resume anyway).
import type { EventId, EventStore, StreamId } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';

export interface SessionEventStoreLimits {
  /** Events kept per session; the oldest go first. */
  maxEvents?: number;
  /** Characters of JSON kept per session; the oldest events go first. */
  maxChars?: number;
}

interface StoredEvent {
  streamId: StreamId;
  message: JSONRPCMessage;
  chars: number;
}

/** Event ids are `<stream>#<sequence>`: the stream is known from the id, and the sequence orders replay. */
const SEPARATOR = '#';

export class SessionEventStore implements EventStore {
  /** In insertion order, which is the order of sequence numbers. */
  private readonly events = new Map<EventId, StoredEvent>();
  private sequence = 0;
  private chars = 0;
  private readonly maxEvents: number;
  private readonly maxChars: number;

  constructor(limits: SessionEventStoreLimits = {}) {
    this.maxEvents = limits.maxEvents ?? 2000;
    this.maxChars = limits.maxChars ?? 8_000_000;
  }

  /** Whether a Last-Event-ID can still be resumed from (it was sent by this session and not yet forgotten). */
  has(eventId: EventId): boolean {
    return this.events.has(eventId);
  }

  async storeEvent(streamId: StreamId, message: JSONRPCMessage): Promise<EventId> {
    const eventId = `${streamId}${SEPARATOR}${++this.sequence}`;
    const chars = JSON.stringify(message).length;
    this.events.set(eventId, { streamId, message, chars });
    this.chars += chars;
    // Never the event just stored: a reconnect must find at least the last thing sent.
    for (const [oldest, event] of this.events) {
      if (this.events.size <= 1 || (this.events.size <= this.maxEvents && this.chars <= this.maxChars)) break;
      this.events.delete(oldest);
      this.chars -= event.chars;
    }
    return eventId;
  }

  async getStreamIdForEventId(eventId: EventId): Promise<StreamId | undefined> {
    return this.events.get(eventId)?.streamId;
  }

  /** Sends the events of `lastEventId`'s stream that came after it, oldest first; the SDK then follows that stream. */
  async replayEventsAfter(lastEventId: EventId, { send }: { send: (eventId: EventId, message: JSONRPCMessage) => Promise<void> }): Promise<StreamId> {
    const last = this.events.get(lastEventId);
    if (!last) throw new Error(`event "${lastEventId}" is not kept (any more)`);
    let after = false;
    for (const [eventId, event] of [...this.events]) {
      if (eventId === lastEventId) after = true;
      // The priming event of a stream carries no message ({}): it only gave the client an id to resume from.
      else if (after && event.streamId === last.streamId && 'jsonrpc' in event.message) await send(eventId, event.message);
    }
    return last.streamId;
  }
}
