// The run scheduler: at most `limit` runs execute at once (the user's parallel-runs setting), whatever backend they
// run on; the rest wait in the order they came. A waiting run that is stopped leaves the queue without running.
import { SandboxError } from './types';

export interface SchedulerStats {
  limit: number;
  running: number;
  waiting: number;
}

interface Waiter {
  grant: (release: () => void) => void;
}

export class RunScheduler {
  private running = 0;
  private readonly queue: Waiter[] = [];

  constructor(private limit: number) {
    this.setLimit(limit);
  }

  /** A new limit applies at once: a higher one starts waiting runs, a lower one lets running runs finish. */
  setLimit(limit: number): void {
    if (!Number.isInteger(limit) || limit < 1) throw new SandboxError('bad-request', `the parallel run limit must be a whole number of at least 1, not ${limit}`);
    this.limit = limit;
    this.grantWaiting();
  }

  stats(): SchedulerStats {
    return { limit: this.limit, running: this.running, waiting: this.queue.length };
  }

  /**
   * Resolves with `release` once a slot is free; call it exactly once when the run ends (later calls do nothing).
   * Rejects with the signal's reason when the run is stopped while it waits. `onWait` hears the position in line.
   */
  acquire(signal: AbortSignal, onWait?: (ahead: number) => void): Promise<() => void> {
    if (signal.aborted) return Promise.reject(signal.reason);
    if (this.running < this.limit && this.queue.length === 0) return Promise.resolve(this.take());
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        grant: (release) => {
          signal.removeEventListener('abort', onAbort);
          resolve(release);
        },
      };
      const onAbort = (): void => {
        const index = this.queue.indexOf(waiter);
        if (index >= 0) this.queue.splice(index, 1);
        reject(signal.reason);
      };
      signal.addEventListener('abort', onAbort, { once: true });
      this.queue.push(waiter);
      onWait?.(this.queue.length - 1 + this.running);
    });
  }

  /** Runs `task` in a slot. */
  async run<T>(signal: AbortSignal, task: () => Promise<T>, onWait?: (ahead: number) => void): Promise<T> {
    const release = await this.acquire(signal, onWait);
    try {
      return await task();
    } finally {
      release();
    }
  }

  private take(): () => void {
    this.running++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.running--;
      this.grantWaiting();
    };
  }

  private grantWaiting(): void {
    while (this.running < this.limit && this.queue.length > 0) this.queue.shift()!.grant(this.take());
  }
}
