// The Console editor's TypeScript LanguageService (the TypeScript 5.9 compiler API): completion, hover, signature
// help and diagnostics while typing, over the generated API with the user's code as an in-memory document. Runs are
// checked by the native compiler (typecheck-native.ts); this service, and the 5.9 compiler with it, is made only when
// the editor asks. Its compiler options are the run checker's (typecheck-native.ts checkOptions), so both agree.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type ts from 'typescript';
import type { TypeDiagnostic } from '../../../shared/types';
import { typescript } from '../heavy-modules';
import { fileStamp } from './file-stamps';
import { checkOptions } from './typecheck-native';

export class EditorLanguageService {
  private userCode = '';
  private userVersion = 0;
  /** Versions of API files seen during the current query: each file is stat-ed once per query. */
  private readonly apiVersions = new Map<string, string>();
  /** Files the program holds besides the user's: the API's modules while the editor asks (auto-import sees them). */
  private extraRoots: string[] = [];
  private readonly service: ts.LanguageService;

  /** `typeRoots` is where @types/node lives (none: node globals unchecked), as the run checker has it. */
  constructor(
    readonly apiDir: string,
    private readonly userFile: string,
    typeRoots: string | undefined,
  ) {
    const ts = typescript();
    // The run checker's options, converted from their tsconfig form: one list, so the editor and the run agree.
    const options = ts.convertCompilerOptionsFromJson(checkOptions(typeRoots), apiDir).options;
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
    this.service = ts.createLanguageService(host, ts.createDocumentRegistry());
  }

  /** Asks the LanguageService about `code` as the user's file; `roots` are held in the program until the next query. */
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
    this.service.dispose();
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
