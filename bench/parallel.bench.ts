// Parallel runs benchmark: N runs through the RunScheduler at parallel limits 1, 2, 4 and 8, on the local sandbox
// (and on E2B too when E2B_API_KEY is set), printing throughput (runs/s) and the wall time per batch. Each run makes
// one tool call through the bridge and then waits 250 ms, as a run waiting on a slow API would.
import { RunManager } from '../electron/engine/sandbox/runs';
import { E2BSandboxBackend } from '../electron/engine/sandbox/e2b-backend';
import { createSandboxFixture } from '../electron/engine/sandbox/test-fixture';
import type { BackendName } from '../shared/types';

const RUNS = Number(process.env.PARALLEL_BENCH_RUNS ?? 24);
const LIMITS = [1, 2, 4, 8];
const CODE = `import { echo } from './servers/everything';\nawait echo({ message: 'ping' });\nawait new Promise((r) => setTimeout(r, 250));\nconsole.log('done');`;

const fixture = await createSandboxFixture();

async function batch(backend: BackendName, limit: number): Promise<void> {
  const runs = new RunManager({
    dataDir: fixture.dataDir,
    apiDir: fixture.apiDir,
    tools: fixture.tools,
    backend,
    parallelRuns: limit,
    limits: { timeoutMs: 300_000 },
    ...(backend === 'e2b' ? { backends: { e2b: new E2BSandboxBackend({ dataDir: fixture.dataDir, settings: () => ({ apiKey: '${env:E2B_API_KEY}', template: process.env.SKILLGRAPH_E2B_TEMPLATE || undefined, idleTimeoutMinutes: 5 }) }) } } : {}),
  });
  try {
    // One session per lane: on E2B a session is one sandbox and runs one at a time, so lanes are what run in parallel.
    const lane = (i: number): string => `bench-${i % limit}`;
    await runs.warmUp('default', ['typescript']);
    // Warm-up batch (sandboxes per lane created, type-checker and bundler loaded), not counted.
    await Promise.all(Array.from({ length: limit }, (_, i) => runs.start({ code: CODE, language: 'typescript', session: lane(i), origin: 'app' }).done));
    const started = performance.now();
    const results = await Promise.all(Array.from({ length: RUNS }, (_, i) => runs.start({ code: CODE, language: 'typescript', session: lane(i), origin: 'app' }).done));
    const seconds = (performance.now() - started) / 1000;
    const failed = results.filter((r) => r.status !== 'succeeded' || r.backend !== backend);
    if (failed.length) throw new Error(`${failed.length} of ${RUNS} runs did not succeed on ${backend}: ${failed[0].status} ${failed[0].stderr.slice(0, 300)} ${failed[0].notice ?? ''}`);
    console.log(`${backend}, ${limit} at once: ${RUNS} runs in ${seconds.toFixed(2)} s = ${(RUNS / seconds).toFixed(2)} runs/s`);
  } finally {
    await runs.dispose();
  }
}

try {
  const backends: BackendName[] = process.env.E2B_API_KEY?.trim() ? ['local', 'e2b'] : ['local'];
  if (backends.length === 1) console.log('E2B_API_KEY is not set: E2B not measured');
  for (const backend of backends) for (const limit of LIMITS) await batch(backend, limit);
} finally {
  await fixture.cleanup();
}
