// Context benchmark: the seed's four scenarios replayed with real MCP servers, once as direct tool calling (every tool
// definition of every configured server plus every call and result in the model's context) and once through the real
// gateway over a real MCP client (its tool definitions, the discovery calls, the code and what the code printed).
// Tokens are counted with gpt-tokenizer (o200k_base). Run: npm run bench:context
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import type { CallToolResult, Tool } from '@modelcontextprotocol/sdk/types.js';
import type { ServerConfig } from '../shared/types';
import { REAL_SERVERS, startGateway, type GatewayHarness } from '../electron/engine/gateway/fixtures/harness';
import { countTokens } from '../electron/engine/gateway/ledger';

/** The seed's published reductions, which every row must beat. */
const SEED: Record<string, number> = { 'simple query': 86.7, 'data analysis (10,000 rows)': 98.7, 'multi-tool workflow': 92.2, 'control flow (polling)': 94.7 };

type Call = { server: string; tool: string; args: Record<string, unknown> };

/**
 * What a model sees of a tool: clients pass name, description and input schema to the model API (Anthropic's
 * `input_schema`, OpenAI's `parameters`); annotations and output schemas stay in the client. Same rule for both sides.
 */
const definitionText = (tools: Tool[]) => JSON.stringify(tools.map((t) => ({ name: t.name, description: t.description, inputSchema: t.inputSchema })));
const resultText = (r: CallToolResult) => r.content.map((c) => (c.type === 'text' ? c.text : JSON.stringify(c))).join('\n');

class DirectAgent {
  private clients = new Map<string, Client>();
  definitionTokens = 0;

  static async connect(servers: Record<string, ServerConfig>): Promise<DirectAgent> {
    const agent = new DirectAgent();
    const defs: Tool[] = [];
    for (const [name, config] of Object.entries(servers)) {
      if (!('command' in config)) continue;
      const client = new Client({ name: 'direct-agent', version: '1.0.0' });
      await client.connect(new StdioClientTransport({ command: config.command, args: config.args, env: { ...(process.env as Record<string, string>), ...(config.env ?? {}) }, stderr: 'ignore' }));
      agent.clients.set(name, client);
      // A direct client exposes tools as `<server>_<tool>` so names do not clash; the prefix is part of what the model reads.
      defs.push(...(await client.listTools()).tools.map((t) => ({ ...t, name: `${name}_${t.name}` })));
    }
    agent.definitionTokens = countTokens(definitionText(defs));
    return agent;
  }

  /** Runs the calls in order; every call (as the model writes it) and every result enters the context. */
  async run(calls: Array<Call | ((previous: string[]) => Call | undefined)>): Promise<{ tokens: number; results: string[] }> {
    let tokens = this.definitionTokens;
    const results: string[] = [];
    for (const step of calls) {
      const call = typeof step === 'function' ? step(results) : step;
      if (!call) continue;
      const result = (await this.clients.get(call.server)!.callTool({ name: call.tool, arguments: call.args }, undefined, { timeout: 120_000 })) as CallToolResult;
      const text = resultText(result);
      results.push(text);
      tokens += countTokens(JSON.stringify({ name: `${call.server}_${call.tool}`, arguments: call.args })) + countTokens(text);
    }
    return { tokens, results };
  }

  async close(): Promise<void> {
    for (const client of this.clients.values()) await client.close().catch(() => {});
  }
}

class CodeModeAgent {
  definitionTokens = 0;
  printed: string[] = [];
  constructor(private readonly gw: GatewayHarness) {}

  async init(): Promise<void> {
    const { tools } = await this.gw.client.listTools();
    const instructions = this.gw.client.getInstructions() ?? '';
    this.definitionTokens = countTokens(definitionText(tools)) + countTokens(instructions);
  }

  async run(calls: Array<{ tool: string; args: Record<string, unknown> }>): Promise<{ tokens: number; last: string }> {
    let tokens = this.definitionTokens;
    let last = '';
    for (const call of calls) {
      const { text } = await this.gw.call(call.tool, call.args);
      tokens += countTokens(JSON.stringify({ name: call.tool, arguments: call.args })) + countTokens(text);
      last = text;
    }
    return { tokens, last };
  }
}

async function main(): Promise<void> {
  const directCrm = path.join(os.tmpdir(), `bench-crm-direct-${process.pid}.json`);
  const memoryFile = path.join(os.tmpdir(), `bench-memory-${process.pid}.json`);
  const servers = (h: { sharedDir: string; crmDb: string }) => ({
    everything: REAL_SERVERS.everything(),
    filesystem: REAL_SERVERS.filesystem(h.sharedDir),
    memory: REAL_SERVERS.memory(memoryFile),
    sheets: REAL_SERVERS.sheets(),
    crm: REAL_SERVERS.crm(h.crmDb),
    deploy: REAL_SERVERS.deploy(12),
  });
  const gw = await startGateway({ servers, clientName: 'context-bench' });
  const notes = path.join(gw.sharedDir, 'meeting-notes.md');
  fs.writeFileSync(
    notes,
    '# Weekly sync, 3 March\n\n- Q1 revenue is tracking 8% above plan; EMEA leads the growth.\n- The Business plan price change ships on 1 April.\n- Open question: who owns the partner onboarding checklist? Decide by Friday.\n- Next deploy of billing-api is scheduled for Thursday after the freeze lifts.\n',
  );
  const direct = await DirectAgent.connect(servers({ sharedDir: gw.sharedDir, crmDb: directCrm }));
  const code = new CodeModeAgent(gw);
  await code.init();

  const rows: Array<{ scenario: string; direct: number; codeMode: number }> = [];
  const record = (scenario: string, d: number, c: number) => rows.push({ scenario, direct: d, codeMode: c });
  try {
    // 1. Simple query: what do the meeting notes say?
    const simpleDirect = await direct.run([{ server: 'filesystem', tool: 'read_text_file', args: { path: notes } }]);
    const simpleCode = await code.run([
      { tool: 'search_tools', args: { query: 'read text file', detail: 'name', limit: 3 } },
      { tool: 'execute_code', args: { code: `import { readTextFile } from './servers/filesystem';\nconsole.log((await readTextFile({ path: ${JSON.stringify(notes)} })).content);` } },
    ]);
    if (!simpleCode.last.includes('EMEA leads the growth')) throw new Error(`simple query: unexpected answer\n${simpleCode.last}`);
    record('simple query', simpleDirect.tokens, simpleCode.tokens);

    // 2. Data analysis over a 10,000-row sheet: paid revenue per region and the top product.
    const analysisDirect = await direct.run([{ server: 'sheets', tool: 'get_sheet', args: { sheet: 'orders' } }]);
    const analysisCode = await code.run([
      { tool: 'search_tools', args: { query: 'spreadsheet sheet rows', detail: 'full', limit: 1 } },
      {
        tool: 'execute_code',
        args: {
          code: [
            "import { getSheet } from './servers/sheets';",
            "const rows = (await getSheet({ sheet: 'orders' })) as Array<{ region: string; product: string; quantity: number; unit_price: number; status: string }>;",
            'const byRegion: Record<string, number> = {}; const byProduct: Record<string, number> = {};',
            "for (const r of rows) { if (r.status !== 'paid') continue; const v = r.quantity * r.unit_price; byRegion[r.region] = (byRegion[r.region] ?? 0) + v; byProduct[r.product] = (byProduct[r.product] ?? 0) + v; }",
            'const top = Object.entries(byProduct).sort((a, b) => b[1] - a[1])[0];',
            'console.log(`${rows.length} orders; paid revenue by region: ${JSON.stringify(byRegion)}; top product: ${top[0]} (${top[1]})`);',
          ].join('\n'),
        },
      },
    ]);
    if (!/10000 orders; paid revenue by region/.test(analysisCode.last)) throw new Error(`data analysis: unexpected answer\n${analysisCode.last}`);
    record('data analysis (10,000 rows)', analysisDirect.tokens, analysisCode.tokens);

    // 3. Multi-tool workflow: qualify hot leads from the sheet in the CRM, and leave a summary file for the team.
    const summaryFile = path.join(gw.sharedDir, 'hot-leads.md');
    const multiDirect = await direct.run([
      { server: 'sheets', tool: 'get_sheet', args: { sheet: 'leads' } },
      (results) => {
        const hot = (JSON.parse(results[0]) as Array<{ lead_id: string; score: number }>).filter((l) => l.score >= 90);
        return { server: 'crm', tool: 'update_records', args: { records: hot.map((l) => ({ lead_id: l.lead_id, fields: { stage: 'qualified' } })) } };
      },
      (results) => ({ server: 'filesystem', tool: 'write_file', args: { path: summaryFile, content: `# Hot leads\n\nQualified in the CRM: ${JSON.parse(results[1]).updated}\n` } }),
    ]);
    const multiCode = await code.run([
      { tool: 'search_tools', args: { query: 'update crm records', detail: 'full', limit: 1 } },
      { tool: 'search_tools', args: { query: 'write file', detail: 'name', limit: 2 } },
      {
        tool: 'execute_code',
        args: {
          code: [
            "import { getSheet } from './servers/sheets';",
            "import { updateRecords } from './servers/crm';",
            "import { writeFile } from './servers/filesystem';",
            "const leads = (await getSheet({ sheet: 'leads' })) as Array<{ lead_id: string; score: number }>;",
            'const hot = leads.filter((l) => l.score >= 90);',
            "const result = (await updateRecords({ records: hot.map((l) => ({ lead_id: l.lead_id, fields: { stage: 'qualified' } })) })) as { updated: number };",
            `await writeFile({ path: ${JSON.stringify(summaryFile)}, content: \`# Hot leads\\n\\nQualified in the CRM: \${result.updated}\\n\` });`,
            'console.log(`qualified ${result.updated} of ${leads.length} leads; summary written`);',
          ].join('\n'),
        },
      },
    ]);
    if (!/qualified \d+ of 1000 leads/.test(multiCode.last)) throw new Error(`multi-tool: unexpected answer\n${multiCode.last}`);
    record('multi-tool workflow', multiDirect.tokens, multiCode.tokens);

    // 4. Control flow: start a deployment and poll until it is done.
    const polls: Array<(results: string[]) => Call | undefined> = Array.from({ length: 30 }, () => (results: string[]) => {
      const last = JSON.parse(results.at(-1)!) as { id: string; status: string };
      return last.status === 'succeeded' ? undefined : { server: 'deploy', tool: 'get_deploy_status', args: { id: last.id } };
    });
    const pollDirect = await direct.run([{ server: 'deploy', tool: 'start_deploy', args: { service: 'billing-api', version: '2.4.1', environment: 'production' } }, ...polls]);
    const pollCode = await code.run([
      { tool: 'search_tools', args: { query: 'deploy status', detail: 'summary', limit: 2 } },
      {
        tool: 'execute_code',
        args: {
          code: [
            "import { startDeploy, getDeployStatus } from './servers/deploy';",
            "const { id } = (await startDeploy({ service: 'billing-api', version: '2.4.1', environment: 'production' })) as { id: string };",
            'let status: { status: string; progress: number }; let polls = 0;',
            "do { status = (await getDeployStatus({ id })) as typeof status; polls++; } while (status.status === 'running' || status.status === 'queued');",
            'console.log(`${id} ${status.status} after ${polls} polls`);',
          ].join('\n'),
        },
      },
    ]);
    if (!/succeeded after 12 polls/.test(pollCode.last)) throw new Error(`control flow: unexpected answer\n${pollCode.last}`);
    record('control flow (polling)', pollDirect.tokens, pollCode.tokens);
  } finally {
    await direct.close();
    await gw.close();
    fs.rmSync(directCrm, { force: true });
    fs.rmSync(memoryFile, { force: true });
  }

  console.log(`tool definitions in context: direct ${direct.definitionTokens} tokens (6 servers), gateway ${code.definitionTokens} tokens`);
  console.log(`${'scenario'.padEnd(30)} ${'direct'.padStart(10)} ${'code mode'.padStart(10)} ${'reduction'.padStart(10)} ${'seed'.padStart(7)}`);
  for (const row of rows) {
    const reduction = (1 - row.codeMode / row.direct) * 100;
    const beats = reduction > SEED[row.scenario];
    console.log(`${row.scenario.padEnd(30)} ${String(row.direct).padStart(10)} ${String(row.codeMode).padStart(10)} ${`${reduction.toFixed(1)}%`.padStart(10)} ${`${SEED[row.scenario]}%`.padStart(7)}${beats ? '' : '  (below the seed)'}`);
  }
}

await main();
