// The type-checker's memory of code that passed, kept on disk (`<data>/cache/typecheck-passed.json`) so a new process
// running unchanged code over an unchanged API tree never loads the compiler (as tsc's .tsbuildinfo does for a build).
// An entry is the code's hash with the stamps (size, mtime) of the API files the check read; it counts only while
// every one of those files still has its stamp and the checker (TypeScript, @types/node, options) is the same one.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { writeFileAtomic } from '../atomic-write';
import { unchangedSince } from './file-stamps';

/** Entries kept, the most recently used last; older ones are dropped when a new pass is remembered. */
export const PASSED_CHECKS_KEPT = 64;
const FORMAT_VERSION = 1;

/** Where a data folder keeps the record. */
export function passedChecksFile(dataDir: string): string {
  return path.join(dataDir, 'cache', 'typecheck-passed.json');
}

interface StoredPass {
  /** sha256 of the code, hex. */
  code: string;
  /** API file (absolute) → its stamp when the check read it. */
  files: Record<string, string>;
}

interface StoredFile {
  version: number;
  checker: string;
  passed: StoredPass[];
}

export function codeHash(code: string): string {
  return createHash('sha256').update(code).digest('hex');
}

export class PassedChecksRecord {
  private entries: StoredPass[] | undefined;

  /**
   * `checker` names everything besides the API files that decides a check's answer (compiler and @types/node
   * versions, options): a record written by another checker is ignored. `onProblem` hears an unreadable record.
   */
  constructor(
    readonly file: string,
    private readonly checker: string,
    private readonly onProblem: (message: string) => void = () => undefined,
  ) {}

  /** The stamps `code` passed with, when it passed with API files that are all unchanged since; otherwise undefined. */
  passed(code: string): Map<string, string> | undefined {
    const hash = codeHash(code);
    const entry = this.load().find((e) => e.code === hash);
    if (!entry) return undefined;
    const stamps = new Map(Object.entries(entry.files));
    return unchangedSince(stamps) ? stamps : undefined;
  }

  /** Remembers that `code` passed against `files` at these stamps, and writes the record (atomically). */
  remember(code: string, files: ReadonlyMap<string, string>): void {
    const hash = codeHash(code);
    const entries = this.load().filter((e) => e.code !== hash);
    entries.push({ code: hash, files: Object.fromEntries(files) });
    this.entries = entries.slice(-PASSED_CHECKS_KEPT);
    const stored: StoredFile = { version: FORMAT_VERSION, checker: this.checker, passed: this.entries };
    try {
      writeFileAtomic(this.file, JSON.stringify(stored));
    } catch (error) {
      // The run goes on: this pass is still remembered in this process, and the next one checks the code again.
      this.onProblem(`the type-check record ${this.file} could not be written: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  private load(): StoredPass[] {
    if (this.entries) return this.entries;
    this.entries = [];
    let text: string;
    try {
      text = readFileSync(this.file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') this.onProblem(`the type-check record ${this.file} could not be read: ${(error as Error).message}; code is checked again`);
      return this.entries;
    }
    try {
      const stored = JSON.parse(text) as Partial<StoredFile>;
      if (stored.version === FORMAT_VERSION && stored.checker === this.checker && Array.isArray(stored.passed)) {
        this.entries = stored.passed.filter((e): e is StoredPass => typeof e?.code === 'string' && typeof e.files === 'object' && e.files !== null && Object.values(e.files).every((s) => typeof s === 'string'));
      }
    } catch (error) {
      this.onProblem(`the type-check record ${this.file} is not valid JSON (${(error as Error).message}); it is replaced at the next pass`);
    }
    return this.entries;
  }
}
