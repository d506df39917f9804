// A CodeMirror 6 editor for TypeScript or Python: highlighting, completion from the generated API, type errors
// as lint markers, and a read-only mode for showing code. Follows the system's light or dark theme.
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
import { apiCompletionSource, type ApiTreeServer } from './apiCompletions';

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
        autocompletion({ override: [apiCompletionSource(() => latest.current.apiTree ?? [], () => latest.current.language)] }),
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

  return <div className={`code-editor${props.readOnly ? ' read-only' : ''}`} ref={host} />;
}
