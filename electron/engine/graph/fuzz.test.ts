// The graph fuzz at CI size: the engine, watching as the app does, changes skills (each journaled) while a
// separate editor process saves the same pages and journals the three ways editors do, at random moments.
// No edit of the editor is lost, no change the engine reported done is lost (a refusal is a typed error),
// no skill-id is listed twice, and the live index equals one rebuilt from the final files.
import { describe, expect, it } from 'vitest';
import { runGraphFuzz } from './fuzz/harness';

const OPERATIONS = Number(process.env.GRAPH_FUZZ_OPERATIONS ?? 120);

describe('graph fuzz: the engine and an editor process writing the same files', () => {
  it(`loses nothing over ${OPERATIONS} engine operations against an editor saving all the while`, async () => {
    const report = await runGraphFuzz({ operations: OPERATIONS, seed: Number(process.env.GRAPH_FUZZ_SEED ?? 12), maxEditorPauseMs: process.env.GRAPH_FUZZ_PAUSE_MS ? Number(process.env.GRAPH_FUZZ_PAUSE_MS) : undefined });
    console.log(`graph fuzz: ${report.operations} operations (${report.succeeded} done, refused ${JSON.stringify(report.refusals)}), ${report.edits} editor saves ${JSON.stringify(report.editsByStyle)}, ${report.durationMs} ms`);
    console.log(`slow editor saves: ${report.slowEditorSaves.join('; ')}`);
    expect(report.untypedFailures).toEqual([]);
    expect(report.lostEdits).toEqual([]);
    expect(report.lostEngineChanges).toEqual([]);
    expect(report.duplicateSkillIds).toEqual([]);
    expect(report.indexDifferences).toEqual([]);
    // The editor really raced the engine in every style, and most operations went through.
    for (const style of ['overwrite', 'temp-rename', 'two-halves']) expect(report.editsByStyle[style] ?? 0).toBeGreaterThan(10);
    expect(report.succeeded).toBeGreaterThan(report.operations / 2);
  }, 180_000);
});
