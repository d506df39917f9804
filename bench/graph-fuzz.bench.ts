// Graph safety under a racing editor, at a larger size than the unit test: the watching engine changes skills
// while a separate editor process saves the same files three ways (graph/fuzz/harness.ts). Prints operations,
// editor saves, losses, refusals and index differences for each run; exits non-zero if anything was lost.
// GRAPH_FUZZ_OPERATIONS (default 600) and GRAPH_FUZZ_RUNS (default 3) size it.
import { runGraphFuzz } from '../electron/engine/graph/fuzz/harness';

const OPERATIONS = Number(process.env.GRAPH_FUZZ_OPERATIONS ?? 600);
const RUNS = Number(process.env.GRAPH_FUZZ_RUNS ?? 3);

async function main(): Promise<void> {
  let failures = 0;
  const totals = { operations: 0, edits: 0, lost: 0, refused: 0 };
  for (let run = 1; run <= RUNS; run++) {
    const report = await runGraphFuzz({ operations: OPERATIONS, seed: 1000 + run });
    const refused = Object.values(report.refusals).reduce((a, b) => a + b, 0);
    const lost = report.lostEdits.length + report.lostEngineChanges.length + report.untypedFailures.length + report.duplicateSkillIds.length + report.indexDifferences.length;
    totals.operations += report.operations;
    totals.edits += report.edits;
    totals.lost += lost;
    totals.refused += refused;
    console.log(
      `graph-fuzz run ${run}: ${report.operations} engine operations (${report.succeeded} done, ${refused} refused ${JSON.stringify(report.refusals)}), ` +
        `${report.edits} editor saves ${JSON.stringify(report.editsByStyle)}; lost editor edits ${report.lostEdits.length}, lost engine changes ${report.lostEngineChanges.length}, ` +
        `untyped failures ${report.untypedFailures.length}, duplicate skill-ids ${report.duplicateSkillIds.length}, index differences ${report.indexDifferences.length}; ` +
        `pages sharing a skill-id on disk ${report.sharedSkillIdPages}, deleted skills saved back by the editor ${report.resurrected}, editor saves slower than the settle time ${report.slowEditorSaves.length}; ${(report.durationMs / 1000).toFixed(1)} s`,
    );
    for (const line of [...report.lostEdits.map((edit) => `lost edit ${JSON.stringify(edit)}`), ...report.lostEngineChanges, ...report.untypedFailures, ...report.duplicateSkillIds, ...report.indexDifferences.slice(0, 10)]) {
      console.log(`  ${line}`);
    }
    if (lost) failures++;
  }
  console.log(`graph-fuzz: ${RUNS} runs, ${totals.operations} engine operations, ${totals.edits} editor saves, ${totals.lost} losses, ${totals.refused} refusals (target: 0 losses every run)`);
  if (failures) process.exitCode = 1;
}

void main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
