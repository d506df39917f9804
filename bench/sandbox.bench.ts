// Sandbox benchmark: first output of a hello-world run once the sandbox is initialised (request -> first stdout chunk,
// p50/p95 over 25 runs each for ts/js/python, with a ready runner and, separately, back to back), bridge overhead per
// call (1,000 sequential calls through the sandbox vs the same calls made directly with the SDK), and 20 MB results
// through the bridge into sandboxed code (server-filesystem and a small SDK server, bench/servers/blob-server.ts).
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { McpPool, generateApiTree } from '../electron/engine/mcp';
import { RunManager } from '../electron/engine/sandbox/runs';
import { createSandboxFixture, EVERYTHING_SERVER, poolToolCaller } from '../electron/engine/sandbox/test-fixture';

type Language = 'javascript' | 'typescript' | 'python';
const SAMPLES = 25;
const HELLO: Record<Language, string> = {
  javascript: `console.log('hello world')`,
  typescript: `const greeting: string = 'hello world';\nconsole.log(greeting);`,
  python: `print('hello world')`,
};

const fixture = await createSandboxFixture();
const runs = new RunManager({ dataDir: fixture.dataDir, apiDir: fixture.apiDir, tools: fixture.tools, backend: 'local', limits: { timeoutMs: 120_000, outputCapBytes: 64 * 1024 * 1024 } });

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

async function firstOutputMs(language: Language, code: string): Promise<number> {
  const started = performance.now();
  const handle = runs.start({ code, language, origin: 'app' });
  const first = await new Promise<number>((resolve) => handle.once('stdout', () => resolve(performance.now() - started)));
  const result = await handle.done;
  if (result.status !== 'succeeded') throw new Error(`hello world failed: ${result.stderr}`);
  return first;
}

function report(label: string, samples: Record<Language, number[]>): void {
  const figures = (['typescript', 'javascript', 'python'] as const).map(
    (language) => `${language === 'typescript' ? 'ts (type-checked)' : language === 'javascript' ? 'js' : 'python'} p50 ${percentile(samples[language], 50).toFixed(1)} / p95 ${percentile(samples[language], 95).toFixed(1)} ms`,
  );
  console.log(`first output of hello world, ${label} (${SAMPLES} runs each): ${figures.join(', ')}  [target <= 150 ms]`);
}

try {
  const ALL: Language[] = ['typescript', 'javascript', 'python'];
  await runs.warmUp('default', ALL);
  for (const language of ALL) await firstOutputMs(language, HELLO[language]);
  // A ready runner: the time a person (or agent) takes between runs is enough for the spare to be up again.
  const ready: Record<Language, number[]> = { javascript: [], typescript: [], python: [] };
  for (let i = 0; i < SAMPLES; i++) {
    for (const language of ALL) {
      await runs.warmUp('default', ALL);
      ready[language].push(await firstOutputMs(language, HELLO[language]));
    }
  }
  report('runner ready', ready);
  // Back to back, ts/js/python interleaved: a run may find its spare still starting (ts and js share the node spare).
  const backToBack: Record<Language, number[]> = { javascript: [], typescript: [], python: [] };
  for (let i = 0; i < SAMPLES; i++) for (const language of ALL) backToBack[language].push(await firstOutputMs(language, HELLO[language]));
  report('back to back', backToBack);

  // Bridge overhead: the same 1,000 sequential get-sum calls, direct with the SDK vs from sandboxed code.
  const CALLS = 1000;
  const client = new Client({ name: 'bench', version: '1.0.0' });
  await client.connect(new StdioClientTransport({ command: process.execPath, args: [EVERYTHING_SERVER, 'stdio'] }));
  for (let i = 0; i < 50; i++) await client.callTool({ name: 'get-sum', arguments: { a: i, b: 1 } });
  const started = performance.now();
  for (let i = 0; i < CALLS; i++) await client.callTool({ name: 'get-sum', arguments: { a: i, b: 1 } });
  const directMs = performance.now() - started;
  await client.close();

  const loop = (n: number) => `import { getSum } from './servers/everything';\nconst t0 = performance.now();\nfor (let i = 0; i < ${n}; i++) await getSum({ a: i, b: 1 });\nconsole.log(JSON.stringify({ ms: performance.now() - t0 }));`;
  await runs.start({ code: loop(50), language: 'typescript', origin: 'app' }).done;
  const bridged = await runs.start({ code: loop(CALLS), language: 'typescript', origin: 'app' }).done;
  if (bridged.status !== 'succeeded') throw new Error(bridged.stderr);
  const bridgedMs = (JSON.parse(bridged.stdout) as { ms: number }).ms;
  console.log(
    `bridge, ${CALLS} sequential get-sum calls: direct SDK ${(directMs / CALLS).toFixed(3)} ms/call, through sandbox ${(bridgedMs / CALLS).toFixed(3)} ms/call, added ${((bridgedMs - directMs) / CALLS).toFixed(3)} ms/call  [target < 2 ms]`,
  );

  // Large tool results. server-everything's echo cannot carry 20 MB: the request itself is over the 10 MB its SDK
  // stdio transport accepts (server side). Results are measured where the server sends 20 MB back.
  const csvRows = 290_000;
  const csv = path.join(fixture.sharedDir, 'orders.csv');
  writeFileSync(csv, Array.from({ length: csvRows }, (_, id) => `${id},${['EMEA', 'NA', 'APAC', 'LATAM'][id % 4]},${(id * 7919) % 10_000},order ${id} shipped in good order and on time, thank you`).join('\n') + '\n');
  const filesystemRun = await runs.start({
    code: `import { readTextFile } from './servers/filesystem';\nconst t0 = performance.now();\nconst { content } = (await readTextFile({ path: ${JSON.stringify(csv)} })) as { content: string };\nconst ms = performance.now() - t0;\nconst emea = content.trim().split('\\n').filter((line) => line.split(',')[1] === 'EMEA');\nconsole.log(JSON.stringify({ ms, bytes: content.length, emea: emea.length }));`,
    language: 'typescript',
    origin: 'app',
  }).done;
  if (filesystemRun.status !== 'succeeded') throw new Error(filesystemRun.stderr);
  const fsSummary = JSON.parse(filesystemRun.stdout) as { ms: number; bytes: number; emea: number };
  console.log(
    `server-filesystem read_text_file ${(fsSummary.bytes / 1024 / 1024).toFixed(1)} MB into sandboxed TS: ${fsSummary.ms.toFixed(0)} ms call (${(fsSummary.bytes / 1024 / 1024 / (fsSummary.ms / 1000)).toFixed(1)} MB/s), of which the MCP call on the host ${filesystemRun.toolCalls[0].durationMs?.toFixed(0)} ms; run total ${filesystemRun.durationMs} ms`,
  );

  // blob-server: a real SDK McpServer answering with N MB of JSON rows, filtered in the sandbox.
  const blobDataDir = path.join(fixture.dataDir, 'blob');
  const blobApiDir = path.join(blobDataDir, 'api');
  mkdirSync(path.join(blobApiDir, 'skills'), { recursive: true });
  const blobServer = path.join(path.dirname(fileURLToPath(import.meta.url)), 'servers/blob-server.ts');
  const blobPool = new McpPool({ configs: { blob: { command: process.execPath, args: ['--import', 'tsx', blobServer] } } });
  const blobRuns = new RunManager({ dataDir: blobDataDir, apiDir: blobApiDir, tools: poolToolCaller(blobPool), backend: 'local', limits: { timeoutMs: 120_000 } });
  try {
    await generateApiTree(blobApiDir, new Map([['blob', await blobPool.listTools('blob')]]));
    const direct = performance.now();
    await blobPool.callTool('blob', 'rows', { megabytes: 20 });
    console.log(`blob-server 20 MB rows through McpPool alone (no sandbox): ${(performance.now() - direct).toFixed(0)} ms`);
    const code: Record<'typescript' | 'python', string> = {
      typescript: `import { rows } from './servers/blob';\nconst t0 = performance.now();\nconst data = (await rows({ megabytes: 20 })) as Array<{ region: string; amount: number }>;\nconst ms = performance.now() - t0;\nconst emea = data.filter((row) => row.region === 'EMEA');\nconsole.log(JSON.stringify({ ms, rows: data.length, emea: emea.length, total: emea.reduce((sum, row) => sum + row.amount, 0) }));`,
      python: `import json, time\nfrom servers.blob.rows import rows\nt0 = time.perf_counter()\ndata = await rows({"megabytes": 20})\nms = (time.perf_counter() - t0) * 1000\nemea = [row for row in data if row["region"] == "EMEA"]\nprint(json.dumps({"ms": ms, "rows": len(data), "emea": len(emea), "total": sum(row["amount"] for row in emea)}))`,
    };
    await blobRuns.warmUp('default', ['typescript', 'python']);
    for (const language of ['typescript', 'python'] as const) {
      const times: number[] = [];
      let last: { rows: number; emea: number; total: number } | undefined;
      let hostMs = 0;
      for (let i = 0; i < 3; i++) {
        const result = await blobRuns.start({ code: code[language], language, origin: 'app' }).done;
        if (result.status !== 'succeeded') throw new Error(result.stderr);
        const summary = JSON.parse(result.stdout) as { ms: number; rows: number; emea: number; total: number };
        times.push(summary.ms);
        hostMs = result.toolCalls[0].durationMs ?? 0;
        last = summary;
      }
      const ms = percentile(times, 50);
      console.log(
        `blob-server 20 MB of JSON rows into sandboxed ${language} (median of 3): ${ms.toFixed(0)} ms call = ${(20 / (ms / 1000)).toFixed(1)} MB/s (MCP call on the host ${hostMs.toFixed(0)} ms); filtered ${last!.rows} rows to ${last!.emea} EMEA, total ${last!.total}`,
      );
    }
  } finally {
    await blobRuns.dispose();
    await blobPool.close();
  }
} finally {
  await runs.dispose();
  await fixture.cleanup();
}
