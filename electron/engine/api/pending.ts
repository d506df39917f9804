// Contract methods whose engine services are still being connected in this build. Each answers with a
// clear "not available" error rather than a fake result; the domain files replace these one by one.
import type { Engine } from '../engine';
import type { HandlerSlice } from './types';
import type { ServerMethods } from './servers';
import type { GatewayMethods } from './gateway';
import { unavailable } from './types';

type Pending = Exclude<import('../../../shared/contract').MethodName, 'app.status' | 'settings.update' | 'pages.get' | 'search.query' | ServerMethods | GatewayMethods>;

export function pendingHandlers(_engine: Engine): HandlerSlice<Pending> {
  const n = (what: string) => unavailable(what, 'this build does not connect it yet');
  return {
    'skills.list': n('Listing skills'),
    'skills.get': n('Skills'),
    'skills.save': n('Saving skills'),
    'skills.update': n('Editing skills'),
    'skills.rename': n('Renaming skills'),
    'skills.setStatus': n('Reviewing skills'),
    'skills.delete': n('Deleting skills'),
    'skills.restore': n('Restoring skills'),
    'journal.list': n('The journal'),
    'runs.start': n('Runs'),
    'runs.cancel': n('Runs'),
    'runs.list': n('Runs'),
    'runs.get': n('Runs'),
    'sessions.files': n('Sessions'),
    'sessions.clear': n('Sessions'),
  };
}
