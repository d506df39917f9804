// Hostile text in skills reads back the same in Logseq (mldoc, its own parser, via the oracle) and in Skillgraph's
// reader: code holding fences, tildes, `- ` and `key::` lines; prose that starts like a task, a property, a heading,
// a tag or a reference. What cannot be stored faithfully is refused with a message, and the graph does not change.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../../shared/errors';
import type { Engine } from '../engine';
import { openTestEngine } from '../../test/helpers';
import { logseqView } from '../../test/mldoc-oracle';
import { parseGraphConfig } from '../graph/config';
import { GraphFormatError } from '../graph/errors';
import { parsePage } from '../graph/parser';
import { escapeProseLine, unescapeProseLine } from '../graph/plain-text';
import { codeBlockText, normalizeCode, serializePage } from '../graph/serializer';
import { skillFromPage } from './model';
import { skillPageDoc, type SkillPageFields } from './page';
import { SkillService } from './service';
import { validateSkillName } from './names';

const config = parseGraphConfig('/g', '{:file/name-format :triple-lowbar}');
const FENCE = '`'.repeat(3);

/** Code a skill may hold: each must come back exactly (after normalizeCode) or be refused. */
const HOSTILE_CODE = [
  'export const a = 1;',
  `const md = \`\n${FENCE}ts\nx\n${FENCE}\n\`;`,
  `${FENCE}`,
  `x\n  ${FENCE}js\n  nested\n  ${FENCE}`,
  '~~~\ntilde fence\n~~~',
  '~~~~',
  '- item\n- another',
  '* star\n+ plus',
  'key:: value\nid:: 64b5c0c4-1111-4222-8333-944455556666',
  'title:: not a title',
  '# heading\n## another',
  'TODO not a task\nDONE either',
  'SCHEDULED: <2024-01-05 Fri>\nDEADLINE: <2024-01-06 Sat>',
  ':PROPERTIES:\n:id: 1\n:END:',
  '#+BEGIN_QUOTE\nq\n#+END_QUOTE',
  '\tconst tabbed = 1;\n\t\treturn tabbed;',
  'line with trailing spaces   \nnext',
  'a\n\n\nb',
  'const s = "``` in a string";',
  'const t = `inline ${"`"} tick`;',
  '// 中文 emoji 🚀 Cafe\u0301',
  'const re = /^[-*+] /;',
  '> quoted\n| table |',
  '$$ math $$',
  '<div>html</div>',
  '[[Page]] #tag ((64b5c0c4-1111-4222-8333-944455556666))',
  '{{embed [[x]]}}',
  'x\r\ny\r\n',
  `first\n${FENCE}\n- item inside\nk:: v\n${FENCE}\nlast`,
  `${FENCE}python\nprint(1)\n${FENCE}`,
  '\\backslash\\ and \\\\ double',
];

/** Code mldoc cannot hold in any code block: refused. */
const UNSTORABLE_CODE = [`${FENCE}\n#+END_SRC`, `  indented first\n${FENCE}`, `~~~\n#+end_src tail`, `  ${FENCE}js\n  nested\n  ${FENCE}`];

/** One line of prose (usage lines, descriptions). */
const HOSTILE_PROSE = [
  'TODO fix the retry', 'DONE already', 'LATER maybe', 'NOW urgent', 'DOING it', 'WAITING for review', 'CANCELED plan', 'TODO',
  'SCHEDULED: <2024-01-05 Fri>', 'DEADLINE: <2024-01-06 Sat .+1w>', 'k:: v', 'key:: value with:: more', 'id:: 64b5c0c4-1111-4222-8333-944455556666',
  'title:: Other', 'tags:: a, b', '#tag at start', '# heading', '###### six', '#1 tool', '[[Page]] at start', '[[a]] and [[b]]', '[#A] priority',
  '- bullet', '* star', '+ plus', '> quote', ':PROPERTIES:', ':LOGBOOK:', '| a | b |', '---', `${FENCE}`, `${FENCE}ts`, '~~~', '$$x$$',
  '<div>', '<2024-01-05 Fri>', 'C:\\path\\to\\file', 'a \\# b', 'ends with \\', '\\TODO literal backslash', '\\\\', '`code \\ span` after',
  '``a`b`` double span', '`unclosed tick', 'plain words', 'émoji 🚀 中文 Cafe\u0301', 'key::', '1. numbered', '((64b5c0c4-1111-4222-8333-944455556666))',
  'http://example.com/a?b=c#d', 'TODOs are not tasks', 'NOWHERE', 'a:: b', 'x - y', '#+BEGIN_SRC ts',
];

function fields(over: Partial<SkillPageFields>): SkillPageFields {
  return {
    id: '64b5c0c4-1111-4222-8333-944455556666', description: 'Does a thing', tags: ['ops'], language: 'typescript', status: 'draft',
    source: { kind: 'agent', name: 'Claude Desktop' }, servers: [], pins: {}, created: '2025-01-01T00:00:00.000Z', updated: '2025-01-01T00:00:00.000Z',
    usage: '', example: '', code: 'export const a = 1;', ...over,
  };
}

function written(over: Partial<SkillPageFields>): { text: string; skill: NonNullable<ReturnType<typeof skillFromPage>> } {
  const text = serializePage(skillPageDoc(fields(over)), { indentation: config.bulletIndentation });
  const skill = skillFromPage(parsePage(text, 'pages/Skills___probe.md', config));
  if (!skill) throw new Error('not read back as a skill');
  return { text, skill };
}

describe('code in a skill page', () => {
  it(`has ${HOSTILE_CODE.length} hostile code strings, each read back exactly by mldoc and by our reader`, () => {
    expect(HOSTILE_CODE.length + HOSTILE_PROSE.length).toBeGreaterThanOrEqual(50);
    for (const code of HOSTILE_CODE) {
      const { text, skill } = written({ code });
      const view = logseqView(text);
      const codeBlock = view.blocks.find((b) => b.title === 'Code');
      expect(codeBlock, text).toBeDefined();
      const shown = view.blocks[view.blocks.indexOf(codeBlock!) + 1];
      // Logseq: one child block holding exactly the code, and no stray blocks or properties from inside it.
      expect(view.blocks.map((b) => b.title).filter((t) => t === 'item' || t === 'another')).toEqual([]);
      expect(shown.code, text).toEqual([{ lang: 'typescript', code: normalizeCode(code) }]);
      expect(Object.keys(shown.properties)).toEqual([]);
      expect(view.blocks).toHaveLength(3);
      expect(skill.code, text).toBe(normalizeCode(code));
    }
  });

  it('writes three-backtick fences when it can and #+BEGIN_SRC only when the code holds a fence line', () => {
    expect(codeBlockText('ts', 'a')).toBe(`${FENCE}ts\na\n${FENCE}`);
    expect(codeBlockText('ts', `${FENCE}\na`)).toBe(`#+BEGIN_SRC ts\n${FENCE}\na\n#+END_SRC`);
  });

  it('refuses code no Logseq code block can hold, saying which line', () => {
    for (const code of UNSTORABLE_CODE) expect(() => codeBlockText('ts', code)).toThrow(GraphFormatError);
    expect(() => codeBlockText('ts', UNSTORABLE_CODE[0])).toThrow(/line 1 starts with ``` .*line 2 starts with #\+END_SRC/);
    expect(() => codeBlockText('ts x', 'a')).toThrow(/cannot be a code block language/);
  });

  it('keeps an example with fence lines as code, in Logseq and in our reader', () => {
    const example = `render(\`\n${FENCE}\n- not a block\n\`)`;
    const { text, skill } = written({ example });
    expect(skill.example).toBe(example);
    const view = logseqView(text);
    const at = view.blocks.findIndex((b) => b.title === 'Example');
    expect(view.blocks[at + 1].code).toEqual([{ lang: 'typescript', code: example }]);
  });
});

describe('prose in a skill page', () => {
  it.each(HOSTILE_PROSE)('%j stays plain text in Logseq and reads back the same', (line) => {
    const escaped = escapeProseLine(line);
    expect(unescapeProseLine(escaped)).toBe(line);
    const [block] = logseqView(`- ${escaped}\n`).blocks;
    expect(block.marker).toBeUndefined();
    expect(block.priority).toBeUndefined();
    expect(block.heading).toBeUndefined();
    expect(block.properties).toEqual({});
    expect(block.code).toEqual([]);
    expect(block.bodyTypes).toEqual([]);
    if (!/\{\{|\(\(/.test(line)) expect(block.title).toBe(line);
  });

  it('round-trips usage lines (a `key:: value` line included) and a description through a whole page', () => {
    const usage = HOSTILE_PROSE.filter((l) => !/^(`{3}|~{3})/.test(l)).join('\n');
    const description = 'TODO: #1 tool for [[x]] k:: v';
    const { text, skill } = written({ usage, description });
    expect(skill.usage).toBe(usage);
    expect(skill.description).toBe(description);
    const view = logseqView(text);
    expect(view.blocks.filter((b) => b.marker || b.heading || Object.keys(b.properties).length > 0)).toEqual([]);
    const at = view.blocks.findIndex((b) => b.title === 'Usage');
    const lines = usage.split('\n');
    expect(view.blocks.slice(at + 1, at + 1 + lines.length).map((b) => b.title).filter((t, i) => !/\{\{|\(\(/.test(lines[i]))).toEqual(lines.filter((l) => !/\{\{|\(\(/.test(l)));
    expect(view.blocks[0].title).toBe(description);
  });

  it('keeps a fenced usage snippet as one code block', () => {
    const usage = `Call it:\n${FENCE}ts\nawait run({ a: 1 })\n- not a block\n${FENCE}`;
    const { text, skill } = written({ usage });
    expect(skill.usage).toBe(usage);
    const view = logseqView(text);
    expect(view.blocks.find((b) => b.code.length > 0)?.code).toEqual([{ lang: 'ts', code: 'await run({ a: 1 })\n- not a block' }]);
  });
});

describe('skill names Windows cannot hold', () => {
  it.each(['con', 'prn', 'aux', 'nul', 'com1', 'com9', 'lpt1', 'lpt9'])('refuses %s', (name) => {
    expect(() => validateSkillName(name)).toThrow(/Windows reserves/);
  });
  it('accepts names that only start like one', () => {
    expect(validateSkillName('con_check')).toBe('con_check');
    expect(validateSkillName('com10')).toBe('com10');
  });
});

describe('refused saves change nothing', () => {
  let engine: Engine;
  let skills: SkillService;
  beforeAll(async () => {
    engine = await openTestEngine({ watch: false });
    await engine.indexing;
    skills = new SkillService({ graph: engine.graph, index: engine.index, now: () => new Date(2025, 2, 14) });
  });
  afterAll(async () => engine.close());

  async function snapshot(dir: string): Promise<Record<string, string>> {
    const out: Record<string, string> = {};
    for (const entry of await fs.readdir(dir, { recursive: true, withFileTypes: true })) {
      if (entry.isFile()) out[path.relative(dir, path.join(entry.parentPath, entry.name))] = await fs.readFile(path.join(entry.parentPath, entry.name), 'utf8');
    }
    return out;
  }

  it('refuses a reserved name and unstorable code with a message, and no file changes', async () => {
    const before = await snapshot(engine.graphDir);
    const agent = { kind: 'agent' as const };
    await expect(skills.save({ name: 'nul', description: 'x', code: 'export function nul() {}', language: 'typescript' }, agent)).rejects.toThrow(InvalidInputError);
    await expect(
      skills.save({ name: 'fences', description: 'x', code: `export function fences() {}\n/*\n${FENCE}\n#+END_SRC\n*/`, language: 'typescript' }, agent),
    ).rejects.toThrow(/cannot be stored so that Logseq reads it back unchanged/);
    expect(await snapshot(engine.graphDir)).toEqual(before);
  });

  it('saves code holding a fence line and reads it back through the engine', async () => {
    const code = `export function fenced() {\n  return 1;\n}\n/*\n${FENCE}\n- item\nk:: v\n*/`;
    const saved = await skills.save({ name: 'fenced', description: 'TODO returns a fence', code, language: 'typescript', usage: 'k:: v\n- step' }, { kind: 'person' });
    expect(saved.code).toBe(code);
    expect(saved.usage).toBe('k:: v\n- step');
    expect(saved.description).toBe('TODO returns a fence');
    const view = logseqView(await fs.readFile(path.join(engine.graphDir, saved.path), 'utf8'));
    expect(view.blocks.flatMap((b) => b.code)).toContainEqual({ lang: 'typescript', code });
  });
});
