// Reads a Logseq graph's `logseq/config.edn` (never writes it) and owns the ignore rules that
// decide which files under the graph are pages, shared by the scanner and the watcher.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { parseEDNString } from 'edn-data';

export type FileNameFormat = 'triple-lowbar' | 'legacy';

export interface GraphConfig {
  /** Absolute graph root. */
  root: string;
  fileNameFormat: FileNameFormat;
  journalPageTitleFormat: string;
  journalFileNameFormat: string;
  pagesDirectory: string;
  journalsDirectory: string;
  /** `:hidden` prefixes (no leading slash) that Logseq hides: every path starting with one is ignored. */
  hidden: string[];
  preferredFormat: 'markdown' | 'org';
  /** Indentation Logseq uses when writing nested blocks. */
  bulletIndentation: '\t' | '  ' | '    ';
  /** Properties whose values Logseq splits on commas (always includes tags and alias). */
  commaSeparatedProperties: string[];
  /** Problems found while reading config.edn; defaults were used for what could not be read. */
  warnings: string[];
}

export const DEFAULT_JOURNAL_PAGE_TITLE_FORMAT = 'MMM do, yyyy';
export const DEFAULT_JOURNAL_FILE_NAME_FORMAT = 'yyyy_MM_dd';

export function defaultGraphConfig(root: string): GraphConfig {
  return {
    root: path.resolve(root),
    // A new 0.10 graph's config.edn has :file/name-format :triple-lowbar; absence means legacy.
    fileNameFormat: 'legacy',
    journalPageTitleFormat: DEFAULT_JOURNAL_PAGE_TITLE_FORMAT,
    journalFileNameFormat: DEFAULT_JOURNAL_FILE_NAME_FORMAT,
    pagesDirectory: 'pages',
    journalsDirectory: 'journals',
    hidden: [],
    preferredFormat: 'markdown',
    bulletIndentation: '\t',
    commaSeparatedProperties: ['tags', 'alias'],
    warnings: [],
  };
}

function stripSlashes(dir: string): string {
  return dir.replace(/\\/g, '/').replace(/^\/+|\/+$/g, '');
}

/** Interprets config.edn text. Unreadable parts fall back to Logseq's defaults, with a warning. */
export function parseGraphConfig(root: string, ednText: string | null): GraphConfig {
  const config = defaultGraphConfig(root);
  if (ednText === null) return config;
  let data: Record<string, unknown>;
  try {
    const parsed = parseEDNString(ednText, { mapAs: 'object', keywordAs: 'string', setAs: 'array', listAs: 'array', charAs: 'string' });
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('top level is not a map');
    data = parsed as Record<string, unknown>;
  } catch (error) {
    config.warnings.push(`logseq/config.edn could not be read (${(error as Error).message}); using Logseq's defaults`);
    return config;
  }
  const str = (key: string): string | undefined => (typeof data[key] === 'string' && (data[key] as string).trim() !== '' ? (data[key] as string) : undefined);

  const nameFormat = str('file/name-format');
  if (nameFormat === 'triple-lowbar') config.fileNameFormat = 'triple-lowbar';
  else if (nameFormat !== undefined && nameFormat !== 'legacy') config.warnings.push(`unknown :file/name-format ${nameFormat}; using legacy file names`);
  // Logseq's get-date-formatter: :journal/page-title-format, else the legacy :date-formatter.
  config.journalPageTitleFormat = str('journal/page-title-format') ?? str('date-formatter') ?? config.journalPageTitleFormat;
  config.journalFileNameFormat = str('journal/file-name-format') ?? config.journalFileNameFormat;
  config.pagesDirectory = stripSlashes(str('pages-directory') ?? config.pagesDirectory) || 'pages';
  config.journalsDirectory = stripSlashes(str('journals-directory') ?? config.journalsDirectory) || 'journals';
  const preferred = str('preferred-format');
  if (preferred && preferred.toLowerCase() === 'org') config.preferredFormat = 'org';
  // Kept as written, minus a leading slash: Logseq matches them as plain string prefixes (logseq/common/config.cljs `hidden?`).
  if (Array.isArray(data['hidden'])) config.hidden = (data['hidden'] as unknown[]).filter((h): h is string => typeof h === 'string' && h.trim() !== '').map((h) => h.replace(/\\/g, '/').replace(/^\/+/, ''));
  const indentation = str('export/bullet-indentation');
  if (indentation === 'two-spaces') config.bulletIndentation = '  ';
  else if (indentation === 'four-spaces') config.bulletIndentation = '    ';
  if (Array.isArray(data['property/separated-by-commas'])) {
    for (const key of data['property/separated-by-commas'] as unknown[]) if (typeof key === 'string') config.commaSeparatedProperties.push(key.toLowerCase());
  }
  return config;
}

export async function readGraphConfig(root: string): Promise<GraphConfig> {
  let text: string | null = null;
  try {
    text = await fs.readFile(path.join(root, 'logseq', 'config.edn'), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
      const config = defaultGraphConfig(root);
      config.warnings.push(`logseq/config.edn could not be opened (${(error as Error).message}); using Logseq's defaults`);
      return config;
    }
  }
  return parseGraphConfig(root, text);
}

const PAGE_EXTENSIONS = new Set(['.md', '.markdown', '.org']);
const IGNORED_PREFIXES = ['logseq/.recycle', 'logseq/bak', 'logseq/version-files'];

/** Forward slashes and NFC, as Logseq keys files (macOS hands out NFD names). */
export function normalizeRelPath(relPath: string): string {
  return relPath.replace(/\\/g, '/').replace(/^\.\//, '').normalize('NFC');
}

/**
 * True when a graph-relative path (file or folder) is ignored the way Logseq 0.10 ignores it:
 * hidden segments, recycle/backup/version folders, node_modules and the config's :hidden paths.
 */
export function isIgnoredPath(relPath: string, config: Pick<GraphConfig, 'hidden'>): boolean {
  const rel = normalizeRelPath(relPath);
  if (rel === '' || rel === '.') return false;
  const segments = rel.split('/');
  for (const segment of segments) {
    if (segment.startsWith('.')) return true;
    if (segment === 'node_modules') return true;
  }
  for (const prefix of IGNORED_PREFIXES) if (rel === prefix || rel.startsWith(prefix + '/')) return true;
  // `:hidden` entries are string prefixes of "/" + path ("arch" hides archive/x.md too); a folder is skipped when every
  // path under it matches.
  for (const hidden of config.hidden) if (`/${rel}/`.startsWith(`/${hidden}`) || `/${rel}`.startsWith(`/${hidden}`)) return true;
  return false;
}

export function isPageFile(relPath: string): boolean {
  return PAGE_EXTENSIONS.has(path.extname(relPath).toLowerCase());
}

export function pageFormatOf(relPath: string): 'markdown' | 'org' {
  return path.extname(relPath).toLowerCase() === '.org' ? 'org' : 'markdown';
}
