// Journal dates exactly as Logseq 0.10 decides them: its date patterns with cljs-time semantics (Logseq's fork of
// cljs-time, internal/parse.cljs and internal/unparse.cljs), which page titles are journals, and where today's is.
//
// cljs-time is not date-fns: `YYYY` is the calendar year and `D`/`DD` the day of the month; a quoted or punctuation
// run in a pattern is matched as a regular expression; `dd` also accepts one digit; a year under 4 digits is read
// through a 30-year pivot. Journal titles are parsed after Logseq's `capitalize-all` and tried against the configured
// format, then "MMM do, yyyy", "yyyy-MM-dd" and "yyyy_MM_dd" (graph_parser/date_time_util.cljs).
import { DEFAULT_JOURNAL_PAGE_TITLE_FORMAT } from './config';

export interface JournalDay {
  year: number;
  /** 1-12 */
  month: number;
  day: number;
}

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

type Token = { kind: 'token' | 'quoted'; text: string };

/** cljs-time's read-pattern: runs of one letter are tokens, 'quoted' text and punctuation runs are literal. */
function readPattern(pattern: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < pattern.length) {
    const ch = pattern[i];
    if (ch === "'") {
      if (pattern[i + 1] === "'") {
        tokens.push({ kind: 'quoted', text: "'" });
        i += 2;
        continue;
      }
      const end = pattern.indexOf("'", i + 1);
      tokens.push({ kind: 'quoted', text: pattern.slice(i + 1, end === -1 ? undefined : end) });
      i = end === -1 ? pattern.length : end + 1;
    } else if (/[a-zA-Z]/.test(ch)) {
      let j = i;
      while (pattern[j] === ch) j++;
      tokens.push({ kind: 'token', text: pattern.slice(i, j) });
      i = j;
    } else {
      let j = i + 1;
      while (j < pattern.length && !/[a-zA-Z']/.test(pattern[j])) j++;
      tokens.push({ kind: 'quoted', text: pattern.slice(i, j) });
      i = j;
    }
  }
  return tokens;
}

export class JournalFormatError extends Error {
  constructor(readonly pattern: string, detail: string) {
    super(`journal date format "${pattern}" cannot be used: ${detail}`);
    this.name = 'JournalFormatError';
  }
}

function pad(n: number, min: number, max: number): string {
  const s = String(n).padStart(min, '0');
  return s.slice(Math.max(0, s.length - max));
}

function weekday(day: JournalDay): number {
  return new Date(Date.UTC(day.year, day.month - 1, day.day)).getUTCDay();
}

const UNPARSE: Record<string, [getter: 'year' | 'month' | 'day', min: number, max: number]> = {
  d: ['day', 1, 2], dd: ['day', 2, 2], D: ['day', 1, 3], DD: ['day', 2, 3], DDD: ['day', 3, 3],
  M: ['month', 1, 2], MM: ['month', 2, 2], y: ['year', 1, 4], yy: ['year', 2, 2], yyyy: ['year', 4, 4], Y: ['year', 1, 4], YY: ['year', 2, 2], YYYY: ['year', 4, 4],
};

/** A day written in a Logseq date pattern (cljs-time `unparse`); throws JournalFormatError for tokens cljs-time cannot print. */
export function formatJournalDay(day: JournalDay, pattern: string): string {
  const tokens = readPattern(pattern);
  let out = '';
  tokens.forEach((token, i) => {
    if (token.kind === 'quoted') {
      out += token.text;
      return;
    }
    const t = token.text;
    if (UNPARSE[t]) {
      const [field, min, max] = UNPARSE[t];
      out += pad(day[field], min, max);
    } else if (t === 'MMM' || t === 'MMMM') out += t === 'MMM' ? MONTHS[day.month - 1].slice(0, 3) : MONTHS[day.month - 1];
    else if (t === 'E' || t === 'EEE' || t === 'EEEE') out += t === 'EEEE' ? DAYS[weekday(day)] : DAYS[weekday(day)].slice(0, 3);
    else if (t === 'e') out += String(weekday(day) === 0 ? 7 : weekday(day));
    else if (t === 'o') {
      // The suffix is of the field before it; cljs-time's month getter is 0-based, so "Mo" says "th" for January.
      const prev = tokens[i - 1];
      const field = prev && prev.kind === 'token' ? UNPARSE[prev.text]?.[0] : undefined;
      if (!field) throw new JournalFormatError(pattern, '"o" must follow a day, month or year token');
      const n = field === 'month' ? day.month - 1 : day[field];
      out += ({ 1: 'st', 2: 'nd', 3: 'rd', 21: 'st', 22: 'nd', 23: 'rd', 31: 'st' } as Record<number, string>)[n] ?? 'th';
    } else throw new JournalFormatError(pattern, `"${t}" is not a date token cljs-time can print`);
  });
  return out;
}

function readNumber(s: string, lower: number, upper: number): [number, string] {
  const digits = /^\d*/.exec(s)![0];
  if (digits.length >= lower) return [parseInt(digits.slice(0, upper), 10), digits.slice(upper) + s.slice(digits.length)];
  return [parseInt(digits, 10), s.slice(digits.length)];
}

const PARSE_NUMBER: Record<string, [field: 'years' | 'months' | 'days' | 'other', lower: number, upper: number]> = {
  d: ['days', 1, 2], dd: ['days', 2, 2], D: ['days', 1, 3], DD: ['days', 2, 3], DDD: ['days', 3, 3], M: ['months', 1, 2], MM: ['months', 1, 2],
  y: ['years', 1, 4], yy: ['years', 2, 2], yyyy: ['years', 4, 4], Y: ['years', 1, 4], YY: ['years', 2, 2], YYYY: ['years', 4, 4],
  e: ['other', 1, 2], H: ['other', 1, 2], HH: ['other', 2, 2], h: ['other', 1, 2], hh: ['other', 2, 2], m: ['other', 1, 2], mm: ['other', 2, 2], s: ['other', 1, 2], ss: ['other', 2, 2],
};

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** A text read in a Logseq date pattern (cljs-time `parse`), or undefined where cljs-time would throw. */
export function parseJournalDay(text: string, pattern: string, today = new Date()): JournalDay | undefined {
  const fields: { years?: number; months?: number; days?: number } = {};
  let s: string | undefined = text;
  const tokens = readPattern(pattern);
  for (let i = 0; ; i++) {
    const token = tokens[i];
    if (s === undefined || s === '') {
      if (token) return undefined;
      break;
    }
    if (!token) return undefined;
    if (token.kind === 'quoted') {
      let re: RegExp;
      try {
        re = new RegExp('^' + token.text);
      } catch {
        // A date-format token that is no valid pattern cannot match: the name is not a journal date of this format.
        return undefined;
      }
      const next: string = s.replace(re, '');
      if (next === s) return undefined;
      s = next;
      continue;
    }
    const t = token.text;
    const numeric = PARSE_NUMBER[t];
    if (numeric) {
      const [field, lower, upper] = numeric;
      const [n, rest] = readNumber(s, lower, upper);
      if (Number.isNaN(n)) return undefined;
      if (field !== 'other') fields[field] = n;
      s = rest;
    } else if (t === 'MMM' || t === 'MMMM' || t === 'E' || t === 'EEE' || t === 'EEEE') {
      const names = t.startsWith('M') ? MONTHS : DAYS;
      const all = [...names, ...names.map((n) => n.slice(0, 3))];
      const hit = all.find((name) => s!.startsWith(name));
      if (hit === undefined) return undefined;
      if (t.startsWith('M')) fields.months = (all.indexOf(hit) % 12) + 1;
      s = s.slice(hit.length);
    } else if (t === 'o') {
      const suffix = ['st', 'nd', 'rd', 'th'].find((x) => s!.startsWith(x));
      s = suffix === undefined ? undefined : s.slice(2);
    } else return undefined;
  }
  const { months, days } = fields;
  if (months !== undefined && !(months >= 1 && months <= 12)) return undefined;
  // cljs-time's infer-years: a year below (this year - 30 + 50) mod 100 is put in this century.
  const year = today.getFullYear();
  let years = fields.years ?? 0;
  if (years < (year - 30 + 50) % 100) years += year - (year % 100);
  const month = months ?? 1;
  const day = days ?? 1;
  const dim = months !== undefined ? daysInMonth(years, month) : 31;
  if (days !== undefined && !(days >= 1 && days <= dim)) return undefined;
  if (day > daysInMonth(years, month)) return undefined;
  return { year: years, month, day };
}

/** Logseq's capitalize-all after page-name-sanity-lc: each space-separated word lower-cased, then its first letter upper-cased. */
function capitalizeAll(title: string): string {
  return title
    .toLowerCase()
    .normalize('NFC')
    .split(' ')
    .map((word) => (word ? word[0].toUpperCase() + word.slice(1) : word))
    .join(' ');
}

/** The formats a title is tried against, in Logseq's order (safe-journal-title-formatters). */
export function journalTitleFormats(titleFormat: string): string[] {
  return [...new Set([titleFormat, 'MMM do, yyyy', 'yyyy-MM-dd', 'yyyy_MM_dd'].filter((f) => f.trim() !== ''))];
}

/** The day a page title names, when Logseq would make that page a journal (wherever its file is). */
export function journalDayOfTitle(title: string, titleFormat = DEFAULT_JOURNAL_PAGE_TITLE_FORMAT, today = new Date()): JournalDay | undefined {
  if (title.trim() === '') return undefined;
  const text = capitalizeAll(title.replace(/^\/|\/$/g, ''));
  for (const format of journalTitleFormats(titleFormat)) {
    const day = parseJournalDay(text, format, today);
    if (day) return day;
  }
  return undefined;
}

export function journalDayOf(date: Date): JournalDay {
  return { year: date.getFullYear(), month: date.getMonth() + 1, day: date.getDate() };
}

export function isoDay(day: JournalDay): string {
  return `${String(day.year).padStart(4, '0')}-${pad(day.month, 2, 2)}-${pad(day.day, 2, 2)}`;
}

/**
 * The file today's journal entries go to: the existing page of that day, whatever its folder, extension or file name
 * (Logseq writes into the page it has), else a new file named by `:journal/file-name-format` in the journals folder.
 */
export function journalFileFor(
  date: Date,
  pages: Iterable<{ path: string; kind: string; journalDate?: string }>,
  newPath: (date: Date) => string,
): string {
  const wanted = isoDay(journalDayOf(date));
  let found: string | undefined;
  for (const page of pages) {
    if (page.kind === 'journal' && page.journalDate === wanted && (found === undefined || page.path < found)) found = page.path;
  }
  return found ?? newPath(date);
}
