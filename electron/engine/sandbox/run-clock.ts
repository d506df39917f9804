// A run's time limit, which stands still while the host decides on one of its calls.

/**
 * A run's time limit. It stands still while a call waits for the host's decision (an approval, at most the approval's
 * own timeout): the person deciding is not the run's time, and a 60 s limit would otherwise deny every approval.
 */
export class RunClock {
  private remaining: number;
  private since = 0;
  private timer: NodeJS.Timeout | undefined;
  private holds = 0;
  private running = false;

  constructor(
    limitMs: number,
    private readonly onExpire: () => void,
  ) {
    this.remaining = limitMs;
  }

  start(): void {
    this.running = true;
    if (this.holds === 0) this.tick();
  }

  /** Stops the clock until the returned function is called (holds nest). */
  hold(): () => void {
    if (this.holds++ === 0 && this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
      this.remaining -= performance.now() - this.since;
    }
    let released = false;
    return () => {
      if (released) return;
      released = true;
      if (--this.holds === 0 && this.running) this.tick();
    };
  }

  stop(): void {
    this.running = false;
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private tick(): void {
    this.since = performance.now();
    this.timer = setTimeout(this.onExpire, Math.max(0, this.remaining));
  }
}
