// Page titles, page names and file names exactly as Logseq 0.10 derives them: triple-lowbar and
// legacy file-name formats, NFC case-insensitive page identity, and journal file names and titles.
import path from 'node:path';
import type { GraphConfig } from './config';
import { normalizeRelPath } from './config';
import { formatJournalDay, isoDay, journalDayOf, journalDayOfTitle } from './journals';

const URL_ENCODED = /%[0-9a-f]{2}/gi;
const TRIPLE_LOWBAR_RESERVED = /[:*?"<>|#\\]+/g;
const LEGACY_ANDROID_RESERVED = /[\\#|%]+/g;
const LEGACY_WINDOWS_RESERVED = /[:\\*?"<>|]+/g;
const WINDOWS_RESERVED_BODIES = new Set(['CON', 'PRN', 'AUX', 'NUL', ...[1, 2, 3, 4, 5, 6, 7, 8, 9].flatMap((n) => [`COM${n}`, `LPT${n}`])]);

function removeBoundarySlashes(s: string): string {
  let out = s;
  if (out.startsWith('/')) out = out.slice(1);
  if (out.endsWith('/')) out = out.slice(0, -1);
  return out;
}

/** Logseq's page identity: lower-cased, NFC, without boundary slashes. */
export function pageNameOf(title: string): string {
  return removeBoundarySlashes(title.toLowerCase()).normalize('NFC');
}

function encodeFileNamePart(part: string): string {
  return encodeURIComponent(part).replace(/\*/g, '%2A');
}

function tripleLowbarFileBody(title: string): string {
  let body = removeBoundarySlashes(title).normalize('NFC');
  // `%` is only pre-encoded where it would otherwise read back as an escape (`a%2Fb`), as Logseq does.
  body = body.replace(URL_ENCODED, (m) => m.replace('%', '%25'));
  body = body.replace(TRIPLE_LOWBAR_RESERVED, encodeFileNamePart);
  // A leading dot would make the page a hidden file that Logseq itself ignores.
  body = body.replace(/^\./, '%2E');
  if (WINDOWS_RESERVED_BODIES.has(body) || body.endsWith('.')) body += '/';
  const encodeLowbars = (m: string): string => m.replace(/_/g, '%5F');
  body = body.replace(/___/g, encodeLowbars).replace(/_\//g, encodeLowbars).replace(/\/_/g, encodeLowbars);
  return body.replace(/\//g, '___');
}

function legacyFileBody(title: string): string {
  const urlEncode = (s: string): string => encodeURIComponent(s).replace(/\+/g, '%20');
  return removeBoundarySlashes(title)
    .normalize('NFC')
    .replace(LEGACY_ANDROID_RESERVED, urlEncode)
    .replace(LEGACY_WINDOWS_RESERVED, urlEncode)
    .replace(/\//g, urlEncode)
    .replace(/\*/g, '%2A');
}

/** File name (with extension, no folder) Logseq would give a new page with this title. */
export function pageFileName(title: string, config: Pick<GraphConfig, 'fileNameFormat'>, extension = 'md'): string {
  const body = config.fileNameFormat === 'triple-lowbar' ? tripleLowbarFileBody(title) : legacyFileBody(title);
  return `${body}.${extension}`;
}

function fileBodyOf(relPath: string): string {
  const fileName = path.posix.basename(normalizeRelPath(relPath));
  const dot = fileName.lastIndexOf('.');
  return dot > 0 ? fileName.slice(0, dot) : fileName;
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    // Not percent-encoded after all (a lone %): the name is used as written.
    return s;
  }
}

/** Page title from a page file's name, decoded by the graph's file-name format (ignores title::). */
export function titleFromPath(relPath: string, config: Pick<GraphConfig, 'fileNameFormat'>): string {
  const body = fileBodyOf(relPath);
  if (config.fileNameFormat === 'triple-lowbar') {
    const decoded = body.replace(/___/g, '/').replace(URL_ENCODED, safeDecode);
    return decoded
      .split('/')
      .filter((segment) => segment !== '')
      .join('/')
      .normalize('NFC');
  }
  return safeDecode(body.replace(/\./g, '/')).normalize('NFC');
}

/** True when Logseq would add a `title::` property because the file name cannot carry the title. */
export function needsTitleProperty(title: string, config: Pick<GraphConfig, 'fileNameFormat'>): boolean {
  const fileName = pageFileName(title, config);
  if (titleFromPath(fileName, config) !== title.normalize('NFC')) return true;
  return /[:*?"<>|#\\]/.test(fileName);
}

// Journal names follow cljs-time patterns (graph/journals.ts), not date-fns: `YYYY` is the year, `DD` the day of month.
export function journalFileName(date: Date, config: Pick<GraphConfig, 'journalFileNameFormat'>): string {
  return `${formatJournalDay(journalDayOf(date), config.journalFileNameFormat)}.md`;
}

/** Where Logseq puts a new journal file for `date` (only used when that day has no page yet). */
export function journalRelPath(date: Date, config: Pick<GraphConfig, 'journalFileNameFormat' | 'journalsDirectory'>): string {
  return `${config.journalsDirectory}/${journalFileName(date, config)}`;
}

export function journalTitle(date: Date, config: Pick<GraphConfig, 'journalPageTitleFormat'>): string {
  return formatJournalDay(journalDayOf(date), config.journalPageTitleFormat);
}

export function isoDate(date: Date): string {
  return isoDay(journalDayOf(date));
}

/**
 * The date of a page file when its file name alone makes it a journal in Logseq: the title decoded from the name
 * parses as a date (configured title format or Logseq's fallbacks), in whatever folder. A `title::` can change this;
 * parsePage decides on the final title.
 */
export function journalDateFromPath(relPath: string, config: Pick<GraphConfig, 'fileNameFormat' | 'journalPageTitleFormat'>): Date | undefined {
  const day = journalDayOfTitle(titleFromPath(relPath, config), config.journalPageTitleFormat);
  return day ? new Date(day.year, day.month - 1, day.day) : undefined;
}
