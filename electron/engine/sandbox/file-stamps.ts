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

/**
 * Results of the last few inputs, each with the stamps of the files it was computed from; an entry whose files moved
 * is dropped when asked for. Least recently used entries go first beyond `capacity`.
 */
export class StampedCache<T> {
  private readonly entries = new Map<string, { value: T; stamps: ReadonlyMap<string, string> }>();

  constructor(private readonly capacity = 16) {}

  get(key: string): T | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    this.entries.delete(key);
    if (!unchangedSince(entry.stamps)) return undefined;
    this.entries.set(key, entry); // the most recently used
    return entry.value;
  }

  set(key: string, value: T, stamps: ReadonlyMap<string, string>): void {
    this.entries.delete(key);
    this.entries.set(key, { value, stamps });
    for (const oldest of this.entries.keys()) {
      if (this.entries.size <= this.capacity) break;
      this.entries.delete(oldest);
    }
  }
}
