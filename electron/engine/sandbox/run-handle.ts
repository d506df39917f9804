// One run as it happens: the events it publishes (stdout, stderr, tool calls, status, notices), replayed from the
// start to late listeners and as an async iterator, and the promise of its final result.
import { EventEmitter } from 'node:events';
import type { RunResult } from './runs';
import type { RunStatus, ToolCallEvent } from '../../../shared/types';
import { RunPhases } from './run-phases';

export type RunEvent =
  | { type: 'stdout'; data: string }
  | { type: 'stderr'; data: string }
  | { type: 'toolCall'; data: ToolCallEvent }
  | { type: 'status'; data: RunStatus }
  | { type: 'notice'; data: string };

interface RunEvents {
  stdout: [string];
  stderr: [string];
  toolCall: [ToolCallEvent];
  status: [RunStatus];
  notice: [string];
}

/** One run as it happens: events (also as an async iterator, replayed from the start) and its final result. */
export class RunHandle extends EventEmitter<RunEvents> {
  readonly done: Promise<RunResult>;
  /** Resolves once the finished run's records are on disk (they are written after `done`, not before). */
  readonly recorded: Promise<void>;
  private resolveRecorded!: () => void;
  private readonly history: RunEvent[] = [];
  private finished = false;
  private wake: (() => void) | undefined;
  private resolveDone!: (result: RunResult) => void;
  /** Where the run's time goes (marked only while profiling: SKILLGRAPH_RUN_PHASES). */
  readonly phases: RunPhases;
  /** What the run's records wait for besides the run itself: the answer a caller composes from the result. */
  private answerSent: Promise<unknown> = Promise.resolve();

  constructor(readonly id: string) {
    super();
    this.phases = new RunPhases(id);
    this.done = new Promise((resolve) => (this.resolveDone = resolve));
    this.recorded = new Promise((resolve) => (this.resolveRecorded = resolve));
  }

  /** Every event since the run started, then live ones until it ends. */
  async *events(): AsyncGenerator<RunEvent> {
    let index = 0;
    for (;;) {
      while (index < this.history.length) yield this.history[index++];
      if (this.finished) return;
      await new Promise<void>((resolve) => (this.wake = resolve));
    }
  }

  /** @internal */
  publish(event: RunEvent): void {
    this.history.push(event);
    (this.emit as (name: string, data: unknown) => boolean)(event.type, event.data);
    this.wake?.();
  }

  /** @internal */
  finish(result: RunResult): void {
    this.finished = true;
    this.wake?.();
    this.resolveDone(result);
  }

  /**
   * Holds the run's records (and its runner's teardown) until `sent` settles: a caller that still has work between
   * the result and its own answer (the gateway counts the ledger) keeps the disk writes out of that time.
   */
  recordAfter(sent: Promise<unknown>): void {
    this.answerSent = sent;
  }

  /** @internal */
  answered(): Promise<unknown> {
    return this.answerSent;
  }

  /** @internal */
  markRecorded(): void {
    this.resolveRecorded();
  }
}
