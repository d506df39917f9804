// Sandbox benchmark: first output of a hello-world run once the sandbox is initialised, bridge overhead per call
// (1,000 sequential calls through the sandbox vs the same calls made directly with the SDK), 20 MB result throughput.
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { RunManager } from '../electron/engine/sandbox/runs';
import { createSandboxFixture, EVERYTHING_SERVER } from '../electron/engine/sandbox/test-fixture';

const fixture = await createSandboxFixture();
const runs = new RunManager({ dataDir: fixture.dataDir, apiDir: fixture.apiDir, tools: fixture.tools, backend: 'local', limits: { timeoutMs: 120_000, outputCapBytes: 64 * 1024 * 1024 } });

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

async function firstOutputMs(language: 'javascript' | 'typescript' | 'python', code: string): Promise<number> {
  const started = performance.now();
  const handle = runs.start({ code, language, origin: 'app' });
  const first = await new Promise<number>((resolve) => handle.once('stdout', () => resolve(performance.now() - started)));
  const result = await handle.done;
  if (result.status !== 'succeeded') throw new Error(`hello world failed: ${result.stderr}`);
  return first;
}

try {
  await runs.warmUp('default', ['typescript', 'python']);
  await firstOutputMs('javascript', `console.log('warm')`);
  await firstOutputMs('typescript', `console.log('warm')`);
  await firstOutputMs('python', `print('warm')`);
  const samples = { javascript: [] as number[], typescript: [] as number[], python: [] as number[] };
  for (let i = 0; i < 10; i++) {
    samples.javascript.push(await firstOutputMs('javascript', `console.log('hello world')`));
    samples.typescript.push(await firstOutputMs('typescript', `const greeting: string = 'hello world';\nconsole.log(greeting);`));
    samples.python.push(await firstOutputMs('python', `print('hello world')`));
  }
  console.log(`first output of hello world (median of 10, warm runner): js ${median(samples.javascript).toFixed(1)} ms, ts (type-checked) ${median(samples.typescript).toFixed(1)} ms, python ${median(samples.python).toFixed(1)} ms  [target <= 150 ms]`);

  // Bridge overhead: the same 1,000 sequential get-sum calls, direct with the SDK vs from sandboxed code.
  const CALLS = 1000;
  const client = new Client({ name: 'bench', version: '1.0.0' });
  await client.connect(new StdioClientTransport({ command: process.execPath, args: [EVERYTHING_SERVER, 'stdio'] }));
  for (let i = 0; i < 50; i++) await client.callTool({ name: 'get-sum', arguments: { a: i, b: 1 } });
  let started = performance.now();
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

  // Large tool results: echo sends the payload both ways through the bridge. server-everything and server-filesystem
  // drop their stdio connection on a 20 MB message (also with the SDK alone, no sandbox), so 5 MB is measured first.
  for (const megabytes of [5, 20]) {
    const big = await runs.start({
      code: `import { echo } from './servers/everything';\nconst message = 'q'.repeat(${megabytes * 1024 * 1024});\nconst t0 = performance.now();\nconst reply = await echo({ message });\nconsole.log(JSON.stringify({ ms: performance.now() - t0, length: JSON.stringify(reply).length }));`,
      language: 'typescript',
      origin: 'app',
    }).done;
    if (big.status !== 'succeeded') {
      console.log(`${megabytes} MB result: failed at the MCP server, not the bridge: ${big.toolCalls[0]?.error?.split('\n')[0].slice(0, 120)}`);
      continue;
    }
    const { ms, length } = JSON.parse(big.stdout) as { ms: number; length: number };
    const call = big.toolCalls[0];
    console.log(
      `${megabytes} MB result: round trip ${ms.toFixed(0)} ms (${(length / 1024 / 1024).toFixed(1)} MB, ${(length / 1024 / 1024 / (ms / 1000)).toFixed(0)} MB/s end to end), of which the MCP call on the host ${call.durationMs?.toFixed(0)} ms; bridge bytes out ${call.bytesOut}`,
    );
  }
} finally {
  await runs.dispose();
  await fixture.cleanup();
}
