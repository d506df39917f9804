// Contract handlers: one function per contract method, over the engine's services. Both hosts (Electron
// IPC and browser mode) register exactly this object, so every method is served the same way by both.
import type { Handlers } from '../../../shared/contract';
import { SkillgraphError } from '../../../shared/errors';
import type { Engine } from '../engine';
import { VERSION } from '../version';

const notYet = (what: string) => async (): Promise<never> => {
  throw new SkillgraphError('not-available', `${what} is not available in this build yet.`);
};

export function createHandlers(engine: Engine): Handlers {
  return {
    'app.status': async () => ({
      version: VERSION,
      graphDir: engine.graphDir,
      dataDir: engine.dataDir,
      createdGraph: engine.locations.createdGraph,
      graphWarnings: [],
      backend: { name: engine.settings.get().backend, available: false, reason: 'the sandbox is not wired yet' },
      servers: { ready: 0, total: 0, failed: 0 },
      index: { pages: 0, skills: 0, tools: 0, indexing: false },
      host: engine.options.host === 'electron' ? 'electron' : 'browser',
    }),
    'pages.get': notYet('Reading pages'),
    'search.query': notYet('Search'),
    'skills.list': notYet('Skills'),
    'skills.get': notYet('Skills'),
    'skills.save': notYet('Skills'),
    'skills.update': notYet('Skills'),
    'skills.rename': notYet('Skills'),
    'skills.setStatus': notYet('Skills'),
    'skills.delete': notYet('Skills'),
    'skills.restore': notYet('Skills'),
    'journal.list': notYet('The journal'),
    'servers.list': notYet('Servers'),
    'servers.add': notYet('Servers'),
    'servers.remove': notYet('Servers'),
    'servers.import': notYet('Servers'),
    'servers.restart': notYet('Servers'),
    'api.tree': notYet('The API tree'),
    'api.tool': notYet('The API tree'),
    'api.call': notYet('Calling tools'),
    'api.generate': notYet('The API tree'),
    'runs.start': notYet('Runs'),
    'runs.cancel': notYet('Runs'),
    'runs.list': notYet('Runs'),
    'runs.get': notYet('Runs'),
    'sessions.files': notYet('Sessions'),
    'sessions.clear': notYet('Sessions'),
    'approvals.list': notYet('Approvals'),
    'approvals.decide': notYet('Approvals'),
    'settings.update': async (input) => {
      engine.settings.update(input);
      return { ok: true as const };
    },
  };
}
