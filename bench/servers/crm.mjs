// A real MCP server (stdio) standing in for a CRM (the seed's Salesforce): leads and orders live in a JSON file (CRM_DB,
// default <tmp>/crm.json), so an update made through the gateway is a real side effect a test can read back.
// update_records writes; find_records reads.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { z } from 'zod';
import { leads, orders } from './data.mjs';

const dbFile = process.env.CRM_DB || path.join(os.tmpdir(), `crm-${process.pid}.json`);
const load = () =>
  fs.existsSync(dbFile) ? JSON.parse(fs.readFileSync(dbFile, 'utf8')) : Object.fromEntries([...leads().map((l) => [l.lead_id, l]), ...orders().map((o) => [o.order_id, o])]);
const save = (db) => fs.writeFileSync(dbFile, JSON.stringify(db));

const server = new McpServer({ name: 'crm', version: '1.0.0' });

server.registerTool(
  'find_records',
  {
    description: 'Find CRM records whose fields match all given values (exact match), at most `limit`.',
    inputSchema: { where: z.record(z.string(), z.union([z.string(), z.number()])), limit: z.number().int().positive().max(1000).default(50) },
    annotations: { readOnlyHint: true },
  },
  async ({ where, limit }) => {
    const hits = Object.values(load()).filter((r) => Object.entries(where).every(([k, v]) => r[k] === v));
    return { content: [{ type: 'text', text: JSON.stringify(hits.slice(0, limit)) }] };
  },
);

server.registerTool(
  'update_records',
  {
    description: 'Update CRM records: each item names a lead (lead_id or email) or an order (order_id) and the fields to set.',
    inputSchema: {
      records: z
        .array(z.object({ lead_id: z.string().optional(), order_id: z.string().optional(), email: z.string().optional(), fields: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])) }))
        .min(1)
        .max(10000),
    },
    annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true },
  },
  async ({ records }) => {
    const db = load();
    // e-mail names a lead (orders carry customers' addresses too)
    const byEmail = new Map(Object.values(db).filter((r) => r.lead_id).map((r) => [r.email, r]));
    const missing = [];
    let updated = 0;
    for (const item of records) {
      const record = (item.lead_id && db[item.lead_id]) || (item.order_id && db[item.order_id]) || (item.email && byEmail.get(item.email));
      if (!record) {
        missing.push(item.lead_id ?? item.order_id ?? item.email ?? '?');
        continue;
      }
      Object.assign(record, item.fields);
      updated++;
    }
    save(db);
    return { content: [{ type: 'text', text: JSON.stringify({ updated, missing }) }] };
  },
);

await server.connect(new StdioServerTransport());
