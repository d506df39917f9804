// Brings the index up to date with the graph folder on disk without holding the graph in memory, for the commands
// that answer from the index (`search`, `status`, `skills list`, `index`): one stat per page file against the mtime
// the index recorded for it, then a read and parse of only the files that differ.
import fs from 'node:fs';
import path from 'node:path';
import type { ParsedPage } from '../../../shared/types';
import { normalizeRelPath, readGraphConfig } from '../graph/config';
import { listPageFiles } from '../graph/page-files';
import { parsePage } from '../graph/parser';
import type { SearchIndex } from './search-index';

/** Meta key of the logseq/config.edn the indexed pages were parsed with (titles, journals, hidden folders follow it). */
const CONFIG_STAMP_KEY = 'graph.configStamp';

export interface CatchUpReport {
  /** Page files found on disk. */
  files: number;
  /** Page files read and parsed (new, changed, or every one after config.edn changed). */
  read: number;
  /** Indexed pages whose file is gone. */
  removed: number;
  configChanged: boolean;
  durationMs: number;
  /** Files that could not be stat-ed or read; their indexed rows are kept as they were. */
  warnings: string[];
}

export interface CatchUpOptions {
  /** Reads one page file; the composition root passes fs, a test passes a counting reader. */
  readPage?: (absPath: string) => string;
}

/** What identifies the config.edn on disk now: size and mtime, or "none" when the graph has none. */
export function graphConfigStamp(graphRoot: string): string {
  try {
    const stat = fs.statSync(path.join(graphRoot, 'logseq', 'config.edn'));
    return `${stat.size}:${stat.mtimeMs}`;
  } catch {
    // No config.edn: the graph uses Logseq's defaults, stamped as 'none'.
    return 'none';
  }
}

/** Records that the indexed pages were parsed with config.edn as `stamp` says (after the engine's own rebuild). */
export function recordGraphConfigStamp(index: SearchIndex, stamp: string): void {
  index.setMetaValue(CONFIG_STAMP_KEY, stamp);
}

/**
 * Makes the index hold every page file under `graphRoot`. A file whose mtime equals the one indexed for its path is
 * not opened; when config.edn changed since the last catch-up every page is re-read, since how a file parses depends
 * on it. A same-size edit within the filesystem's mtime resolution would go unseen (nanoseconds on ext4/APFS).
 */
export async function catchUpIndex(index: SearchIndex, graphRoot: string, options: CatchUpOptions = {}): Promise<CatchUpReport> {
  const started = performance.now();
  const readPage = options.readPage ?? ((absPath: string) => fs.readFileSync(absPath, 'utf8'));
  const stamp = graphConfigStamp(graphRoot);
  const configChanged = index.metaValue(CONFIG_STAMP_KEY) !== stamp;
  const config = await readGraphConfig(graphRoot);
  const warnings = [...config.warnings];
  const files = await listPageFiles(config, warnings);
  const indexed = index.pageMtimes();
  const onDisk = new Set<string>();
  const changed: ParsedPage[] = [];
  // One lstat per file in a tight synchronous loop: of the ways measured on the 10k-page graph that still see an edit in
  // place (a folder's mtime does not move for one), the fastest; fs.promises.stat cost 1.6-3x more (promises), fs.stat
  // callbacks about as much as path.join plus statSync, whose join the concatenation saves. listPageFiles skips
  // symbolic links, so lstat answers what stat would; a file deleted since the listing is simply not on disk.
  const base = graphRoot.endsWith(path.sep) ? graphRoot : graphRoot + path.sep;
  for (const rel of files) {
    const pagePath = normalizeRelPath(rel);
    const absPath = base + rel;
    try {
      const stat = fs.lstatSync(absPath, { throwIfNoEntry: false });
      if (!stat) continue; // deleted since the listing: gone from the index as from the folder
      onDisk.add(pagePath);
      if (!configChanged && indexed.get(pagePath) === stat.mtimeMs) continue;
      changed.push(parsePage(readPage(absPath), rel, config, stat.mtimeMs));
    } catch (error) {
      onDisk.add(pagePath);
      warnings.push(`${rel} could not be read: ${(error as Error).message}`);
    }
  }
  const removed = [...indexed.keys()].filter((pagePath) => !onDisk.has(pagePath));
  if (changed.length || removed.length || configChanged) index.replacePages(changed, removed, { [CONFIG_STAMP_KEY]: stamp });
  return { files: files.length, read: changed.length, removed: removed.length, configChanged, durationMs: performance.now() - started, warnings };
}
