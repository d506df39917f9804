// Export and import in the Agent Skills format (agentskills.io): a folder `<kebab-name>/SKILL.md` with `name` and
// `description` YAML front matter and the code under `scripts/`, so skills move to and from Claude Code and others.
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import { InvalidInputError } from '../../../shared/errors';
import type { Actor, Skill, SkillLanguage, SkillStatus } from '../../../shared/types';
import { parseSource } from './model';
import { fromAgentSkillName, skillExportName, toAgentSkillName } from './names';
import { FENCE_LANG, fenced, formatPins, formatSource } from './page';

export const AGENT_SKILL_DESCRIPTION_MAX = 1024;
const EXTENSIONS: Record<SkillLanguage, string> = { typescript: 'ts', python: 'py' };
const LANGUAGE_OF_EXTENSION: Record<string, SkillLanguage> = { '.ts': 'typescript', '.mts': 'typescript', '.js': 'typescript', '.mjs': 'typescript', '.py': 'python' };
const STATUSES: readonly SkillStatus[] = ['draft', 'approved', 'archived', 'needs-review'];

/** A skill read from an Agent Skills folder: what a save needs, plus the provenance it carried. */
export interface ImportedSkill {
  name: string;
  description: string;
  code: string;
  language: SkillLanguage;
  tags: string[];
  usage: string;
  example: string;
  servers: string[];
  id?: string;
  status?: SkillStatus;
  source?: Actor;
  pins: Record<string, string>;
  run?: string;
  created?: string;
}

function checkDescription(description: string, what: string): string {
  const text = description.trim();
  if (!text) throw new InvalidInputError(`${what} has no description; Agent Skills need one saying what the skill does and when to use it`);
  if (text.length > AGENT_SKILL_DESCRIPTION_MAX) {
    throw new InvalidInputError(`${what}'s description is ${text.length} characters; Agent Skills allow ${AGENT_SKILL_DESCRIPTION_MAX}: shorten it`);
  }
  return text;
}

/** SKILL.md and the script for one skill, keyed by path inside the skill's folder. */
export function renderAgentSkill(skill: Skill): { folder: string; files: Map<string, string> } {
  const folder = toAgentSkillName(skill.name);
  const description = checkDescription(skill.description, `skill "${skill.name}"`);
  const script = `scripts/${skill.name}.${EXTENSIONS[skill.language]}`;
  const metadata: Record<string, string> = { 'skillgraph-name': skill.name, 'skill-id': skill.id, language: skill.language, status: skill.status, source: formatSource(skill.source) };
  if (skill.tags.length) metadata.tags = skill.tags.join(', ');
  if (skill.servers.length) metadata.servers = skill.servers.join(', ');
  const pins = formatPins(skill.pins);
  if (pins) metadata.pins = pins;
  if (skill.run) metadata.run = skill.run;
  if (skill.created) metadata.created = skill.created;
  if (skill.updated) metadata.updated = skill.updated;
  const front = stringifyYaml({ name: folder, description, metadata }, { lineWidth: 0 });
  const importLine =
    skill.language === 'python' ? `from scripts.${skill.name} import ${skill.name}` : `import { ${skillExportName(skill.name)} } from './scripts/${skill.name}';`;
  const body = [`# ${skill.name}`, '', description, ''];
  if (skill.usage.trim()) body.push('## Usage', '', skill.usage.trim(), '');
  if (skill.example.trim()) body.push('## Example', '', fenced(FENCE_LANG[skill.language], skill.example.trim()), '');
  body.push('## Code', '', `The code is in [${script}](${script}):`, '', fenced(FENCE_LANG[skill.language], importLine), '');
  const files = new Map([
    ['SKILL.md', `---\n${front}---\n\n${body.join('\n')}`],
    [script, skill.code.endsWith('\n') ? skill.code : `${skill.code}\n`],
  ]);
  return { folder, files };
}

/** Writes `<outDir>/<kebab-name>/` (replacing an earlier export of the same skill) and returns its path. */
export async function exportAgentSkill(skill: Skill, outDir: string): Promise<string> {
  const { folder, files } = renderAgentSkill(skill);
  const target = path.join(outDir, folder);
  const staging = path.join(outDir, `.${folder}.${process.pid}.tmp`);
  await rm(staging, { recursive: true, force: true });
  for (const [relative, content] of files) {
    await mkdir(path.dirname(path.join(staging, relative)), { recursive: true });
    await writeFile(path.join(staging, relative), content, 'utf8');
  }
  await rm(target, { recursive: true, force: true });
  await rename(staging, target);
  return target;
}

function splitFrontMatter(text: string, file: string): { front: Record<string, unknown>; body: string } {
  const match = /^\ufeff?---\r?\n([\s\S]*?)\r?\n---[ \t]*(?:\r?\n|$)([\s\S]*)$/.exec(text);
  if (!match) throw new InvalidInputError(`${file} does not start with YAML front matter (--- name: ... description: ... ---)`);
  let front: unknown;
  try {
    front = parseYaml(match[1]);
  } catch (error) {
    throw new InvalidInputError(`the front matter of ${file} is not valid YAML: ${(error as Error).message.split('\n')[0]}`);
  }
  if (!front || typeof front !== 'object' || Array.isArray(front)) throw new InvalidInputError(`the front matter of ${file} is not a mapping of name, description, ...`);
  return { front: front as Record<string, unknown>, body: match[2].replace(/\r\n?/g, '\n') };
}

/** `## Heading` sections of a markdown body (outside code fences), by lower-cased heading. */
function sections(body: string): Map<string, string> {
  const out = new Map<string, string>();
  let current: string | undefined;
  let lines: string[] = [];
  let fence: string | undefined;
  const flush = () => {
    if (current !== undefined && !out.has(current)) out.set(current, lines.join('\n').trim());
  };
  for (const line of body.split('\n')) {
    const marker = /^\s*(`{3,}|~{3,})/.exec(line)?.[1];
    if (fence) {
      if (marker && marker[0] === fence[0] && marker.length >= fence.length && line.trim() === marker) fence = undefined;
    } else if (marker) fence = marker;
    else if (/^##\s+/.test(line)) {
      flush();
      current = line.replace(/^##\s+/, '').trim().toLowerCase();
      lines = [];
      continue;
    }
    lines.push(line);
  }
  flush();
  return out;
}

function unfence(text: string): string {
  return /^(`{3,}|~{3,})[^\n]*\n([\s\S]*?)\n\1\s*$/.exec(text.trim())?.[2] ?? text.trim();
}

function firstFence(body: string): { lang: string; code: string } | undefined {
  const match = /^(`{3,}|~{3,})[ \t]*([A-Za-z]*)[^\n]*\n([\s\S]*?)\n\1[ \t]*$/m.exec(body);
  return match ? { lang: match[2].toLowerCase(), code: match[3] } : undefined;
}

const str = (value: unknown): string | undefined => (typeof value === 'string' && value.trim() ? value.trim() : typeof value === 'number' ? String(value) : undefined);
const list = (value: unknown): string[] => (Array.isArray(value) ? value.map(String) : (str(value) ?? '').split(',')).map((s) => s.trim()).filter(Boolean);

/** Reads an Agent Skills folder (ours or another agent's) into a skill to save. */
export async function readAgentSkill(folder: string): Promise<ImportedSkill> {
  const file = path.join(folder, 'SKILL.md');
  const text = await readFile(file, 'utf8').catch((error: NodeJS.ErrnoException) => {
    throw new InvalidInputError(error.code === 'ENOENT' ? `${folder} is not an Agent Skill: it has no SKILL.md` : `cannot read ${file}: ${error.message}`);
  });
  const { front, body } = splitFrontMatter(text, file);
  const agentName = str(front.name);
  if (!agentName) throw new InvalidInputError(`${file} has no name: in its front matter`);
  const metadata = (front.metadata && typeof front.metadata === 'object' ? front.metadata : {}) as Record<string, unknown>;
  const name = str(metadata['skillgraph-name']) ?? fromAgentSkillName(agentName);
  if (name.replace(/_/g, '-') !== agentName) throw new InvalidInputError(`${file}: metadata skillgraph-name "${name}" does not match name "${agentName}"`);
  fromAgentSkillName(agentName);
  const description = checkDescription(str(front.description) ?? '', `${file}`);
  const parts = sections(body);

  let code: string | undefined;
  let language = str(metadata.language) as SkillLanguage | undefined;
  const scripts = await readdir(path.join(folder, 'scripts')).catch(() => [] as string[]);
  const candidates = scripts.filter((entry) => LANGUAGE_OF_EXTENSION[path.extname(entry)]).sort();
  const script = candidates.find((entry) => path.basename(entry, path.extname(entry)) === name) ?? candidates[0];
  if (script) {
    code = (await readFile(path.join(folder, 'scripts', script), 'utf8')).replace(/\r\n?/g, '\n').replace(/\n$/, '');
    language ??= LANGUAGE_OF_EXTENSION[path.extname(script)];
  } else {
    const fence = firstFence(body);
    const fenceLanguage = fence && { ts: 'typescript', typescript: 'typescript', js: 'typescript', javascript: 'typescript', py: 'python', python: 'python' }[fence.lang];
    if (fence && fenceLanguage) {
      code = fence.code;
      language ??= fenceLanguage as SkillLanguage;
    }
  }
  if (code === undefined || !language) {
    throw new InvalidInputError(`${folder} has no code: Skillgraph skills are code, so put a .ts or .py file under scripts/ (or a fenced ts/python block in SKILL.md)`);
  }
  if (language !== 'typescript' && language !== 'python') throw new InvalidInputError(`${file}: metadata language "${String(language)}" is not typescript or python`);

  const ours = metadata['skillgraph-name'] !== undefined;
  const usage = parts.get('usage') ?? (ours ? '' : body.replace(/^\s*#\s+[^\n]*\n/, '').trim());
  const status = str(metadata.status) as SkillStatus | undefined;
  const imported: ImportedSkill = {
    name,
    description,
    code,
    language,
    tags: list(metadata.tags),
    usage,
    example: unfence(parts.get('example') ?? ''),
    servers: list(metadata.servers),
    pins: Object.fromEntries(
      list(metadata.pins)
        .map((pin) => [pin.slice(0, pin.lastIndexOf('@')), pin.slice(pin.lastIndexOf('@') + 1)])
        .filter(([tool, hash]) => tool && hash),
    ),
  };
  if (str(metadata['skill-id'])) imported.id = str(metadata['skill-id']);
  if (status && STATUSES.includes(status)) imported.status = status;
  if (str(metadata.source)) imported.source = parseSource(str(metadata.source));
  if (str(metadata.run)) imported.run = str(metadata.run);
  if (str(metadata.created)) imported.created = str(metadata.created);
  return imported;
}
