// A CodeMirror 6 editor for TypeScript or Python: highlighting, completion (type-aware from the engine for
// TypeScript, from the generated API tree for import paths and Python), hover and signature help, type errors as lint
// markers, jumping to a line, and a read-only mode for showing code. Follows the system's light or dark theme.
import { useEffect, useRef } from 'react';
import { autocompletion, closeBrackets, closeBracketsKeymap, completionKeymap } from '@codemirror/autocomplete';
import { defaultKeymap, history, historyKeymap, indentWithTab } from '@codemirror/commands';
import { javascript } from '@codemirror/lang-javascript';
import { python } from '@codemirror/lang-python';
import { bracketMatching, defaultHighlightStyle, indentOnInput, syntaxHighlighting } from '@codemirror/language';
import { lintGutter, setDiagnostics, type Diagnostic } from '@codemirror/lint';
import { Compartment, EditorState } from '@codemirror/state';
import { oneDark } from '@codemirror/theme-one-dark';
import { drawSelection, EditorView, highlightActiveLine, keymap, lineNumbers } from '@codemirror/view';
import type { CompletionContext } from '@codemirror/autocomplete';
import { EditorSelection } from '@codemirror/state';
import { apiCompletionSource, type ApiTreeServer } from './apiCompletions';
import { typeScriptCompletionSource, typeScriptHover, typeScriptSignatureHelp, type TypeScriptServices } from './typeScriptServices';

export interface LineDiagnostic {
  line: number;
  column: number;
  message: string;
}

export interface CodeEditorProps {
  value: string;
  language: string;
  label: string;
  readOnly?: boolean;
  onChange?: (value: string) => void;
  apiTree?: ApiTreeServer[];
  diagnostics?: LineDiagnostic[];
  /** Called on Ctrl/Cmd+Enter. */
  onSubmit?: () => void;
  /** The engine's language services, used while the language is TypeScript or JavaScript. */
  typeScript?: TypeScriptServices;
  /** Moves the cursor to this line (and column) and focuses the editor; a new `nonce` jumps again. */
  reveal?: { line: number; column?: number; nonce: number };
}

function languageExtension(language: string) {
  if (language === 'python') return python();
  return javascript({ typescript: language !== 'javascript' });
}

const prefersDark = () => window.matchMedia?.('(prefers-color-scheme: dark)').matches ?? false;

/** Converts 1-based line/column diagnostics into document offsets, clamped to the document. */
function toCodeMirrorDiagnostics(state: EditorState, diagnostics: LineDiagnostic[]): Diagnostic[] {
  return diagnostics.map((d) => {
    const line = state.doc.line(Math.min(Math.max(1, d.line), state.doc.lines));
    const from = Math.min(line.from + Math.max(0, d.column - 1), line.to);
    return { from, to: Math.max(from, line.to), severity: 'error', message: d.message };
  });
}

export function CodeEditor(props: CodeEditorProps) {
  const host = useRef<HTMLDivElement>(null);
  const view = useRef<EditorView | null>(null);
  const latest = useRef(props);
  latest.current = props;
  const languageSlot = useRef(new Compartment());
  const themeSlot = useRef(new Compartment());

  useEffect(() => {
    const typeScript = () => (latest.current.language === 'python' ? undefined : latest.current.typeScript);
    const fromTree = apiCompletionSource(() => latest.current.apiTree ?? [], () => latest.current.language);
    const fromEngine = typeScriptCompletionSource(typeScript);
    // With the engine: it completes code, the API tree completes import paths (inside strings) only.
    const complete = (context: CompletionContext) => (typeScript() ? (context.matchBefore(/['"][^'"]*$/) ? fromTree(context) : fromEngine(context)) : fromTree(context));
    const extensions = [
      lineNumbers(),
      drawSelection(),
      bracketMatching(),
      syntaxHighlighting(defaultHighlightStyle, { fallback: true }),
      languageSlot.current.of(languageExtension(props.language)),
      themeSlot.current.of(prefersDark() ? oneDark : []),
      EditorView.contentAttributes.of({ 'aria-label': props.label }),
      EditorView.lineWrapping,
    ];
    if (props.readOnly) {
      extensions.push(EditorState.readOnly.of(true), EditorView.editable.of(false));
    } else {
      extensions.push(
        history(),
        indentOnInput(),
        closeBrackets(),
        highlightActiveLine(),
        autocompletion({ override: [complete] }),
        typeScriptHover(typeScript),
        typeScriptSignatureHelp(typeScript),
        lintGutter(),
        keymap.of([
          { key: 'Mod-Enter', run: () => (latest.current.onSubmit?.(), true) },
          ...closeBracketsKeymap,
          ...completionKeymap,
          ...historyKeymap,
          ...defaultKeymap,
          indentWithTab,
        ]),
        EditorView.updateListener.of((update) => {
          if (update.docChanged) latest.current.onChange?.(update.state.doc.toString());
        }),
      );
    }
    const editor = new EditorView({ parent: host.current!, state: EditorState.create({ doc: props.value, extensions }) });
    view.current = editor;
    const media = window.matchMedia?.('(prefers-color-scheme: dark)');
    const onScheme = () => editor.dispatch({ effects: themeSlot.current.reconfigure(prefersDark() ? oneDark : []) });
    media?.addEventListener('change', onScheme);
    return () => {
      media?.removeEventListener('change', onScheme);
      editor.destroy();
      view.current = null;
    };
    // The editor is created once; value, language and diagnostics are pushed in by the effects below.
  }, [props.readOnly]);

  useEffect(() => {
    const editor = view.current;
    if (editor && editor.state.doc.toString() !== props.value) {
      editor.dispatch({ changes: { from: 0, to: editor.state.doc.length, insert: props.value } });
    }
  }, [props.value]);

  useEffect(() => {
    view.current?.dispatch({ effects: languageSlot.current.reconfigure(languageExtension(props.language)) });
  }, [props.language]);

  useEffect(() => {
    const editor = view.current;
    if (editor && !props.readOnly) editor.dispatch(setDiagnostics(editor.state, toCodeMirrorDiagnostics(editor.state, props.diagnostics ?? [])));
  }, [props.diagnostics, props.readOnly]);

  useEffect(() => {
    const editor = view.current;
    const target = props.reveal;
    if (!editor || !target) return;
    const line = editor.state.doc.line(Math.min(Math.max(1, target.line), editor.state.doc.lines));
    const at = Math.min(line.from + Math.max(0, (target.column ?? 1) - 1), line.to);
    editor.dispatch({ selection: EditorSelection.cursor(at), effects: EditorView.scrollIntoView(at, { y: 'center' }) });
    editor.focus();
  }, [props.reveal]);

  return <div className={`code-editor${props.readOnly ? ' read-only' : ''}`} ref={host} />;
}
