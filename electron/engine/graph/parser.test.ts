// Specification of how pages are read: properties, nesting, code, references, and damaged files.
import { describe, expect, it } from 'vitest';
import { parseGraphConfig } from './config';
import { parsePage } from './parser';

const config = parseGraphConfig('/g', '{:file/name-format :triple-lowbar}');

describe('parsePage', () => {
  it('reads page properties, multi-value properties and the title:: override', () => {
    const page = parsePage('title:: Real Title\ntags:: skill, [[error handling, retries]], #ops\ndescription:: a, b and c\n\n- first\n', 'pages/file_name.md', config);
    expect(page.title).toBe('Real Title');
    expect(page.name).toBe('real title');
    expect(page.properties.tags).toEqual(['skill', 'error handling, retries', 'ops']);
    expect(page.properties.description).toBe('a, b and c');
    expect(page.refs).toEqual(expect.arrayContaining(['skill', 'error handling, retries', 'ops']));
    expect(page.blocks.map((b) => b.text)).toEqual(['first']);
  });

  it('takes the title from a triple-lowbar file name when there is no title::', () => {
    const page = parsePage('- x', 'pages/Skills___analyze_error_spike.md', config);
    expect(page.title).toBe('Skills/analyze_error_spike');
    expect(page.kind).toBe('page');
  });

  it('nests tab- and space-indented blocks the same way', () => {
    const tabs = parsePage('- a\n\t- b\n\t\t- c\n\t- d\n- e\n', 'pages/t.md', config);
    const spaces = parsePage('- a\n    - b\n        - c\n    - d\n- e\n', 'pages/s.md', config);
    for (const page of [tabs, spaces]) {
      expect(page.blocks.map((b) => [b.text, b.level, b.parent])).toEqual([
        ['a', 0, -1],
        ['b', 1, 0],
        ['c', 2, 1],
        ['d', 1, 0],
        ['e', 0, -1],
      ]);
    }
  });

  it('keeps a fenced code block with `- ` and `key::` lines inside a nested block', () => {
    const raw = '- parent\n\t- child\n\t  status:: draft\n\t  ```python\n\t  - not a block\n\t  key:: not a property\n\t  ```\n\t\t- grandchild\n';
    const page = parsePage(raw, 'pages/p.md', config);
    expect(page.blocks).toHaveLength(3);
    const child = page.blocks[1];
    expect(child.properties).toEqual({ status: 'draft' });
    expect(child.code).toEqual([{ lang: 'python', code: '- not a block\nkey:: not a property' }]);
    expect(child.text).toBe('child\n```python\n- not a block\nkey:: not a property\n```');
    expect(raw.includes(child.content)).toBe(true);
    expect(page.blocks[2]).toMatchObject({ text: 'grandchild', level: 2, parent: 1 });
  });

  it('reads refs, tags, block refs, ids and markers but not inside code', () => {
    const raw = '- TODO call [[Ops Team]] about #incident and #[[post mortem]] ((64b5c0c4-1111-4222-8333-944455556666)) `[[not a ref]]`\n  id:: 64B5C0C4-AAAA-4222-8333-944455556666\n';
    const [block] = parsePage(raw, 'pages/r.md', config).blocks;
    expect(block.marker).toBe('TODO');
    expect(block.uuid).toBe('64b5c0c4-aaaa-4222-8333-944455556666');
    expect(block.refs.sort()).toEqual(['incident', 'ops team', 'post mortem']);
    expect(block.blockRefs).toEqual(['64b5c0c4-1111-4222-8333-944455556666']);
  });

  it('handles CRLF and a BOM, keeping content as exact slices', () => {
    const raw = '\ufeffalias:: One, Two\r\n\r\n- line one\r\n  line two\r\n\t- child\r\n';
    const page = parsePage(raw, 'pages/c.md', config);
    expect(page.properties.alias).toEqual(['One', 'Two']);
    expect(page.blocks[0].text).toBe('line one\nline two');
    expect(page.blocks[0].content).toBe('line one\r\n  line two');
    expect(page.blocks[1]).toMatchObject({ text: 'child', level: 1 });
  });

  it('reads YAML front matter as page properties', () => {
    const page = parsePage('---\ntitle: From YAML\ntags: [a, b]\n---\n- body\n', 'pages/y.md', config);
    expect(page.title).toBe('From YAML');
    expect(page.properties.tags).toEqual(['a', 'b']);
    expect(page.blocks.map((b) => b.text)).toEqual(['body']);
  });

  it('reads empty files and a journal that is only `-`', () => {
    expect(parsePage('', 'pages/empty.md', config).blocks).toEqual([]);
    const journal = parsePage('-\n', 'journals/2024_03_01.md', config);
    expect(journal).toMatchObject({ kind: 'journal', journalDate: '2024-03-01', title: 'Mar 1st, 2024', name: 'mar 1st, 2024' });
    expect(journal.blocks.map((b) => b.text)).toEqual(['']);
  });

  it('lists org pages without parsing them, and says so', () => {
    const page = parsePage('* Heading\n** Sub', 'pages/notes.org', config);
    expect(page.format).toBe('org');
    expect(page.blocks).toEqual([]);
    expect(page.warnings[0]).toMatch(/org/);
  });

  it('reads a page with an unclosed code fence as far as it goes, with a warning', () => {
    const page = parsePage('- a\n  ```js\n  const x = 1;\n- b\n', 'pages/broken.md', config);
    expect(page.blocks.map((b) => b.text)).toEqual(['a\n```js\nconst x = 1;', 'b']);
    expect(page.warnings.join(' ')).toMatch(/never closed/);
  });

  it('never throws on arbitrary input', () => {
    const junk = ['\u0000\u0001- \t\t\t', '::::\n- ::\n\t\t\t\t- x', '---\n---\n---', '- ```\n```\n```', '\r\r\r- a\r'];
    for (const raw of junk) expect(() => parsePage(raw, 'pages/j.md', config)).not.toThrow();
  });
});
