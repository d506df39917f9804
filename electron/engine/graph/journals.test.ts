// Titles, journals and config as Logseq 0.10.9 decides them. Each case cites the Logseq file (tag 0.10.9, or
// logseq/cljs-time at the commit 0.10.9 pins, 5704fbf) and line it was taken from.
import { describe, expect, it } from 'vitest';
import { isIgnoredPath, parseGraphConfig } from './config';
import { formatJournalDay, journalDayOfTitle, journalFileFor, parseJournalDay } from './journals';
import { journalFileName, journalTitle } from './names';
import { parsePage } from './parser';

const defaults = parseGraphConfig('/g', null);
const today = new Date(2026, 0, 1);

describe('journal titles (graph_parser/date_time_util.cljs, frontend/date.cljs)', () => {
  it.each([
    // src/test/frontend/format/block_test.cljs:99-116 (test-normalize-journal-title)
    ['Aug 12th, 2022', '2022-08-12'],
    ['2022-08-12', '2022-08-12'],
    ['2022-10', undefined],
    ['2022Q4', undefined],
    ['2022-08', undefined],
    // date_time_util.cljs:15-19 safe-journal-title-formatters: "MMM do, yyyy" "yyyy-MM-dd" "yyyy_MM_dd"
    ['2024_01_05', '2024-01-05'],
    // date_time_util.cljs:27 capitalize-all before parsing: the lower-cased page name still reads as the date
    ['jan 5th, 2024', '2024-01-05'],
    ['JAN 5TH, 2024', '2024-01-05'],
    // cljs-time internal/parse.cljs:65-70 parse-number: fewer digits than the minimum are accepted
    ['2024-1-5', '2024-01-05'],
    // internal/core.cljs valid-date?: no 31st of February
    ['Feb 31st, 2024', undefined],
    ['notes', undefined],
    ['', undefined],
  ])('%j is the journal of %s', (title, iso) => {
    const day = journalDayOfTitle(title, 'MMM do, yyyy', today);
    expect(day && `${day.year}-${String(day.month).padStart(2, '0')}-${String(day.day).padStart(2, '0')}`).toBe(iso);
  });

  it('reads punctuation in a pattern as a regular expression, as cljs-time does', () => {
    // date_time_util.cljs:14: (tf/parse (tf/formatter "dd.MM.yyyy") "2021Q4") => 20040120
    expect(parseJournalDay('2021Q4', 'dd.MM.yyyy', today)).toEqual({ year: 2004, month: 1, day: 20 });
  });

  it('prints YYYY as the calendar year and DD as the day of month (internal/unparse.cljs:151,162), both directions', () => {
    const day = { year: 2024, month: 12, day: 30 };
    // date-fns would print week-year 2025 and day-of-year 365 here.
    expect(formatJournalDay(day, 'YYYY-MM-DD')).toBe('2024-12-30');
    expect(parseJournalDay('2024-12-30', 'YYYY-MM-DD', today)).toEqual(day);
    expect(formatJournalDay(day, 'EEEE, MMMM do yyyy')).toBe('Monday, December 30th yyyy'.replace('yyyy', '2024'));
    expect(formatJournalDay({ year: 2024, month: 1, day: 22 }, 'MMM do, yyyy')).toBe('Jan 22nd, 2024');
    expect(formatJournalDay({ year: 2024, month: 1, day: 5 }, "yyyy'年'MM'月'dd'日'")).toBe('2024年01月05日');
  });

  it('uses the legacy :date-formatter when :journal/page-title-format is absent (graph_parser/config.cljs:70-76)', () => {
    const legacy = parseGraphConfig('/g', '{:date-formatter "yyyy/MM/dd"}');
    expect(legacy.journalPageTitleFormat).toBe('yyyy/MM/dd');
    expect(parseGraphConfig('/g', '{:date-formatter "yyyy/MM/dd" :journal/page-title-format "dd.MM.yyyy"}').journalPageTitleFormat).toBe('dd.MM.yyyy');
    expect(journalTitle(new Date(2024, 0, 5), legacy)).toBe('2024/01/05');
  });

  it('names new journal files by :journal/file-name-format with cljs-time tokens', () => {
    expect(journalFileName(new Date(2024, 11, 30), parseGraphConfig('/g', '{:journal/file-name-format "YYYY_MM_DD"}'))).toBe('2024_12_30.md');
  });
});

describe('page titles (graph_parser/extract.cljc get-page-name)', () => {
  it('makes any page whose title is a date a journal, wherever the file is, titled in the configured format', () => {
    // extract.cljc:161 convert-page-if-journal runs on every page name, not on a folder
    const page = parsePage('- hello\n', 'pages/2024_01_05.md', defaults);
    expect(page).toMatchObject({ kind: 'journal', title: 'Jan 5th, 2024', journalDate: '2024-01-05' });
    const byProperty = parsePage('title:: 2024-01-06\n\n- x\n', 'pages/some note.md', defaults);
    expect(byProperty).toMatchObject({ kind: 'journal', title: 'Jan 6th, 2024' });
    expect(parsePage('- x\n', 'journals/ideas.md', defaults)).toMatchObject({ kind: 'page', title: 'ideas' });
  });

  it('takes title:: only from the first parsed node (extract.cljc:48)', () => {
    expect(parsePage('title:: Real\n\n- x\n', 'pages/file.md', defaults).title).toBe('Real');
    expect(parsePage('---\ntitle: Front\n---\n- x\n', 'pages/file.md', defaults).title).toBe('Front');
    // A bulleted first block or a blank first line is not mldoc's first node: the file name names the page.
    expect(parsePage('- title:: Bulleted\n- x\n', 'pages/file.md', defaults).title).toBe('file');
    expect(parsePage('\ntitle:: Late\n- x\n', 'pages/file.md', defaults).title).toBe('file');
  });

  it('calls pages/contents.* "Contents" (extract.cljc:45)', () => {
    expect(parsePage('- x\n', 'pages/contents.md', defaults).title).toBe('Contents');
    expect(parsePage('- x\n', 'pages/contents.org', defaults).title).toBe('Contents');
  });

  it.each([
    // deps/graph-parser/test/logseq/graph_parser/extract_test.cljs:46-65 (parse-page-title)
    ['#+title: Howdy', 'Howdy'],
    ['#+TITLE: Howdy', 'Howdy'],
    ['#+TiTlE: Howdy', 'Howdy'],
    [':PROPERTIES:\n:ID:       72289d9a-eb2f-427b-ad97-b605a4b8c59b\n:END:\n#+TITLE: diagram/abcdef', 'diagram/abcdef'],
    // graph_parser/mldoc_test.cljs:108-112: the value after the spaces
    ['#+TITLE:   some title', 'some title'],
    ['* heading only', 'foo'],
  ])('reads the Org title of %j as %j', (text, title) => {
    expect(parsePage(text, 'pages/foo.org', defaults).title).toBe(title);
  });
});

describe(':hidden (deps/common/src/logseq/common/config.cljs hidden?)', () => {
  it('treats entries as prefixes, with or without a leading slash (deps/common/test/logseq/common/config_test.cljs:5-20)', () => {
    const config = parseGraphConfig('/g', '{:hidden ["script" "/dev"]}');
    const files = ['pages/foo.md', 'pages/bar.md', 'script/README.md', 'script/config.edn', 'dev/README.md', 'dev/config.edn'];
    expect(files.filter((f) => !isIgnoredPath(f, config))).toEqual(['pages/foo.md', 'pages/bar.md']);
    // A string prefix, not a folder name: "scr" hides script/ too; folders are skipped only when all inside is hidden.
    expect(isIgnoredPath('script/a.md', parseGraphConfig('/g', '{:hidden ["scr"]}'))).toBe(true);
    expect(isIgnoredPath('pages', parseGraphConfig('/g', '{:hidden ["pages/private"]}'))).toBe(false);
    expect(isIgnoredPath('pages/private.md', parseGraphConfig('/g', '{:hidden ["pages/private"]}'))).toBe(true);
  });
});

describe("today's journal file", () => {
  it('is the existing page of the day whatever its name or extension, else a new file', () => {
    const date = new Date(2024, 0, 5);
    const pages = [
      { path: 'pages/notes.md', kind: 'page' },
      { path: 'journals/2024-01-05.org', kind: 'journal', journalDate: '2024-01-05' },
    ];
    expect(journalFileFor(date, pages, () => 'journals/2024_01_05.md')).toBe('journals/2024-01-05.org');
    expect(journalFileFor(new Date(2024, 0, 6), pages, () => 'journals/2024_01_06.md')).toBe('journals/2024_01_06.md');
  });
});
