// A real MCP server (stdio) standing in for a deployment service that must be polled: start_deploy begins a rollout,
// get_deploy_status reports it (with recent log lines) and reaches "succeeded" on the DEPLOY_POLLS-th poll (default 12).
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { z } from 'zod';

const POLLS = Number(process.env.DEPLOY_POLLS || 12);
const deploys = new Map();
const server = new McpServer({ name: 'deploy', version: '1.0.0' });

server.registerTool(
  'start_deploy',
  {
    description: 'Start deploying a service version to an environment; returns the deployment id.',
    inputSchema: { service: z.string(), version: z.string(), environment: z.enum(['staging', 'production']) },
    annotations: { readOnlyHint: false },
  },
  async ({ service, version, environment }) => {
    const id = `dep-${deploys.size + 1}`;
    deploys.set(id, { id, service, version, environment, polls: 0 });
    return { content: [{ type: 'text', text: JSON.stringify({ id, status: 'queued' }) }] };
  },
);

server.registerTool(
  'get_deploy_status',
  {
    description: 'Current status of a deployment: queued, running (with progress and recent log lines), succeeded or failed.',
    inputSchema: { id: z.string() },
    annotations: { readOnlyHint: true },
  },
  async ({ id }) => {
    const d = deploys.get(id);
    if (!d) return { content: [{ type: 'text', text: `no deployment ${id}` }], isError: true };
    d.polls++;
    const done = d.polls >= POLLS;
    const progress = Math.min(100, Math.round((d.polls / POLLS) * 100));
    const log = Array.from({ length: 8 }, (_, i) => `${new Date(Date.UTC(2025, 0, 1, 12, 0, d.polls * 8 + i)).toISOString()} ${d.service}@${d.version} ${d.environment}: instance ${i + 1}/8 health check ${i < (progress / 100) * 8 ? 'passed' : 'pending'} (p95 latency ${120 + ((d.polls * 7 + i * 13) % 40)} ms)`);
    const status = done ? 'succeeded' : 'running';
    return { content: [{ type: 'text', text: JSON.stringify({ id, service: d.service, version: d.version, environment: d.environment, status, progress, log }) }] };
  },
);

await server.connect(new StdioServerTransport());
