// Type-checks the user's TypeScript against the generated API before a run, with the native TypeScript compiler
// (TypeScript 7, typecheck-native.ts): one long-lived compiler process per checker keeps the libs, @types/node and the
// API tree parsed, so a check of new code is a few milliseconds once the process is warm, and the host thread never
// holds a program. Checks are queued (one virtual user file). Code that passed is remembered (the last few) with the
// stamps of the API files it was checked against: running it again over an unchanged tree costs a few stats. Given a
// data folder's record (typecheck-passed.ts), passes are kept on disk too, and the compiler is started only when code
// must really be checked. The Console editor's completion and hover use the TypeScript 5.9 LanguageService instead
// (typecheck-editor.ts), made only when the editor asks.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type ts from 'typescript';
import type { TypeDiagnostic } from '../../../shared/types';
import { StampedCache } from './file-stamps';
import { EditorLanguageService } from './typecheck-editor';
import { NativeCheckerGone, NativeCheckerProcess, nativeCompilerPath } from './typecheck-native';
import { PassedChecksRecord } from './typecheck-passed';

/** The user's file name; its folder is merged with the API folder (rootDirs), so `./servers/x/y` resolves. */
export const USER_FILE_NAME = '__skillgraph_main__.ts';

/** How long one check may take (the compiler's start included) before its process is stopped. */
export const CHECK_TIMEOUT_MS = 30_000;

const requireFromHere = createRequire(import.meta.url);

/** The folder holding @types/node, when installed (a packaged app ships without it: node globals go unchecked). */
function findNodeTypes(): string | undefined {
  try {
    return path.dirname(path.dirname(requireFromHere.resolve('@types/node/package.json')));
  } catch {
    return undefined; // a packaged app may ship without @types/node; node globals then go unchecked
  }
}

/** Bumped when the compiler options (typecheck-native.ts checkOptions) change: passes under other options no longer count. */
const OPTIONS_VERSION = 1;

/** What decides a check's answer besides the code and the API files, read without starting the compiler. */
function checkerIdentity(): string {
  const version = (pkg: string): string => {
    try {
      return (JSON.parse(readFileSync(requireFromHere.resolve(`${pkg}/package.json`), 'utf8')) as { version?: string }).version ?? '?';
    } catch {
      return 'none'; // not installed (@types/node in a packaged app): part of the identity as such
    }
  };
  return `typescript-native ${version('typescript-native')}, @types/node ${version('@types/node')}, options ${OPTIONS_VERSION}`;
}

export interface TypeCheckerOptions {
  /** The data folder's record of passes (passedChecksFile), so passes outlive the process; none when unset. */
  passedFile?: string;
  /** Hears a record that cannot be read or written (checks go on without it). */
  onProblem?: (message: string) => void;
  /** How long one check may take before the compiler process is stopped and the check fails (CHECK_TIMEOUT_MS). */
  timeoutMs?: number;
}

export class TypeChecker {
  private readonly userFile: string;
  private readonly typeRoots = findNodeTypes();
  private native: NativeCheckerProcess | undefined;
  private closed = false;
  private editor: EditorLanguageService | undefined;
  private readonly record: PassedChecksRecord | undefined;
  /** Code that passed, by its text, with the API files it was checked against. */
  private readonly passed = new StampedCache<true>();
  private programs = 0;
  /** The check under way: checks run one after another (the process has one user file). */
  private queue: Promise<unknown> = Promise.resolve();
  private readonly timeoutMs: number;

  constructor(
    readonly apiDir: string,
    options: TypeCheckerOptions = {},
  ) {
    this.userFile = path.join(apiDir, USER_FILE_NAME);
    this.timeoutMs = options.timeoutMs ?? CHECK_TIMEOUT_MS;
    if (options.passedFile) this.record = new PassedChecksRecord(options.passedFile, checkerIdentity(), options.onProblem);
  }

  /** Errors in the user's code (1-based line and column); empty when it type-checks. Rejects when the compiler
   *  process timed out or died during the check (the next check starts a new one). */
  async check(code: string): Promise<TypeDiagnostic[]> {
    if (this.passed.get(code)) return [];
    const recorded = this.record?.passed(code);
    if (recorded) {
      this.passed.set(code, true, recorded);
      return [];
    }
    return this.checkNow(code);
  }

  /** Starts the compiler process and builds its first program now, whatever was remembered: warms a host for its
   *  first run. The work is in the compiler's process; this thread only starts it. */
  async warm(): Promise<void> {
    await this.checkNow('export {};');
  }

  private checkNow(code: string): Promise<TypeDiagnostic[]> {
    const checked = this.queue.then(async () => {
      this.programs++;
      const { errors, files } = await this.process().check(code);
      // Only a pass is remembered: every import of passing code resolved to a file of the program, so a stamp covers it.
      if (errors.length === 0) {
        this.passed.set(code, true, files);
        this.record?.remember(code, files);
      }
      return errors;
    });
    this.queue = checked.catch(() => undefined); // the failure is the caller's (awaited below); the next check goes on
    return checked;
  }

  /** The compiler process, a new one when the last timed out or died. */
  private process(): NativeCheckerProcess {
    // A check queued behind dispose() (a warm-up still waiting) must not start a process no one would end.
    if (this.closed) throw new NativeCheckerGone('the type-checker was closed');
    if (!this.native?.usable) {
      this.native?.dispose();
      const compilerLibs = path.dirname(nativeCompilerPath());
      const fixed = [compilerLibs, ...(this.typeRoots ? [path.join(this.typeRoots, 'node')] : [])].map((dir) => dir + path.sep);
      this.native = new NativeCheckerProcess(this.apiDir, USER_FILE_NAME, this.typeRoots, fixed, this.timeoutMs);
    }
    return this.native;
  }

  /** Programs built so far: a check answered from the last pass builds none (diagnostics and tests). */
  get programsBuilt(): number {
    return this.programs;
  }

  /** The running compiler process's id, if one runs (tests kill it to see it replaced). */
  get compilerPid(): number | undefined {
    return this.native?.usable ? this.native.pid : undefined;
  }

  /**
   * Asks the Console editor's LanguageService (TypeScript 5.9, made on the first question) about `code` as the
   * user's file. `roots` are held in the program too, until the next query without them.
   */
  query<T>(code: string, ask: (service: ts.LanguageService, fileName: string) => T, roots: string[] = []): T {
    this.editor ??= new EditorLanguageService(this.apiDir, this.userFile, this.typeRoots);
    return this.editor.query(code, ask, roots);
  }

  dispose(): void {
    this.closed = true;
    this.native?.dispose();
    this.editor?.dispose();
  }
}
