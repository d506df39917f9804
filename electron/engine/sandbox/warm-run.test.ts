// The warm-run pipeline, specified on the real local sandbox and server-everything (speed itself is measured in
// bench/sandbox.bench.ts and bench/peers.bench.ts): the type-check runs beside the code yet a type error lets no call
// out and no output through; a runner's reported exit ends the run without changing what the run means (its exit
// code, its late timers, Python's threads); a finished run answers before its records are written and before its
// runner is torn down; the same code over an unchanged API tree is neither checked nor bundled again, and a
// regenerated file makes it so.
import { appendFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Bundler } from './bundle';
import { LocalSandboxBackend } from './local-backend';
import { RunRecords } from './run-records';
import { RunManager } from './runs';
import { createSandboxFixture, type SandboxFixture } from './test-fixture';
import { TypeChecker } from './typecheck';

let fixture: SandboxFixture;
let backend: LocalSandboxBackend;
let runs: RunManager;
/** Calls that reached the real server (the fixture's ToolCaller, counted on the way). */
const served: string[] = [];

beforeAll(async () => {
  fixture = await createSandboxFixture();
  backend = new LocalSandboxBackend();
  const tools = {
    call: (server: string, tool: string, args: unknown, signal?: AbortSignal) => {
      served.push(`${server}/${tool}`);
      return fixture.tools.call(server, tool, args, signal);
    },
  };
  runs = new RunManager({ dataDir: fixture.dataDir, apiDir: fixture.apiDir, tools, backend: 'local', backends: { local: backend } });
  await runs.warmUp('default', ['typescript', 'python']);
});
afterAll(async () => {
  await runs?.dispose();
  await fixture?.cleanup();
});

describe('the type-check beside the run', () => {
  it('lets no tool call reach a server and no output through when the code has a type error', async () => {
    served.length = 0;
    const handle = runs.start({
      code: `import { echo } from './servers/everything';\nconsole.log('before the call');\nawait echo({ message: 'must not be sent' });\nconsole.log('after the call');\nconst n: number = 'text';`,
      language: 'typescript',
      origin: 'gateway',
    });
    const events: string[] = [];
    handle.on('stdout', (data) => events.push(`stdout:${data}`));
    handle.on('toolCall', (call) => events.push(`call:${call.tool}`));
    const result = await handle.done;
    expect(result.status).toBe('type-error');
    expect(result.diagnostics[0]).toMatchObject({ line: 5, code: 2322 });
    expect(served).toEqual([]);
    expect(result.toolCalls).toEqual([]);
    expect(result.stdout).toBe('');
    expect(events).toEqual([]);
    expect(result.stderr).toMatch(/main\.ts:5:7 - error TS2322/);
  });

  it('makes the calls and shows the output once the check passes', async () => {
    served.length = 0;
    const result = await runs.start({
      code: `import { echo } from './servers/everything';\nconsole.log('before the call');\nconsole.log(JSON.stringify(await echo({ message: 'sent' })));`,
      language: 'typescript',
      origin: 'gateway',
    }).done;
    expect(result.status).toBe('succeeded');
    expect(served).toEqual(['everything/echo']);
    expect(result.stdout).toMatch(/^before the call\n.*Echo: sent/);
  });

  it('checks first when the sandbox may reach the network (nothing may leave before the check)', async () => {
    const own = new LocalSandboxBackend();
    const networked = new RunManager({ dataDir: fixture.dataDir, apiDir: fixture.apiDir, tools: fixture.tools, backend: 'local', backends: { local: own }, allowedDomains: ['example.com'] });
    try {
      const handle = networked.start({ code: `console.log('ran');\nconst n: number = 'text';`, language: 'typescript', origin: 'app' });
      const statuses: string[] = [];
      handle.on('status', (status) => statuses.push(status));
      const result = await handle.done;
      expect(result.status).toBe('type-error');
      expect(statuses).toEqual(['queued', 'checking', 'type-error']);
      expect(own.runnersStarted).toBe(0); // the code never reached a runner
    } finally {
      await networked.dispose();
    }
  });
});

describe('the runner reporting its exit', () => {
  it('ends a clean node run on the report, after its last timer', async () => {
    const before = backend.runsEndedByReport;
    const result = await runs.start({ code: `setTimeout(() => console.log('late'), 200);`, language: 'javascript', origin: 'app' }).done;
    expect(result).toMatchObject({ status: 'succeeded', exitCode: 0, stdout: 'late\n' });
    expect(backend.runsEndedByReport).toBe(before + 1);
  });

  it('waits for a node run that set an exit code or has exit handlers of its own, which still print', async () => {
    const before = backend.runsEndedByReport;
    const failed = await runs.start({ code: `setTimeout(() => { console.log('late'); process.exitCode = 3; }, 200);`, language: 'javascript', origin: 'app' }).done;
    expect(failed).toMatchObject({ status: 'failed', exitCode: 3, stdout: 'late\n' });
    const handler = await runs.start({ code: `process.on('exit', () => console.log('bye'));\nconsole.log('hi');`, language: 'javascript', origin: 'app' }).done;
    expect(handler).toMatchObject({ status: 'succeeded', exitCode: 0, stdout: 'hi\nbye\n' });
    expect(backend.runsEndedByReport).toBe(before);
  });

  it('ends a python run on the report, after its threads and with its sys.exit code', async () => {
    const before = backend.runsEndedByReport;
    const code = `import sys, threading, time\ndef late():\n    time.sleep(0.2)\n    print('from the thread')\nthreading.Thread(target=late).start()\nsys.exit(4)`;
    const result = await runs.start({ code, language: 'python', origin: 'app' }).done;
    expect(result).toMatchObject({ status: 'failed', exitCode: 4, stdout: 'from the thread\n' });
    expect(backend.runsEndedByReport).toBe(before + 1);
  });

  it('reports an uncaught error as exit code 1 with the error printed', async () => {
    const result = await runs.start({ code: `console.log('first');\nthrow new Error('boom');`, language: 'javascript', origin: 'app' }).done;
    expect(result).toMatchObject({ status: 'failed', exitCode: 1, stdout: 'first\n' });
    expect(result.stderr).toMatch(/Error: boom/);
  });
});

describe('records after the answer', () => {
  it('answers first, then writes the run details and final summary another process reads', async () => {
    const handle = runs.start({ code: `import { getSum } from './servers/everything';\nconsole.log(JSON.stringify(await getSum({ a: 1, b: 2 })));`, language: 'typescript', origin: 'gateway' });
    const records = new RunRecords(path.join(fixture.dataDir, 'runs'));
    const result = await handle.done;
    expect(result.status).toBe('succeeded');
    // At the answer: the details are not on disk yet and the summary there still says the run is running...
    expect(records.details(result.id)).toBeUndefined();
    expect(records.summary(result.id)?.status).toBe('running');
    // ... while this process already lists it as it ended.
    expect(runs.list().find((summary) => summary.id === result.id)).toMatchObject({ status: 'succeeded', toolCalls: 1 });
    await handle.recorded;
    expect(records.summary(result.id)).toMatchObject({ status: 'succeeded', toolCalls: 1 });
    expect(records.details(result.id)?.toolCalls).toEqual(result.toolCalls);
  });
});

describe('the runner torn down after the answer', () => {
  it('keeps the run\'s TMPDIR until the run has answered and removes it before the run counts as recorded', async () => {
    const runsOf = [
      { code: `import os from 'node:os';\nconsole.log(os.tmpdir());`, language: 'javascript' as const, exitCode: 0 },
      // Not ended by a report (an exit code of its own): the runner's real exit, then the same teardown.
      { code: `import os from 'node:os';\nconsole.log(os.tmpdir());\nprocess.exitCode = 3;`, language: 'javascript' as const, exitCode: 3 },
      { code: `import tempfile\nprint(tempfile.gettempdir())`, language: 'python' as const, exitCode: 0 },
    ];
    for (const { code, language, exitCode } of runsOf) {
      const handle = runs.start({ code, language, origin: 'gateway' });
      const result = await handle.done;
      expect(result.exitCode).toBe(exitCode);
      const tmpDir = result.stdout.trim();
      expect(path.isAbsolute(tmpDir)).toBe(true);
      // The answer did not wait for the teardown: what the runner left on the host is still there...
      expect(existsSync(tmpDir)).toBe(true);
      await handle.recorded;
      // ... and gone once the run is recorded.
      expect(existsSync(tmpDir)).toBe(false);
    }
  });
});

describe('unchanged code over an unchanged API tree', () => {
  it('is not checked nor bundled again; rewriting an API file it uses makes both run again', async () => {
    const code = `import { echo } from './servers/everything';\nconsole.log(await echo({ message: 'again' }));`;
    const checker = new TypeChecker(fixture.apiDir);
    const bundler = new Bundler(fixture.apiDir);
    try {
      expect(await checker.check(code)).toEqual([]);
      const first = await bundler.bundle(code, 'typescript');
      const [programs, builds] = [checker.programsBuilt, bundler.buildsDone];
      expect(await checker.check(code)).toEqual([]);
      expect(await bundler.bundle(code, 'typescript')).toEqual(first);
      expect([checker.programsBuilt, bundler.buildsDone]).toEqual([programs, builds]);
      // Other code is checked as usual, and the first is still remembered after it (runs alternate between snippets).
      expect(await checker.check(`const n: number = 1;`)).toEqual([]);
      expect(checker.programsBuilt).toBe(programs + 1);
      expect(await checker.check(code)).toEqual([]);
      expect(checker.programsBuilt).toBe(programs + 1);
      // A regenerated server file (here: one more line in it) is read again by both.
      appendFileSync(path.join(fixture.apiDir, 'servers', 'everything', 'echo.ts'), '\n// regenerated\n');
      expect(await checker.check(code)).toEqual([]);
      expect(checker.programsBuilt).toBe(programs + 2);
      await bundler.bundle(code, 'typescript');
      expect(bundler.buildsDone).toBe(builds + 1);
    } finally {
      checker.dispose();
      await bundler.dispose();
    }
  });

});
