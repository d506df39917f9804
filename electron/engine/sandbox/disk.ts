// Disk trouble around runs, in one place: a full disk (ENOSPC, EDQUOT, SQLITE_FULL) named by the folder whose disk is
// full, and the size of a workspace measured without following anything sandboxed code may have planted (links).
import { lstatSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { diskFullMessage, isDiskFull } from '../disk-full';

export { DiskFullError, diskFullMessage, isDiskFull } from '../disk-full';

/** One sentence for a failed file operation: a full disk is named by the folder, anything else by its own message. */
export function describeFsError(error: unknown, folder: string): string {
  if (isDiskFull(error)) return diskFullMessage(folder);
  return error instanceof Error ? error.message : String(error);
}

/**
 * Bytes on disk under `root` (a workspace), walking with lstat so a link is never followed (a link to `/`
 * would otherwise count the whole machine) and stopping once `stopAbove` is passed: the caller only needs to know
 * whether a quota is exceeded, and code can create millions of files.
 */
export function folderBytes(root: string, stopAbove = Number.POSITIVE_INFINITY): number {
  let total = 0;
  const stack = [root];
  while (stack.length > 0 && total <= stopAbove) {
    const dir = stack.pop()!;
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch {
      continue; // removed while we looked
    }
    for (const name of names) {
      const child = path.join(dir, name);
      try {
        const stat = lstatSync(child);
        if (stat.isDirectory()) stack.push(child);
        // Blocks, not the apparent size: a sparse file of 1 TB holds no disk, a million empty folders do.
        total += stat.blocks * 512;
      } catch {
        // removed while we looked
      }
    }
  }
  return total;
}
