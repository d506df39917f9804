// Run records under <data>/runs/: one summary per run (<id>.json, rewritten as its status moves), and once a run ends
// its tool calls and diagnostics (<id>.calls.json), so other processes sharing the data folder can list and show runs.
// Listing alone, without this module's writers, is run-history.ts (what `skillgraph runs list` loads).
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { RunSummary, ToolCallEvent, TypeDiagnostic } from '../../../shared/types';
import { writeFileAtomic } from '../atomic-write';
import { DiskFullError, isDiskFull } from './disk';
import { RUN_DETAILS_SUFFIX as DETAILS_SUFFIX, listRunSummaries } from './run-history';

/** What a finished run leaves beside its summary: the full tool-call list and the type-check diagnostics. */
export const RunDetails = z.object({ toolCalls: z.array(ToolCallEvent), diagnostics: z.array(TypeDiagnostic), code: z.string().optional() });
export type RunDetails = z.infer<typeof RunDetails>;

const RUN_ID = /^[\w-]+$/;

export class RunRecords {
  constructor(readonly runsDir: string) {}

  logPath(id: string): string {
    return path.join(this.runsDir, `${id}.log`);
  }

  /** Summaries of every recorded run, newest first; half-written and foreign files are skipped. */
  list(): RunSummary[] {
    return listRunSummaries(this.runsDir);
  }

  summary(id: string): RunSummary | undefined {
    if (!RUN_ID.test(id)) return undefined;
    try {
      return RunSummary.parse(JSON.parse(readFileSync(this.summaryPath(id), 'utf8')));
    } catch {
      return undefined; // unknown, or not readable as a run
    }
  }

  details(id: string): RunDetails | undefined {
    if (!RUN_ID.test(id)) return undefined;
    try {
      return RunDetails.parse(JSON.parse(readFileSync(path.join(this.runsDir, `${id}${DETAILS_SUFFIX}`), 'utf8')));
    } catch {
      return undefined; // the run ended before details were kept, or is unknown
    }
  }

  /**
   * Writes a run's summary in place, not atomically: on a full disk truncating and rewriting a small file still fits
   * where a new one does not. Throws DiskFullError when even that fails for lack of room.
   */
  writeSummary(value: RunSummary): void {
    try {
      writeFileSync(this.summaryPath(value.id), JSON.stringify(value));
    } catch (error) {
      throw isDiskFull(error) ? new DiskFullError(this.runsDir) : error;
    }
  }

  /** A summary that cannot be brought up to date would say "running" for ever: without room for it, none is kept. */
  removeSummary(id: string): void {
    rmSync(this.summaryPath(id), { force: true });
  }

  /** Written before the final summary: a process that sees the run end (it watches the summaries) finds them there. */
  writeDetails(id: string, details: RunDetails): void {
    writeFileAtomic(path.join(this.runsDir, `${id}${DETAILS_SUFFIX}`), JSON.stringify(details));
  }

  private summaryPath(id: string): string {
    return path.join(this.runsDir, `${id}.json`);
  }
}
