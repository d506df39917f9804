// The gateway's warm path: its first execute_code finds a runner started ahead for it (the spares are per session
// workspace, so they must be started for the session the gateway's runs use, GATEWAY_SESSION, not the app's `default`),
// and it answers before the run's records and ledger entry are written. Real engine, real sandbox, real files.
import fs from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Engine } from '../engine';
import { RunRecords } from '../sandbox/run-records';
import { EVERYTHING_SERVER } from '../sandbox/test-fixture';
import { GATEWAY_SESSION, gatewayForEngine } from '.';
import { until } from '../test-fixtures';

let engine: Engine;
let root: string;

beforeAll(async () => {
  root = fs.mkdtempSync(path.join(tmpdir(), 'sg-gw-warm-'));
  fs.mkdirSync(path.join(root, 'data'));
  fs.writeFileSync(path.join(root, 'data', 'mcp.json'), JSON.stringify({ mcpServers: { everything: { command: process.execPath, args: [EVERYTHING_SERVER, 'stdio'] } } }));
  // As `skillgraph mcp` opens it: the engine warms nothing itself, the gateway warms its own session.
  engine = await Engine.open({ data: path.join(root, 'data'), host: 'cli', warmSandbox: false });
}, 60_000);

afterAll(async () => {
  await engine?.close();
  fs.rmSync(root, { recursive: true, force: true });
});

describe('the gateway warms the session its runs use', () => {
  it('runs the first execute_code on a runner started ahead, and starts only its replacement', async () => {
    expect(engine.runs.localRunnerStats()).toEqual({ started: 0, waited: 0 });
    const gateway = gatewayForEngine(engine);
    // Resolves once the spares the gateway asked for are ready (it starts none of its own when they are).
    await engine.runs.warmUp(GATEWAY_SESSION, ['typescript', 'python']);
    const warmed = engine.runs.localRunnerStats()!;
    expect(warmed.started).toBeGreaterThan(0);
    const answer = await gateway.executeCode({ code: `const who: string = 'agent';\nconsole.log('hello', who);`, language: 'typescript' });
    expect(answer.status).toBe('succeeded');
    expect(answer.text).toMatch(/^hello agent\n/);
    // One more runner, the replacement (started after a short run's answer, so it may come just after); a run that
    // found no spare for its session would have started its own too, and waited.
    await until('the replacement runner to start', () => engine.runs.localRunnerStats()!.started > warmed.started);
    expect(engine.runs.localRunnerStats()).toEqual({ started: warmed.started + 1, waited: 0 });
    expect(fs.existsSync(path.join(engine.dataDir, 'sessions', GATEWAY_SESSION, 'workspace'))).toBe(true);
    expect(fs.existsSync(path.join(engine.dataDir, 'sessions', 'default'))).toBe(false);
  }, 60_000);
});

describe('the answer comes before the run records and the ledger entry', () => {
  it('has neither on disk when execute_code answers, and both once they are recorded', async () => {
    const gateway = gatewayForEngine(engine);
    const answer = await gateway.executeCode({ code: `import { echo } from './servers/everything';\nconsole.log(JSON.stringify(await echo({ message: 'later' })));`, language: 'typescript' });
    expect(answer.status).toBe('succeeded');
    expect(answer.text).toContain('Echo: later');
    // The ledger's numbers are in the answer already...
    expect(answer.ledger.toolResultTokens).toBeGreaterThan(0);
    // ... but its entry and the run's details are written after it.
    expect(engine.ledger.entries().map((entry) => entry.runId)).not.toContain(answer.runId);
    expect(fs.existsSync(path.join(engine.dataDir, 'runs', `${answer.runId}.calls.json`))).toBe(false);
    await answer.ledgerRecorded;
    await engine.runs.recordsWritten();
    expect(engine.ledger.entries().find((entry) => entry.runId === answer.runId)?.ledger).toEqual(answer.ledger);
    expect(new RunRecords(path.join(engine.dataDir, 'runs')).details(answer.runId)?.toolCalls).toHaveLength(1);
    const summary = JSON.parse(fs.readFileSync(path.join(engine.dataDir, 'runs', `${answer.runId}.json`), 'utf8'));
    expect(summary).toMatchObject({ status: 'succeeded', ledger: answer.ledger });
  }, 60_000);
});

describe('skills staged once per change', () => {
  it('does not stage the skills again for a second run over an unchanged graph; a saved skill is staged for the next run', async () => {
    const gateway = gatewayForEngine(engine);
    const code = `console.log('unchanged');`;
    expect((await gateway.executeCode({ code, language: 'typescript' })).status).toBe('succeeded');
    const passes = engine.skillStaging!.passesMade;
    expect((await gateway.executeCode({ code, language: 'typescript' })).status).toBe('succeeded');
    expect(engine.skillStaging!.passesMade).toBe(passes);
    await engine.skills.save({ name: 'staged_greeting', description: 'Says hello.', code: `export async function stagedGreeting() {\n  return 'hello from a skill';\n}`, language: 'typescript' }, { kind: 'person' });
    const run = await gateway.executeCode({ code: `import { stagedGreeting } from './skills/staged_greeting';\nconsole.log(await stagedGreeting());`, language: 'typescript' });
    expect(run.text).toMatch(/^hello from a skill\n/);
    expect(engine.skillStaging!.passesMade).toBe(passes + 1);
  }, 60_000);
});
