// One native TypeScript compiler process (TypeScript 7, the Go port, from `typescript-native`) that type-checks run
// code: a child of the host, spoken to through the compiler's own API client over stdio. It keeps its program warm
// between checks (libs, @types/node and the API tree are parsed once). The user's code and the project's tsconfig
// live in a private folder of the process's own (never in the API folder, which sandboxed code reads), merged with
// the API folder through `rootDirs` so `./servers/x/y` resolves; no file-system callback is registered, because each
// would be a round trip through the host's event loop (~1,000 of them for a first program, slow on a busy host).
// Each check tells the process which files moved since the last one. A check that exceeds its time, or a process that dies, ends this
// process for good with a clear error: the owner (typecheck.ts) starts a new one for the next check.
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { API, Diagnostic, Snapshot } from 'typescript-native/unstable/async';
import type { TypeDiagnostic } from '../../../shared/types';
import { unpackedPath } from '../asar';
import { nativeTypeScript } from '../heavy-modules';
import { fileStamp } from './file-stamps';

const requireFromHere = createRequire(import.meta.url);

/** The native compiler's executable for this platform, outside app.asar in an installed app (electron-builder.yml). */
export function nativeCompilerPath(): string {
  const fromPackage = createRequire(requireFromHere.resolve('typescript-native/package.json'));
  const platformPackage = path.dirname(fromPackage.resolve(`@typescript/typescript-${process.platform}-${process.arch}/package.json`));
  return unpackedPath(path.join(platformPackage, 'lib', process.platform === 'win32' ? 'tsc.exe' : 'tsc'));
}

/** The compiler options run code is checked with (the Console editor's language service uses the same). */
export function checkOptions(typeRoots: string | undefined): Record<string, unknown> {
  return {
    target: 'es2022',
    module: 'esnext',
    moduleResolution: 'bundler',
    moduleDetection: 'force', // every script is a module: top-level await works
    lib: ['es2023'],
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    allowImportingTsExtensions: true,
    esModuleInterop: true,
    types: typeRoots ? ['node'] : [],
    typeRoots: typeRoots ? [typeRoots] : [],
  };
}

/** What one check answers: the errors, and every file of the program with the stamp it was checked at. */
export interface NativeCheck {
  errors: TypeDiagnostic[];
  /** Program files outside the fixed folders (compiler libs, @types/node) → stamp: the API tree the code reached. */
  files: Map<string, string>;
}

/** Why the process can no longer answer (timeout, exit, crash): every later check on it fails with this. */
export class NativeCheckerGone extends Error {}

const ERROR_CATEGORY = 1; // DiagnosticCategory.Error in typescript-native's enums

export class NativeCheckerProcess {
  private api: API | undefined;
  private child: ChildProcess | undefined;
  private snapshot: Snapshot | undefined;
  private gone: NativeCheckerGone | undefined;
  private readonly folder: string;
  private readonly userFile: string;
  private readonly configFile: string;
  /** Program files (outside the fixed folders) with the stamps the last check saw. */
  private files = new Map<string, string>();
  /** Folders whose listing decides what an import finds (API folder, servers/, skills/, each program file's folder). */
  private folders = new Map<string, string>();
  private readonly killOnExit = () => this.child?.kill('SIGKILL');

  /**
   * `fixedDirs` hold files that change only with the checker's identity (the compiler's libs, @types/node): they are
   * never stamped. `timeoutMs` bounds each check, the process start included.
   */
  constructor(
    readonly apiDir: string,
    userFileName: string,
    typeRoots: string | undefined,
    private readonly fixedDirs: string[],
    private readonly timeoutMs: number,
  ) {
    this.folder = mkdtempSync(path.join(os.tmpdir(), 'skillgraph-check-'));
    this.userFile = path.join(this.folder, userFileName);
    this.configFile = path.join(this.folder, 'tsconfig.json');
    writeFileSync(this.userFile, 'export {};\n');
    const compilerOptions = { ...checkOptions(typeRoots), rootDirs: [this.folder, apiDir] };
    writeFileSync(this.configFile, JSON.stringify({ compilerOptions, files: [this.userFile] }));
  }

  /** Whether this process can still check (false after a timeout, a crash or dispose). */
  get usable(): boolean {
    return this.gone === undefined;
  }

  /** The process id, while it runs (tests kill it to see it replaced). */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** Checks `code` as the user's file, within the time limit; throws NativeCheckerGone when the process cannot. */
  async check(code: string): Promise<NativeCheck> {
    if (this.gone) throw this.gone;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        const limit = this.timeoutMs >= 1000 ? `${this.timeoutMs / 1000} s` : `${this.timeoutMs} ms`;
        reject(this.end(`the type-check took longer than ${limit} and was stopped (is a type in the code recursive without end?); run with type-checking off to skip it`));
      }, this.timeoutMs);
    });
    const exited = new Promise<never>((_, reject) => (this.rejectOnExit = reject));
    const checking = this.checkNow(code);
    // When the time limit, the process's exit or dispose() wins the race below, the check then stops on its own
    // (checkNow's `stillRunning`): that failure is the loss already answered, so it is observed here and dropped.
    checking.catch(() => undefined);
    try {
      return await Promise.race([checking, timeout, exited]);
    } catch (error) {
      if (error instanceof NativeCheckerGone) throw error;
      // Anything else from the client (a broken pipe, a protocol error) leaves the process in an unknown state.
      throw this.end(`the type-checker failed: ${error instanceof Error ? error.message : String(error)}`);
    } finally {
      clearTimeout(timer);
      this.rejectOnExit = undefined;
    }
  }

  private rejectOnExit: ((error: NativeCheckerGone) => void) | undefined;

  /**
   * Throws once the process was ended, so a check that lost its race sends nothing more: the API client's request
   * writer rejects a promise no one holds when it writes to a dead process's pipe (an unhandled rejection).
   */
  private stillRunning(): void {
    if (this.gone) throw this.gone;
  }

  private async checkNow(code: string): Promise<NativeCheck> {
    const api = await this.start();
    this.stillRunning();
    writeFileSync(this.userFile, code);
    const changed: string[] = [this.userFile];
    const deleted: string[] = [];
    for (const [file, stamp] of this.files) {
      const now = fileStamp(file);
      if (now === stamp) continue;
      if (now === '0') deleted.push(file);
      else changed.push(file);
    }
    // A folder whose listing moved may now hold a file an import failed to find (a server generated since): the
    // process reads the file system again. Rare (the tree's shape changed); content changes are named one by one.
    const reshaped = [...this.folders].some(([folder, stamp]) => folderStamp(folder) !== stamp);
    const previous = this.snapshot;
    const snapshot = previous
      ? await api.updateSnapshot({ fileChanges: reshaped ? { invalidateAll: true } : { changed, deleted } })
      : await api.updateSnapshot({ openProjects: [this.configFile] });
    this.snapshot = snapshot;
    this.stillRunning();
    if (previous) await previous.dispose();
    const project = snapshot.getProject(this.configFile);
    if (!project) throw new Error(`the type-checker did not open its project ${this.configFile}`);
    this.stillRunning();
    const syntactic = await project.program.getSyntacticDiagnostics(this.userFile);
    this.stillRunning();
    const diagnostics = [...syntactic, ...(await project.program.getSemanticDiagnostics(this.userFile))];
    this.stillRunning();
    const files = new Map<string, string>();
    for (const file of await project.program.getSourceFileNames()) {
      const name = path.resolve(file);
      if (name === this.userFile || this.fixedDirs.some((dir) => name.startsWith(dir))) continue;
      // The stamp the check saw when the file was already known and unchanged; a new file's stamp is taken now.
      files.set(name, this.files.get(name) !== undefined && !changed.includes(name) ? this.files.get(name)! : fileStamp(name));
    }
    this.files = files;
    const folders = new Map<string, string>();
    for (const folder of [this.apiDir, path.join(this.apiDir, 'servers'), path.join(this.apiDir, 'skills'), ...[...files.keys()].map((file) => path.dirname(file))]) {
      if (!folders.has(folder)) folders.set(folder, folderStamp(folder));
    }
    this.folders = folders;
    return { errors: toTypeDiagnostics(diagnostics, code), files: new Map(files) };
  }

  /** The API client, its process started on first use. */
  private async start(): Promise<API> {
    if (this.api) return this.api;
    const { API } = await nativeTypeScript();
    this.stillRunning();
    const api = new API({
      cwd: this.apiDir,
      tsserverPath: nativeCompilerPath(),
    });
    // The client spawns the process on connect and keeps it private; its handle is what a timeout or dispose kills.
    const client = (api as unknown as { client: { connect(): Promise<void>; process?: ChildProcess } }).client;
    await client.connect();
    this.child = client.process;
    if (!this.child) throw new Error('the native type-checker started no process');
    // Ended (disposed) while the process was starting: end() found no child to kill, so it is killed here.
    if (this.gone) {
      this.child.kill('SIGKILL');
      throw this.gone;
    }
    this.child.once('exit', (exitCode, signal) => {
      const error = this.end(`the type-checker process exited (${signal ?? `code ${exitCode}`}) during the check; the next check starts a new one`);
      this.rejectOnExit?.(error);
    });
    process.once('exit', this.killOnExit);
    this.api = api;
    return api;
  }

  /** Ends the process (if it runs) and makes every later check fail with `reason`; answers the error to throw. */
  private end(reason: string): NativeCheckerGone {
    this.gone ??= new NativeCheckerGone(reason);
    process.removeListener('exit', this.killOnExit);
    if (this.child && this.child.exitCode === null && this.child.signalCode === null) {
      // Requests still being made for a check that lost its race (the API client sends some on its own, e.g. two for
      // a snapshot) would hit the dead pipe, and the client leaves that failure as a rejection no one holds. The
      // check is already answered with `gone`, so what they would send is dropped instead.
      const stdin = this.child.stdin;
      if (stdin) {
        stdin.write = ((_chunk: unknown, encoding?: unknown, done?: unknown) => {
          const callback = typeof encoding === 'function' ? encoding : done;
          if (typeof callback === 'function') process.nextTick(callback);
          return true;
        }) as typeof stdin.write;
      }
      this.child.kill('SIGKILL');
    }
    rmSync(this.folder, { recursive: true, force: true });
    return this.gone;
  }

  /** Stops the process. */
  dispose(): void {
    this.end('the type-checker was closed');
  }
}

/** A folder's mtime and entry count ('0' when absent): moves when a file or folder is added, removed or renamed. */
function folderStamp(folder: string): string {
  const stat = statSync(folder, { throwIfNoEntry: false });
  if (!stat) return '0';
  let entries = 0;
  try {
    entries = readdirSync(folder).length;
  } catch {
    // Unreadable: the mtime alone stands for it (a folder the process cannot list either).
  }
  return `${stat.mtimeMs}:${entries}`;
}

/** The native compiler's errors in the user's file as the user reads them (1-based line and column, UTF-16). */
function toTypeDiagnostics(diagnostics: readonly Diagnostic[], code: string): TypeDiagnostic[] {
  const lineStarts = [0];
  for (let i = 0; i < code.length; i++) if (code[i] === '\n') lineStarts.push(i + 1);
  const position = (offset: number) => {
    let line = 0;
    while (line + 1 < lineStarts.length && lineStarts[line + 1] <= offset) line++;
    return { line: line + 1, column: offset - lineStarts[line] + 1 };
  };
  return diagnostics
    .filter((d) => d.category === ERROR_CATEGORY)
    .map((d) => ({ ...position(d.pos), message: flatten(d), code: d.code }));
}

/** A diagnostic's text with its chained details below it, indented per level (as TypeScript prints them). */
function flatten(diagnostic: Diagnostic, depth = 0): string {
  const own = '  '.repeat(depth) + diagnostic.text;
  return [own, ...(diagnostic.messageChain ?? []).map((next) => flatten(next, depth + 1))].join('\n');
}
