// Which files of a graph folder are pages: the one walk (Logseq's ignore rules, no symlinks) shared by the graph's
// cold scan and the index's catch-up from disk.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { GraphConfig } from './config';
import { isIgnoredPath, isPageFile } from './config';

/**
 * Page files under `config.root`, as disk-relative paths with `/`, sorted. A subfolder that cannot be read is named
 * in `warnings` and skipped; an unreadable root throws (there is no graph to speak of).
 */
export async function listPageFiles(config: Pick<GraphConfig, 'root' | 'hidden'>, warnings: string[]): Promise<string[]> {
  const files: string[] = [];
  const walk = async (dirRel: string): Promise<void> => {
    let entries;
    try {
      entries = await fs.readdir(path.join(config.root, dirRel), { withFileTypes: true });
    } catch (error) {
      if (dirRel === '') throw error;
      warnings.push(`folder ${dirRel} could not be read: ${(error as Error).message}`);
      return;
    }
    const subdirs: Promise<void>[] = [];
    for (const entry of entries) {
      const rel = dirRel === '' ? entry.name : `${dirRel}/${entry.name}`;
      if (entry.isSymbolicLink() || isIgnoredPath(rel, config)) continue;
      if (entry.isDirectory()) subdirs.push(walk(rel));
      else if (entry.isFile() && isPageFile(rel)) files.push(rel);
    }
    await Promise.all(subdirs);
  };
  await walk('');
  return files.sort();
}
