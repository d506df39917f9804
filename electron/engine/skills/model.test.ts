// What a skill page means: properties, provenance, code, usage and example, read by skillFromPage from
// pages parsed by the real graph parser.
import { describe, expect, it } from 'vitest';
import { defaultGraphConfig } from '../graph/config';
import { parsePage } from '../graph/parser';
import { parseSource, skillFromPage } from './model';

const config = { ...defaultGraphConfig('/graph'), fileNameFormat: 'triple-lowbar' as const };
const parse = (markdown: string, relPath = 'pages/Skills___analyze_error_spike.md') => parsePage(markdown, relPath, config, 0);

describe('skillFromPage', () => {
  it('reads every property of a skill page', () => {
    const skill = skillFromPage(
      parse(
        [
          'type:: skill',
          'skill-id:: 7f3c',
          'description:: Finds the deploy behind an error spike',
          'tags:: ops, [[incident response]]',
          'language:: python',
          'status:: approved',
          'source:: agent [[Claude Desktop]]',
          'servers:: sentry, github',
          'created:: 2025-01-05',
          'updated:: 2025-02-01',
          'run:: run-123',
          'pins:: sentry/list_issues@abc123, github/list_commits@def456',
          '',
          '- Usage',
          '\t- Call after an alert:',
          '\t  ```python',
          '\t  await analyze_error_spike(window="1h")',
          '\t  ```',
          '- ## Code',
          '\t- ```python',
          '\t  issues = await sentry.list_issues()',
          '\t  ```',
          '- **Example:**',
          '\t- spike at 10:00 traced to deploy 42',
          '',
        ].join('\n'),
      ),
    );
    expect(skill).toEqual({
      id: '7f3c',
      name: 'analyze_error_spike',
      pageTitle: 'Skills/analyze_error_spike',
      path: 'pages/Skills___analyze_error_spike.md',
      description: 'Finds the deploy behind an error spike',
      tags: ['ops', 'incident response'],
      language: 'python',
      status: 'approved',
      source: { kind: 'agent', name: 'Claude Desktop' },
      servers: ['sentry', 'github'],
      created: '2025-01-05',
      updated: '2025-02-01',
      run: 'run-123',
      pins: { 'sentry/list_issues': 'abc123', 'github/list_commits': 'def456' },
      usage: expect.stringContaining('Call after an alert:'),
      example: 'spike at 10:00 traced to deploy 42',
      // The snippet under Usage is not the skill's code.
      code: 'issues = await sentry.list_issues()',
      warnings: [],
    });
  });

  it('is null for a page that is not a skill', () => {
    expect(skillFromPage(parse('- just notes\n', 'pages/Notes.md'))).toBeNull();
    expect(skillFromPage(parse('type:: recipe\n\n- x\n', 'pages/Cake.md'))).toBeNull();
  });

  it('infers what is missing and warns about what is wrong, without throwing', () => {
    const skill = skillFromPage(parse('type:: skill\nstatus:: shipped\n\n- ```js\n  console.log(1)\n  ```\n', 'pages/quick.md'))!;
    expect(skill).toMatchObject({ id: 'quick', name: 'quick', language: 'typescript', status: 'draft', source: { kind: 'person' }, code: 'console.log(1)', tags: [], servers: [] });
    expect(skill.warnings).toEqual([expect.stringMatching(/status:: shipped is not one of draft, approved/)]);

    const empty = skillFromPage(parse('type:: skill\nlanguage:: rust\n\n- nothing here\n', 'pages/Skills___empty.md'))!;
    expect(empty.code).toBe('');
    expect(empty.warnings).toEqual([expect.stringMatching(/no ```ts/), expect.stringMatching(/language:: rust/)]);
  });

  it('takes the language from the code when no language:: is given', () => {
    const skill = skillFromPage(parse('type:: skill\n\n- ```py\n  print(1)\n  ```\n'))!;
    expect(skill.language).toBe('python');
  });
});

describe('parseSource', () => {
  it.each([
    ['agent', { kind: 'agent' }],
    ['agent [[Claude Desktop]]', { kind: 'agent', name: 'Claude Desktop' }],
    ['Agent Cursor', { kind: 'agent', name: 'Cursor' }],
    ['person [[Ada Lovelace]]', { kind: 'person', name: 'Ada Lovelace' }],
    ['[[Ada]]', { kind: 'person', name: 'Ada' }],
    [undefined, { kind: 'person' }],
  ])('%j -> %j', (raw, actor) => {
    expect(parseSource(raw)).toEqual(actor);
  });
});
