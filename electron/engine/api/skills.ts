// Handlers for skills and the journal: the app and the CLI act as a person (agents come in through the gateway).
// Running a skill calls it: a run of a few generated lines that import the skill and call it with the form's arguments.
import type { Actor } from '../../../shared/types';
import type { Engine } from '../engine';
import { skillCallCode, skillSignature } from '../skills/signature';
import { forwardRunEvents } from './runs';
import type { HandlerSlice } from './types';

export type SkillMethods =
  | 'skills.list'
  | 'skills.get'
  | 'skills.save'
  | 'skills.update'
  | 'skills.rename'
  | 'skills.setStatus'
  | 'skills.signature'
  | 'skills.run'
  | 'skills.delete'
  | 'skills.restore'
  | 'journal.list';

const PERSON: Actor = { kind: 'person' };

export function skillHandlers(engine: Engine, actor: Actor = PERSON): HandlerSlice<SkillMethods> {
  const skills = engine.skills;
  return {
    'skills.list': async (query) => {
      // The list comes from the index; on a first start it is still catching up with the graph.
      await engine.indexing;
      return skills.list(query);
    },
    'skills.get': async ({ name }) => skills.get(name),
    'skills.save': async (input) => skills.save(input, actor),
    'skills.update': async (input) => skills.update(input, actor),
    'skills.rename': async ({ name, newName }) => skills.rename(name, newName, actor),
    'skills.setStatus': async ({ name, status }) => skills.setStatus(name, status, actor),
    'skills.signature': async ({ name }) => skillSignature((await skills.get(name)).skill),
    'skills.run': async ({ name, args, session }) => {
      const { skill } = await skills.get(name);
      const code = skillCallCode(skill, args);
      const backend = engine.settings.get().backend;
      const handle = engine.runs.start({ code, language: skill.language, session, backend, origin: 'app' });
      void engine.ledger.observe(handle, code).catch(engine.reportBackgroundFailure(`recording the context ledger of run ${handle.id}`));
      forwardRunEvents(handle, engine.events.emit, { session: session ?? 'default', language: skill.language, backend, startedAt: Date.now(), origin: 'app' });
      return { runId: handle.id, code };
    },
    'skills.delete': async ({ name }) => skills.delete(name, actor),
    'skills.restore': async ({ recycledPath }) => skills.restore(recycledPath, actor),
    'journal.list': async ({ days }) => ({ entries: skills.journal({ days }) }),
  };
}
