// Keeps a SearchIndex in step with a live graph: a full (skipping unchanged pages) rebuild at start, then
// the watcher's events gathered for a few milliseconds and applied in short transactions.
import type { GraphEvent, ParsedPage } from '../../../shared/types';
import type { IndexProgress, RebuildReport, SearchIndex } from './search-index';

/** The part of the graph module the feeder needs (`Graph` satisfies it). */
export interface WatchableGraph {
  pages(): ParsedPage[];
  /** Subscribes; returns the unsubscribe. */
  watch(listener: (event: GraphEvent) => void): () => void;
}

export interface IndexFeederOptions {
  /** How long the first event of a batch waits for more before the batch is applied. */
  debounceMs?: number;
  /** Events per transaction; a longer queue is applied in several, yielding in between. */
  maxBatch?: number;
  onProgress?: (progress: IndexProgress) => void;
  onBatch?: (batch: { events: number; durationMs: number }) => void;
  /** Something went wrong writing the index; the feeder has already scheduled a rebuild from the graph. */
  onError?: (error: Error) => void;
}

export class IndexFeeder {
  private queue: GraphEvent[] = [];
  private timer: NodeJS.Timeout | undefined;
  private draining: Promise<void> | undefined;
  private rebuilding: Promise<RebuildReport> | undefined;
  private unsubscribe: (() => void) | undefined;
  private unsubscribeReset: (() => void) | undefined;
  private needsRebuild = false;
  private stopped = false;

  constructor(
    private readonly index: SearchIndex,
    private readonly graph: WatchableGraph,
    private readonly options: IndexFeederOptions = {},
  ) {}

  /**
   * Subscribes to the watcher, then makes the index match the graph. Events that arrive meanwhile are held
   * and applied after the rebuild (they are newer than the snapshot it worked from).
   */
  async start(): Promise<RebuildReport> {
    this.unsubscribe ??= this.graph.watch((event) => this.enqueue(event));
    // The index replaced a damaged file with an empty one: fill it again from the graph.
    this.unsubscribeReset ??= this.index.onReset(() => {
      this.needsRebuild = true;
      this.schedule();
    });
    const report = await this.rebuildFromGraph();
    this.schedule();
    return report;
  }

  /** Applies every queued event now and resolves once the queue is empty. */
  async flush(): Promise<void> {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    await this.rebuilding;
    await this.startDrain();
  }

  /** Stops listening. Events already queued are applied first. */
  async stop(): Promise<void> {
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    this.unsubscribeReset?.();
    this.unsubscribeReset = undefined;
    await this.flush();
    this.stopped = true;
  }

  private enqueue(event: GraphEvent): void {
    if (this.stopped) return;
    this.queue.push(event);
    this.schedule();
  }

  private schedule(): void {
    if (this.stopped || this.timer || this.draining || this.rebuilding || (!this.queue.length && !this.needsRebuild)) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.startDrain();
    }, this.options.debounceMs ?? 5);
  }

  private startDrain(): Promise<void> {
    this.draining ??= this.drain().finally(() => {
      this.draining = undefined;
      this.schedule();
    });
    return this.draining;
  }

  private async drain(): Promise<void> {
    const maxBatch = this.options.maxBatch ?? 250;
    while (this.queue.length && !this.needsRebuild && !this.stopped) {
      const batch = this.queue.splice(0, maxBatch);
      const started = performance.now();
      try {
        this.index.applyEvents(batch);
        this.options.onBatch?.({ events: batch.length, durationMs: performance.now() - started });
      } catch (error) {
        this.options.onError?.(error as Error);
        this.needsRebuild = true;
      }
      if (this.queue.length) await new Promise<void>((resolve) => setImmediate(resolve));
    }
    if (this.needsRebuild) await this.rebuildFromGraph().catch((error: Error) => this.options.onError?.(error));
  }

  private async rebuildFromGraph(): Promise<RebuildReport> {
    this.needsRebuild = false;
    // Events queued so far are covered by the snapshot; later ones are kept for after.
    this.queue = [];
    this.rebuilding = this.index.rebuild(this.graph.pages(), this.options.onProgress);
    try {
      return await this.rebuilding;
    } finally {
      this.rebuilding = undefined;
      this.schedule();
    }
  }
}
