// Skill names and what is derived from them: the page title `Skills/<name>`, the TypeScript export name and
// the Agent Skills folder name, with validation errors that say how to fix a name.
import { InvalidInputError } from '../../../shared/errors';

/** The namespace every skill page lives under: `Skills/<name>`, file `pages/Skills___<name>.md`. */
export const SKILLS_NAMESPACE = 'Skills';
export const SKILL_NAME_PATTERN = /^[a-z][a-z0-9_]{0,63}$/;
/** Agent Skills: 1-64 lowercase letters, digits and single hyphens, not at either end. */
export const AGENT_SKILL_NAME_PATTERN = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
/**
 * Device names Windows reserves whatever the extension (`con.ts`, `nul.py`, `lpt9.md` cannot be created there). A skill
 * becomes `skills/<name>.ts`, `<name>/SKILL.md` and a page file, so such a name would break materialized modules and
 * exports on Windows; trailing dots and spaces, the other Windows trap, cannot pass SKILL_NAME_PATTERN.
 */
const WINDOWS_RESERVED_NAMES = new Set(['con', 'prn', 'aux', 'nul', ...[1, 2, 3, 4, 5, 6, 7, 8, 9].flatMap((n) => [`com${n}`, `lpt${n}`])]);

export class InvalidSkillNameError extends InvalidInputError {
  constructor(readonly skillName: string, reason: string) {
    super(`"${skillName}" cannot be a skill name: ${reason}. Use snake_case: a lowercase letter, then lowercase letters, digits and single underscores (max 64), e.g. "${suggestSkillName(skillName) || 'analyze_error_spike'}".`);
  }
}

/**
 * Throws unless `name` is a snake_case identifier usable as a file, a TypeScript/Python module and an Agent
 * Skills name. Double and trailing underscores are refused because they would not survive the kebab-case export.
 */
export function validateSkillName(name: string): string {
  if (name.length === 0) throw new InvalidSkillNameError(name, 'it is empty');
  if (name.length > 64) throw new InvalidSkillNameError(name, `it is ${name.length} characters long (64 at most)`);
  if (!SKILL_NAME_PATTERN.test(name)) {
    const bad = [...new Set(name.replace(/[a-z0-9_]/g, ''))].join('');
    const reason = !/^[a-z]/.test(name) ? 'it must start with a lowercase letter' : `it contains ${JSON.stringify(bad)}`;
    throw new InvalidSkillNameError(name, reason);
  }
  if (name.includes('__')) throw new InvalidSkillNameError(name, 'it has two underscores in a row');
  if (name.endsWith('_')) throw new InvalidSkillNameError(name, 'it ends with an underscore');
  if (WINDOWS_RESERVED_NAMES.has(name)) throw new InvalidSkillNameError(name, `Windows reserves "${name}" as a device name (files such as ${name}.ts cannot exist there)`);
  return name;
}

/** The closest valid name to what someone typed (`Analyze Error-Spike!` -> `analyze_error_spike`), or ''. */
export function suggestSkillName(raw: string): string {
  const snake = raw
    .normalize('NFKD')
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^[^a-z]+/, '')
    .replace(/_+$/, '')
    .slice(0, 64)
    .replace(/_+$/, '');
  return WINDOWS_RESERVED_NAMES.has(snake) ? `${snake}_skill` : snake;
}

export function skillPageTitle(name: string): string {
  return `${SKILLS_NAMESPACE}/${name}`;
}

/** `analyze_error_spike` -> `analyzeErrorSpike`: the function a TypeScript skill module must export. */
export function skillExportName(name: string): string {
  return name.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

/** `analyze_error_spike` -> `analyze-error-spike` (Agent Skills folder and `name:`). */
export function toAgentSkillName(name: string): string {
  validateSkillName(name);
  return name.replace(/_/g, '-');
}

/** `analyze-error-spike` -> `analyze_error_spike`; throws with the Agent Skills rule that is broken. */
export function fromAgentSkillName(agentName: string): string {
  if (agentName.length < 1 || agentName.length > 64 || !AGENT_SKILL_NAME_PATTERN.test(agentName)) {
    throw new InvalidInputError(
      `"${agentName}" is not a valid Agent Skills name: use 1-64 lowercase letters, digits and single hyphens, not at the start or end (e.g. "analyze-error-spike").`,
    );
  }
  return validateSkillName(agentName.replace(/-/g, '_'));
}
