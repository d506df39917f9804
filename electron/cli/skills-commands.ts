// CLI commands for skills: list, show, save, approve, reject, rm, restore, export and import (Agent Skills format).
// The terminal acts as a person; every command prints --json when asked. `list` and `show` answer from the index
// caught up with the graph on disk; the others open the engine.
import fs from 'node:fs/promises';
import path from 'node:path';
import { InvalidInputError } from '../../shared/errors';
import type { Actor, Skill, SkillLanguage } from '../../shared/types';
import { str, printJsonOr, type Command } from './command';
import { withEngine, withIndex } from './engine-commands';

const PERSON: Actor = { kind: 'person' };
const LANGUAGE_BY_EXTENSION: Record<string, SkillLanguage> = { '.ts': 'typescript', '.mts': 'typescript', '.js': 'typescript', '.mjs': 'typescript', '.py': 'python' };

function needName(positionals: string[], usage: string): string {
  const [name] = positionals;
  if (!name) throw new InvalidInputError(`which skill? Usage: skillgraph ${usage}`);
  return name;
}

function listFlag(value: unknown): string[] | undefined {
  const text = str(value);
  return text === undefined ? undefined : text.split(',').map((item) => item.trim()).filter(Boolean);
}

function line(skill: Skill): string {
  const tags = skill.tags.length ? ` [${skill.tags.join(', ')}]` : '';
  return `${skill.name.padEnd(28)} ${skill.status.padEnd(12)} ${skill.language.padEnd(10)} ${skill.description}${tags}`;
}

function sourceText(actor: Actor): string {
  return actor.name ? `${actor.kind} ${actor.name}` : actor.kind;
}

const statusCommand = (name: 'approve' | 'reject', status: 'approved' | 'archived'): Command => ({
  name: `skills ${name}`,
  usage: `skills ${name} <name> [--json]`,
  summary: name === 'approve' ? 'Approve a skill (status:: approved), with a journal entry.' : 'Reject a skill (status:: archived), with a journal entry.',
  async run({ values, positionals }) {
    const skillName = needName(positionals, `skills ${name} <name>`);
    await withEngine(values, async (engine) => {
      const skill = await engine.skills.setStatus(skillName, status, PERSON);
      printJsonOr(values, skill, () => `${skill.name} is now ${skill.status}.`);
    });
  },
});

export const SKILL_COMMANDS: Command[] = [
  {
    name: 'skills list',
    usage: 'skills list [--tag <tag>] [--status <status>] [--source agent|person] [--language typescript|python] [--server <name>] [--json]',
    summary: 'List the skills in the graph.',
    options: { tag: { type: 'string' }, status: { type: 'string' }, source: { type: 'string' }, language: { type: 'string' }, server: { type: 'string' } },
    async run({ values }) {
      const source = str(values.source);
      if (source !== undefined && source !== 'agent' && source !== 'person') throw new InvalidInputError(`--source is agent or person, not "${source}".`);
      const filters = { tag: str(values.tag), status: str(values.status), source: source as 'agent' | 'person' | undefined, language: str(values.language), server: str(values.server) };
      await withIndex(values, ({ index }) => {
        // What SkillService.list answers, from the index alone (the graph is not loaded for a listing).
        const result = { skills: index.skills(filters), total: index.countSkills(filters) };
        printJsonOr(values, result, () => (result.skills.length ? result.skills.map(line).join('\n') : 'No skills match.'));
      });
    },
  },
  {
    name: 'skills show',
    usage: 'skills show <name> [--json]',
    summary: 'Show a skill: provenance, schema pins, history and code.',
    async run({ values, positionals }) {
      const name = needName(positionals, 'skills show <name>');
      await withIndex(values, async ({ index, locations }) => {
        // From the index caught up by stat: only the skill's page and the journals linking to it are read.
        const { indexedSkillDetail } = await import('../engine/skills/indexed-detail');
        const detail = await indexedSkillDetail(index, locations.graphDir, name);
        if (!detail) {
          const { SkillNotFoundError } = await import('../engine/skills/service');
          throw new SkillNotFoundError(name);
        }
        printJsonOr(values, detail, () => {
          const { skill } = detail;
          const out = [
            `${skill.name} — ${skill.description}`,
            `  status:   ${skill.status}`,
            `  language: ${skill.language}`,
            `  source:   ${sourceText(skill.source)}${skill.run ? ` (run ${skill.run})` : ''}`,
            `  tags:     ${skill.tags.join(', ') || '-'}`,
            `  servers:  ${skill.servers.join(', ') || '-'}`,
            `  page:     ${skill.path}`,
          ];
          for (const pin of detail.pins) out.push(`  pin:      ${pin.tool}@${pin.pinned}${pin.changed ? (pin.current ? ` CHANGED (now ${pin.current})` : ' REMOVED') : ''}`);
          for (const warning of skill.warnings) out.push(`  warning:  ${warning}`);
          if (skill.usage) out.push('', 'Usage:', skill.usage);
          out.push('', skill.code);
          if (detail.history.length) out.push('', 'History:', ...detail.history.map((e) => `  ${e.at ?? e.date}  ${e.action.padEnd(12)} ${sourceText(e.actor)}`));
          return out.join('\n');
        });
      });
    },
  },
  {
    name: 'skills save',
    usage: 'skills save <name> --file <code file> --description "<what it does>" [--language typescript|python] [--tags a,b] [--usage "<text>"] [--example "<call>"] [--servers a,b] [--run <id>] [--json]',
    summary: 'Save code as a skill page in the graph (with a journal entry).',
    help: 'The language follows the file extension unless --language is given. TypeScript skills export a function named after the skill in camelCase (analyze_error_spike -> analyzeErrorSpike); a script without exports is wrapped into that function.',
    options: {
      file: { type: 'string' },
      description: { type: 'string' },
      language: { type: 'string' },
      tags: { type: 'string' },
      usage: { type: 'string' },
      example: { type: 'string' },
      servers: { type: 'string' },
      run: { type: 'string' },
    },
    async run({ values, positionals }) {
      const name = needName(positionals, 'skills save <name> --file <code file> --description "..."');
      const file = str(values.file);
      if (!file) throw new InvalidInputError('skills save needs --file <code file>: the code to save.');
      const description = str(values.description);
      if (!description) throw new InvalidInputError('skills save needs --description "...": one line saying what the skill does and when to use it.');
      const code = await fs.readFile(file, 'utf8').catch((error: Error) => {
        throw new InvalidInputError(`cannot read ${file}: ${error.message}`);
      });
      const declared = str(values.language);
      const language = declared === 'ts' ? 'typescript' : declared === 'py' ? 'python' : (declared ?? LANGUAGE_BY_EXTENSION[path.extname(file)]);
      if (language !== 'typescript' && language !== 'python') throw new InvalidInputError(`--language is typescript or python${declared ? `, not "${declared}"` : `; ${file} does not say which`}.`);
      await withEngine(values, async (engine) => {
        const skill = await engine.skills.save(
          { name, description, code, language, tags: listFlag(values.tags), usage: str(values.usage), example: str(values.example), servers: listFlag(values.servers), runId: str(values.run) },
          PERSON,
        );
        printJsonOr(values, skill, () => `Saved ${skill.name} to ${skill.path}${skill.servers.length ? ` (calls ${skill.servers.join(', ')})` : ''}.`);
      });
    },
  },
  statusCommand('approve', 'approved'),
  statusCommand('reject', 'archived'),
  {
    name: 'skills rm',
    usage: 'skills rm <name> [--json]',
    summary: 'Delete a skill: its page moves to logseq/.recycle (undo with skills restore).',
    async run({ values, positionals }) {
      const name = needName(positionals, 'skills rm <name>');
      await withEngine(values, async (engine) => {
        const result = await engine.skills.delete(name, PERSON);
        printJsonOr(values, result, () => `Moved ${name} to ${result.recycledPath}. Undo: skillgraph skills restore "${result.recycledPath}"`);
      });
    },
  },
  {
    name: 'skills restore',
    usage: 'skills restore <logseq/.recycle/...> [--json]',
    summary: 'Put a deleted skill page back.',
    async run({ values, positionals }) {
      const recycled = needName(positionals, 'skills restore <logseq/.recycle/...>');
      await withEngine(values, async (engine) => {
        const skill = await engine.skills.restore(recycled, PERSON);
        printJsonOr(values, skill, () => `Restored ${skill.name} to ${skill.path}.`);
      });
    },
  },
  {
    name: 'skills export',
    usage: 'skills export <name>... | --all  --out <folder> [--json]',
    summary: 'Export skills as Agent Skills folders (<name>/SKILL.md + scripts/) for Claude Code and other agents.',
    options: { out: { type: 'string' }, all: { type: 'boolean' } },
    async run({ values, positionals }) {
      const out = str(values.out);
      if (!out) throw new InvalidInputError('skills export needs --out <folder>, e.g. --out ~/.claude/skills');
      if (!positionals.length && !values.all) throw new InvalidInputError('name the skills to export, or pass --all.');
      await withEngine(values, async (engine) => {
        const names = values.all ? engine.skills.all().map((skill) => skill.name) : positionals;
        const folders: string[] = [];
        for (const name of names) folders.push(await engine.skills.exportSkill(name, path.resolve(out)));
        printJsonOr(values, { exported: folders }, () => folders.map((folder) => `Exported ${folder}`).join('\n') || 'No skills to export.');
      });
    },
  },
  {
    name: 'skills import',
    usage: 'skills import <folder>... [--json]',
    summary: 'Import Agent Skills folders (containing SKILL.md) as skill pages.',
    async run({ values, positionals }) {
      if (!positionals.length) throw new InvalidInputError('skills import needs the skill folder(s) holding SKILL.md.');
      await withEngine(values, async (engine) => {
        const imported: Skill[] = [];
        for (const folder of positionals) imported.push(await engine.skills.importSkill(path.resolve(folder), PERSON));
        printJsonOr(values, { imported }, () => imported.map((skill) => `Imported ${skill.name} to ${skill.path}`).join('\n'));
      });
    },
  },
];
