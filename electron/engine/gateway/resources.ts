// The gateway's browsable side, for agents whose host prefers resources and prompts to tool calls: every file of the
// API tree and every skill as a resource (with URI templates, and completion of their paths and names), and the
// approved skills as prompts a person can pick in the agent's host. Read from the same API tree and index as the tools.
import fs from 'node:fs';
import path from 'node:path';
import type { GetPromptResult, Prompt, ReadResourceResult, Resource, ResourceTemplate } from '@modelcontextprotocol/sdk/types.js';
import { NotFoundError } from '../../../shared/errors';
import type { Skill } from '../../../shared/types';
import type { SearchIndex } from '../index/search-index';
import { skillExportName } from '../skills/names';

export const API_URI = 'skillgraph://api/';
export const SKILL_URI = 'skillgraph://skills/';
/** Completion answers carry at most 100 values (the spec's limit). */
const COMPLETION_MAX = 100;
/** Prompts are skills a person approved: drafts wait for review and are not offered to pick. */
const PROMPT_STATUS = 'approved';

export const RESOURCE_TEMPLATES: ResourceTemplate[] = [
  { uriTemplate: `${API_URI}{+path}`, name: 'api-file', title: 'API tree file', description: 'A file of the generated API tree, e.g. servers/<server>/index.ts.' },
  { uriTemplate: `${SKILL_URI}{name}`, name: 'skill', title: 'Skill', description: 'A saved skill: description, status and code.', mimeType: 'text/markdown' },
];

const MIME_TYPES: Record<string, string> = { '.ts': 'text/x-typescript', '.py': 'text/x-python', '.json': 'application/json', '.md': 'text/markdown', '.pyi': 'text/x-python' };

export interface BrowsableSources {
  apiDir: string;
  index: SearchIndex;
}

/** Every file of the API tree (relative, with forward slashes), sorted; hidden files and folders are left out. */
export function apiFiles(apiDir: string): string[] {
  const files: string[] = [];
  const walk = (dir: string, rel: string) => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return; // not generated yet
      throw error;
    }
    for (const entry of entries) {
      if (entry.name.startsWith('.')) continue;
      const child = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.isDirectory()) walk(path.join(dir, entry.name), child);
      else if (entry.isFile()) files.push(child);
    }
  };
  walk(apiDir, '');
  return files.sort();
}

export function listResources(src: BrowsableSources): Resource[] {
  const files = apiFiles(src.apiDir).map((rel): Resource => ({ uri: `${API_URI}${rel}`, name: rel, mimeType: mimeTypeOf(rel) }));
  const skills = src.index.skills().map((skill): Resource => ({ uri: `${SKILL_URI}${skill.name}`, name: `skill ${skill.name}`, title: skill.name, description: skill.description, mimeType: 'text/markdown' }));
  return [...skills, ...files];
}

/** A resource's text; `readApiFile` reads inside the API tree (it refuses paths that leave it). */
export function readResource(src: BrowsableSources, uri: string, readApiFile: (rel: string) => string): ReadResourceResult {
  if (uri.startsWith(API_URI)) {
    const rel = decodeURIComponent(uri.slice(API_URI.length));
    return { contents: [{ uri, mimeType: mimeTypeOf(rel), text: readApiFile(rel) }] };
  }
  if (uri.startsWith(SKILL_URI)) {
    const name = decodeURIComponent(uri.slice(SKILL_URI.length));
    const skill = src.index.skill(name);
    if (!skill) throw new NotFoundError(`No skill is named "${name}". resources/list shows the skills there are.`);
    return { contents: [{ uri, mimeType: 'text/markdown', text: skillMarkdown(skill) }] };
  }
  throw new NotFoundError(`"${uri}" is not a Skillgraph resource; they start with ${API_URI} or ${SKILL_URI}.`);
}

export function listPrompts(src: BrowsableSources): Prompt[] {
  return src.index.skills({ status: PROMPT_STATUS }).map((skill) => ({
    name: skill.name,
    title: skill.name.replace(/_/g, ' '),
    description: skill.description || `The skill ${skill.name}.`,
    arguments: [{ name: 'task', description: 'What to do with the skill, in words (optional).', required: false }],
  }));
}

export function getPrompt(src: BrowsableSources, name: string, args: Record<string, string> = {}): GetPromptResult {
  const skill = src.index.skill(name);
  if (!skill || skill.status !== PROMPT_STATUS) throw new NotFoundError(`No approved skill is named "${name}". prompts/list shows the approved skills.`);
  const lines = [
    `Use the Skillgraph skill ${skill.name}: ${skill.description}`,
    `In execute_code, import it with: ${importLine(skill)}`,
    skill.usage ? `Usage:\n${skill.usage}` : '',
    args.task ? `Task: ${args.task}` : '',
  ].filter(Boolean);
  return {
    description: skill.description,
    messages: [
      { role: 'user', content: { type: 'text', text: lines.join('\n\n') } },
      { role: 'user', content: { type: 'resource', resource: { uri: `${SKILL_URI}${skill.name}`, mimeType: 'text/markdown', text: skillMarkdown(skill) } } },
    ],
  };
}

/**
 * completion/complete: API tree paths and skill names for the resource templates, skill names for nothing else.
 * A prompt's free-text `task` has nothing to complete, and an unknown reference gets no values (not an error), as
 * the spec lets a server answer.
 */
export function complete(src: BrowsableSources, ref: { type: string; name?: string; uri?: string }, argument: { name: string; value: string }): { values: string[]; total: number; hasMore: boolean } {
  let candidates: string[] = [];
  if (ref.type === 'ref/resource' && ref.uri === RESOURCE_TEMPLATES[0].uriTemplate && argument.name === 'path') candidates = apiFiles(src.apiDir);
  else if (ref.type === 'ref/resource' && ref.uri === RESOURCE_TEMPLATES[1].uriTemplate && argument.name === 'name') candidates = src.index.skills().map((s) => s.name);
  const prefix = argument.value.toLowerCase();
  const matching = candidates.filter((c) => c.toLowerCase().startsWith(prefix));
  return { values: matching.slice(0, COMPLETION_MAX), total: matching.length, hasMore: matching.length > COMPLETION_MAX };
}

function mimeTypeOf(rel: string): string {
  return MIME_TYPES[path.extname(rel)] ?? 'text/plain';
}

function importLine(skill: Skill): string {
  return skill.language === 'python' ? `from skills.${skill.name} import ${skill.name}` : `import { ${skillExportName(skill.name)} } from './skills/${skill.name}';`;
}

function skillMarkdown(skill: Skill): string {
  const fence = skill.language === 'python' ? 'python' : 'typescript';
  return [
    `# ${skill.name}`,
    '',
    skill.description,
    '',
    `status: ${skill.status} · language: ${skill.language}${skill.tags.length ? ` · tags: ${skill.tags.join(', ')}` : ''}${skill.servers.length ? ` · servers: ${skill.servers.join(', ')}` : ''}`,
    '',
    importLine(skill),
    '',
    `\`\`\`${fence}`,
    skill.code.replace(/\n$/, ''),
    '```',
    '',
  ].join('\n');
}
