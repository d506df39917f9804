// Roots through the gateway, as an agent's SDK Client that declares roots meets them over stdio and Streamable HTTP:
// server-everything behind `skillgraph mcp` is offered the agent's roots, hears the agent's roots/list_changed and asks
// again, while a server with its own roots in mcp.json is offered only those.
import { ListRootsRequestSchema, type Root } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REAL_SERVERS, startGateway, type GatewayHarness } from './fixtures/harness';

const code = [
  "import { getRootsList } from './servers/everything';",
  "import { getRootsList as pinnedRoots } from './servers/pinned';",
  "console.log('everything:', await getRootsList({}));",
  "console.log('pinned:', await pinnedRoots({}));",
].join('\n');

describe.each([{ transport: 'stdio' as const }, { transport: 'http' as const }])('skillgraph mcp over $transport relays the agent\'s roots', ({ transport }) => {
  let gw: GatewayHarness;
  let agentRoots: Root[] = [{ uri: 'file:///home/agent/first-project', name: 'first-project' }];
  let asked = 0;

  beforeAll(async () => {
    gw = await startGateway({
      http: transport === 'http',
      servers: ({ sharedDir }) => ({ everything: REAL_SERVERS.everything(), pinned: { ...REAL_SERVERS.everything(), roots: [sharedDir] } }),
      capabilities: { roots: { listChanged: true } },
      prepare: (client) =>
        client.setRequestHandler(ListRootsRequestSchema, () => {
          asked++;
          return { roots: agentRoots };
        }),
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
});
