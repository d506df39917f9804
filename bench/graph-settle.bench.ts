// What the settle wait costs search freshness: a page saved on disk, until search finds the word it added, with
// the graph watching and the index fed by the watcher as the app runs them. Measured with the default 50 ms
// settle time (a file must be quiet that long before it is read) and with none, so the difference is its cost.
// GRAPH_SETTLE_EDITS (default 100) edits per setting. Prints figures only.
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { Graph } from '../electron/engine/graph/graph';
import { DEFAULT_SETTLE } from '../electron/engine/graph/disk';
import { IndexFeeder } from '../electron/engine/index/feeder';
import { SearchIndex } from '../electron/engine/index/search-index';

const EDITS = Number(process.env.GRAPH_SETTLE_EDITS ?? 100);
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

/** Milliseconds from each save to the first search that finds it, sorted. */
async function freshness(settleMs: number): Promise<number[]> {
  const root = await fs.mkdtemp(path.join(os.tmpdir(), 'graph-settle-'));
  const data = await fs.mkdtemp(path.join(os.tmpdir(), 'graph-settle-index-'));
  try {
    await fs.mkdir(path.join(root, 'logseq'), { recursive: true });
    await fs.mkdir(path.join(root, 'pages'), { recursive: true });
    await fs.writeFile(path.join(root, 'logseq', 'config.edn'), '{:file/name-format :triple-lowbar}');
    for (let i = 0; i < 200; i++) await fs.writeFile(path.join(root, 'pages', `Note ${i}.md`), `- note ${i} about gardens and invoices\n`);
    const graph = await Graph.open(root, { settleMs });
    const index = SearchIndex.open(path.join(data, 'index.sqlite'));
    const feeder = new IndexFeeder(index, graph);
    await feeder.start();
    await graph.whenWatching();
    const latencies: number[] = [];
    for (let edit = 0; edit < EDITS; edit++) {
      const word = `fresh${edit}x${Math.floor(Math.random() * 1e6)}`;
      const file = path.join(root, 'pages', `Note ${edit % 200}.md`);
      const saved = performance.now();
      await fs.writeFile(file, `- note ${edit} mentions ${word}\n`);
      while (index.search(word).hits.length === 0) {
        if (performance.now() - saved > 5000) throw new Error(`search did not find ${word} within 5 s`);
        await sleep(1);
      }
      latencies.push(performance.now() - saved);
    }
    await feeder.stop();
    index.close();
    await graph.close();
    return latencies.sort((a, b) => a - b);
  } finally {
    await fs.rm(root, { recursive: true, force: true });
    await fs.rm(data, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const settled = await freshness(DEFAULT_SETTLE.settleMs);
  const unsettled = await freshness(0);
  const line = (label: string, values: number[]) =>
    `graph-settle: save -> found by search over ${values.length} edits, ${label}: p50 ${percentile(values, 50).toFixed(1)} ms, p95 ${percentile(values, 95).toFixed(1)} ms, max ${values[values.length - 1].toFixed(1)} ms`;
  console.log(line(`settle ${DEFAULT_SETTLE.settleMs} ms (default)`, settled));
  console.log(line('settle 0 ms (no wait)', unsettled));
  // The watcher already waits for a file to stop growing (chokidar awaitWriteFinish, 50 ms) before it reports it,
  // so by the time the graph reads it the settle check usually passes at once.
  console.log(`graph-settle: the settle wait costs p50 ${(percentile(settled, 50) - percentile(unsettled, 50)).toFixed(1)} ms, p95 ${(percentile(settled, 95) - percentile(unsettled, 95)).toFixed(1)} ms of freshness`);
}

void main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
