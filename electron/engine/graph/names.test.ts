// Specification of Logseq's page-title <-> file-name rules and page identity.
import { describe, expect, it } from 'vitest';
import { parseGraphConfig } from './config';
import { journalDateFromPath, journalFileName, journalTitle, needsTitleProperty, pageFileName, pageNameOf, titleFromPath } from './names';

const tripleLowbar = parseGraphConfig('/g', '{:file/name-format :triple-lowbar}');
const legacy = parseGraphConfig('/g', '{}');

describe('triple-lowbar file names', () => {
  it.each([
    ['Skills/analyze_error_spike', 'Skills___analyze_error_spike.md'],
    ['Q: why?', 'Q%3A why%3F.md'],
    ['100%', '100%.md'],
    ['a%2Fb', 'a%252Fb.md'],
    ['CON', 'CON___.md'],
    ['.hidden', '%2Ehidden.md'],
    ['a___b', 'a%5F%5F%5Fb.md'],
    ['x_/y', 'x%5F___y.md'],
    ['中文/页面', '中文___页面.md'],
    ['rocket 🚀', 'rocket 🚀.md'],
    ['back\\slash #tag', 'back%5Cslash %23tag.md'],
  ])('%s is written as %s and reads back', (title, fileName) => {
    expect(pageFileName(title, tripleLowbar)).toBe(fileName);
    expect(titleFromPath(`pages/${fileName}`, tripleLowbar)).toBe(title);
  });

  it('writes NFD titles in NFC and treats both forms as one page', () => {
    const nfd = 'Cafe\u0301';
    expect(pageFileName(nfd, tripleLowbar)).toBe('Caf\u00e9.md');
    expect(pageNameOf(nfd)).toBe(pageNameOf('CAF\u00c9'));
  });

  it('ignores the folder and empty namespaces when decoding', () => {
    expect(titleFromPath('pages/sub/dir/A______B.md', tripleLowbar)).toBe('A/B');
  });
});

describe('legacy file names', () => {
  it('reads dots as namespaces and encodes slashes and reserved characters when writing', () => {
    expect(titleFromPath('pages/aaa.bbb.ccc.md', legacy)).toBe('aaa/bbb/ccc');
    expect(pageFileName('a/b', legacy)).toBe('a%2Fb.md');
    expect(pageFileName('Q: 100%', legacy)).toBe('Q%3A 100%25.md');
    expect(titleFromPath('pages/a%2Fb.md', legacy)).toBe('a/b');
  });

  it('asks for a title:: property when the file name cannot carry the title', () => {
    expect(needsTitleProperty('v1.2', legacy)).toBe(true);
    expect(needsTitleProperty('plain title', legacy)).toBe(false);
    expect(needsTitleProperty('v1.2', tripleLowbar)).toBe(false);
  });
});

describe('journals', () => {
  const day = new Date(2024, 0, 5);
  it('uses Logseq defaults for file name and title', () => {
    expect(journalFileName(day, tripleLowbar)).toBe('2024_01_05.md');
    expect(journalTitle(day, tripleLowbar)).toBe('Jan 5th, 2024');
    expect(journalDateFromPath('journals/2024_01_05.md', tripleLowbar)?.getDate()).toBe(5);
  });

  it('follows configured formats and rejects non-dates', () => {
    const custom = parseGraphConfig('/g', '{:journal/file-name-format "yyyy-MM-dd" :journal/page-title-format "yyyy/MM/dd" :journals-directory "daily"}');
    expect(journalFileName(day, custom)).toBe('2024-01-05.md');
    expect(journalTitle(day, custom)).toBe('2024/01/05');
    expect(journalDateFromPath('daily/2024-01-05.md', custom)).toBeDefined();
    // As in Logseq, the title decides, not the folder: 2024-01-05 parses with the "yyyy-MM-dd" fallback anywhere.
    expect(journalDateFromPath('journals/2024-01-05.md', custom)).toBeDefined();
    expect(journalDateFromPath('daily/notes.md', custom)).toBeUndefined();
    expect(journalDateFromPath('daily/2024-02-31.md', custom)).toBeUndefined();
  });
});

describe('config.edn', () => {
  it('reads the keys Logseq uses and keeps defaults for the rest', () => {
    const config = parseGraphConfig('/g', `;; comment
{:meta/version 1
 :preferred-format "Markdown"
 :hidden ["/archive" "drafts/"]
 :export/bullet-indentation :two-spaces
 :file/name-format :triple-lowbar
 :property/separated-by-commas #{:related}
 :macros {"poem" "Rose is $1"}}`);
    expect(config.fileNameFormat).toBe('triple-lowbar');
    expect(config.hidden).toEqual(['archive', 'drafts/']);
    expect(config.bulletIndentation).toBe('  ');
    expect(config.commaSeparatedProperties).toContain('related');
    expect(config.journalPageTitleFormat).toBe('MMM do, yyyy');
    expect(config.warnings).toEqual([]);
  });

  it('falls back to defaults with a warning when config.edn is broken', () => {
    const config = parseGraphConfig('/g', '{:file/name-format :triple-lowbar');
    expect(config.fileNameFormat).toBe('legacy');
    expect(config.warnings[0]).toMatch(/could not be read/);
  });
});
