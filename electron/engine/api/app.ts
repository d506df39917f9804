// Handlers for app state, settings, pages and search.
import type { Engine } from '../engine';
import { resolveE2BApiKey } from '../sandbox/e2b-key';
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
        graphWarnings: engine.graphWarnings().slice(0, 50),
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
        problems: [...engine.problems],
      };
    },
    'settings.get': async () => {
      const { backend, e2bApiKey, e2bTemplate, e2bIdleTimeoutMinutes, parallelRuns, allowedDomains, requireApproval, writeTools, piiFilter } = engine.settings.get();
      const key = resolveE2BApiKey(e2bApiKey);
      const e2bKeyEnv = /^\$\{env:([A-Za-z_][A-Za-z0-9_]*)\}$/.exec(e2bApiKey?.trim() ?? '')?.[1];
      return {
        backend,
        e2bConfigured: key.key !== undefined,
        e2bKeyEnv,
        e2bKeyProblem: key.key === undefined ? key.reason : undefined,
        e2bTemplate,
        e2bIdleTimeoutMinutes,
        parallelRuns,
        allowedDomains,
        requireApproval,
        writeTools,
        piiFilter,
      };
    },
    'settings.update': async ({ e2bKeyEnv, e2bTemplate, ...input }) => {
      const next = engine.settings.update({
        ...input,
        ...(e2bKeyEnv !== undefined ? { e2bApiKey: `\${env:${e2bKeyEnv}}` } : {}),
        ...(e2bTemplate !== undefined ? { e2bTemplate: e2bTemplate || undefined } : {}),
      });
      // Later runs use the new backend, network rules and parallel limit at once; E2B settings are read per run.
      engine.runs.configure({ backend: next.backend, allowedDomains: next.allowedDomains, parallelRuns: next.parallelRuns });
      return { ok: true as const };
    },
    'search.query': async ({ query, filters, limit, offset }) => engine.index.search(query, { filters, limit, offset }),
  };
}
