// A run's output: what listeners receive is capped (with the end of a capped run's output kept and shown last),
// while the full log goes to <data>/runs/<id>.log up to its own, much larger, cap.
import { createWriteStream, type WriteStream } from 'node:fs';
import { formatSize, outputCutNotice } from '../../../shared/output-notice';
import type { RunEvent } from './run-handle';
import type { UserErrorStream } from './user-errors';
import type { SandboxLimits } from './types';

/** Caps what listeners receive; the log on disk gets everything up to its own (much larger) cap. */
export class OutputRecorder {
  private forwarded = 0;
  private logged = 0;
  private capped = false;
  /** Output after the cap, trimmed to its last TAIL_BYTES: the end of a run (its result, its error) matters most. */
  private tail: Array<{ stream: 'stdout' | 'stderr'; chunk: string }> = [];
  private tailBytes = 0;
  private skipped = 0;
  readonly stdout: string[] = [];
  readonly stderr: string[] = [];
  private readonly log: WriteStream;
  private logFailed = false;

  constructor(
    readonly logPath: string,
    private readonly limits: SandboxLimits,
    private readonly publish: (event: RunEvent) => void,
    private readonly overLogCap: () => void,
    /** The log cannot be written (a full disk): the run must end; output still reaches listeners. */
    private readonly onLogError: (error: unknown) => void,
    /** Error records in stderr become one line at the user's line (user-errors.ts), in the log as on screen. */
    private readonly userErrors: UserErrorStream,
  ) {
    this.log = createWriteStream(logPath);
    this.log.on('error', (error) => {
      if (this.logFailed) return;
      this.logFailed = true;
      this.onLogError(error);
    });
  }

  /**
   * The run's own output is held while its type-check is still going (nothing reaches listeners or the log before it
   * passes) and dropped from then on when the check fails; the host's own lines (write) are never held.
   */
  private held: Array<{ stream: 'stdout' | 'stderr'; chunk: string }> | undefined;
  private dropRun = false;

  /** Holds the run's output from now on until release(). */
  hold(): void {
    this.held ??= [];
  }

  /** Ends the hold: what was held is written (`keep`), or it and everything the run prints later are dropped. */
  release(keep: boolean): void {
    const held = this.held;
    this.held = undefined;
    if (!keep) this.dropRun = true;
    else for (const { stream, chunk } of held ?? []) this.write(stream, chunk);
  }

  /** Output of the sandboxed code. */
  fromRun(stream: 'stdout' | 'stderr', chunk: string): void {
    if (this.dropRun) return;
    if (this.held) this.held.push({ stream, chunk });
    else this.write(stream, chunk);
  }

  write(stream: 'stdout' | 'stderr', chunk: string): void {
    this.record(stream, stream === 'stderr' ? this.userErrors.write(chunk) : chunk);
  }

  private record(stream: 'stdout' | 'stderr', chunk: string): void {
    if (chunk.length === 0) return;
    const bytes = Buffer.byteLength(chunk);
    if (!this.logFailed && this.logged < this.limits.logCapBytes) {
      this.log.write(chunk);
      this.logged += bytes;
      if (this.logged >= this.limits.logCapBytes) this.overLogCap();
    }
    if (this.capped) return this.keepTail(stream, chunk, bytes);
    let forward = chunk;
    let rest = '';
    if (this.forwarded + bytes > this.limits.outputCapBytes) {
      const buffer = Buffer.from(chunk);
      forward = buffer.subarray(0, this.limits.outputCapBytes - this.forwarded).toString('utf8');
      rest = buffer.subarray(this.limits.outputCapBytes - this.forwarded).toString('utf8');
      this.capped = true;
    }
    this.forwarded += Buffer.byteLength(forward);
    if (forward.length > 0) {
      (stream === 'stdout' ? this.stdout : this.stderr).push(forward);
      this.publish({ type: stream, data: forward });
    }
    if (this.capped) {
      this.publish({ type: 'notice', data: outputCutNotice({ firstShown: this.limits.outputCapBytes, last: TAIL_BYTES, later: true, logPath: this.logPath }) });
      if (rest) this.keepTail(stream, rest, Buffer.byteLength(rest));
    }
  }

  private keepTail(stream: 'stdout' | 'stderr', chunk: string, bytes: number): void {
    this.tail.push({ stream, chunk });
    this.tailBytes += bytes;
    while (this.tailBytes > TAIL_BYTES && this.tail.length > 1) {
      const dropped = this.tail.shift()!;
      const size = Buffer.byteLength(dropped.chunk);
      this.tailBytes -= size;
      this.skipped += size;
    }
  }

  /** Ends the log and, for a capped run, hands listeners the end of the output with what was skipped. */
  close(): Promise<void> {
    this.record('stderr', this.userErrors.end());
    if (this.tail.length) {
      this.publish({ type: 'notice', data: outputCutNotice({ notShown: this.skipped, last: this.tailBytes, logPath: this.logPath }) });
      for (const { stream, chunk } of this.tail) {
        (stream === 'stdout' ? this.stdout : this.stderr).push(chunk);
        this.publish({ type: stream, data: chunk });
      }
      this.tail = [];
    }
    if (this.logFailed || this.log.destroyed) return Promise.resolve();
    return new Promise((resolve) => {
      this.log.once('error', () => resolve());
      this.log.end(resolve);
    });
  }
}

/** How much of the end of a capped run's output still reaches the console. */
const TAIL_BYTES = 64 * 1024;

/** Sizes in notices, one wording everywhere. */
export const formatBytes = formatSize;
