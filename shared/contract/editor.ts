// The Console editor's language services in the contract: diagnostics while typing, completion (with the import an
// auto-imported function adds), hover and signature help. Served by the engine's EditorService over the run
// type-checker's LanguageService; offsets are UTF-16 indexes into the code sent with each request.
import { z } from 'zod';
import { TypeDiagnostic } from '../types';
import { method } from './define';

/** The code as the editor holds it now (TypeScript only: Python completion comes from the API tree). */
const CodeAt = z.object({ code: z.string().max(1_000_000), offset: z.number().int().min(0) });

export const TextEdit = z.object({ from: z.number().int(), to: z.number().int(), insert: z.string() });

export const EditorCompletion = z.object({
  label: z.string(),
  /** TypeScript's kind: property, method, function, const, keyword… */
  kind: z.string(),
  /** Text to insert when it differs from the label. */
  insert: z.string().optional(),
  /** Completing a member after `.`. */
  member: z.boolean().optional(),
  detail: z.string().optional(),
  /** The module an auto-imported name comes from, and the edits that import it. */
  source: z.string().optional(),
  imports: z.array(TextEdit).optional(),
});
export type EditorCompletion = z.infer<typeof EditorCompletion>;

export const EditorCompletions = z.object({ from: z.number().int(), options: z.array(EditorCompletion) });
export type EditorCompletions = z.infer<typeof EditorCompletions>;

export const EditorHover = z.object({ from: z.number().int(), to: z.number().int(), type: z.string(), documentation: z.string() });
export type EditorHover = z.infer<typeof EditorHover>;

export const EditorSignature = z.object({ label: z.string(), parameter: z.string().optional(), documentation: z.string(), overloads: z.number().int() });
export type EditorSignature = z.infer<typeof EditorSignature>;

export const editorMethods = {
  'editor.diagnostics': method(z.object({ code: z.string().max(1_000_000) }), z.object({ diagnostics: z.array(TypeDiagnostic) }), 'Type errors in TypeScript code as it is typed.'),
  'editor.complete': method(CodeAt, EditorCompletions, 'Type-aware completions at a position, with auto-imports of generated functions.'),
  'editor.describe': method(CodeAt.extend({ name: z.string() }), z.object({ detail: z.string(), documentation: z.string() }).nullable(), 'The type and documentation of one completion.'),
  'editor.hover': method(CodeAt, EditorHover.nullable(), 'The type and documentation of what is at a position.'),
  'editor.signature': method(CodeAt, EditorSignature.nullable(), 'The signature of the call a position is in.'),
};
