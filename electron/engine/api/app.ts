// Handlers for app state, settings, pages and search.
import type { Engine } from '../engine';
import { VERSION } from '../version';
import type { HandlerSlice } from './types';

export function appHandlers(engine: Engine): HandlerSlice<'app.status' | 'settings.get' | 'settings.update' | 'search.query'> {
  return {
    'app.status': async () => {
      const index = engine.index.status();
      const servers = engine.serverStates();
      const backend = await engine.backendStatus();
      return {
        version: VERSION,
        graphDir: engine.graphDir,
        dataDir: engine.dataDir,
        createdGraph: engine.locations.createdGraph,
        graphWarnings: engine.graph.warnings.slice(0, 50),
        backend,
        servers: {
          ready: servers.filter((s) => s.status === 'ready').length,
          total: servers.length,
          failed: servers.filter((s) => s.status === 'failed').length,
        },
        index: {
          pages: index.pages,
          skills: index.skills,
          tools: index.tools,
          indexing: engine.indexing !== undefined,
          message: engine.index.openReport.rebuilt ? engine.index.openReport.reason : undefined,
        },
        host: engine.options.host === 'electron' ? 'electron' : 'browser',
      };
    },
    'settings.get': async () => {
      const { backend, e2bApiKey, allowedDomains, requireApproval, writeTools, piiFilter } = engine.settings.get();
      return { backend, e2bConfigured: e2bKeyPresent(e2bApiKey), allowedDomains, requireApproval, writeTools, piiFilter };
    },
    'settings.update': async (input) => {
      const next = engine.settings.update(input);
      // Later runs use the new backend and network rules at once; no restart needed.
      engine.runs.configure({ backend: next.backend, allowedDomains: next.allowedDomains });
      return { ok: true as const };
    },
    'search.query': async ({ query, filters, limit, offset }) => engine.index.search(query, { filters, limit, offset }),
  };
}

/** A key is configured when one is written in the settings, or a ${env:NAME} reference (or E2B_API_KEY) names a set variable. */
function e2bKeyPresent(setting: string | undefined): boolean {
  const reference = /^\$\{env:([A-Za-z_][A-Za-z0-9_]*)\}$/.exec(setting?.trim() ?? '');
  if (reference) return Boolean(process.env[reference[1]]?.trim());
  return Boolean(setting?.trim()) || Boolean(process.env.E2B_API_KEY?.trim());
}
