// The token counter the context ledger counts with: one worker thread per process (token-counter-worker.ts), started
// on the first text (or early, by warm(), so the tokenizer loads while a run runs), that counts off the host's
// thread. Figures are those of countTokens. A worker that dies is replaced by the next count, and what it was
// counting is counted in this thread instead (logged); so is everything when no worker can start at all.
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Logger } from '../logger';
import { errorText } from '../logger';
import { packageRoot } from '../locations';
import { countTokensAsync, countedParts, tokensOf } from './token-count';
import type { CountReply, CountRequest } from './token-counter-worker';

/** The worker's script: dist/token-counter-worker.mjs beside the bundle (scripts/build.mjs), the .ts file from source. */
export function tokenCounterWorkerFile(here: string = fileURLToPath(import.meta.url)): string {
  const root = packageRoot(path.dirname(here));
  const bundled = path.relative(root, here).split(path.sep)[0] === 'dist';
  return bundled ? path.join(root, 'dist', 'token-counter-worker.mjs') : path.join(path.dirname(here), 'token-counter-worker.ts');
}

interface Waiting {
  text: string;
  /** Characters of the text the worker counts (all of it, or its samples). */
  chars: number;
  resolve: (tokens: number) => void;
  reject: (error: unknown) => void;
}

export class TokenCounter {
  private worker: Worker | undefined;
  private nextId = 1;
  private readonly waiting = new Map<number, Waiting>();
  /** Set once a worker could not even start: counting stays in this thread for the rest of the process. */
  private inThread = false;
  private closed = false;

  constructor(
    private readonly log?: Logger,
    private readonly workerFile: string = tokenCounterWorkerFile(),
  ) {}

  /** Starts the worker now, so the tokenizer's tables load while the caller does other work. */
  warm(): void {
    if (!this.closed && !this.inThread) this.ensureWorker();
  }

  /** Tokens of a text, exactly as countTokens counts them, without holding this thread for the count. */
  count(text: string): Promise<number> {
    if (!text) return Promise.resolve(0);
    const worker = this.closed || this.inThread ? undefined : this.ensureWorker();
    if (!worker) return countTokensAsync(text);
    const id = this.nextId++;
    const parts = countedParts(text);
    return new Promise<number>((resolve, reject) => {
      this.waiting.set(id, { text, chars: parts.reduce((sum, part) => sum + part.length, 0), resolve, reject });
      // A worker waiting on counts keeps the process alive; an idle one never does (see the message handler).
      worker.ref();
      worker.postMessage({ id, parts } satisfies CountRequest);
    });
  }

  /** The worker thread now counting, if one runs (diagnostics and tests). */
  get thread(): Worker | undefined {
    return this.worker;
  }

  /** Ends the worker; counts still waiting finish in this thread. */
  async close(): Promise<void> {
    this.closed = true;
    const worker = this.worker;
    this.worker = undefined;
    if (worker) await worker.terminate();
    this.countLeftoversInThread();
  }

  private ensureWorker(): Worker | undefined {
    if (this.worker) return this.worker;
    let worker: Worker;
    try {
      worker = this.workerFile.endsWith('.ts') ? sourceWorker(this.workerFile) : new Worker(this.workerFile);
    } catch (error) {
      this.inThread = true;
      this.log?.warn({ err: errorText(error), file: this.workerFile }, 'the token counter cannot start its worker; the ledger counts in this thread');
      return undefined;
    }
    worker.unref();
    worker.on('message', (reply: CountReply) => {
      const waiting = this.waiting.get(reply.id);
      this.waiting.delete(reply.id);
      if (waiting) waiting.resolve(tokensOf(waiting.text.length, reply.tokens, waiting.chars));
      if (this.waiting.size === 0) worker.unref();
    });
    worker.on('error', (error) => this.log?.warn({ err: errorText(error) }, 'the token counter\'s worker failed'));
    worker.on('exit', (code) => {
      if (this.worker !== worker) return; // ended by close(), or already replaced
      this.worker = undefined;
      this.log?.warn({ code, waiting: this.waiting.size }, 'the token counter\'s worker exited; its counts finish in this thread and the next count starts a new worker');
      this.countLeftoversInThread();
    });
    this.worker = worker;
    return worker;
  }

  /** Counts what a worker that ended never answered, in this thread (same figures, only slower for the host). */
  private countLeftoversInThread(): void {
    const leftovers = [...this.waiting.values()];
    this.waiting.clear();
    for (const { text, resolve, reject } of leftovers) countTokensAsync(text).then(resolve, reject);
  }
}

/** From source (tests, tsx), the worker's TypeScript is loaded through tsx, which a worker does not inherit. */
function sourceWorker(file: string): Worker {
  // tsx's ESM API (its `tsx/esm/api` import export); require.resolve would answer its CommonJS build.
  const tsxApi = pathToFileURL(path.join(path.dirname(createRequire(import.meta.url).resolve('tsx/package.json')), 'dist/esm/api/index.mjs')).href;
  return new Worker(`import(${JSON.stringify(tsxApi)}).then(({ tsImport }) => tsImport(${JSON.stringify(pathToFileURL(file).href)}, ${JSON.stringify(import.meta.url)}))`, { eval: true });
}
