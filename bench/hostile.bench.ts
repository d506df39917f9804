// Host cost of hostile output (issue #13): for a 400 KB and a 50 MB line without spaces printed by a run, a 50 MB
// no-space tool result counted by the context ledger, and a 1 GB newline-less flood of the bridge descriptor, prints
// the host's time (start to ledger closed), the longest the event loop was held, and the host's peak memory.
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { ContextLedgerBook } from '../electron/engine/gateway/ledger';
import { RunManager } from '../electron/engine/sandbox/runs';
import { createSandboxFixture } from '../electron/engine/sandbox/test-fixture';

const fixture = await createSandboxFixture();
const ledger = new ContextLedgerBook(fixture.dataDir);
const runs = new RunManager({ dataDir: fixture.dataDir, apiDir: fixture.apiDir, tools: fixture.tools, backend: 'local', onResult: ledger.onResult, limits: { timeoutMs: 120_000 } });
await runs.warmUp('default', ['javascript']);

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;

/** Runs `work`, sampling RSS every 10 ms (and the event loop's longest stall), and prints one line. */
async function measure(label: string, work: () => Promise<string>): Promise<void> {
  const before = process.memoryUsage().rss;
  let peak = before;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 10);
  const stalls = monitorEventLoopDelay({ resolution: 10 });
  stalls.enable();
  const started = performance.now();
  const outcome = await work();
  const ms = performance.now() - started;
  stalls.disable();
  clearInterval(sampler);
  peak = Math.max(peak, process.memoryUsage().rss);
  console.log(
    `${label.padEnd(44)} host ${(ms / 1000).toFixed(2).padStart(6)} s   longest event-loop stall ${(stalls.max / 1e6).toFixed(0).padStart(5)} ms   RSS ${mb(before)} -> peak ${mb(peak)} (+${mb(peak - before)})   ${outcome}`,
  );
}

async function printed(bytes: number): Promise<string> {
  // Written in 1 MB pieces with no newline and no space: one line of `bytes`, in random letters (no cache helps).
  const code = `const letters = 'abcdefghijklmnopqrstuvwxyz';\nlet piece = '';\nfor (let i = 0; i < 1024 * 1024; i++) piece += letters[(i * 7919 + (i >> 7)) % 26];\nfor (let left = ${bytes}; left > 0; left -= piece.length) process.stdout.write(left >= piece.length ? piece : piece.slice(0, left));`;
  const handle = runs.start({ code, language: 'javascript', origin: 'cli' });
  const entry = await ledger.observe(handle, code);
  const result = await handle.done;
  return `${result.status}, ${entry.ledger.printedTokens} printed tokens counted`;
}

console.log('hostile output, host side (local sandbox, 2 cores shared)');
await measure('print a 400 KB line without spaces', () => printed(400 * 1024));
await measure('print a 50 MB line without spaces', () => printed(50 * 1024 * 1024));
// Made before measuring: the text itself (50 MB) is the caller's memory, not the ledger's.
const bytes = Buffer.alloc(50 * 1024 * 1024);
for (let i = 0; i < bytes.length; i++) bytes[i] = 97 + ((i * 7919 + (i >> 9)) % 26);
const text = bytes.toString('latin1');
await measure('count a 50 MB no-space tool result (ledger)', async () => {
  ledger.onResult({ runId: 'bench-result' }, text);
  const entry = await ledger.finish({ id: 'bench-result', session: 'bench', origin: 'gateway' }, 'done', '');
  return `${entry.ledger.toolResultTokens} tool-result tokens`;
});
await measure('flood the bridge with 1 GB without newline', async () => {
  const code = `import fs from 'node:fs';\nconst chunk = Buffer.alloc(16 * 1024 * 1024, 97);\nfor (let i = 0; i < 64; i++) fs.writeSync(Number(process.env.SKILLGRAPH_BRIDGE_FD), chunk);`;
  const result = await runs.start({ code, language: 'javascript', origin: 'cli' }).done;
  return `${result.status}: ${result.notice ?? ''}`;
});

await runs.dispose();
await fixture.cleanup();
