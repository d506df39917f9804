// The Console editor's language services for TypeScript: diagnostics while typing, type-aware completion (with
// auto-import of generated functions), hover and signature help, from the TypeScript 5.9 LanguageService the run
// type-checker makes for the editor on its first question (typecheck-editor.ts). Offsets are UTF-16 indexes.
import type ts from 'typescript';
import { InvalidInputError } from '../../../shared/errors';
import type { EditorCompletion, EditorCompletions, EditorHover, EditorSignature } from '../../../shared/contract/editor';
import type { TypeDiagnostic } from '../../../shared/types';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { typescript } from '../heavy-modules';
import type { TypeChecker } from './typecheck';
import { toTypeDiagnostics } from './typecheck-editor';

/** Completions sent for one request at most; the editor filters them further as the user types. */
const COMPLETIONS_MAX = 200;
/** Auto-import completions whose edit is worked out up front (each costs a module-specifier resolution). */
const IMPORT_DETAILS_MAX = 40;

const PREFERENCES: ts.UserPreferences = {
  includeCompletionsForModuleExports: true,
  includeCompletionsWithInsertText: true,
  importModuleSpecifierPreference: 'relative',
  importModuleSpecifierEnding: 'minimal',
  quotePreference: 'single',
};

/** How auto-import edits are formatted (made on first use: it needs the compiler). */
let format: ts.FormatCodeSettings | undefined;
function formatSettings(): ts.FormatCodeSettings {
  const ts = typescript();
  format ??= { ...ts.getDefaultFormatCodeSettings('\n'), indentSize: 2, tabSize: 2, convertTabsToSpaces: true, semicolons: ts.SemicolonPreference.Insert };
  return format;
}

function checkOffset(code: string, offset: number): void {
  if (!Number.isInteger(offset) || offset < 0 || offset > code.length) throw new InvalidInputError(`offset ${offset} is outside the code (0 to ${code.length})`);
}

function display(parts: ts.SymbolDisplayPart[] | undefined): string {
  return typescript().displayPartsToString(parts ?? []);
}

export class EditorService {
  constructor(private readonly checker: () => TypeChecker) {}

  /** Type errors in the code as it stands (1-based line and column), as a run would report them. */
  diagnostics(code: string): TypeDiagnostic[] {
    return this.ask(code, (service, file) => toTypeDiagnostics([...service.getSyntacticDiagnostics(file), ...service.getSemanticDiagnostics(file)]));
  }

  /**
   * Asks with the API's modules (servers/<name>/index.ts, skills/index.ts) in the program, so auto-import finds the
   * generated functions the code has not imported yet. Diagnostics ask the same way: the program stays as it is.
   */
  private ask<T>(code: string, question: (service: ts.LanguageService, fileName: string) => T): T {
    const checker = this.checker();
    return checker.query(code, question, apiModules(checker.apiDir));
  }

  /** What may follow at `offset`: members after `r.`, names in scope, and generated functions not yet imported. */
  complete(code: string, offset: number): EditorCompletions {
    checkOffset(code, offset);
    return this.ask(code, (service, file) => {
      const info = service.getCompletionsAtPosition(file, offset, { ...PREFERENCES, triggerCharacter: code[offset - 1] === '.' ? '.' : undefined });
      const word = /[\w$]*$/.exec(code.slice(0, offset))?.[0] ?? '';
      const from = offset - word.length;
      if (!info) return { from, options: [] };
      const prefix = word.toLowerCase();
      const entries = info.entries
        .filter((entry) => !prefix || entry.name.toLowerCase().startsWith(prefix[0]))
        // Members and locals first, then globals and keywords; auto-imports after what is already in scope.
        .sort((a, b) => Number(Boolean(a.hasAction)) - Number(Boolean(b.hasAction)) || a.sortText.localeCompare(b.sortText) || a.name.localeCompare(b.name))
        .slice(0, COMPLETIONS_MAX);
      let importDetails = 0;
      const options = entries.map((entry): EditorCompletion => {
        const option: EditorCompletion = { label: entry.name, kind: entry.kind, member: info.isMemberCompletion || undefined };
        if (entry.insertText && entry.insertText !== entry.name) option.insert = entry.insertText;
        if (entry.hasAction && entry.source && importDetails < IMPORT_DETAILS_MAX && (!prefix || entry.name.toLowerCase().startsWith(prefix))) {
          importDetails++;
          const details = service.getCompletionEntryDetails(file, offset, entry.name, formatSettings(), entry.source, PREFERENCES, entry.data);
          const edits = details?.codeActions?.flatMap((action) => action.changes.filter((change) => change.fileName === file).flatMap((change) => change.textChanges)) ?? [];
          option.detail = display(details?.displayParts);
          option.imports = edits.map((edit) => ({ from: edit.span.start, to: edit.span.start + edit.span.length, insert: edit.newText }));
          option.source = details?.sourceDisplay ? display(details.sourceDisplay) : entry.source;
        }
        return option;
      });
      return { from, options };
    });
  }

  /** Details of one completion (its type and documentation), asked for when the editor shows it. */
  describe(code: string, offset: number, name: string): { detail: string; documentation: string } | null {
    checkOffset(code, offset);
    return this.ask(code, (service, file) => {
      const details = service.getCompletionEntryDetails(file, offset, name, formatSettings(), undefined, PREFERENCES, undefined);
      return details ? { detail: display(details.displayParts), documentation: display(details.documentation) } : null;
    });
  }

  /** The type and documentation of what is at `offset`. */
  hover(code: string, offset: number): EditorHover | null {
    checkOffset(code, offset);
    return this.ask(code, (service, file) => {
      const info = service.getQuickInfoAtPosition(file, offset);
      if (!info) return null;
      return { from: info.textSpan.start, to: info.textSpan.start + info.textSpan.length, type: display(info.displayParts), documentation: display(info.documentation) };
    });
  }

  /** The signature of the call `offset` is in, with the parameter being written. */
  signature(code: string, offset: number): EditorSignature | null {
    checkOffset(code, offset);
    return this.ask(code, (service, file) => {
      const help = service.getSignatureHelpItems(file, offset, undefined);
      if (!help || help.items.length === 0) return null;
      const item = help.items[help.selectedItemIndex] ?? help.items[0];
      const separator = display(item.separatorDisplayParts);
      const parameters = item.parameters.map((p) => display(p.displayParts));
      const label = display(item.prefixDisplayParts) + parameters.join(separator) + display(item.suffixDisplayParts);
      const active = item.parameters[help.argumentIndex];
      return {
        label,
        parameter: active ? display(active.displayParts) : undefined,
        documentation: display(active?.documentation.length ? active.documentation : item.documentation),
        overloads: help.items.length,
      };
    });
  }
}

/** The index module of each generated server and of the skills, as they are on disk now. */
function apiModules(apiDir: string): string[] {
  const modules: string[] = [];
  const servers = path.join(apiDir, 'servers');
  let names: string[] = [];
  try {
    names = readdirSync(servers);
  } catch {
    // no servers generated yet: nothing to import
  }
  for (const name of names) {
    const index = path.join(servers, name, 'index.ts');
    if (existsSync(index)) modules.push(index);
  }
  const skills = path.join(apiDir, 'skills', 'index.ts');
  if (existsSync(skills)) modules.push(skills);
  return modules;
}
