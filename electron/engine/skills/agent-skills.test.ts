// Agent Skills export and import: folder names and front matter pass the Agent Skills rules, and a skill
// exported then imported into another graph comes back unchanged; foreign skills import with clear errors.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { afterEach, describe, expect, it } from 'vitest';
import { openTestEngine, tempDir } from '../../test/helpers';
import type { Engine } from '../engine';
import { AGENT_SKILL_NAME_PATTERN, fromAgentSkillName, suggestSkillName, toAgentSkillName, validateSkillName } from './names';
import { SkillService } from './service';

const engines: Engine[] = [];
async function service(): Promise<SkillService> {
  const engine = await openTestEngine();
  engines.push(engine);
  await engine.indexing;
  return new SkillService({ graph: engine.graph, index: engine.index });
}
afterEach(async () => {
  for (const engine of engines.splice(0)) await engine.close();
});

describe('skill names', () => {
  it('maps snake_case to Agent Skills kebab-case and back', () => {
    expect(toAgentSkillName('analyze_error_spike')).toBe('analyze-error-spike');
    expect(fromAgentSkillName('analyze-error-spike')).toBe('analyze_error_spike');
    for (const bad of ['Bad', '-x', 'x-', 'a--b', '', 'a'.repeat(65), 'a_b']) expect(() => fromAgentSkillName(bad)).toThrow(/not a valid Agent Skills name/);
  });

  it('explains how to fix a name', () => {
    expect(() => validateSkillName('9lives')).toThrow(/must start with a lowercase letter/);
    expect(() => validateSkillName('get-user')).toThrow(/contains "-".*e\.g\. "get_user"/);
    expect(() => validateSkillName('a_')).toThrow(/ends with an underscore/);
    expect(suggestSkillName('Analyze Error-Spike!')).toBe('analyze_error_spike');
    expect(suggestSkillName('getUserById')).toBe('get_user_by_id');
  });
});

describe('Agent Skills export and import', () => {
  it('exports a folder that follows the naming rules and imports back unchanged', async () => {
    const source = await service();
    const saved = await source.save(
      {
        name: 'analyze_error_spike',
        description: 'Finds the hour of an error spike: use after an alert',
        code: "export async function analyzeErrorSpike(counts: Record<string, number>) {\n  return Object.entries(counts).sort((a, b) => b[1] - a[1])[0][0];\n}",
        language: 'typescript',
        tags: ['ops', 'incident response'],
        usage: 'Call after an alert.\nPass counts per hour.',
        example: "await analyzeErrorSpike({ '10:00': 3 })",
        runId: 'run-7',
        servers: ['sentry'],
      },
      { kind: 'agent', name: 'Claude Code' },
    );
    const out = tempDir('agent-skills-');
    const folder = await source.exportSkill('analyze_error_spike', out);
    expect(path.basename(folder)).toBe('analyze-error-spike');
    const skillMd = await fs.readFile(path.join(folder, 'SKILL.md'), 'utf8');
    const front = parseYaml(/^---\n([\s\S]*?)\n---/.exec(skillMd)![1]) as { name: string; description: string; metadata: Record<string, unknown> };
    expect(front.name).toMatch(AGENT_SKILL_NAME_PATTERN);
    expect(front.name).toBe(path.basename(folder));
    expect(front.description).toBe(saved.description);
    expect(Object.values(front.metadata).every((value) => typeof value === 'string')).toBe(true);
    expect(await fs.readFile(path.join(folder, 'scripts/analyze_error_spike.ts'), 'utf8')).toBe(saved.code + '\n');

    const target = await service();
    const imported = await target.importSkill(folder, { kind: 'person' });
    const comparable = (skill: typeof saved) => ({ ...skill, updated: undefined });
    expect(comparable(imported)).toEqual(comparable(saved));

    // Exporting the imported skill again gives the same folder.
    const again = await target.exportSkill('analyze_error_spike', tempDir('agent-skills-'));
    expect((await fs.readFile(path.join(again, 'SKILL.md'), 'utf8')).replace(/updated: .*/, '')).toBe(skillMd.replace(/updated: .*/, ''));
  });

  it('imports a foreign skill with its body as usage and its script as code, and refuses one without code', async () => {
    const skills = await service();
    const folder = path.join(tempDir('foreign-'), 'csv-summary');
    await fs.mkdir(path.join(folder, 'scripts'), { recursive: true });
    await fs.writeFile(
      path.join(folder, 'SKILL.md'),
      '---\nname: csv-summary\ndescription: >-\n  Summarises a CSV file.\n  Use when a user shares a CSV.\nlicense: MIT\n---\n\n# CSV summary\n\nRun the script on the file.\n',
    );
    await fs.writeFile(path.join(folder, 'scripts', 'summarize.py'), 'import csv\nrows = list(csv.reader(open("data.csv")))\nprint(len(rows))\n');
    const skill = await skills.importSkill(folder, { kind: 'agent', name: 'Claude Code' });
    expect(skill).toMatchObject({ name: 'csv_summary', description: 'Summarises a CSV file. Use when a user shares a CSV.', language: 'python', status: 'draft', usage: 'Run the script on the file.' });
    expect(skill.code).toBe('async def csv_summary():\n    import csv\n    rows = list(csv.reader(open("data.csv")))\n    print(len(rows))');

    const empty = path.join(tempDir('foreign-'), 'prose-only');
    await fs.mkdir(empty);
    await fs.writeFile(path.join(empty, 'SKILL.md'), '---\nname: prose-only\ndescription: Just advice\n---\nBe kind.\n');
    await expect(skills.importSkill(empty, { kind: 'person' })).rejects.toThrow(/has no code/);
    await fs.writeFile(path.join(empty, 'SKILL.md'), '---\nname: Prose Only\ndescription: x\n---\n```python\nprint(1)\n```\n');
    await expect(skills.importSkill(empty, { kind: 'person' })).rejects.toThrow(/not a valid Agent Skills name/);
  });
});
