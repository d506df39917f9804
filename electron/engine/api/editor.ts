// Handlers for the Console editor's language services (shared/contract/editor.ts) over the engine's EditorService.
import type { Engine } from '../engine';
import { EditorService } from '../sandbox/editor-service';
import type { HandlerSlice } from './types';

export type EditorMethods = 'editor.diagnostics' | 'editor.complete' | 'editor.describe' | 'editor.hover' | 'editor.signature';

export function editorHandlers(engine: Engine): HandlerSlice<EditorMethods> {
  const editor = new EditorService(() => engine.runs.typeChecker());
  return {
    'editor.diagnostics': async ({ code }) => ({ diagnostics: editor.diagnostics(code) }),
    'editor.complete': async ({ code, offset }) => editor.complete(code, offset),
    'editor.describe': async ({ code, offset, name }) => editor.describe(code, offset, name),
    'editor.hover': async ({ code, offset }) => editor.hover(code, offset),
    'editor.signature': async ({ code, offset }) => editor.signature(code, offset),
  };
}
