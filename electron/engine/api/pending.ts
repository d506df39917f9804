// Contract methods whose engine services are still being connected in this build. Each answers with a
// clear "not available" error rather than a fake result; the domain files replace these one by one.
import type { Engine } from '../engine';
import type { HandlerSlice } from './types';
import type { ServerMethods } from './servers';
import type { GatewayMethods } from './gateway';
import type { SkillMethods } from './skills';
import { unavailable } from './types';

type Pending = Exclude<import('../../../shared/contract').MethodName, 'app.status' | 'settings.update' | 'pages.get' | 'search.query' | ServerMethods | GatewayMethods | SkillMethods>;

export function pendingHandlers(_engine: Engine): HandlerSlice<Pending> {
  const n = (what: string) => unavailable(what, 'this build does not connect it yet');
  return {
    'runs.start': n('Runs'),
    'runs.cancel': n('Runs'),
    'runs.list': n('Runs'),
    'runs.get': n('Runs'),
    'sessions.files': n('Sessions'),
    'sessions.clear': n('Sessions'),
  };
}
