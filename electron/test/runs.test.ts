// Runs through the contract, as the Console uses them: output and status arrive as events, the run can be
// read back, and runs started by another process on the same data folder (the gateway, the CLI) show up live.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventName } from '../../shared/contract';
import { createHandlers } from '../engine/api/handlers';
import { Engine } from '../engine/engine';
import { realServerConfigs } from '../engine/mcp/fixtures/real-servers';
import { tempDir } from './helpers';
import { until } from '../engine/test-fixtures';

let app: Engine;
const dir = tempDir();
const data = path.join(dir, 'data');
const events: Array<{ event: EventName; payload: unknown }> = [];

beforeAll(async () => {
  app = await Engine.open({ data, host: 'browser' });
  app.events.subscribe((event, payload) => events.push({ event, payload }));
});
afterAll(async () => app?.close());

describe('runs through the contract', () => {
  it('streams output and status as events, then serves the run with its ledger', async () => {
    const api = createHandlers(app);
    const { runId } = await api['runs.start']({ code: 'const total: number = [1, 2, 3].reduce((a, b) => a + b, 0);\nconsole.log(`total ${total}`);', language: 'typescript' });
    const output = await until('the run\'s output', () => events.find((e) => e.event === 'run.output' && (e.payload as { runId: string }).runId === runId));
    expect((output.payload as { chunk: string }).chunk).toContain('total 6');
    await until('the run to succeed', () => events.find((e) => e.event === 'run.status' && (e.payload as { id: string; status: string }).id === runId && (e.payload as { status: string }).status === 'succeeded'));
    const detail = await api['runs.get']({ runId });
    expect(detail.stdout).toContain('total 6');
    expect(detail.origin).toBe('app');
    const ledger = await until('the ledger entry', () => events.find((e) => e.event === 'ledger.updated' && (e.payload as { runId: string }).runId === runId));
    expect((ledger.payload as { ledger: { printedTokens: number } }).ledger.printedTokens).toBeGreaterThan(0);
    const listed = await api['runs.list']({});
    expect(listed.runs[0].id).toBe(runId);
    expect(listed.runs[0].ledger?.printedTokens).toBeGreaterThan(0);
  });

  it('reports type errors with line numbers without running', async () => {
    const api = createHandlers(app);
    const { runId } = await api['runs.start']({ code: 'console.log("never");\nconst n: number = "text";', language: 'typescript' });
    const diagnostics = await until('the run\'s diagnostics', () => events.find((e) => e.event === 'run.diagnostics' && (e.payload as { runId: string }).runId === runId));
    expect((diagnostics.payload as { diagnostics: Array<{ line: number }> }).diagnostics[0].line).toBe(2);
    const detail = await api['runs.get']({ runId });
    expect(detail.status).toBe('type-error');
    expect(detail.stdout).not.toContain('never');
  });

  it('shows runs started by another process on the same data folder, with their tool calls', async () => {
    const api = createHandlers(app);
    await api['servers.add']({ name: 'everything', config: realServerConfigs(dir).everything });
    await app.reloadServers(); // servers.add regenerates in the background; the other process needs the tree now
    const other = await Engine.open({ data, host: 'cli' });
    try {
      const handle = other.runs.start({ code: "import { getSum } from './servers/everything';\nconsole.log(JSON.stringify(await getSum({ a: 20, b: 22 })));", language: 'javascript', origin: 'gateway' });
      const ran = await handle.done;
      expect(ran.stderr).toBe('');
      const seen = await until('the run to succeed', () => events.find((e) => e.event === 'run.status' && (e.payload as { id: string }).id === handle.id && (e.payload as { status: string }).status === 'succeeded'));
      expect((seen.payload as { origin: string }).origin).toBe('gateway');
      const detail = await api['runs.get']({ runId: handle.id });
      expect(detail.stdout).toContain('42');
      expect(detail.toolCalls).toBe(1);
      expect(detail.toolCallEvents).toHaveLength(1);
      expect(detail.toolCallEvents[0]).toMatchObject({ server: 'everything', tool: 'get-sum', ok: true });
    } finally {
      await other.close();
    }
  });
});
