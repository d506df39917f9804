// Public surface of skills: the service, the page model, materialisation for runs, pins and Agent Skills export.
export { SkillService, SkillExistsError, SkillNotFoundError, SKILLGRAPH_ACTOR } from './service';
export type { SkillServiceOptions, SaveSkillInput, UpdateSkillInput, PinReview, SkillListInput } from './service';
export { skillFromPage, isSkillPage, skillNameFromTitle, parseSource } from './model';
export { validateSkillName, suggestSkillName, skillPageTitle, skillExportName, toAgentSkillName, fromAgentSkillName, InvalidSkillNameError } from './names';
export { materializeSkills, renderSkills, type MaterializeResult } from './materialize';
export { detectToolCalls, comparePins, currentHashes, pinsFor, type PinStatus, type ToolCallRef } from './pins';
export { exportAgentSkill, readAgentSkill, renderAgentSkill, type ImportedSkill } from './agent-skills';
export { toSkillModule, SkillCodeError } from './module';
