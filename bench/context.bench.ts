// Context benchmark: the seed's four scenarios (its "Token Usage Comparison" table, examples 3.1 and 3.2) replayed with
// real MCP servers, once as direct tool calling and once through the real gateway over a real MCP client.
// Run: npm run bench:context
//
// What is counted (gpt-tokenizer, o200k_base) is every token that enters the model's context during the task:
// - direct: the definitions of every tool of every configured server, then every call the model writes
//   (`{name, arguments}`) and every result it reads;
// - gateway: its six tool definitions, every discovery call and answer, the execute_code call (the model writes the
//   code, so the code is context too) and the answer: what the code printed plus the gateway's footer.
// A tool definition is what a host sends to the model API: name, description and input schema (Anthropic's `name`,
// `description`, `input_schema`; OpenAI's `name`, `description`, `parameters`). Annotations and output schemas stay in
// the client, on both sides. Server instructions are left out on both sides (hosts differ in whether they send them;
// server-everything's alone are larger than all of the gateway's definitions) and printed separately.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import type { CallToolResult, Tool } from '@modelcontextprotocol/sdk/types.js';
import type { ServerConfig } from '../shared/types';
import { REAL_SERVERS, startGateway, type GatewayHarness } from '../electron/engine/gateway/fixtures/harness';
import { countTokens } from '../electron/engine/gateway/ledger';

/** The seed's own table: reduction per scenario, which every row must beat. */
const SEED: Record<string, number> = { 'simple query': 86.7, 'data analysis (10,000 rows)': 98.7, 'multi-tool workflow': 92.2, 'control flow (20 polls)': 94.7 };
/** The seed's example 3.2: `max_checks = 20` polls of `get_channel_history({ channel: 'C123456', limit: 10 })`. */
const MAX_CHECKS = 20;
const CHANNEL = 'C123456';

type Call = { server: string; tool: string; args: Record<string, unknown> };

const definitionText = (tools: Tool[]) => JSON.stringify(tools.map((t) => ({ name: t.name, description: t.description, inputSchema: t.inputSchema })));
const resultText = (r: CallToolResult) => r.content.map((c) => (c.type === 'text' ? c.text : JSON.stringify(c))).join('\n');
const callText = (name: string, args: Record<string, unknown>) => JSON.stringify({ name, arguments: args });

class DirectAgent {
  private clients = new Map<string, Client>();
  definitionTokens = 0;
  instructionTokens = 0;
  toolCount = 0;

  static async connect(servers: Record<string, ServerConfig>): Promise<DirectAgent> {
    const agent = new DirectAgent();
    const defs: Tool[] = [];
    let instructions = '';
    for (const [name, config] of Object.entries(servers)) {
      if (!('command' in config)) continue;
      const client = new Client({ name: 'direct-agent', version: '1.0.0' });
      await client.connect(new StdioClientTransport({ command: config.command, args: config.args, env: { ...(process.env as Record<string, string>), ...(config.env ?? {}) }, stderr: 'ignore' }));
      agent.clients.set(name, client);
      // A host exposes tools as `<server>_<tool>` so names do not clash; the prefix is part of what the model reads.
      defs.push(...(await client.listTools()).tools.map((t) => ({ ...t, name: `${name}_${t.name}` })));
      instructions += client.getInstructions() ?? '';
    }
    agent.toolCount = defs.length;
    agent.definitionTokens = countTokens(definitionText(defs));
    agent.instructionTokens = countTokens(instructions);
    return agent;
  }

  /** Runs the calls in order (a step returning undefined ends the task); every call and every result enters the context. */
  async run(calls: Array<Call | ((previous: string[]) => Call | undefined)>): Promise<{ tokens: number; results: string[] }> {
    let tokens = this.definitionTokens;
    const results: string[] = [];
    for (const step of calls) {
      const call = typeof step === 'function' ? step(results) : step;
      if (!call) break;
      const result = (await this.clients.get(call.server)!.callTool({ name: call.tool, arguments: call.args }, undefined, { timeout: 120_000 })) as CallToolResult;
      const text = resultText(result);
      results.push(text);
      tokens += countTokens(callText(`${call.server}_${call.tool}`, call.args)) + countTokens(text);
    }
    return { tokens, results };
  }

  async close(): Promise<void> {
    for (const client of this.clients.values()) await client.close().catch(() => {});
  }
}

interface GatewayTokens {
  definitions: number;
  discovery: number;
  code: number;
  printed: number;
  total: number;
}

class GatewayAgent {
  definitionTokens = 0;
  instructionTokens = 0;
  constructor(private readonly gw: GatewayHarness) {}

  async init(): Promise<void> {
    const { tools } = await this.gw.client.listTools();
    this.definitionTokens = countTokens(definitionText(tools));
    this.instructionTokens = countTokens(this.gw.client.getInstructions() ?? '');
  }

  /**
   * Discovery first (each answer must name the functions the code then imports, so the discovery is one that works),
   * then one execute_code: the call carrying the code, and its answer (what the code printed and the run's footer).
   */
  async run(discovery: Array<{ tool: string; args: Record<string, unknown>; mustFind: string[] }>, code: string): Promise<GatewayTokens & { printedText: string }> {
    let discoveryTokens = 0;
    for (const step of discovery) {
      const { text } = await this.gw.call(step.tool, step.args);
      const missing = step.mustFind.filter((name) => !text.includes(name));
      if (missing.length) throw new Error(`${step.tool} ${JSON.stringify(step.args)} did not find ${missing.join(', ')}:\n${text}`);
      discoveryTokens += countTokens(callText(step.tool, step.args)) + countTokens(text);
    }
    const codeTokens = countTokens(callText('execute_code', { code }));
    const { text } = await this.gw.call('execute_code', { code });
    const printed = countTokens(text);
    return { definitions: this.definitionTokens, discovery: discoveryTokens, code: codeTokens, printed, total: this.definitionTokens + discoveryTokens + codeTokens + printed, printedText: text };
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
    slack: REAL_SERVERS.slack(MAX_CHECKS),
  });
  const gw = await startGateway({ servers, clientName: 'context-bench' });
  const notes = path.join(gw.sharedDir, 'meeting-notes.md');
  fs.writeFileSync(
    notes,
    '# Weekly sync, 3 March\n\n- Q1 revenue is tracking 8% above plan; EMEA leads the growth.\n- The Business plan price change ships on 1 April.\n- Open question: who owns the partner onboarding checklist? Decide by Friday.\n- Next deploy of billing-api is scheduled for Thursday after the freeze lifts.\n',
  );
  const direct = await DirectAgent.connect(servers({ sharedDir: gw.sharedDir, crmDb: directCrm }));
  const agent = new GatewayAgent(gw);
  await agent.init();

  const rows: Array<{ scenario: string; direct: number; gateway: GatewayTokens }> = [];
  try {
    // 1. Simple query: what do the meeting notes say?
    const simpleDirect = await direct.run([{ server: 'filesystem', tool: 'read_text_file', args: { path: notes } }]);
    const simple = await agent.run(
      [{ tool: 'search_tools', args: { query: 'read text file', detail: 'full', limit: 2 }, mustFind: ['filesystem.readTextFile'] }],
      `import { readTextFile } from './servers/filesystem';\nconsole.log((await readTextFile({ path: ${JSON.stringify(notes)} })).content);`,
    );
    if (!simple.printedText.includes('EMEA leads the growth')) throw new Error(`simple query: unexpected answer\n${simple.printedText}`);
    rows.push({ scenario: 'simple query', direct: simpleDirect.tokens, gateway: simple });

    // 2. Data analysis, the seed's 3.1: 10,000 orders, the pending ones over $100 flagged in the CRM in one bulk update,
    //    a summary with the first three for review. Directly, the model reads every row and writes every record.
    type Order = { order_id: string; quantity: number; unit_price: number; status: string };
    const flag = (orders: Order[]) => orders.filter((o) => o.status === 'pending' && o.quantity * o.unit_price > 100).map((o) => ({ order_id: o.order_id, fields: { follow_up: true } }));
    const analysisDirect = await direct.run([
      { server: 'sheets', tool: 'get_sheet', args: { sheet: 'orders' } },
      (results) => ({ server: 'crm', tool: 'update_records', args: { records: flag(JSON.parse(results[0]) as Order[]) } }),
    ]);
    const analysis = await agent.run(
      [
        { tool: 'search_tools', args: { query: 'sheet rows', detail: 'full', limit: 2 }, mustFind: ['sheets.getSheet('] },
        { tool: 'search_tools', args: { query: 'update crm records', detail: 'full', limit: 1 }, mustFind: ['crm.updateRecords('] },
      ],
      [
        "import { getSheet } from './servers/sheets';",
        "import { updateRecords } from './servers/crm';",
        "const rows = (await getSheet({ sheet: 'orders' })) as Array<{ order_id: string; quantity: number; unit_price: number; status: string }>;",
        "const pending = rows.filter((r) => r.status === 'pending' && r.quantity * r.unit_price > 100);",
        'console.log(`Processed ${rows.length} rows; ${pending.length} pending orders over $100. First 3:`);',
        'for (const o of pending.slice(0, 3)) console.log(`- ${o.order_id}: $${o.quantity * o.unit_price}`);',
        'const result = (await updateRecords({ records: pending.map((o) => ({ order_id: o.order_id, fields: { follow_up: true } })) })) as { updated: number };',
        'console.log(`Updated ${result.updated} records`);',
      ].join('\n'),
    );
    const flagged = JSON.parse(analysisDirect.results[1]) as { updated: number };
    if (!new RegExp(`Processed 10000 rows; ${flagged.updated} pending orders[\\s\\S]*Updated ${flagged.updated} records`).test(analysis.printedText)) throw new Error(`data analysis: unexpected answer\n${analysis.printedText}`);
    rows.push({ scenario: 'data analysis (10,000 rows)', direct: analysisDirect.tokens, gateway: analysis });

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
    const multi = await agent.run(
      [
        { tool: 'search_tools', args: { query: 'sheet rows', detail: 'full', limit: 2 }, mustFind: ['sheets.getSheet('] },
        { tool: 'search_tools', args: { query: 'update crm records', detail: 'full', limit: 1 }, mustFind: ['crm.updateRecords('] },
        { tool: 'search_tools', args: { query: 'write file', detail: 'full', limit: 1 }, mustFind: ['filesystem.writeFile('] },
      ],
      [
        "import { getSheet } from './servers/sheets';",
        "import { updateRecords } from './servers/crm';",
        "import { writeFile } from './servers/filesystem';",
        "const leads = (await getSheet({ sheet: 'leads' })) as Array<{ lead_id: string; score: number }>;",
        'const hot = leads.filter((l) => l.score >= 90);',
        "const result = (await updateRecords({ records: hot.map((l) => ({ lead_id: l.lead_id, fields: { stage: 'qualified' } })) })) as { updated: number };",
        `await writeFile({ path: ${JSON.stringify(summaryFile)}, content: \`# Hot leads\\n\\nQualified in the CRM: \${result.updated}\\n\` });`,
        'console.log(`qualified ${result.updated} of ${leads.length} leads; summary written`);',
      ].join('\n'),
    );
    if (!/qualified \d+ of 1000 leads/.test(multi.printedText)) throw new Error(`multi-tool: unexpected answer\n${multi.printedText}`);
    rows.push({ scenario: 'multi-tool workflow', direct: multiDirect.tokens, gateway: multi });

    // 4. Control flow, the seed's 3.2: poll #deploys (10 messages a poll) until "deployment complete", at most 20 times.
    //    The bench channel's clock moves 30 s per poll, so the code's wait is 30 ms where a real one is 30 s.
    const isDone = (history: string) => (JSON.parse(history) as { messages: Array<{ text: string }> }).messages.some((m) => m.text.toLowerCase().includes('deployment complete'));
    const poll: Call = { server: 'slack', tool: 'get_channel_history', args: { channel: CHANNEL, limit: 10 } };
    const pollDirect = await direct.run(Array.from({ length: MAX_CHECKS }, (_, i) => (results: string[]) => (i > 0 && isDone(results[i - 1]) ? undefined : poll)));
    if (pollDirect.results.length !== MAX_CHECKS || !isDone(pollDirect.results.at(-1)!)) throw new Error(`control flow: direct polling saw completion after ${pollDirect.results.length} polls`);
    const control = await agent.run(
      [{ tool: 'search_tools', args: { query: 'slack channel history', detail: 'full', limit: 1 }, mustFind: ['slack.getChannelHistory('] }],
      [
        "import { getChannelHistory } from './servers/slack';",
        'let done: { text: string } | undefined;',
        'let checks = 0;',
        'while (!done && checks < 20) {',
        `  const { messages } = (await getChannelHistory({ channel: '${CHANNEL}', limit: 10 })) as { messages: Array<{ text: string }> };`,
        "  done = messages.find((m) => m.text.toLowerCase().includes('deployment complete'));",
        '  checks++;',
        '  if (!done) await new Promise((r) => setTimeout(r, 30));',
        '}',
        "console.log(done ? `Deployment completed after ${checks} checks (${checks * 30} s): ${done.text.slice(0, 100)}` : `Timed out after ${checks} checks`);",
      ].join('\n'),
    );
    if (!/Deployment completed after 20 checks/.test(control.printedText)) throw new Error(`control flow: unexpected answer\n${control.printedText}`);
    rows.push({ scenario: 'control flow (20 polls)', direct: pollDirect.tokens, gateway: control });
  } finally {
    await direct.close();
    await gw.close();
    fs.rmSync(directCrm, { force: true });
    fs.rmSync(memoryFile, { force: true });
  }

  console.log(`tool definitions in context: direct ${direct.definitionTokens} tokens (${direct.toolCount} tools of 6 servers), gateway ${agent.definitionTokens} tokens (6 tools)`);
  console.log(`server instructions (not counted): direct ${direct.instructionTokens} tokens, gateway ${agent.instructionTokens} tokens\n`);
  const pct = (n: number) => `${n.toFixed(1)}%`;
  console.log(`${'scenario'.padEnd(28)} ${'direct'.padStart(9)} ${'gateway'.padStart(8)} ${'reduction'.padStart(10)} ${'seed'.padStart(6)}`);
  let all = true;
  for (const row of rows) {
    const reduction = (1 - row.gateway.total / row.direct) * 100;
    const beats = reduction > SEED[row.scenario];
    all &&= beats;
    console.log(`${row.scenario.padEnd(28)} ${String(row.direct).padStart(9)} ${String(row.gateway.total).padStart(8)} ${pct(reduction).padStart(10)} ${pct(SEED[row.scenario]).padStart(6)}  ${beats ? '✓' : '✗'}`);
  }
  console.log(`\ngateway side, tokens by part:\n${'scenario'.padEnd(28)} ${'definitions'.padStart(11)} ${'discovery'.padStart(9)} ${'code'.padStart(5)} ${'printed'.padStart(7)}`);
  for (const { scenario, gateway: g } of rows) console.log(`${scenario.padEnd(28)} ${String(g.definitions).padStart(11)} ${String(g.discovery).padStart(9)} ${String(g.code).padStart(5)} ${String(g.printed).padStart(7)}`);
  console.log(all ? '\nevery row beats the seed' : '\nsome rows are below the seed');
}

await main();
