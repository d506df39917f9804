// A real MCP server (stdio, @modelcontextprotocol/sdk) standing in for a spreadsheet service: get_sheet returns whole
// sheets (10,000 orders, 1,000 leads) as JSON text, the way most data servers answer. Used by the context benchmark
// and the gateway tests.
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { z } from 'zod';
import { leads, orders } from './data.mjs';

const SHEETS = { orders: () => orders(), leads: () => leads() };
const server = new McpServer({ name: 'sheets', version: '1.0.0' });

server.registerTool(
  'list_sheets',
  { description: 'List the sheets in the workbook with their row counts.', inputSchema: {}, annotations: { readOnlyHint: true } },
  async () => ({ content: [{ type: 'text', text: JSON.stringify([{ sheet: 'orders', rows: 10000 }, { sheet: 'leads', rows: 1000 }]) }] }),
);

server.registerTool(
  'get_sheet',
  {
    description: 'Return every row of a sheet as a JSON array of objects (column name -> value).',
    inputSchema: { sheet: z.enum(['orders', 'leads']).describe('Sheet name'), limit: z.number().int().positive().optional().describe('Return only the first N rows') },
    annotations: { readOnlyHint: true },
  },
  async ({ sheet, limit }) => {
    const rows = SHEETS[sheet]();
    return { content: [{ type: 'text', text: JSON.stringify(limit ? rows.slice(0, limit) : rows) }] };
  },
);

await server.connect(new StdioServerTransport());
