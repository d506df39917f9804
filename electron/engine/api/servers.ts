// Handlers for MCP servers and the generated API tree: configuration, live state, the tree, "Try it".
import { NotFoundError } from '../../../shared/errors';
import type { Engine } from '../engine';
import { toolResultToData } from '../mcp/result';
import type { HandlerSlice } from './types';

export type ServerMethods = 'servers.list' | 'servers.add' | 'servers.remove' | 'servers.import' | 'servers.restart' | 'api.tree' | 'api.tool' | 'api.call' | 'api.generate';

export function serverHandlers(engine: Engine): HandlerSlice<ServerMethods> {
  const list = () => {
    const configs = engine.serverConfigs.list();
    const states = new Map(engine.pool.states().map((s) => [s.name, s]));
    return {
      servers: Object.entries(configs)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([name, config]) => ({
          name,
          config,
          state: states.get(name) ?? { name, dir: name, transport: 'command' in config ? ('stdio' as const) : ('http' as const), status: 'idle' as const, toolCount: 0, restarts: 0 },
        })),
    };
  };

  return {
    'servers.list': async () => list(),
    'servers.add': async ({ name, config }) => {
      await engine.serverConfigs.add(name, config);
      void engine.reloadServers().catch(engine.reportBackgroundFailure(`starting the servers after adding \`${name}\``));
      return list();
    },
    'servers.remove': async ({ name }) => {
      if (!(await engine.serverConfigs.remove(name))) throw new NotFoundError(`No server named ${name} is configured.`);
      await engine.reloadServers();
      return list();
    },
    'servers.import': async ({ json }) => {
      const result = await engine.serverConfigs.importText(json);
      void engine.reloadServers().catch(engine.reportBackgroundFailure('starting the imported servers'));
      return result;
    },
    'servers.restart': async ({ name }) => {
      const state = await engine.pool.restart(name);
      void engine.catalog.refresh().catch(engine.reportBackgroundFailure(`regenerating the API after restarting \`${name}\``));
      return state;
    },
    'api.tree': async () => {
      const docs = engine.catalog.toolDocs();
      const dirs = new Map(engine.pool.states().map((s) => [s.name, s.dir]));
      const servers = [...new Set(docs.map((d) => d.server))].sort().map((server) => ({
        server,
        dir: dirs.get(server) ?? server,
        tools: docs
          .filter((d) => d.server === server)
          .sort((a, b) => a.identifier.localeCompare(b.identifier))
          .map((d) => ({ tool: d.tool, identifier: d.identifier, description: d.description, readOnly: d.readOnly })),
      }));
      return { servers, root: engine.catalog.apiDir };
    },
    'api.tool': async ({ server, tool }) => {
      const doc = engine.catalog.toolDocs(server).find((d) => d.tool === tool);
      if (!doc) throw new NotFoundError(`Server ${server} has no tool named ${tool} in the generated API.`);
      const dir = engine.pool.states().find((s) => s.name === server)?.dir ?? server;
      const tsPath = `servers/${dir}/${doc.identifier}.ts`;
      const pyPath = `servers/${dir}/${doc.identifier}.py`;
      const [typescript, python] = await Promise.all([engine.catalog.readFile(tsPath), engine.catalog.readFile(pyPath)]);
      return { doc, typescript, python, tsPath, pyPath };
    },
    'api.call': async ({ server, tool, args }) => {
      const started = performance.now();
      try {
        const result = await engine.pool.callTool(server, tool, args);
        return { ok: true, data: toolResultToData(result, { server, tool }), durationMs: performance.now() - started };
      } catch (error) {
        return { ok: false, data: null, error: (error as Error).message, durationMs: performance.now() - started };
      }
    },
    'api.generate': async () => {
      const result = await engine.catalog.refresh();
      return { written: result.written.length, unchanged: result.unchanged, removed: result.removed.length };
    },
  };
}
