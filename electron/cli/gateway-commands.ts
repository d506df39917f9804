// CLI commands of the gateway: `skillgraph mcp` (the MCP server agents connect to, over stdio) and `skillgraph ledger`
// (tokens that stayed out of the model's context, per day and per skill).
import type { LedgerTotal } from '../engine/gateway';
import { resolveDataDir } from '../engine/locations';
import { locationsOf, printJsonOr, type Command } from './command';

async function serveMcp(values: Record<string, unknown>): Promise<number> {
  // stdout is the protocol channel from here on: anything meant for a person goes to stderr.
  const [{ Engine }, { createEngineGatewayServer }, { StdioServerTransport }] = await Promise.all([
    import('../engine/engine'),
    import('../engine/gateway'),
    import('@modelcontextprotocol/sdk/server/stdio.js'),
  ]);
  const engine = await Engine.open({ ...locationsOf(values), host: 'cli', watch: true, warmSandbox: true });
  const server = createEngineGatewayServer(engine);
  const transport = new StdioServerTransport();
  let closing: Promise<void> | undefined;
  const shutdown = () =>
    (closing ??= (async () => {
      await server.close().catch(() => {});
      await engine.close();
    })());
  await server.connect(transport);
  process.stderr.write(`skillgraph mcp: serving graph ${engine.graphDir} (data ${engine.dataDir}) over stdio\n`);
  await new Promise<void>((resolve) => {
    process.stdin.once('end', resolve);
    process.stdin.once('close', resolve);
    transport.onclose = () => resolve();
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await shutdown();
  return 0;
}

function formatTotal(label: string, t: LedgerTotal): string {
  const share = t.toolResultTokens > 0 ? ` (${((t.savedTokens / t.toolResultTokens) * 100).toFixed(1)}% kept out)` : '';
  return `${label.padEnd(24)} ${String(t.runs).padStart(5)} runs  ${String(t.toolResultTokens).padStart(10)} result tokens  ${String(t.printedTokens).padStart(8)} printed  ${String(t.savedTokens).padStart(10)} saved${share}`;
}

export const GATEWAY_COMMANDS: Command[] = [
  {
    name: 'mcp',
    usage: 'mcp [--graph <folder>] [--data <folder>]',
    summary: 'Serve Skillgraph to agents as an MCP server over stdio (Claude Desktop, VS Code, Cursor).',
    help: 'Tools: search_tools, list_api, read_api, execute_code, search_skills, save_skill. MCP servers come from <data>/mcp.json; runs appear in the app.',
    run: ({ values }) => serveMcp(values),
  },
  {
    name: 'ledger',
    usage: 'ledger [--data <folder>] [--json]',
    summary: 'Show the context ledger: tokens of tool results kept out of the model versus tokens printed, per day and skill.',
    async run({ values }) {
      const { ContextLedgerBook } = await import('../engine/gateway/ledger');
      const book = new ContextLedgerBook(resolveDataDir(locationsOf(values)));
      const totals = book.totals();
      printJsonOr(values, totals, () => {
        if (totals.total.runs === 0) return 'No runs recorded yet. Runs made through `skillgraph mcp` or the app add to the ledger.';
        const days = Object.keys(totals.byDay).sort().reverse();
        const skills = Object.keys(totals.bySkill).sort();
        return [
          formatTotal('total', totals.total),
          '',
          'By day:',
          ...days.map((day) => formatTotal(`  ${day}`, totals.byDay[day])),
          ...(skills.length ? ['', 'By skill:', ...skills.map((skill) => formatTotal(`  ${skill}`, totals.bySkill[skill]))] : []),
        ].join('\n');
      });
    },
  },
];
