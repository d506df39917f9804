// Roots and tasks through the gateway, as an agent's SDK Client that declares roots meets them over stdio and Streamable
// HTTP: server-everything behind `skillgraph mcp` is offered the agent's roots, hears the agent's roots/list_changed and
// asks again, while a server with its own roots in mcp.json is offered only those; a tool that runs as a task streams
// its status to the agent while it runs and the run record keeps it, and a tool where tasks are optional runs as one
// only when the agent follows the run with a progress token.
import fs from 'node:fs';
import path from 'node:path';
import { ListRootsRequestSchema, LoggingMessageNotificationSchema, type Root } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ToolCallEvent } from '../../../shared/types';
import { fixtureConfig } from '../mcp/fixtures/real-servers';
import { REAL_SERVERS, startGateway, type GatewayHarness } from './fixtures/harness';

const code = [
  "import { getRootsList } from './servers/everything';",
  "import { getRootsList as pinnedRoots } from './servers/pinned';",
  "console.log('everything:', await getRootsList({}));",
  "console.log('pinned:', await pinnedRoots({}));",
].join('\n');

describe.each([{ transport: 'stdio' as const }, { transport: 'http' as const }])('skillgraph mcp over $transport: roots and tasks', ({ transport }) => {
  let gw: GatewayHarness;
  let agentRoots: Root[] = [{ uri: 'file:///home/agent/first-project', name: 'first-project' }];
  let asked = 0;
  const logs: string[] = [];

  beforeAll(async () => {
    gw = await startGateway({
      http: transport === 'http',
      servers: ({ sharedDir }) => ({ everything: REAL_SERVERS.everything(), pinned: { ...REAL_SERVERS.everything(), roots: [sharedDir] }, counter: fixtureConfig('optional-task') }),
      capabilities: { roots: { listChanged: true } },
      prepare: (client) => {
        client.setRequestHandler(ListRootsRequestSchema, () => {
          asked++;
          return { roots: agentRoots };
        });
        client.setNotificationHandler(LoggingMessageNotificationSchema, (n) => void logs.push(String(n.params.data)));
      },
    });
  }, 180_000);

  afterAll(async () => {
    await gw?.close();
  });

  it("offers the agent's roots to a server without its own, and a server's roots from mcp.json to that server alone", async () => {
    const { text } = await gw.call('execute_code', { code });
    const [everything, pinned] = text.split('pinned:');
    expect(everything).toContain('file:///home/agent/first-project');
    expect(pinned).toContain(`file://${gw.sharedDir}`);
    expect(pinned).not.toContain('first-project');
    expect(asked).toBeGreaterThan(0);
  }, 180_000);

  it("passes the agent's roots/list_changed on, so the server asks again and sees the new roots", async () => {
    agentRoots = [{ uri: 'file:///home/agent/second-project', name: 'second-project' }];
    await gw.client.sendRootsListChanged();
    let text = '';
    for (let attempt = 0; attempt < 20 && !text.includes('second-project'); attempt++) {
      text = (await gw.call('execute_code', { code })).text;
    }
    const [everything, pinned] = text.split('pinned:');
    expect(everything).toContain('file:///home/agent/second-project');
    expect(everything).not.toContain('first-project');
    expect(pinned).toContain(`file://${gw.sharedDir}`);
  }, 180_000);

  it("streams a task's status to the agent as it changes, and the run record keeps where the task ended", async () => {
    const progress: string[] = [];
    const taskCode = "import { simulateResearchQuery } from './servers/everything';\nconsole.log(await simulateResearchQuery({ topic: 'bubblewrap' }));";
    const result = await gw.client.callTool({ name: 'execute_code', arguments: { code: taskCode } }, undefined, { timeout: 180_000, onprogress: (p) => void progress.push(p.message ?? '') });
    expect(result.isError).toBeFalsy();
    const task = progress.filter((line) => line.startsWith('everything/simulate-research-query task'));
    expect(task).toEqual(
      expect.arrayContaining([
        'everything/simulate-research-query task working: Gathering sources...',
        'everything/simulate-research-query task working: Generating report...',
        expect.stringMatching(/^everything\/simulate-research-query task completed/),
      ]),
    );
    expect(progress.indexOf(task[0])).toBeGreaterThan(progress.indexOf('everything/simulate-research-query called'));
    expect(progress.indexOf(task.at(-1)!)).toBeLessThan(progress.findIndex((line) => line.startsWith('everything/simulate-research-query answered')));
    const runId = (result._meta as { runId: string }).runId;
    // The record is written just after the answer.
    const file = path.join(gw.dataDir, 'runs', `${runId}.calls.json`);
    await expect.poll(() => fs.existsSync(file), { timeout: 20_000 }).toBe(true);
    const calls = JSON.parse(fs.readFileSync(file, 'utf8')) as { toolCalls: ToolCallEvent[] };
    expect(calls.toolCalls[0]).toMatchObject({ tool: 'simulate-research-query', ok: true, task: { status: 'completed' } });
  }, 180_000);

  it('runs a tool whose task support is optional as a task only when the agent follows the run with a progress token', async () => {
    const countCode = "import { countSlowly } from './servers/counter';\nconsole.log(await countSlowly({ to: 2 }));";
    const progress: string[] = [];
    const followed = await gw.client.callTool({ name: 'execute_code', arguments: { code: countCode } }, undefined, { timeout: 180_000, onprogress: (p) => void progress.push(p.message ?? '') });
    expect(followed.isError).toBeFalsy();
    expect(progress).toEqual(expect.arrayContaining(['counter/count-slowly task working: counted 1 of 2', 'counted to 2']));

    // A call's lines are debug-level logs: the agent that wants them asks for that level.
    await gw.client.setLoggingLevel('debug');
    logs.length = 0;
    const plain = await gw.call('execute_code', { code: countCode });
    await gw.client.setLoggingLevel('info');
    expect(plain.text).toContain('counted to 2');
    expect(logs).toContain('counter/count-slowly called');
    expect(logs.some((line) => line.includes('task'))).toBe(false);
  }, 180_000);
});
