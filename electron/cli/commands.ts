// The CLI's command registry and the app commands (start, serve, init, status); each domain adds its own file.
// Command files import only what describes them; what a command runs is loaded by import() when it runs, so
// `--help` and a mistyped command cost no engine, SDK or compiler (the build splits the CLI into chunks).
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { packageRoot } from '../engine/locations';
import { electronBindingMissingReason } from '../engine/native-binding';
import { ENGINE_COMMANDS } from './engine-commands';
import { RUN_COMMANDS } from './run-commands';
import { GATEWAY_COMMANDS } from './gateway-commands';
import { SKILL_COMMANDS } from './skills-commands';

import { locationsOf, printJsonOr, str, type Command } from './command';

/** Why the desktop shell cannot start here, or undefined when it can. */
export function electronUnavailableReason(env: NodeJS.ProcessEnv = process.env): { reason: string } | { binary: string } {
  let binary: string;
  try {
    binary = createRequire(import.meta.url)('electron') as string;
  } catch {
    // The electron package is there but its binary was never downloaded (its install script is not allowed).
    return { reason: 'the Electron binary is not installed (the electron package\'s download step did not run)' };
  }
  if (!fs.existsSync(binary)) return { reason: `the Electron binary ${binary} is missing` };
  if (process.platform === 'linux' && !env.DISPLAY && !env.WAYLAND_DISPLAY) return { reason: 'there is no display (DISPLAY and WAYLAND_DISPLAY are unset)' };
  const binding = electronBindingMissingReason();
  return binding ? { reason: binding } : { binary };
}

async function serve(values: Record<string, unknown>): Promise<number> {
  const [{ Engine }, { createHandlers }, { startBrowserServer }] = await Promise.all([import('../engine/engine'), import('../engine/api/handlers'), import('../server/browser-server')]);
  const engine = await Engine.open({ log: { to: 'logs-folder' }, ...locationsOf(values), host: 'browser', watch: true });
  const portText = str(values.port);
  const port = portText === undefined ? undefined : Number(portText);
  if (port !== undefined && (!Number.isInteger(port) || port < 0 || port > 65535)) {
    await engine.close();
    throw new Error(`--port must be a number from 0 to 65535, not "${portText}".`);
  }
  let server;
  try {
    server = await startBrowserServer({
      handlers: createHandlers(engine),
      subscribe: (listener) => engine.events.subscribe(listener),
      staticDir: path.join(packageRoot(), 'dist', 'renderer'),
      port,
      portExplicit: port !== undefined,
      token: str(values.token) ?? process.env.SKILLGRAPH_TOKEN,
    });
  } catch (error) {
    await engine.close();
    throw error;
  }
  const info = { url: server.url, token: server.token, loginUrl: server.loginUrl, graph: engine.graphDir, data: engine.dataDir };
  if (values.json) process.stdout.write(JSON.stringify(info) + '\n');
  else {
    process.stdout.write(
      `Skillgraph is running in browser mode.\n  Open:  ${server.loginUrl}\n  Token: ${server.token}\n  Graph: ${engine.graphDir}${engine.locations.createdGraph ? ' (new, from the starter template)' : ''}\n  Data:  ${engine.dataDir}\nPress Ctrl+C to stop.\n`,
    );
  }
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await server.close();
  await engine.close();
  return 0;
}

const SERVE_OPTIONS = { port: { type: 'string' }, token: { type: 'string' } } as const;

const APP_COMMANDS: Command[] = [
  {
    name: 'start',
    usage: 'start [--graph <folder>] [--data <folder>] [--port <n>]',
    summary: 'Open the desktop app; where Electron cannot run, serve the same UI in browser mode.',
    options: SERVE_OPTIONS,
    async run({ values }) {
      const electron = electronUnavailableReason();
      if ('reason' in electron) {
        process.stdout.write(`Desktop app unavailable: ${electron.reason}. Serving the same UI in browser mode instead.\n`);
        return serve(values);
      }
      const main = path.join(packageRoot(), 'dist', 'electron', 'main.mjs');
      const args = [main];
      for (const key of ['graph', 'data'] as const) if (str(values[key])) args.push(`--${key}`, path.resolve(str(values[key])!));
      const child = spawn(electron.binary, args, { stdio: 'inherit' });
      return new Promise<number>((resolve) => child.on('exit', (code) => resolve(code ?? 1)));
    },
  },
  {
    name: 'serve',
    usage: 'serve [--port <n>] [--token <t>] [--graph <folder>] [--data <folder>] [--json]',
    summary: 'Serve the app in browser mode on 127.0.0.1 with a random token.',
    help: 'The port defaults to 4870 (any free port if that one is taken); --port 0 picks a free port. The token is new each start unless --token or SKILLGRAPH_TOKEN is given.',
    options: SERVE_OPTIONS,
    run: ({ values }) => serve(values),
  },
  {
    name: 'init',
    usage: 'init --graph <folder> [--data <folder>]',
    summary: 'Create a new Logseq graph from the starter template in an empty or new folder.',
    async run({ values }) {
      if (!str(values.graph)) throw new Error('init needs --graph <folder>: where to create the new graph.');
      const { Engine } = await import('../engine/engine');
      const engine = await Engine.open({ ...locationsOf(values), host: 'cli', initGraph: true });
      printJsonOr(values, { graph: engine.graphDir, created: engine.locations.createdGraph }, () =>
        engine.locations.createdGraph ? `Created a new graph in ${engine.graphDir}` : `${engine.graphDir} already holds a graph; nothing changed.`,
      );
      await engine.close();
    },
  },
  {
    name: 'status',
    usage: 'status [--json]',
    summary: 'Show the graph, data folder, servers, sandbox and index.',
    async run({ values }) {
      const [{ Engine }, { appHandlers }] = await Promise.all([import('../engine/engine'), import('../engine/api/app')]);
      // From the index (caught up by stat), the config and the servers' last state: no graph scan, no server started.
      const engine = await Engine.open({ ...locationsOf(values), host: 'cli', loadGraph: false });
      try {
        const status = await appHandlers(engine)['app.status']({});
        printJsonOr(values, status, () =>
          [
            `Graph:   ${status.graphDir}`,
            `Data:    ${status.dataDir}`,
            `Servers: ${status.servers.ready}/${status.servers.total} ready${status.servers.failed ? `, ${status.servers.failed} failed` : ''}`,
            `Sandbox: ${status.backend.name}${status.backend.available ? '' : ` (unavailable: ${status.backend.reason})`}`,
            `Index:   ${status.index.pages} pages, ${status.index.skills} skills, ${status.index.tools} tools`,
          ].join('\n'),
        );
      } finally {
        await engine.close();
      }
    },
  },
];

export const COMMANDS: Command[] = [...APP_COMMANDS, ...ENGINE_COMMANDS, ...RUN_COMMANDS, ...SKILL_COMMANDS, ...GATEWAY_COMMANDS];
