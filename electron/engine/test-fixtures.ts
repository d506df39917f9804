// Test support shared by the engine's and the hosts' tests: waiting for something that happens in the background
// (a watcher event, a server restart, a notification) by asking until it is true, never by sleeping a fixed time.
import { vi } from 'vitest';

/** Resolves with `probe`'s first truthy answer (asked every 20 ms); fails naming `what` once `timeoutMs` has passed. */
export async function until<T>(what: string, probe: () => T | undefined | null | false | Promise<T | undefined | null | false>, timeoutMs = 30_000): Promise<T> {
  try {
    return (await vi.waitUntil(probe, { timeout: timeoutMs, interval: 20 })) as T;
  } catch (error) {
    throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`, { cause: error });
  }
}
