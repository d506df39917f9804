// What makes saved code an importable skill module: a TypeScript skill exports a function named after the
// skill in camelCase, a Python skill defines a function named after the skill. Scripts are wrapped into that
// function; anything else gets an error that says what to write.
import type ts from 'typescript';
import { InvalidInputError } from '../../../shared/errors';
import { typescript } from '../heavy-modules';
import type { SkillLanguage } from '../../../shared/types';
import { skillExportName } from './names';

export class SkillCodeError extends InvalidInputError {}

export interface SkillModule {
  /** The code as it is saved on the page: the given code, or the script wrapped into the skill's function. */
  code: string;
  /** The function other code imports: `analyzeErrorSpike` (TypeScript) or `analyze_error_spike` (Python). */
  exportName: string;
  wrapped: boolean;
  /** The line of the given code that a line of the saved code came from; undefined for a line the wrapping added. */
  givenLine(savedLine: number): number | undefined;
}

/** Checks (and, for a script, wraps) skill code so `./skills/<name>` exports the skill's function. */
export function toSkillModule(name: string, language: SkillLanguage, code: string): SkillModule {
  if (code.trim() === '') throw new SkillCodeError(`skill "${name}" has no code; a skill is code that worked, so paste the code to save`);
  return language === 'python' ? pythonModule(name, code) : typescriptModule(name, code);
}

function syntaxErrors(code: string): string[] {
  const ts = typescript();
  const out = ts.transpileModule(code, { reportDiagnostics: true, fileName: 'skill.ts', compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext } });
  return (out.diagnostics ?? []).map((d) => {
    const where = d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start) : undefined;
    return `${where ? `line ${where.line + 1}: ` : ''}${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`;
  });
}

function hasExportModifier(node: ts.Node): boolean {
  const ts = typescript();
  return ts.canHaveModifiers(node) && (ts.getModifiers(node) ?? []).some((m) => m.kind === ts.SyntaxKind.ExportKeyword);
}

/** Names a TypeScript module exports, and where the declaration of `wanted` starts (for its doc comment). */
export function typescriptExports(code: string, wanted?: string): { names: string[]; declarationStart?: number } {
  const ts = typescript();
  const source = ts.createSourceFile('skill.ts', code, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const names: string[] = [];
  let declarationStart: number | undefined;
  const note = (exported: string, node: ts.Node) => {
    names.push(exported);
    if (exported === wanted && declarationStart === undefined) declarationStart = node.getStart(source);
  };
  for (const statement of source.statements) {
    if (ts.isExportDeclaration(statement) && statement.exportClause && ts.isNamedExports(statement.exportClause)) {
      for (const element of statement.exportClause.elements) names.push(element.name.text);
    } else if (ts.isExportAssignment(statement)) {
      names.push('default');
    } else if (hasExportModifier(statement)) {
      if ((ts.isFunctionDeclaration(statement) || ts.isClassDeclaration(statement)) && statement.name) note(statement.name.text, statement);
      else if (ts.isVariableStatement(statement)) {
        for (const declaration of statement.declarationList.declarations) if (ts.isIdentifier(declaration.name)) note(declaration.name.text, statement);
      } else if ((ts.isInterfaceDeclaration(statement) || ts.isTypeAliasDeclaration(statement) || ts.isEnumDeclaration(statement)) && statement.name) {
        names.push(statement.name.text);
      }
    }
  }
  return { names, declarationStart };
}

function typescriptModule(name: string, code: string): SkillModule {
  const exportName = skillExportName(name);
  const errors = syntaxErrors(code);
  if (errors.length) throw new SkillCodeError(`the TypeScript code of skill "${name}" does not parse: ${errors.slice(0, 3).join('; ')}`);
  const { names } = typescriptExports(code, exportName);
  if (names.includes(exportName)) return { code, exportName, wrapped: false, givenLine: sameLine };
  if (names.length > 0) {
    throw new SkillCodeError(
      `a TypeScript skill must export a function named after the skill in camelCase: add \`export async function ${exportName}(...) { ... }\` to skill "${name}" (it exports ${names.join(', ')})`,
    );
  }
  // Line numbers of a wrapped TypeScript script are not reported against it (it parsed before wrapping).
  return { code: wrapTypescriptScript(code, exportName), exportName, wrapped: true, givenLine: () => undefined };
}

/**
 * A script (top-level statements, no exports) becomes `export async function <name>() { ...script... }` with its
 * imports kept at the top. Every line is indented one level, keeping its own indentation, except the lines that
 * continue a multi-line template literal (indenting those would change the string).
 */
function wrapTypescriptScript(code: string, exportName: string): string {
  const ts = typescript();
  const source = ts.createSourceFile('skill.ts', code, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const imports: string[] = [];
  const body: string[] = [];
  for (const statement of source.statements) {
    const text = code.slice(statement.getFullStart(), statement.getEnd()).replace(/^\s*\n/, '');
    (ts.isImportDeclaration(statement) || ts.isImportEqualsDeclaration(statement) ? imports : body).push(text);
  }
  const trailing = code.slice(source.statements.length ? source.statements[source.statements.length - 1].getEnd() : 0).trim();
  if (trailing) body.push(trailing);
  const bodyText = body.join('\n').replace(/^\n+|\s+$/g, '');
  const inTemplate = templateSpans(bodyText);
  let offset = 0;
  const indented = bodyText
    .split('\n')
    .map((line) => {
      const start = offset;
      offset += line.length + 1;
      if (line.trim() === '') return inTemplate(start) ? line : '';
      return inTemplate(start) ? line : `  ${line}`;
    })
    .join('\n');
  return [...imports.map((line) => line.trim()), ...(imports.length ? [''] : []), `export async function ${exportName}() {`, indented, '}', ''].join('\n');
}

/** A test for offsets of `code` that fall inside the text of a template literal (after its opening line). */
function templateSpans(code: string): (offset: number) => boolean {
  const ts = typescript();
  const spans: Array<[number, number]> = [];
  const source = ts.createSourceFile('body.ts', code, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const visit = (node: ts.Node) => {
    if (ts.isNoSubstitutionTemplateLiteral(node) || ts.isTemplateHead(node) || ts.isTemplateMiddle(node) || ts.isTemplateTail(node)) spans.push([node.getStart(source), node.getEnd()]);
    ts.forEachChild(node, visit);
  };
  visit(source);
  return (offset) => spans.some(([start, end]) => offset > start && offset < end);
}

const PY_DEF = (fn: string) => new RegExp(`^(?:async[ \\t]+)?def[ \\t]+${fn}[ \\t]*\\(`, 'm');

const sameLine = (line: number) => line;

function pythonModule(name: string, code: string): SkillModule {
  if (PY_DEF(name).test(code)) return { code, exportName: name, wrapped: false, givenLine: sameLine };
  const lines = code.replace(/\r\n?/g, '\n').replace(/\s+$/, '').split('\n');
  const isFuture = (line: string) => /^from __future__ import /.test(line);
  // 1-based numbers of the given lines, in the order the wrapped code holds them.
  const futureLines = lines.flatMap((line, i) => (isFuture(line) ? [i + 1] : []));
  const restLines = lines.flatMap((line, i) => (isFuture(line) ? [] : [i + 1]));
  const future = futureLines.map((n) => lines[n - 1]);
  const body = restLines.map((n) => (lines[n - 1].trim() === '' ? '' : `    ${lines[n - 1]}`));
  const wrapped = [...future, ...(future.length ? [''] : []), `async def ${name}():`, ...body, ''].join('\n');
  const bodyStart = future.length + (future.length ? 1 : 0) + 2;
  const givenLine = (savedLine: number) => (savedLine <= future.length ? futureLines[savedLine - 1] : savedLine >= bodyStart ? restLines[savedLine - bodyStart] : undefined);
  return { code: wrapped, exportName: name, wrapped: true, givenLine };
}

/** Where the body of `def <fn>(...):` starts when the signature fits on one line, for a docstring. */
export function pythonDefBodyLine(code: string, fn: string): { line: number; indent: string } | undefined {
  const lines = code.split('\n');
  for (let i = 0; i < lines.length; i++) {
    if (!PY_DEF(fn).test(lines[i]) || !/:\s*(#.*)?$/.test(lines[i])) continue;
    const next = lines.slice(i + 1).find((line) => line.trim() !== '');
    const indent = next ? (/^[ \t]*/.exec(next)?.[0] ?? '    ') : '    ';
    if (next && /^\s*[rRbBuU]?("""|''')/.test(next)) return undefined;
    return { line: i + 1, indent: indent || '    ' };
  }
  return undefined;
}
