// Runs end to end on the local sandbox: TypeScript and Python scripts calling the real server-everything and
// server-filesystem through the generated API, live streaming, type errors, workspaces, output caps, history.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ToolCallEvent } from '../../../shared/types';
import { RunManager } from './runs';
import { RunRecords } from './run-records';
import { createSandboxFixture, type SandboxFixture } from './test-fixture';

let fixture: SandboxFixture;
let runs: RunManager;

beforeAll(async () => {
  fixture = await createSandboxFixture();
  runs = new RunManager({ dataDir: fixture.dataDir, apiDir: fixture.apiDir, tools: fixture.tools, backend: 'local', limits: { timeoutMs: 30_000 } });
});

afterAll(async () => {
  await runs?.dispose();
  await fixture?.cleanup();
});

describe('RunManager on the local sandbox', () => {
  it('runs TypeScript that calls server-everything and server-filesystem through the generated API, streaming output', async () => {
    writeFileSync(path.join(fixture.sharedDir, 'notes.txt'), 'first line\nsecond line\n');
    const code = `
import { echo, getSum } from './servers/everything';
import { readTextFile } from './servers/filesystem';
const echoed = await echo({ message: 'hello from the sandbox' });
console.log('echo:', JSON.stringify(echoed));
const [sum, file] = await Promise.all([getSum({ a: 2, b: 40 }), readTextFile({ path: ${JSON.stringify(path.join(fixture.sharedDir, 'notes.txt'))} })]);
console.log('sum:', JSON.stringify(sum));
console.log('file:', JSON.stringify(file));
`;
    const handle = runs.start({ code, language: 'typescript', origin: 'app' });
    const live: string[] = [];
    const calls: ToolCallEvent[] = [];
    handle.on('stdout', (chunk) => live.push(chunk));
    handle.on('toolCall', (event) => calls.push(event));
    const result = await handle.done;
    expect(result.stderr).toBe('');
    expect(result.status).toBe('succeeded');
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain('hello from the sandbox');
    expect(result.stdout).toMatch(/sum: .*42/);
    expect(result.stdout).toContain('second line');
    expect(live.join('')).toBe(result.stdout);
    expect(result.toolCalls.map((c) => `${c.server}/${c.tool}`).sort()).toEqual(['everything/echo', 'everything/get-sum', 'filesystem/read_text_file']);
    for (const call of result.toolCalls) {
      expect(call.ok).toBe(true);
      expect(call.bytesIn).toBeGreaterThan(0);
      expect(call.bytesOut).toBeGreaterThan(0);
      expect(call.durationMs).toBeGreaterThanOrEqual(0);
    }
    // each call is reported when it starts and again when it ends
    expect(calls.filter((c) => c.ok === undefined)).toHaveLength(3);
    expect(readFileSync(result.logPath, 'utf8')).toBe(result.stdout);
  });

  it('runs Python with top-level await through the generated Python API', async () => {
    const code = `
import asyncio
from servers.everything.echo import echo
from servers.everything.get_sum import get_sum
from servers.filesystem.list_allowed_directories import list_allowed_directories

print("echo:", await echo({"message": "hi from python"}))
sums = await asyncio.gather(*(get_sum({"a": i, "b": 1}) for i in range(5)))
print("sums:", sums)
print("dirs:", await list_allowed_directories())
`;
    const result = await runs.start({ code, language: 'python', origin: 'cli' }).done;
    expect(result.stderr).toBe('');
    expect(result.status).toBe('succeeded');
    expect(result.stdout).toContain('hi from python');
    expect(result.stdout).toMatch(/sums: .*/);
    expect(result.stdout).toContain(fixture.sharedDir);
    expect(result.toolCalls).toHaveLength(7);
  });

  it('reports a failing tool call as McpToolError in the sandbox with the server message', async () => {
    const code = `
import { readTextFile } from './servers/filesystem';
try {
  await readTextFile({ path: '/etc/passwd' });
} catch (error) {
  console.log((error as Error).name, (error as Error).message.includes('outside allowed directories') || (error as Error).message);
}
`;
    const result = await runs.start({ code, language: 'typescript', origin: 'app' }).done;
    expect(result.stdout.trim()).toBe('McpToolError true');
    expect(result.toolCalls[0]).toMatchObject({ server: 'filesystem', tool: 'read_text_file', ok: false });
  });

  it('reports type errors with line numbers without starting the run, unless the check is skipped', async () => {
    const code = `import { getSum } from './servers/everything';\nconst n: number = 1;\nawait getSum({ a: 'one', b: 2 });\nconsole.log('ran');\n`;
    const result = await runs.start({ code, language: 'typescript', origin: 'app' }).done;
    expect(result.status).toBe('type-error');
    expect(result.stdout).toBe('');
    expect(result.diagnostics).toHaveLength(1);
    expect(result.diagnostics[0]).toMatchObject({ line: 3, code: 2322 });
    const skipped = await runs.start({ code, language: 'typescript', origin: 'app', skipTypeCheck: true }).done;
    // skipping the check runs the code: the server itself rejects the bad argument
    expect(skipped.status).toBe('failed');
    expect(skipped.toolCalls).toHaveLength(1);
    expect(skipped.stderr).toContain('McpToolError');
  });

  it('keeps a session workspace between runs until it is cleared', async () => {
    const write = await runs.start({ code: `import fs from 'node:fs'; fs.writeFileSync('state.json', JSON.stringify({ count: 1 }));`, language: 'typescript', session: 'keep', origin: 'app' }).done;
    expect(write.status).toBe('succeeded');
    const read = await runs.start({ code: `import json\nprint(json.load(open('state.json'))['count'] + 1)`, language: 'python', session: 'keep', origin: 'app' }).done;
    expect(read.stdout).toBe('2\n');
    expect(runs.listWorkspaceFiles('keep').map((f) => f.path)).toEqual(['state.json']);
    runs.clearSession('keep');
    expect(runs.listWorkspaceFiles('keep')).toEqual([]);
  });

  it('caps output forwarded to listeners, says so, hands on the end of the output, and keeps the full log on disk', async () => {
    const capped = new RunManager({ dataDir: fixture.dataDir, apiDir: fixture.apiDir, tools: fixture.tools, backend: 'local', limits: { outputCapBytes: 64 * 1024 } });
    try {
      const handle = capped.start({ code: `const line = 'x'.repeat(99) + '\\n'; for (let i = 0; i < 50_000; i++) process.stdout.write(line); console.log('THE END');`, language: 'javascript', origin: 'app' });
      const notices: string[] = [];
      let forwarded = 0;
      handle.on('notice', (n) => notices.push(n));
      handle.on('stdout', (chunk) => (forwarded += chunk.length));
      const result = await handle.done;
      expect(result.status).toBe('succeeded');
      // The first 64 KB, then (at the end) the last 64 KB: what the run ended with is never lost to the cap.
      expect(forwarded).toBeGreaterThan(64 * 1024);
      expect(forwarded).toBeLessThanOrEqual(2 * 64 * 1024 + 8);
      expect(result.stdout.length).toBe(forwarded);
      expect(result.stdout.trimEnd().endsWith('THE END')).toBe(true);
      expect(notices.join('\n')).toContain(result.logPath);
      expect(notices.join('\n')).toMatch(/Output cut: [\d.]+ (KB|MB) not shown here; the last [\d.]+ KB follow; full log: /);
      expect(readFileSync(result.logPath, 'utf8').length).toBe(5_000_000 + 'THE END\n'.length);
    } finally {
      await capped.dispose();
    }
  });

  it('keeps the tool calls and diagnostics of each run on disk for another RunManager on the same data folder', async () => {
    const called = await runs.start({ code: `import { getSum } from './servers/everything';\nconsole.log(JSON.stringify(await getSum({ a: 20, b: 22 })));`, language: 'typescript', origin: 'gateway' }).done;
    expect(called.status).toBe('succeeded');
    const mistyped = await runs.start({ code: `const n: number = 'text';`, language: 'typescript', origin: 'cli' }).done;
    expect(mistyped.status).toBe('type-error');
    const plainRun = runs.start({ code: `print('no calls')`, language: 'python', origin: 'cli' });
    const plain = await plainRun.done;
    // The records are written after the answer: at the answer another process does not see them yet.
    expect(new RunRecords(path.join(fixture.dataDir, 'runs')).details(plain.id)).toBeUndefined();
    expect(runs.list().find((summary) => summary.id === plain.id)).toMatchObject({ status: 'succeeded' });
    await plainRun.recorded;
    // Nothing to do with the process that ran them: a fresh manager reads what the first one left on disk.
    const other = new RunManager({ dataDir: fixture.dataDir, apiDir: fixture.apiDir, tools: fixture.tools, backend: 'local' });
    try {
      expect(other.get(called.id)).not.toHaveProperty('stdout');
      const calls = other.details(called.id)!.toolCalls;
      expect(calls).toEqual(called.toolCalls);
      expect(calls).toHaveLength(1);
      expect(calls[0]).toMatchObject({ server: 'everything', tool: 'get-sum', ok: true });
      expect(calls[0].bytesOut).toBeGreaterThan(0);
      expect(other.details(called.id)!.diagnostics).toEqual([]);
      expect(other.details(mistyped.id)!.diagnostics).toEqual(mistyped.diagnostics);
      expect(other.details(mistyped.id)!.diagnostics[0]).toMatchObject({ line: 1, code: 2322 });
      // The code that ran is kept with them, for the app's run detail.
      expect(other.details(plain.id)).toEqual({ toolCalls: [], diagnostics: [], code: "print('no calls')" });
      expect(other.details('no-such-run')).toBeUndefined();
      // The details file sits beside the summaries but is never taken for one.
      const listed = other.list();
      expect(listed.filter((summary) => summary.id === called.id)).toHaveLength(1);
      expect(listed.every((summary) => typeof summary.status === 'string')).toBe(true);
    } finally {
      await other.dispose();
    }
  });

  it('cancels a run and persists every run summary', async () => {
    const handle = runs.start({ code: `console.log('started'); setInterval(() => {}, 1000);`, language: 'javascript', origin: 'gateway' });
    await new Promise<void>((resolve) => handle.once('stdout', () => resolve()));
    expect(runs.cancel(handle.id)).toBe(true);
    const result = await handle.done;
    expect(result.status).toBe('cancelled');
    const listed = runs.list().find((s) => s.id === handle.id);
    expect(listed).toMatchObject({ status: 'cancelled', origin: 'gateway', backend: 'local' });
    const events: string[] = [];
    for await (const event of handle.events()) events.push(event.type === 'status' ? `status:${event.data}` : event.type);
    expect(events).toEqual(['status:queued', 'status:running', 'stdout', 'status:cancelled']);
  });
});
