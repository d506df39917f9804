// Type-checks the user's TypeScript against the generated API before a run. One long-lived LanguageService per API
// folder keeps parsed declarations warm; the user's code is an in-memory document, so a repeated check is fast. Code
// that passed is remembered (the last few) with the stamps of the API files it was checked against: running it again
// (a skill, a retried snippet) over an unchanged tree costs a few stats, not a new program and checker (20-60 ms).
// Given a data folder's record (typecheck-passed.ts), passes are kept on disk too, and the compiler is loaded only when
// code must really be checked: a new process re-running code that passed never loads it.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type ts from 'typescript';
import type { TypeDiagnostic } from '../../../shared/types';
import { typescript } from '../heavy-modules';
import { fileStamp, StampedCache } from './file-stamps';
import { PassedChecksRecord } from './typecheck-passed';

/** Where the user's code lives, virtually: beside `servers/` and `skills/`, so `./servers/x/y` resolves. */
export const USER_FILE_NAME = '__skillgraph_main__.ts';

const requireFromHere = createRequire(import.meta.url);

function findNodeTypes(): string | undefined {
  try {
    return path.dirname(path.dirname(requireFromHere.resolve('@types/node/package.json')));
  } catch {
    return undefined; // a packaged app may ship without @types/node; node globals then go unchecked
  }
}

/** Bumped when the compiler options below change: passes recorded under other options no longer count. */
const OPTIONS_VERSION = 1;

/** What decides a check's answer besides the code and the API files, read without loading the compiler. */
function checkerIdentity(): string {
  const version = (pkg: string): string => {
    try {
      return (JSON.parse(readFileSync(requireFromHere.resolve(`${pkg}/package.json`), 'utf8')) as { version?: string }).version ?? '?';
    } catch {
      return 'none'; // not installed (@types/node in a packaged app): part of the identity as such
    }
  };
  return `typescript ${version('typescript')}, @types/node ${version('@types/node')}, options ${OPTIONS_VERSION}`;
}

export interface TypeCheckerOptions {
  /** The data folder's record of passes (passedChecksFile), so passes outlive the process; none when unset. */
  passedFile?: string;
  /** Hears a record that cannot be read or written (checks go on without it). */
  onProblem?: (message: string) => void;
}

export class TypeChecker {
  private readonly userFile: string;
  private userCode = '';
  private userVersion = 0;
  /** Versions of API files seen during the current check: each file is stat-ed once per check, not per query. */
  private readonly apiVersions = new Map<string, string>();
  private languageService: ts.LanguageService | undefined;
  private readonly record: PassedChecksRecord | undefined;
  /** Code that passed, by its text, with the API files it was checked against. */
  private readonly passed = new StampedCache<true>();
  private programs = 0;
  /** Files the program holds besides the user's: the API's modules while the editor asks (auto-import sees them). */
  private extraRoots: string[] = [];
  /** Folders of files that change only with the checker's identity: TypeScript's libs and @types/node. */
  private fixedDirs: string[] = [];

  constructor(
    readonly apiDir: string,
    options: TypeCheckerOptions = {},
  ) {
    this.userFile = path.join(apiDir, USER_FILE_NAME);
    if (options.passedFile) this.record = new PassedChecksRecord(options.passedFile, checkerIdentity(), options.onProblem);
  }

  /** The LanguageService, made (and the compiler loaded) by the first check or query that needs it. */
  private get service(): ts.LanguageService {
    this.languageService ??= this.createService();
    return this.languageService;
  }

  private createService(): ts.LanguageService {
    const ts = typescript();
    const apiDir = this.apiDir;
    const typeRoots = findNodeTypes();
    const options: ts.CompilerOptions = {
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.ESNext,
      moduleResolution: ts.ModuleResolutionKind.Bundler,
      moduleDetection: ts.ModuleDetectionKind.Force, // every script is a module: top-level await works
      lib: ['lib.es2023.d.ts'],
      strict: true,
      noEmit: true,
      skipLibCheck: true,
      allowImportingTsExtensions: true,
      esModuleInterop: true,
      types: typeRoots ? ['node'] : [],
      typeRoots: typeRoots ? [typeRoots] : [],
    };
    // With forward slashes, as TypeScript names its source files.
    this.fixedDirs = [path.dirname(ts.getDefaultLibFilePath(options)), ...(typeRoots ? [path.join(typeRoots, 'node')] : [])].map((dir) => dir.replaceAll('\\', '/') + '/');
    const host: ts.LanguageServiceHost = {
      getCompilationSettings: () => options,
      getScriptFileNames: () => [this.userFile, ...this.extraRoots],
      getScriptVersion: (fileName) => {
        if (fileName === this.userFile) return String(this.userVersion);
        if (!fileName.startsWith(apiDir + path.sep)) return '1'; // TypeScript's libs and @types/node do not change
        let version = this.apiVersions.get(fileName);
        if (version === undefined) {
          // servers/ and skills/ are regenerated between runs: a file whose size or mtime moved is parsed again.
          version = fileStamp(fileName);
          this.apiVersions.set(fileName, version);
        }
        return version;
      },
      getScriptSnapshot: (fileName) => {
        if (fileName === this.userFile) return ts.ScriptSnapshot.fromString(this.userCode);
        if (!existsSync(fileName)) return undefined;
        return ts.ScriptSnapshot.fromString(readFileSync(fileName, 'utf8'));
      },
      getCurrentDirectory: () => apiDir,
      getDefaultLibFileName: (o) => ts.getDefaultLibFilePath(o),
      fileExists: (fileName) => fileName === this.userFile || ts.sys.fileExists(fileName),
      readFile: (fileName) => (fileName === this.userFile ? this.userCode : ts.sys.readFile(fileName)),
      readDirectory: ts.sys.readDirectory,
      directoryExists: ts.sys.directoryExists,
      getDirectories: ts.sys.getDirectories,
    };
    return ts.createLanguageService(host, ts.createDocumentRegistry());
  }

  /** Errors in the user's code (1-based line and column); empty when it type-checks. */
  check(code: string): TypeDiagnostic[] {
    if (this.passed.get(code)) return [];
    const recorded = this.record?.passed(code);
    if (recorded) {
      this.passed.set(code, true, recorded);
      return [];
    }
    return this.checkNow(code);
  }

  /** Builds the program and checker now (loading the compiler), whatever was remembered: warms a host for its first run. */
  warm(): void {
    this.checkNow('export {};');
  }

  private checkNow(code: string): TypeDiagnostic[] {
    this.programs++;
    this.userCode = code;
    this.userVersion++;
    this.extraRoots = [];
    this.apiVersions.clear();
    // One program update per check; the libs' and API files' source files and bindings are reused from the last one.
    const program = this.service.getProgram();
    const file = program?.getSourceFile(this.userFile);
    if (!program || !file) throw new Error('the type-checker lost the user file');
    const diagnostics = [...program.getSyntacticDiagnostics(file), ...program.getSemanticDiagnostics(file)];
    const errors = toTypeDiagnostics(diagnostics);
    // Only a pass is remembered: every import of passing code resolved to a file of the program, so a stamp covers it.
    if (errors.length === 0) {
      // The stamps the program was built from (taken during this check), not later ones: a file rewritten meanwhile
      // must not pass as checked.
      // Every file of the program but the compiler's libs and @types/node (the checker's identity covers those): the
      // API tree, and whatever else an import reached (a package beside the data folder, @types/node's own imports).
      const apiFiles = new Map<string, string>();
      for (const source of program.getSourceFiles()) {
        if (source.fileName === this.userFile || this.fixedDirs.some((dir) => source.fileName.startsWith(dir))) continue;
        apiFiles.set(source.fileName, this.apiVersions.get(source.fileName) ?? fileStamp(source.fileName));
      }
      this.passed.set(code, true, apiFiles);
      this.record?.remember(code, apiFiles);
    }
    return errors;
  }

  /** Programs built so far: a check answered from the last pass builds none (diagnostics and tests). */
  get programsBuilt(): number {
    return this.programs;
  }

  /**
   * Asks the LanguageService about `code` as the user's file (the Console's editor service: completion, hover).
   * `roots` are held in the program too, until the next check or query without them.
   */
  query<T>(code: string, ask: (service: ts.LanguageService, fileName: string) => T, roots: string[] = []): T {
    if (code !== this.userCode) {
      this.userCode = code;
      this.userVersion++;
    }
    this.extraRoots = roots;
    this.apiVersions.clear();
    return ask(this.service, this.userFile);
  }

  dispose(): void {
    this.languageService?.dispose();
  }
}

/** TypeScript's errors as the user reads them (1-based line and column). */
export function toTypeDiagnostics(diagnostics: readonly ts.Diagnostic[]): TypeDiagnostic[] {
  const ts = typescript();
  return diagnostics
    .filter((d) => d.category === ts.DiagnosticCategory.Error)
    .map((d) => {
      const position = d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start) : { line: 0, character: 0 };
      return { line: position.line + 1, column: position.character + 1, message: ts.flattenDiagnosticMessageText(d.messageText, '\n'), code: d.code };
    });
}
