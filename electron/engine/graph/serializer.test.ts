// What we write must read back in Logseq's own parser (mldoc, the test oracle) and in ours with the
// page properties, blocks, nesting, block properties and code we intended.
import { describe, expect, it } from 'vitest';
import type { PropertyValue } from '../../../shared/types';
import { mldocView } from '../../test/mldoc-oracle';
import { parseGraphConfig } from './config';
import { GraphFormatError } from './errors';
import { parsePage, splitMultiValue } from './parser';
import { serializePage, type BlockSpec, type PageDoc } from './serializer';

function intendedBlocks(blocks: BlockSpec[], depth = 0, out: Array<{ depth: number; spec: BlockSpec }> = []): Array<{ depth: number; spec: BlockSpec }> {
  for (const spec of blocks) {
    out.push({ depth, spec });
    intendedBlocks(spec.children ?? [], depth + 1, out);
  }
  return out;
}

function intendedCode(text: string): Array<{ lang: string; code: string }> {
  const found: Array<{ lang: string; code: string }> = [];
  const re = /^```(\S*)\n([\s\S]*?)\n```$/gm;
  for (const m of text.matchAll(re)) found.push({ lang: m[1], code: m[2] });
  return found;
}

function expectValue(actual: string | undefined, intended: PropertyValue): void {
  if (Array.isArray(intended)) expect(splitMultiValue(actual ?? '')).toEqual(intended);
  else expect(actual).toBe(intended);
}

/** Asserts mldoc and our parser both read `doc` back from what serializePage wrote. */
function expectRoundTrip(doc: PageDoc): string {
  const text = serializePage(doc);
  const oracle = mldocView(text);
  const intended = intendedBlocks(doc.blocks);
  expect(Object.keys(oracle.pageProperties)).toEqual(doc.properties.map(([key]) => key));
  for (const [key, value] of doc.properties) expectValue(oracle.pageProperties[key], value);
  expect(oracle.blocks.map((b) => b.level)).toEqual(intended.map((b) => b.depth + 1));
  intended.forEach(({ spec }, i) => {
    const firstLine = spec.text.split('\n')[0];
    if (!firstLine.startsWith('```')) expect(oracle.blocks[i].title).toBe(firstLine);
    expect(Object.keys(oracle.blocks[i].properties)).toEqual((spec.properties ?? []).map(([key]) => key));
    for (const [key, value] of spec.properties ?? []) expectValue(oracle.blocks[i].properties[key], value);
    expect(oracle.blocks[i].code).toEqual(intendedCode(spec.text));
  });

  const ours = parsePage(text, 'pages/roundtrip.md', parseGraphConfig('/g', '{:file/name-format :triple-lowbar}'));
  expect(ours.warnings).toEqual([]);
  expect(ours.blocks.map((b) => [b.text, b.level])).toEqual(intended.map(({ spec, depth }) => [spec.text, depth]));
  intended.forEach(({ spec }, i) => {
    for (const [key, value] of spec.properties ?? []) expect(ours.blocks[i].properties[key]).toEqual(value);
  });
  for (const [key, value] of doc.properties) expect(ours.properties[key]).toEqual(value);
  return text;
}

const skillPage: PageDoc = {
  properties: [
    ['type', 'skill'],
    ['skill-id', 'b3c1d2e4'],
    ['tags', ['errors', 'error handling, retries', 'ops']],
    ['description', 'Groups errors by service, then by code, and flags spikes'],
    ['servers', 'everything, filesystem'],
  ],
  blocks: [
    { text: 'Usage', children: [{ text: 'Call `analyzeErrorSpike({ window: 60 })` and read the summary' }] },
    {
      text: 'Code',
      properties: [['language', 'typescript']],
      children: [
        {
          text: 'Implementation\n```ts\n- this is not a block\nkey:: this is not a property\n\nexport async function run() {\n\treturn 1;\n}\n```',
          properties: [['status', 'draft']],
        },
      ],
    },
  ],
};

describe('serializePage', () => {
  it('writes a skill page Logseq reads with the same properties, nesting and code', () => {
    const text = expectRoundTrip(skillPage);
    expect(text).toBe(
      'type:: skill\nskill-id:: b3c1d2e4\ntags:: errors, [[error handling, retries]], ops\n' +
        'description:: Groups errors by service, then by code, and flags spikes\nservers:: everything, filesystem\n\n' +
        '- Usage\n\t- Call `analyzeErrorSpike({ window: 60 })` and read the summary\n' +
        '- Code\n  language:: typescript\n\t- Implementation\n\t  status:: draft\n\t  ```ts\n\t  - this is not a block\n\t  key:: this is not a property\n\n' +
        '\t  export async function run() {\n\t  \treturn 1;\n\t  }\n\t  ```\n',
    );
  });

  it('round-trips deep nesting, refs, tasks, Unicode and empty blocks', () => {
    expectRoundTrip({
      properties: [],
      blocks: [
        { text: 'TODO review [[Skills/analyze_error_spike]] #ops', properties: [['id', '64b5c0c4-1111-4222-8333-944455556666']] },
        { text: '中文 emoji 🚀 Cafe\u0301', children: [{ text: 'a', children: [{ text: 'b', children: [{ text: 'c' }] }] }] },
        { text: '' },
      ],
    });
  });

  it('puts the properties of a block that opens with a code fence after the fence', () => {
    expectRoundTrip({ properties: [['title', 'Q: why?']], blocks: [{ text: '```js\nconsole.log(1)\n```', properties: [['source', 'agent']] }] });
  });

  it('indents children by the configured bullet indentation', () => {
    const text = serializePage({ properties: [], blocks: [{ text: 'a', children: [{ text: 'b' }] }] }, { indentation: '  ' });
    expect(text).toBe('- a\n  - b\n');
    expect(mldocView(text).blocks.map((b) => b.level)).toEqual([1, 3]);
  });

  it('refuses text that Logseq would read as other blocks or properties', () => {
    expect(() => serializePage({ properties: [], blocks: [{ text: 'intro\n- item' }] })).toThrow(GraphFormatError);
    expect(() => serializePage({ properties: [], blocks: [{ text: 'intro\n# heading' }] })).toThrow(GraphFormatError);
    expect(() => serializePage({ properties: [], blocks: [{ text: 'intro\nkey:: value' }] })).toThrow(GraphFormatError);
    expect(() => serializePage({ properties: [], blocks: [{ text: 'intro\n```ts\nnever closed' }] })).toThrow(GraphFormatError);
    expect(() => serializePage({ properties: [['bad key', 'x']], blocks: [] })).toThrow(GraphFormatError);
    expect(() => serializePage({ properties: [['k', 'two\nlines']], blocks: [] })).toThrow(GraphFormatError);
  });
});
