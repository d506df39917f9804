// CLI commands of the gateway: `skillgraph mcp` (the MCP server agents connect to, over stdio, or Streamable HTTP on
// 127.0.0.1 with --http <port>) and `skillgraph ledger`
// (tokens that stayed out of the model's context, per day and per skill).
import type { Engine } from '../engine/engine';
import type { LedgerTotal } from '../engine/gateway';
import { resolveDataDir } from '../engine/locations';
import { locationsOf, printJsonOr, type Command } from './command';

async function serveMcp(values: Record<string, unknown>): Promise<number> {
  // stdout is the protocol channel from here on: anything meant for a person goes to stderr.
  // The handshake needs only the SDK's server and our six tool schemas: the engine (graph scan, index, sandbox) is
  // opened on the first tool call, and an MCP server process starts only when code calls it.
  const [{ createGatewayServer }, { AgentRelay }, { prepareLocations }] = await Promise.all([
    import('../engine/gateway/server'),
    import('../engine/gateway/agent-relay'),
    import('../engine/prepare-locations'),
  ]);
  const httpPort = values.http === undefined ? undefined : Number(values.http);
  if (httpPort !== undefined && (!Number.isInteger(httpPort) || httpPort < 0 || httpPort > 65_535)) {
    process.stderr.write(`skillgraph mcp: --http takes a port number (0 picks a free one), not "${String(values.http)}".\n`);
    return 2;
  }
  // Folder problems are reported now, as the agent's host starts us, not on the first tool call.
  const locations = prepareLocations({ ...locationsOf(values), host: 'cli' });
  // Sampling and elicitation requests of the user's servers go to the connected agent.
  const relay = new AgentRelay();
  let engine: Promise<Engine> | undefined;
  let openedEngine: Engine | undefined;
  const openEngine = (): Promise<Engine> =>
    (engine ??= import('../engine/engine').then(({ Engine }) =>
      // The gateway warms the sandbox for its own session (gatewayForEngine); the engine's warm-up is the app's.
      // Without the graph: the index catches up by file times (a fresh index reads no page), and the gateway opens the
      // graph (scan, then watching) after its first answer or when save_skill needs it.
      Engine.open({ graph: locations.graphDir, data: locations.dataDir, host: 'cli', watch: true, loadGraph: false, warmSandbox: false, serverRequests: relay.handlers, log: locationsOf(values).log ?? { to: 'logs-folder' } }).then((opened) => {
        // The agent's roots changed: the servers offered them hear roots/list_changed and ask again.
        relay.onRootsChanged(() => opened.pool.hostRootsChanged());
        openedEngine = opened;
        return opened;
      }),
    ));
  const createServer = () =>
    createGatewayServer(async () => {
      const [{ gatewayForEngine }, opened] = await Promise.all([import('../engine/gateway'), openEngine()]);
      return gatewayForEngine(opened);
    }, { relay, configProblem: () => openedEngine?.serverConfigs.problem });
  let stop: () => Promise<void>;
  const ended = new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
    if (httpPort !== undefined) return;
    process.stdin.once('end', resolve);
    process.stdin.once('close', resolve);
  });
  if (httpPort === undefined) {
    const { StdioServerTransport } = await import('@modelcontextprotocol/sdk/server/stdio.js');
    const server = createServer();
    const transport = new StdioServerTransport();
    const closed = new Promise<void>((resolve) => (transport.onclose = () => resolve()));
    await server.connect(transport);
    stop = () => server.close();
    process.stderr.write(`skillgraph mcp: serving graph ${locations.graphDir} (data ${locations.dataDir}) over stdio\n`);
    await Promise.race([ended, closed]);
  } else {
    const { serveGatewayOverHttp } = await import('../engine/gateway/http');
    const served = await serveGatewayOverHttp({ port: httpPort, createServer });
    stop = () => served.close();
    process.stderr.write(`skillgraph mcp: serving graph ${locations.graphDir} (data ${locations.dataDir}) at ${served.url}\n`);
    await ended;
  }
  await stop().catch((error: unknown) => process.stderr.write(`skillgraph mcp: closing the agent connection failed: ${(error as Error).message}\n`));
  // An engine still opening is closed once open; a failed open has nothing to close.
  const opened = await engine?.catch(() => undefined);
  await opened?.close();
  return 0;
}

function formatTotal(label: string, t: LedgerTotal): string {
  const share = t.toolResultTokens > 0 ? ` (${((t.savedTokens / t.toolResultTokens) * 100).toFixed(1)}% kept out)` : '';
  return `${label.padEnd(24)} ${String(t.runs).padStart(5)} runs  ${String(t.toolResultTokens).padStart(10)} result tokens  ${String(t.printedTokens).padStart(8)} printed  ${String(t.savedTokens).padStart(10)} saved${share}`;
}

export const GATEWAY_COMMANDS: Command[] = [
  {
    name: 'mcp',
    usage: 'mcp [--graph <folder>] [--data <folder>] [--http <port>]',
    summary: 'Serve Skillgraph to agents as an MCP server over stdio (Claude Desktop, VS Code, Cursor), or over Streamable HTTP on 127.0.0.1.',
    options: { http: { type: 'string' } },
    help: 'Tools: search_tools, list_api, read_api, execute_code, search_skills, save_skill. MCP servers come from <data>/mcp.json; runs appear in the app. --http <port> serves http://127.0.0.1:<port>/mcp instead of stdio (0 picks a free port; the URL is printed on stderr).',
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
