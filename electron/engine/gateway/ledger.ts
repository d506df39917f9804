// The context ledger: per run, tokens of the tool results the code received (what direct tool calling would have put
// in the model's context) against tokens of what the run printed back. Kept on the run's summary and in
// <data>/ledger.jsonl (one line per run, appended, so the gateway and the app can both write), summed per skill and day.
import fs from 'node:fs';
import path from 'node:path';
import type { EventSink } from '../../../shared/contract';
import { ContextLedger, RunSummary } from '../../../shared/types';
import type { RunResult } from '../sandbox/runs';
import { describeFsError } from '../sandbox/disk';
import { writeFileAtomic } from '../atomic-write';
import { TokenCounter } from './token-counter';

export { countTokens, countTokensAsync, EXACT_CHARS_MAX } from './token-count';

/** Text a tool result would have taken in a model's context: strings as they are, anything else as JSON. */
export function resultText(data: unknown): string {
  if (data === undefined || data === null) return '';
  return typeof data === 'string' ? data : JSON.stringify(data);
}

export function makeLedger(toolResultTokens: number, printedTokens: number): ContextLedger {
  return { toolResultTokens, printedTokens, savedTokens: Math.max(0, toolResultTokens - printedTokens) };
}

export interface LedgerEntry {
  runId: string;
  session: string;
  origin: RunSummary['origin'];
  /** Local calendar day the run finished (YYYY-MM-DD). */
  day: string;
  finishedAt: number;
  /** Skills the run's code imported (`./skills/<name>`, `skills.<name>`). */
  skills: string[];
  ledger: ContextLedger;
  /** Set when the entry could not be written (a full disk); the numbers are still right. */
  problem?: string;
}

/** Characters of one run's tool results counted (or sampled) one by one; beyond, at the rate found so far. */
export const RUN_COUNTED_CHARS_MAX = 4 * 1024 * 1024;

export interface LedgerTotal extends ContextLedger {
  runs: number;
}

export interface LedgerTotals {
  total: LedgerTotal;
  byDay: Record<string, LedgerTotal>;
  bySkill: Record<string, LedgerTotal>;
}

/** Skills a run's code imports, so savings can be credited to the skill that made them. */
export function skillsImportedBy(code: string): string[] {
  const found = new Set<string>();
  for (const m of code.matchAll(/from\s+['"](?:\.\/|\/)?skills\/([a-z][a-z0-9_]*)(?:\.(?:ts|js|py))?['"]/g)) found.add(m[1]);
  for (const m of code.matchAll(/import\s*\(\s*['"](?:\.\/)?skills\/([a-z][a-z0-9_]*)['"]\s*\)/g)) found.add(m[1]);
  for (const m of code.matchAll(/^\s*(?:from|import)\s+skills\.([a-z][a-z0-9_]*)/gm)) found.add(m[1]);
  for (const m of code.matchAll(/^\s*from\s+skills\s+import\s+([a-z0-9_, ]+)/gm)) for (const name of m[1].split(',')) if (name.trim()) found.add(name.trim());
  return [...found].sort();
}

function localDay(ms: number): string {
  const d = new Date(ms);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

const add = (a: LedgerTotal | undefined, l: ContextLedger): LedgerTotal => ({
  runs: (a?.runs ?? 0) + 1,
  toolResultTokens: (a?.toolResultTokens ?? 0) + l.toolResultTokens,
  printedTokens: (a?.printedTokens ?? 0) + l.printedTokens,
  savedTokens: (a?.savedTokens ?? 0) + l.savedTokens,
});

/** Counts tool results per run while it runs (the bridge's onResult hook) and closes the run's ledger when it ends. */
export class ContextLedgerBook {
  readonly file: string;
  /** Per running run: tokens counted so far, and the counting still queued. Only numbers are kept, never results. */
  private readonly pending = new Map<string, { tokens: number; chars: number; counted: Promise<void> }>();

  constructor(
    private readonly dataDir: string,
    private readonly emit?: EventSink,
    /** Counts off this thread (a worker); the engine passes its own and ends it on close. */
    readonly counter: TokenCounter = new TokenCounter(),
  ) {
    this.file = path.join(dataDir, 'ledger.jsonl');
  }

  /**
   * The bridge's onResult hook. Counting happens later, in the token counter's worker, so a large result never delays
   * the reply to the sandbox nor holds the event loop; past RUN_COUNTED_CHARS_MAX a run's results are estimated at the rate counted so far.
   */
  readonly onResult = (call: { runId: string }, data: unknown): void => {
    const run = this.pending.get(call.runId) ?? { tokens: 0, chars: 0, counted: Promise.resolve() };
    run.counted = run.counted.then(async () => {
      const text = resultText(data);
      const tokens = run.chars >= RUN_COUNTED_CHARS_MAX && run.tokens > 0 ? Math.round((run.tokens / run.chars) * text.length) : await this.counter.count(text);
      run.tokens += tokens;
      run.chars += text.length;
    });
    this.pending.set(call.runId, run);
  };

  /**
   * Closes a finished run's ledger: its tool-result tokens against the tokens of what it printed back to the model;
   * records the entry, adds the ledger to the run's summary file and tells the app.
   */
  async finish(run: { id: string; session: string; origin: RunSummary['origin'] }, printed: string, code: string, finishedAt = Date.now()): Promise<LedgerEntry> {
    return this.record(await this.close(run, printed, code, finishedAt));
  }

  /**
   * The numbers of a finished run's ledger, nothing written: the gateway puts them in its answer and records the entry
   * (record) once the answer is sent.
   */
  async close(run: { id: string; session: string; origin: RunSummary['origin'] }, printed: string, code: string, finishedAt = Date.now()): Promise<LedgerEntry> {
    const counting = this.pending.get(run.id);
    await counting?.counted;
    this.pending.delete(run.id);
    const ledger = makeLedger(counting?.tokens ?? 0, await this.counter.count(printed));
    return { runId: run.id, session: run.session, origin: run.origin, day: localDay(finishedAt), finishedAt, skills: skillsImportedBy(code), ledger };
  }

  /** Appends a closed entry to the ledger file, adds it to the run's summary file and tells the app. */
  record(entry: LedgerEntry): LedgerEntry {
    try {
      fs.mkdirSync(this.dataDir, { recursive: true });
      fs.appendFileSync(this.file, JSON.stringify(entry) + '\n');
    } catch (error) {
      // The run is over: a ledger line that cannot be written is reported (the entry says why), not thrown.
      entry.problem = `the context ledger could not be saved: ${describeFsError(error, this.dataDir)}`;
    }
    this.attachToRunSummary(entry.runId, entry.ledger);
    this.emit?.('ledger.updated', { runId: entry.runId, ledger: entry.ledger });
    return entry;
  }

  /**
   * Closes the ledger of a run started outside the gateway (the app, the CLI) when it ends; there, what reaches a
   * person is stdout and stderr. Call right after RunManager.start.
   */
  observe(handle: { id: string; done: Promise<RunResult> }, code: string): Promise<LedgerEntry> {
    return handle.done.then(async (result) => {
      const entry = await this.finish({ id: result.id, session: result.session, origin: result.origin }, result.stdout + result.stderr, code);
      result.ledger = entry.ledger;
      return entry;
    });
  }

  /** Forgets a run that will never be closed. */
  discard(runId: string): void {
    this.pending.delete(runId);
  }

  entries(): LedgerEntry[] {
    let raw: string;
    try {
      raw = fs.readFileSync(this.file, 'utf8');
    } catch {
      // No ledger file yet: nothing was recorded.
      return [];
    }
    const out: LedgerEntry[] = [];
    for (const line of raw.split('\n')) {
      if (!line.trim()) continue;
      try {
        const entry = JSON.parse(line) as LedgerEntry;
        if (ContextLedger.safeParse(entry.ledger).success && typeof entry.day === 'string') out.push(entry);
      } catch {
        // a line cut short by a crash is skipped; the others still count
      }
    }
    return out;
  }

  totals(): LedgerTotals {
    const totals: LedgerTotals = { total: { runs: 0, toolResultTokens: 0, printedTokens: 0, savedTokens: 0 }, byDay: {}, bySkill: {} };
    for (const entry of this.entries()) {
      totals.total = add(totals.total, entry.ledger);
      totals.byDay[entry.day] = add(totals.byDay[entry.day], entry.ledger);
      for (const skill of entry.skills) totals.bySkill[skill] = add(totals.bySkill[skill], entry.ledger);
    }
    return totals;
  }

  /** RunManager wrote the final summary before the run's promise resolved; the ledger is added to that file. */
  private attachToRunSummary(runId: string, ledger: ContextLedger): void {
    const file = path.join(this.dataDir, 'runs', `${runId}.json`);
    try {
      const summary: unknown = JSON.parse(fs.readFileSync(file, 'utf8'));
      if (!RunSummary.safeParse(summary).success) return;
      writeFileAtomic(file, JSON.stringify({ ...(summary as object), ledger }));
    } catch {
      // no summary on disk (a run outside RunManager): the ledger file still has the entry
    }
  }
}
