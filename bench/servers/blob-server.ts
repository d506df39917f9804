// A small real MCP server (SDK McpServer over stdio) for the large-result benchmark: `rows` returns about N MB of
// JSON rows, as structured content and as its JSON text, the way a database or export tool answers a big query.
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { z } from 'zod';

const REGIONS = ['EMEA', 'NA', 'APAC', 'LATAM'];

function rows(megabytes: number): Array<{ id: number; region: string; amount: number; note: string }> {
  const out: Array<{ id: number; region: string; amount: number; note: string }> = [];
  let bytes = 0;
  for (let id = 0; bytes < megabytes * 1024 * 1024; id++) {
    const row = { id, region: REGIONS[id % REGIONS.length], amount: (id * 7919) % 10_000, note: `order ${id} shipped in good order` };
    out.push(row);
    bytes += JSON.stringify(row).length + 1;
  }
  return out;
}

const server = new McpServer({ name: 'blob', version: '1.0.0' });
server.registerTool(
  'rows',
  { description: 'About `megabytes` MB of order rows.', inputSchema: { megabytes: z.number().positive().max(200) } },
  async ({ megabytes }) => {
    const data = rows(megabytes);
    return { content: [{ type: 'text', text: JSON.stringify(data) }] };
  },
);
await server.connect(new StdioServerTransport());
