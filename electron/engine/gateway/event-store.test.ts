// The HTTP gateway's per-session event store: replay after an event follows that event's stream only, skips the
// priming events, and forgets the oldest events past its bounds (never the newest).
import { describe, expect, it } from 'vitest';
import { SessionEventStore } from './event-store';

const note = (text: string) => ({ jsonrpc: '2.0' as const, method: 'notifications/message', params: { level: 'info', data: text } });

async function replay(store: SessionEventStore, after: string): Promise<{ stream: string; sent: string[] }> {
  const sent: string[] = [];
  const stream = await store.replayEventsAfter(after, { send: async (_id, message) => void sent.push(String((message as ReturnType<typeof note>).params.data)) });
  return { stream, sent };
}

describe('SessionEventStore', () => {
  it('replays what came after an event on the same stream, in order, without priming events', async () => {
    const store = new SessionEventStore();
    const primed = await store.storeEvent('a', {} as never);
    const first = await store.storeEvent('a', note('one'));
    await store.storeEvent('b', note('other stream'));
    await store.storeEvent('a', {} as never);
    await store.storeEvent('a', note('two'));
    await store.storeEvent('a', note('three'));
    expect(await replay(store, primed)).toEqual({ stream: 'a', sent: ['one', 'two', 'three'] });
    expect(await replay(store, first)).toEqual({ stream: 'a', sent: ['two', 'three'] });
    expect(await store.getStreamIdForEventId(first)).toBe('a');
  });

  it('keeps only the newest events within its count and size bounds', async () => {
    const byCount = new SessionEventStore({ maxEvents: 2 });
    const ids = [];
    for (const text of ['one', 'two', 'three']) ids.push(await byCount.storeEvent('a', note(text)));
    expect(byCount.has(ids[0])).toBe(false);
    await expect(replay(byCount, ids[0])).rejects.toThrow(/is not kept/);
    expect(await replay(byCount, ids[1])).toEqual({ stream: 'a', sent: ['three'] });

    const bySize = new SessionEventStore({ maxChars: 10 });
    const only = await bySize.storeEvent('a', note('a message longer than the bound'));
    expect(bySize.has(only)).toBe(true);
    const next = await bySize.storeEvent('a', note('another'));
    expect([bySize.has(only), bySize.has(next)]).toEqual([false, true]);
  });
});
