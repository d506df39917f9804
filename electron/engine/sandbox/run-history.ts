// The run history on disk: `<data>/runs/<id>.json` summaries written by every process sharing a data folder (app, CLI,
// gateway), read without starting a run manager, sandbox or compiler (what `skillgraph runs list` opens).
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { RunSummary } from '../../../shared/types';

/** Beside a run's summary: its tool calls and diagnostics, read only when the run is opened. */
export const RUN_DETAILS_SUFFIX = '.calls.json';

/** Where a data folder keeps its runs. */
export function runsDirOf(dataDir: string): string {
  return path.join(dataDir, 'runs');
}

/** Summaries of the runs recorded in `runsDir`, newest first; none when the folder does not exist yet. */
export function listRunSummaries(runsDir: string): RunSummary[] {
  let names: string[];
  try {
    names = readdirSync(runsDir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const summaries: RunSummary[] = [];
  for (const name of names) {
    if (!name.endsWith('.json') || name.endsWith(RUN_DETAILS_SUFFIX)) continue;
    try {
      summaries.push(RunSummary.parse(JSON.parse(readFileSync(path.join(runsDir, name), 'utf8'))));
    } catch {
      // a half-written or foreign file is not a run
    }
  }
  return summaries.sort((a, b) => b.startedAt - a.startedAt);
}
