// What a result computed from files depends on: each file's size and modification time, so the type-checker and the
// bundler can tell that the API tree under a result is still the one it was computed from (regenerating servers/
// or skills/ rewrites a file, which moves its stamp).
import { statSync } from 'node:fs';

/** A file's size and mtime as one string; '0' when it does not exist. */
export function fileStamp(file: string): string {
  const stat = statSync(file, { throwIfNoEntry: false });
  return stat ? `${stat.mtimeMs}:${stat.size}` : '0';
}

/** The stamps of `files` now. */
export function stampFiles(files: Iterable<string>): Map<string, string> {
  const stamps = new Map<string, string>();
  for (const file of files) stamps.set(file, fileStamp(file));
  return stamps;
}

/** Whether every file still has the stamp it had. */
export function unchangedSince(stamps: ReadonlyMap<string, string>): boolean {
  for (const [file, stamp] of stamps) if (fileStamp(file) !== stamp) return false;
  return true;
}
