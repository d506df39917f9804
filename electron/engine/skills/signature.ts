// What a skill takes and how to call it: its function's parameters read from the code (TypeScript through the
// compiler's parser, Python from the `def` line) as a JSON Schema for a form, and the few lines of code that import
// the skill, call it with the form's arguments and print what it returns.
import type ts from 'typescript';
import { InvalidInputError } from '../../../shared/errors';
import { typescript } from '../heavy-modules';
import type { Skill } from '../../../shared/types';
import { toSkillModule } from './module';

export interface SkillSignature {
  /** `object`: one object parameter whose members are the fields; `positional`: one field per parameter, in order. */
  mode: 'object' | 'positional' | 'keywords';
  /** The parameters as the function declares them (`input: { a: number }`, `a: int = 3`). */
  text: string;
  schema: { type: 'object'; properties: Record<string, Record<string, unknown>>; required: string[] };
  /** Field names in call order (positional mode). */
  order: string[];
}

function schemaOfTypeText(text: string | undefined): Record<string, unknown> {
  const t = (text ?? '').trim();
  if (t === 'number') return { type: 'number' };
  if (t === 'string') return { type: 'string' };
  if (t === 'boolean') return { type: 'boolean' };
  const literals = t.split('|').map((part) => part.trim());
  if (literals.length > 1 && literals.every((part) => /^(['"]).*\1$/.test(part))) return { type: 'string', enum: literals.map((part) => part.slice(1, -1)) };
  if (/\[\]$|^Array</.test(t)) return { type: 'array', description: t };
  return t ? { description: `JSON of type ${t}` } : { description: 'any JSON value' };
}

function typescriptSignature(code: string, exportName: string): SkillSignature {
  const ts = typescript();
  const source = ts.createSourceFile('skill.ts', code, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  let fn: ts.SignatureDeclaration | undefined;
  for (const statement of source.statements) {
    if (ts.isFunctionDeclaration(statement) && statement.name?.text === exportName) fn = statement;
    if (ts.isVariableStatement(statement)) {
      for (const decl of statement.declarationList.declarations) {
        if (ts.isIdentifier(decl.name) && decl.name.text === exportName && decl.initializer && (ts.isArrowFunction(decl.initializer) || ts.isFunctionExpression(decl.initializer))) fn = decl.initializer;
      }
    }
  }
  const params = fn?.parameters ?? ts.factory.createNodeArray<ts.ParameterDeclaration>();
  const text = params.map((p) => p.getText(source)).join(', ');
  const only = params.length === 1 ? params[0] : undefined;
  if (only?.type && ts.isTypeLiteralNode(only.type)) {
    const properties: SkillSignature['schema']['properties'] = {};
    const required: string[] = [];
    for (const member of only.type.members) {
      if (!ts.isPropertySignature(member) || !member.name) continue;
      const name = member.name.getText(source).replace(/^['"]|['"]$/g, '');
      properties[name] = schemaOfTypeText(member.type?.getText(source));
      if (!member.questionToken) required.push(name);
    }
    return { mode: 'object', text, schema: { type: 'object', properties, required }, order: Object.keys(properties) };
  }
  const properties: SkillSignature['schema']['properties'] = {};
  const required: string[] = [];
  for (const p of params) {
    const name = p.name.getText(source);
    properties[name] = schemaOfTypeText(p.type?.getText(source));
    if (!p.questionToken && !p.initializer) required.push(name);
  }
  return { mode: 'positional', text, schema: { type: 'object', properties, required }, order: Object.keys(properties) };
}

/** Splits `a: int, b: Dict[str, int] = {}` at the commas that are not inside brackets or strings. */
function splitParams(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quote: string | undefined;
  let current = '';
  for (const ch of text) {
    if (quote) {
      if (ch === quote) quote = undefined;
    } else if (ch === '"' || ch === "'") quote = ch;
    else if ('([{'.includes(ch)) depth++;
    else if (')]}'.includes(ch)) depth--;
    else if (ch === ',' && depth === 0) {
      parts.push(current.trim());
      current = '';
      continue;
    }
    current += ch;
  }
  if (current.trim()) parts.push(current.trim());
  return parts;
}

const PY_TYPES: Record<string, Record<string, unknown>> = { int: { type: 'integer' }, float: { type: 'number' }, str: { type: 'string' }, bool: { type: 'boolean' } };

function pythonSignature(code: string, fn: string): SkillSignature {
  const match = new RegExp(`^(?:async[ \\t]+)?def[ \\t]+${fn}[ \\t]*\\(([\\s\\S]*?)\\)[ \\t]*(?:->[^:]*)?:`, 'm').exec(code);
  const text = (match?.[1] ?? '').replace(/\s+/g, ' ').trim();
  const properties: SkillSignature['schema']['properties'] = {};
  const required: string[] = [];
  for (const param of splitParams(text)) {
    if (param === '*' || param === '/' || param.startsWith('*')) continue;
    const [, name, annotation, defaultText] = /^([A-Za-z_]\w*)\s*(?::\s*([^=]+?))?\s*(?:=\s*(.+))?$/.exec(param) ?? [];
    if (!name || name === 'self') continue;
    const type = annotation?.trim().replace(/^Optional\[(.*)\]$/, '$1');
    properties[name] = type && PY_TYPES[type] ? { ...PY_TYPES[type] } : { description: type ? `JSON of type ${type}` : 'any JSON value' };
    if (defaultText === undefined) required.push(name);
  }
  return { mode: 'keywords', text, schema: { type: 'object', properties, required }, order: Object.keys(properties) };
}

export function skillSignature(skill: Pick<Skill, 'name' | 'language' | 'code'>): SkillSignature & { exportName: string } {
  const module = toSkillModule(skill.name, skill.language, skill.code);
  const signature = skill.language === 'python' ? pythonSignature(module.code, module.exportName) : typescriptSignature(module.code, module.exportName);
  return { ...signature, exportName: module.exportName };
}

/** The code of a run that calls the skill with `args` (the form's values, by parameter name) and prints the result. */
export function skillCallCode(skill: Pick<Skill, 'name' | 'language' | 'code'>, args: Record<string, unknown>): string {
  const signature = skillSignature(skill);
  for (const name of signature.schema.required) if (!(name in args)) throw new InvalidInputError(`skill ${skill.name} needs the argument ${name}`);
  const unknown = Object.keys(args).filter((name) => !(name in signature.schema.properties));
  if (unknown.length) throw new InvalidInputError(`skill ${skill.name} takes no argument named ${unknown.join(', ')} (it takes ${signature.text || 'no arguments'})`);
  if (skill.language === 'python') {
    return [
      'import inspect',
      'import json',
      `from skills.${skill.name} import ${signature.exportName} as _skill`,
      '',
      `_result = _skill(**json.loads(${JSON.stringify(JSON.stringify(args))}))`,
      'if inspect.isawaitable(_result):',
      '    _result = await _result',
      'if _result is not None:',
      '    print(_result if isinstance(_result, str) else json.dumps(_result, indent=2, default=str))',
      '',
    ].join('\n');
  }
  let call: string;
  if (signature.mode === 'object') call = JSON.stringify(args);
  else {
    const values = signature.order.map((name) => (name in args ? JSON.stringify(args[name]) : 'undefined'));
    while (values.length && values[values.length - 1] === 'undefined') values.pop();
    call = values.join(', ');
  }
  return [
    `import { ${signature.exportName} } from './skills/${skill.name}';`,
    '',
    `const result = await ${signature.exportName}(${call});`,
    "if (result !== undefined) console.log(typeof result === 'string' ? result : JSON.stringify(result, null, 2));",
    '',
  ].join('\n');
}
