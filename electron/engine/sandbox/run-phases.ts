// Where a run's time goes, for profiling the warm path: with SKILLGRAPH_RUN_PHASES=<file> each run marks its phases
// (ms since it was started) and appends them to that file as JSON lines, `{ run, marks: { phase: ms } }`, after its
// answer; bench/peers.bench.ts prints the medians. Unset (always, outside profiling), marking costs one check.
import { appendFile } from 'node:fs';

/** The phases of one run, in the order they were reached. */
export class RunPhases {
  private readonly origin = performance.now();
  private marks: Record<string, number> = {};

  constructor(
    readonly runId: string,
    /** The file the marks go to; undefined when profiling is off (then nothing is kept). */
    private readonly file = process.env.SKILLGRAPH_RUN_PHASES || undefined,
  ) {}

  mark(phase: string): void {
    if (this.file) this.marks[phase] = Math.round((performance.now() - this.origin) * 100) / 100;
  }

  /** Appends the marks made since the last flush (one line); the run may flush again later (its records, say). */
  flush(): void {
    if (!this.file || Object.keys(this.marks).length === 0) return;
    const line = JSON.stringify({ run: this.runId, marks: this.marks }) + '\n';
    this.marks = {};
    appendFile(this.file, line, (error) => {
      // Profiling is a developer's switch, and stderr is where they look (stdout may be the gateway's protocol).
      if (error) process.stderr.write(`run phases could not be written to ${this.file}: ${error.message}\n`);
    });
  }
}
