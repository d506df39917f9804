// CLI commands of the gateway: `skillgraph mcp` (the MCP server agents connect to, over stdio) and `skillgraph ledger`
// (tokens that stayed out of the model's context, per day and per skill).
import type { Engine } from '../engine/engine';
import type { LedgerTotal } from '../engine/gateway';
import { resolveDataDir } from '../engine/locations';
import { locationsOf, printJsonOr, type Command } from './command';

async function serveMcp(values: Record<string, unknown>): Promise<number> {
  // stdout is the protocol channel from here on: anything meant for a person goes to stderr.
  // The handshake needs only the SDK's server and our six tool schemas: the engine (graph scan, index, sandbox) is
  // opened on the first tool call, and an MCP server process starts only when code calls it.
  const [{ createGatewayServer }, { StdioServerTransport }, { prepareLocations }] = await Promise.all([
    import('../engine/gateway/server'),
    import('@modelcontextprotocol/sdk/server/stdio.js'),
    import('../engine/prepare-locations'),
  ]);
  // Folder problems are reported now, as the agent's host starts us, not on the first tool call.
  const locations = prepareLocations({ ...locationsOf(values), host: 'cli' });
  let engine: Promise<Engine> | undefined;
  const openEngine = (): Promise<Engine> =>
    (engine ??= import('../engine/engine').then(({ Engine }) =>
      Engine.open({ graph: locations.graphDir, data: locations.dataDir, host: 'cli', watch: true, warmSandbox: true, log: locationsOf(values).log ?? { to: 'logs-folder' } }),
    ));
  const server = createGatewayServer(async () => {
    const [{ gatewayForEngine }, opened] = await Promise.all([import('../engine/gateway'), openEngine()]);
    return gatewayForEngine(opened);
  });
  const transport = new StdioServerTransport();
  let closing: Promise<void> | undefined;
  const shutdown = () =>
    (closing ??= (async () => {
      await server.close().catch(() => {});
      // An engine still opening is closed once open; a failed open has nothing to close.
      const opened = await engine?.catch(() => undefined);
      await opened?.close();
    })());
  await server.connect(transport);
  process.stderr.write(`skillgraph mcp: serving graph ${locations.graphDir} (data ${locations.dataDir}) over stdio\n`);
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
