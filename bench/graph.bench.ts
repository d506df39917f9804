// Graph engine benchmark: cold scan + parse of a generated 10,000-page graph (pages/s), and watcher
// latency from a file write to its GraphEvent (p50/p95 over 200 writes). Prints figures only.
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { Graph } from '../electron/engine/graph/graph';

const PAGE_COUNT = Number(process.env.GRAPH_BENCH_PAGES ?? 10_000);
const WRITES = Number(process.env.GRAPH_BENCH_WRITES ?? 200);

function pageText(i: number): string {
  const lines = [`type:: ${i % 3 === 0 ? 'skill' : 'note'}`, `tags:: bench, group-${i % 50}, [[topic ${i % 7}]]`, `description:: page ${i}, generated for the benchmark`, ''];
  for (let b = 0; b < 8; b++) {
    lines.push(`- ${b % 4 === 0 ? 'TODO ' : ''}Block ${b} of page ${i} links [[Page ${(i * 7 + b) % PAGE_COUNT}]] and #tag${b}`);
    lines.push(`  id:: 6500${String(i).padStart(4, '0')}-0000-4000-8000-${String(b).padStart(12, '0')}`);
    lines.push(`\t- child with \`inline code\` and ((6500${String(i).padStart(4, '0')}-0000-4000-8000-000000000000))`);
    if (b === 3) lines.push('\t  ```ts', '\t  - not a block', '\t  export const x = 1;', '\t  ```');
  }
  return lines.join('\n') + '\n';
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

async function main(): Promise<void> {
  const root = await fs.mkdtemp(path.join(os.tmpdir(), 'graph-bench-'));
  try {
    await fs.mkdir(path.join(root, 'logseq'), { recursive: true });
    await fs.mkdir(path.join(root, 'pages'), { recursive: true });
    await fs.mkdir(path.join(root, 'journals'), { recursive: true });
    await fs.writeFile(path.join(root, 'logseq', 'config.edn'), '{:file/name-format :triple-lowbar}');
    const journalCount = Math.floor(PAGE_COUNT / 10);
    const start = new Date(2020, 0, 1);
    const writes: Promise<void>[] = [];
    for (let i = 0; i < PAGE_COUNT; i++) {
      if (i < journalCount) {
        const d = new Date(start.getTime() + i * 86_400_000);
        const name = `${d.getFullYear()}_${String(d.getMonth() + 1).padStart(2, '0')}_${String(d.getDate()).padStart(2, '0')}.md`;
        writes.push(fs.writeFile(path.join(root, 'journals', name), pageText(i)));
      } else {
        writes.push(fs.writeFile(path.join(root, 'pages', `Bench___Page ${i}.md`), pageText(i)));
      }
      if (writes.length >= 256) await Promise.all(writes.splice(0));
    }
    await Promise.all(writes);
    const bytes = (await fs.readdir(path.join(root, 'pages'))).length;

    const t0 = performance.now();
    const graph = await Graph.open(root, { stabilityThresholdMs: 50, pollIntervalMs: 10 });
    const scanMs = performance.now() - t0;
    const pages = graph.pages().length;
    const blocks = graph.pages().reduce((n, p) => n + p.blocks.length, 0);
    console.log(`graph: cold scan of ${pages} pages (${blocks} blocks, ${bytes} page files + ${journalCount} journals) in ${scanMs.toFixed(0)} ms = ${Math.round(pages / (scanMs / 1000))} pages/s (target >= 2000)`);

    const waiting = new Map<string, (t: number) => void>();
    graph.watch((event) => {
      const key = event.type === 'removed' ? event.path : event.page.path;
      const resolve = waiting.get(key);
      if (resolve) {
        waiting.delete(key);
        resolve(performance.now());
      }
    });
    const readyStart = performance.now();
    await graph.whenWatching();
    console.log(`graph: watcher ready over ${pages} pages in ${(performance.now() - readyStart).toFixed(0)} ms`);

    const latencies: number[] = [];
    for (let w = 0; w < WRITES; w++) {
      const i = journalCount + ((w * 37) % (PAGE_COUNT - journalCount));
      const rel = `pages/Bench___Page ${i}.md`;
      const seen = new Promise<number>((resolve, reject) => {
        waiting.set(rel, resolve);
        setTimeout(() => reject(new Error(`no event for ${rel} within 5 s`)), 5000);
      });
      const written = performance.now();
      await fs.writeFile(path.join(root, rel), pageText(i) + `- edit ${w}\n`);
      latencies.push((await seen) - written);
    }
    latencies.sort((a, b) => a - b);
    console.log(`graph: watcher latency write -> event over ${WRITES} writes: p50 ${percentile(latencies, 50).toFixed(1)} ms, p95 ${percentile(latencies, 95).toFixed(1)} ms, max ${latencies[latencies.length - 1].toFixed(1)} ms (target p95 < 200)`);
    await graph.close();
  } finally {
    await fs.rm(root, { recursive: true, force: true });
  }
}

void main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
